// `nest-identity-web/openapi`: OpenAPI (Swagger) support. Needs the optional peer @nestjs/swagger;
// the main entry `nest-identity-web` never imports this file.
export { ENTRA_SECURITY_SCHEME, entraOAuth2Scheme, type EntraOpenApiOptions } from './entra-oauth2-scheme.js';
export { createEntraOpenApiDocument, type EntraOpenApiDocumentOptions } from './entra-openapi-document.js';
export { entraSwaggerUiOptions, type EntraSwaggerUiOptions } from './swagger-ui.js';
export { APP_PERMISSIONS_EXTENSION, REQUIREMENT_EXTENSION, SCOPES_EXTENSION } from './operation-security.js';
