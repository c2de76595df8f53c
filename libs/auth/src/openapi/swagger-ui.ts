import type { OpenAPIObject, SwaggerCustomOptions } from '@nestjs/swagger';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { AuthConfigurationError } from '../errors/auth.error.js';
import { ENTRA_SECURITY_SCHEME } from './entra-oauth2-scheme.js';

/**
 * Options of {@link entraSwaggerUiOptions}.
 *
 * @example
 * ```ts
 * const options: EntraSwaggerUiOptions = { clientId: process.env.SWAGGER_UI_CLIENT_ID!, document };
 * ```
 */
export interface EntraSwaggerUiOptions {
  /**
   * Client ID of the app registration Swagger UI signs in as: a single-page application (public
   * client, no secret) whose redirect URI is `<api origin>/<docs path>/oauth2-redirect.html`.
   * Not the API's own client ID unless that registration has the SPA redirect URI.
   */
  readonly clientId: string;
  /** Scopes preselected at sign-in (full URIs). Default: every scope of the Entra scheme in `document`. */
  readonly scopes?: readonly string[];
  /** The document, to preselect its scopes. */
  readonly document?: OpenAPIObject;
  /** Name of the security scheme. @default 'entra' */
  readonly schemeName?: string;
}

/**
 * `swaggerOptions` for `SwaggerModule.setup` so Swagger UI's "Authorize" button signs in with the
 * authorization code flow and PKCE (no client secret in the browser) as the given public client,
 * asking for the API's scopes.
 *
 * @example
 * ```ts
 * SwaggerModule.setup('docs', app, document, {
 *   swaggerOptions: entraSwaggerUiOptions({ clientId: process.env.SWAGGER_UI_CLIENT_ID!, document }),
 * });
 * ```
 * @throws AuthConfigurationError `NIW1018` when `clientId` is empty
 */
export function entraSwaggerUiOptions(
  options: EntraSwaggerUiOptions,
): NonNullable<SwaggerCustomOptions['swaggerOptions']> {
  if (typeof options.clientId !== 'string' || !options.clientId.trim()) {
    throw AuthConfigurationError.create(
      AuthErrorCode.InvalidOpenApiOptions,
      'Swagger UI needs a client ID to sign in.',
      [
        'Register a single-page application (public client) with the redirect URI <api origin>/<docs path>/oauth2-redirect.html and pass its client ID.',
      ],
    );
  }
  const scheme = options.document?.components?.securitySchemes?.[options.schemeName ?? ENTRA_SECURITY_SCHEME];
  const fromDocument = scheme && 'flows' in scheme ? Object.keys(scheme.flows?.authorizationCode?.scopes ?? {}) : [];
  return {
    initOAuth: {
      clientId: options.clientId.trim(),
      usePkceWithAuthorizationCodeGrant: true,
      scopes: [...(options.scopes ?? fromDocument)],
    },
    // A token lives in the page only; reloading asks again.
    persistAuthorization: false,
  };
}
