import type { INestApplicationContext } from '@nestjs/common';
import type { SecuritySchemeObject } from '@nestjs/swagger';
import { NORMALIZED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import type { NormalizedAuthOptions } from '../auth-options.normalize.js';
import type { AzureAdSettingsSource } from '../azure-ad-options.loader.js';
import { configurationReader } from '../configuration-key.util.js';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { AuthConfigurationError } from '../errors/auth.error.js';
import { isTenantIdentifier } from '../tenant-id.util.js';

/**
 * The default name of the Entra ID security scheme in the OpenAPI document.
 *
 * @example
 * ```ts
 * new DocumentBuilder().addOAuth2(entraOAuth2Scheme({ app }), ENTRA_SECURITY_SCHEME);
 * ```
 */
export const ENTRA_SECURITY_SCHEME = 'entra';

/**
 * Where {@link entraOAuth2Scheme} finds the identity provider and the API's app registration.
 * Each value is taken from, in order: this object, the running app's `AuthModule` options (`app`),
 * the `AzureAd__*` settings of `configuration` (default `process.env`).
 *
 * @example
 * ```ts
 * const options: EntraOpenApiOptions = { app, scopes: ['access_as_user'] };
 * ```
 */
export interface EntraOpenApiOptions {
  /** The Nest application whose `AuthModule` options supply instance, tenant and client ID. */
  readonly app?: INestApplicationContext;
  /** Cloud instance (`AzureAd__Instance`). @default 'https://login.microsoftonline.com/' */
  readonly instance?: string;
  /** Tenant ID, domain, `organizations` or `common` (`AzureAd__TenantId`). */
  readonly tenantId?: string;
  /** Application (client) ID of the API (`AzureAd__ClientId`); gives the default App ID URI. */
  readonly clientId?: string;
  /**
   * App ID URI of the API, the prefix of its scopes (`AzureAd__AppIdUri`).
   * @default `api://<clientId>`
   */
  readonly appIdUri?: string;
  /**
   * Scopes the sign-in may ask for: short names (`access_as_user`, prefixed with the App ID URI)
   * or full scope URIs, or a map from either to its description. Scopes named by the route
   * decorators are added by `createEntraOpenApiDocument`.
   */
  readonly scopes?: readonly string[] | Readonly<Record<string, string>>;
  /** Where `AzureAd__*` settings are read. @default process.env */
  readonly configuration?: AzureAdSettingsSource;
}

/** The identity provider and scope settings every OpenAPI helper shares. @internal */
export interface ResolvedOpenApiSettings {
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  readonly appIdUri: string;
  readonly scopes: Readonly<Record<string, string>>;
}

/** The running app's normalised `AuthModule` options, if it has an `AuthModule`. @internal */
export function authSettingsOf(app: INestApplicationContext | undefined): NormalizedAuthOptions | undefined {
  if (!app) return undefined;
  try {
    return app.get<NormalizedAuthOptions>(NORMALIZED_AUTH_OPTIONS, { strict: false });
  } catch {
    return undefined;
  }
}

function invalid(problem: string, solutions: readonly string[]): AuthConfigurationError {
  return AuthConfigurationError.create(AuthErrorCode.InvalidOpenApiOptions, problem, solutions);
}

/** Resolves instance, tenant, App ID URI and scopes. @internal */
export function resolveOpenApiSettings(options: EntraOpenApiOptions = {}): ResolvedOpenApiSettings {
  const module = authSettingsOf(options.app);
  const read = configurationReader(options.configuration ?? process.env);
  const text = (key: string): string | undefined => {
    const v = read(key);
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  const instance =
    options.instance ?? module?.instance ?? text('AzureAd__Instance') ?? 'https://login.microsoftonline.com/';
  const tenantId = options.tenantId ?? module?.tenantId ?? text('AzureAd__TenantId');
  const clientId = options.clientId ?? module?.clientId ?? text('AzureAd__ClientId');
  let base: URL;
  try {
    base = new URL(instance.endsWith('/') ? instance : `${instance}/`);
  } catch {
    throw invalid(`instance '${instance}' is not a URL.`, [
      'Set AzureAd__Instance, e.g. https://login.microsoftonline.com/.',
    ]);
  }
  if (base.protocol !== 'https:') {
    throw invalid(`instance '${instance}' must use https.`, ['Use the https URL of the cloud instance.']);
  }
  if (!isTenantIdentifier(tenantId)) {
    throw invalid('The tenant is missing or malformed, so the authorization and token URLs cannot be built.', [
      'Pass { app } (an application importing AuthModule), { tenantId }, or set AzureAd__TenantId.',
    ]);
  }
  const appIdUri = (options.appIdUri ?? text('AzureAd__AppIdUri') ?? (clientId ? `api://${clientId}` : '')).replace(
    /\/+$/,
    '',
  );
  if (!appIdUri) {
    throw invalid('Neither an App ID URI nor a client ID is known, so scope names cannot be built.', [
      'Pass { app }, { clientId } or { appIdUri }, or set AzureAd__ClientId (or AzureAd__AppIdUri).',
    ]);
  }
  const endpoint = (name: string) => new URL(`${encodeURIComponent(tenantId)}/oauth2/v2.0/${name}`, base).href;
  const scopes: Record<string, string> = {};
  const given = options.scopes ?? [];
  const entries: [string, string | undefined][] = Array.isArray(given)
    ? (given as readonly string[]).map((s) => [s, undefined])
    : Object.entries(given as Readonly<Record<string, string>>);
  for (const [name, description] of entries) {
    const full = scopeUri(name, appIdUri);
    scopes[full] = description ?? defaultScopeDescription(name);
  }
  return { authorizationUrl: endpoint('authorize'), tokenUrl: endpoint('token'), appIdUri, scopes };
}

/**
 * The scope as the identity provider knows it: a full URI stays, a short name (what `scp` holds)
 * gets the App ID URI in front.
 * @internal
 */
export function scopeUri(scope: string, appIdUri: string): string {
  const s = scope.trim();
  if (!s || /\s/.test(s)) {
    throw invalid(`'${scope}' is not a scope name.`, ['Name each scope alone, e.g. access_as_user.']);
  }
  return s.includes('://') || s.includes('/') ? s : `${appIdUri}/${s}`;
}

/** @internal */
export function defaultScopeDescription(scope: string): string {
  const short = scope.slice(scope.lastIndexOf('/') + 1);
  return `Delegated permission '${short}' (the token's scp claim)`;
}

/**
 * The Entra ID OAuth2 security scheme for `DocumentBuilder.addOAuth2`: the authorization code flow
 * (Swagger UI adds PKCE, see {@link entraSwaggerUiOptions}) against
 * `<instance><tenant>/oauth2/v2.0/authorize` and `…/token`, with the API's scopes as full URIs
 * (`api://<client-id>/access_as_user`). Works the same against Entra ID and the local emulator.
 *
 * @example
 * ```ts
 * const config = new DocumentBuilder()
 *   .setTitle('My API')
 *   .addOAuth2(entraOAuth2Scheme({ app, scopes: ['access_as_user'] }), ENTRA_SECURITY_SCHEME)
 *   .build();
 * ```
 * @throws AuthConfigurationError `NIW1018` when the tenant or client ID is unknown or malformed
 */
export function entraOAuth2Scheme(options: EntraOpenApiOptions = {}): SecuritySchemeObject {
  const settings = resolveOpenApiSettings(options);
  return {
    type: 'oauth2',
    description:
      'Microsoft Entra ID: authorization code flow with PKCE. Scopes are delegated permissions of the API (scp); app permissions (roles) are assigned, not requested, and are listed per operation under x-entra-app-permissions.',
    flows: {
      authorizationCode: {
        authorizationUrl: settings.authorizationUrl,
        tokenUrl: settings.tokenUrl,
        refreshUrl: settings.tokenUrl,
        scopes: { ...settings.scopes },
      },
    },
    // Read by some OpenAPI tools (Redoc, Scalar) to use PKCE by themselves.
    'x-usePkce': 'SHA-256',
  };
}
