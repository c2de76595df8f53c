import { type INestApplication, Logger } from '@nestjs/common';
import type { MyApiConfig } from './config/my-api.config.js';

/** Where Swagger UI is served; the document is at `/docs-json`. */
export const DOCS_PATH = 'docs';

const isMissingModule = (error: unknown) =>
  error instanceof Error &&
  ['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND'].includes((error as NodeJS.ErrnoException).code ?? '');

/**
 * Serves my-api's OpenAPI document (`/docs-json`) and Swagger UI (`/docs`) when the optional
 * `@nestjs/swagger` is installed: each operation states the Entra ID scopes `AuthGuard` asks for,
 * and Swagger UI signs in with the authorization code flow and PKCE as `OpenApi__UiClientId` (a
 * public client whose redirect URI is `<my-api origin>/docs/oauth2-redirect.html`). Without the
 * package my-api starts as before, without the documentation.
 *
 * @returns whether the documentation is served
 */
export async function setupOpenApi(app: INestApplication, config: MyApiConfig): Promise<boolean> {
  let swagger: typeof import('@nestjs/swagger');
  let openapi: typeof import('nest-identity-web/openapi');
  try {
    // One after the other: the entry point needs @nestjs/swagger loaded.
    swagger = await import('@nestjs/swagger');
    openapi = await import('nest-identity-web/openapi');
  } catch (error) {
    if (!isMissingModule(error)) throw error;
    new Logger('OpenAPI').log('@nestjs/swagger is not installed: /docs is not served.');
    return false;
  }
  const { appIdUri, uiClientId } = config.openApi;
  const builder = new swagger.DocumentBuilder()
    .setTitle('my-api')
    .setDescription(
      'Middle-tier sample: calls todolist-service, Microsoft Graph and Azure Resource Manager on behalf of the user.',
    )
    .setVersion('1.0');
  const scheme = openapi.entraOAuth2Scheme({ app, appIdUri, scopes: ['access_as_user'] });
  const document = openapi.createEntraOpenApiDocument(app, builder.addOAuth2(scheme, 'entra').build(), { appIdUri });
  swagger.SwaggerModule.setup(DOCS_PATH, app, document, {
    ...(uiClientId ? { swaggerOptions: openapi.entraSwaggerUiOptions({ clientId: uiClientId, document }) } : {}),
  });
  return true;
}
