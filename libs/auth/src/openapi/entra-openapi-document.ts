import type { INestApplication } from '@nestjs/common';
import {
  DECORATORS,
  type OpenAPIObject,
  type OperationObject,
  type SwaggerDocumentOptions,
  SwaggerModule,
} from '@nestjs/swagger';
import {
  ENTRA_SECURITY_SCHEME,
  defaultScopeDescription,
  entraOAuth2Scheme,
  resolveOpenApiSettings,
  type EntraOpenApiOptions,
} from './entra-oauth2-scheme.js';
import { applyOperationSecurity, operationSecurity } from './operation-security.js';
import { collectRouteRequirements, type RouteRequirements } from './route-requirements.js';

/**
 * Options of {@link createEntraOpenApiDocument}: where the identity provider is (see
 * {@link EntraOpenApiOptions}; `app` is the document's app), plus the scheme's name and swagger's
 * own document options.
 *
 * @example
 * ```ts
 * const options: EntraOpenApiDocumentOptions = { schemeName: 'entra', swagger: { autoTagControllers: true } };
 * ```
 */
export interface EntraOpenApiDocumentOptions extends Omit<EntraOpenApiOptions, 'app'> {
  /** Name of the OAuth2 security scheme (added when the config lacks it). @default 'entra' */
  readonly schemeName?: string;
  /** Options passed to `SwaggerModule.createDocument`. */
  readonly swagger?: SwaggerDocumentOptions;
  /**
   * Every route is behind `AuthGuard` (a global guard the scan cannot see). By default a route is
   * guarded when `@UseGuards(AuthGuard)` (or a subclass) is on it or its controller, or an
   * `APP_GUARD` provider is `AuthGuard`.
   */
  readonly globalGuard?: boolean;
}

/** Operation extension naming the handler while swagger builds the document; removed afterwards. */
const ROUTE_MARK = 'x-nest-identity-web-route';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace', 'search', 'query'] as const;

/**
 * Marks each handler with an operation extension so the operations swagger builds can be matched
 * to their handler (swagger resolves paths, prefixes and versions itself), and returns the undo.
 */
function markHandlers(routes: readonly RouteRequirements[]): { byMark: Map<string, RouteRequirements>; undo(): void } {
  const byMark = new Map<string, RouteRequirements>();
  const restore: (() => void)[] = [];
  for (const route of routes) {
    const fn = route.handler;
    const existing = Reflect.getOwnMetadata(DECORATORS.API_EXTENSION, fn) as Record<string, unknown> | undefined;
    if (existing?.[ROUTE_MARK] !== undefined) continue; // a handler shared by two controllers: the first wins
    const mark = String(byMark.size);
    byMark.set(mark, route);
    Reflect.defineMetadata(DECORATORS.API_EXTENSION, { ...existing, [ROUTE_MARK]: mark }, fn);
    restore.push(() =>
      existing === undefined
        ? Reflect.deleteMetadata(DECORATORS.API_EXTENSION, fn)
        : Reflect.defineMetadata(DECORATORS.API_EXTENSION, existing, fn),
    );
  }
  return {
    byMark,
    undo: () => {
      for (const r of restore) r();
    },
  };
}

/**
 * Builds the app's OpenAPI document (`SwaggerModule.createDocument`) and states on each operation
 * what `AuthGuard` asks of its callers, read from `@RequiredScopes`, `@RequiredAppPermissions`,
 * `@RequiredScopesOrAppPermissions` and `@Public` exactly as the guard resolves them (method over
 * controller, `{ configKey }` read from the `AuthModule`'s configuration):
 *
 * - `security`: one requirement per accepted scope on the Entra scheme, as full scope URIs
 *   (`{ entra: ['api://<client-id>/access_as_user'] }`; the list is an OR, like the guard); a route
 *   with app permissions only, or only guarded, gets `{ entra: [] }`; a public or unguarded route
 *   gets `security: []`;
 * - `x-entra-scopes` (short names, as in `scp`), `x-entra-app-permissions` (`roles`, which are
 *   assigned, not requested at sign-in) and `x-entra-requirement`, plus a sentence in the description;
 * - responses 401 and 403 with their `WWW-Authenticate` header, and 503 with `Retry-After`, unless
 *   the operation already documents them.
 *
 * The Entra scheme is added to `components.securitySchemes` if `config` lacks it, and every scope
 * the routes name is added to its scope list.
 *
 * @example
 * ```ts
 * const config = new DocumentBuilder()
 *   .setTitle('My API')
 *   .addOAuth2(entraOAuth2Scheme({ app, scopes: ['access_as_user'] }), 'entra')
 *   .build();
 * const document = createEntraOpenApiDocument(app, config);
 * SwaggerModule.setup('docs', app, document, { swaggerOptions: entraSwaggerUiOptions({ clientId: spaClientId, document }) });
 * ```
 * @throws AuthConfigurationError `NIW1018` when the tenant or client ID is unknown or malformed
 */
export function createEntraOpenApiDocument(
  app: INestApplication,
  config: Omit<OpenAPIObject, 'paths'>,
  options: EntraOpenApiDocumentOptions = {},
): OpenAPIObject {
  const schemeName = options.schemeName ?? ENTRA_SECURITY_SCHEME;
  const settings = resolveOpenApiSettings({ ...options, app });
  const routes = collectRouteRequirements(app, options);
  const marks = markHandlers(routes);
  const byMark = marks.byMark;
  let document: OpenAPIObject;
  try {
    document = SwaggerModule.createDocument(app, config, options.swagger);
  } finally {
    marks.undo();
  }
  const scopeUris = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = (item as Record<string, OperationObject | undefined>)[method];
      const mark = operation?.[ROUTE_MARK as keyof OperationObject] as string | undefined;
      if (!operation || mark === undefined) continue;
      delete (operation as unknown as Record<string, unknown>)[ROUTE_MARK];
      const route = byMark.get(mark);
      if (!route) continue;
      const secured = operationSecurity(route.requirements, route.guarded, schemeName, settings.appIdUri);
      secured.scopeUris.forEach((s) => scopeUris.add(s));
      applyOperationSecurity(operation, secured, schemeName);
    }
  }
  addScheme(document, schemeName, options, app, scopeUris);
  return document;
}

function addScheme(
  document: OpenAPIObject,
  schemeName: string,
  options: EntraOpenApiDocumentOptions,
  app: INestApplication,
  scopeUris: ReadonlySet<string>,
): void {
  const components = (document.components ??= {});
  const schemes = (components.securitySchemes ??= {});
  const scheme = (schemes[schemeName] ??= entraOAuth2Scheme({ ...options, app }));
  if (!('type' in scheme) || scheme.type !== 'oauth2' || !scheme.flows) return;
  for (const flow of Object.values(scheme.flows)) {
    const scopes = (flow as { scopes?: Record<string, string> }).scopes;
    if (!scopes) continue;
    for (const uri of scopeUris) scopes[uri] ??= defaultScopeDescription(uri);
  }
}
