import type { OperationObject, ResponseObject, SecurityRequirementObject } from '@nestjs/swagger';
import type { ResolvedRequirements } from '../authorization/requirement-resolver.js';
import { scopeUri } from './entra-oauth2-scheme.js';

/**
 * Operation extension: the delegated scopes as the guard checks them in `scp` (short names).
 *
 * @example
 * ```ts
 * document.paths['/api/todolist'].get[SCOPES_EXTENSION]; // ['access_as_user']
 * ```
 */
export const SCOPES_EXTENSION = 'x-entra-scopes';
/**
 * Operation extension: the app permissions (app roles) the guard checks in `roles`. They are
 * assigned to the user or application, not requested at sign-in, so they are not OAuth2 scopes.
 *
 * @example
 * ```ts
 * document.paths['/api/admin/tenants'].get[APP_PERMISSIONS_EXTENSION]; // ['Admin.All']
 * ```
 */
export const APP_PERMISSIONS_EXTENSION = 'x-entra-app-permissions';
/**
 * Operation extension: how the lists combine: `authenticated` (any valid token), `scopes`,
 * `app-permissions`, `scopes-and-app-permissions`, `scopes-or-app-permissions`, or `denied` (a
 * decorator resolved to nothing, so the guard refuses every caller).
 *
 * @example
 * ```ts
 * document.paths['/api/todolist'].get[REQUIREMENT_EXTENSION]; // 'scopes'
 * ```
 */
export const REQUIREMENT_EXTENSION = 'x-entra-requirement';

/** What the document says about one operation. @internal */
export interface OperationSecurity {
  /** `[]` for a public route. */
  readonly security: SecurityRequirementObject[];
  readonly responses: Readonly<Record<string, ResponseObject>>;
  readonly extensions: Readonly<Record<string, unknown>>;
  /** A sentence for the operation's description, if any. */
  readonly note?: string;
  /** The full scope URIs the operation names (for the scheme's scope list). */
  readonly scopeUris: readonly string[];
}

const challengeHeader = (example: string) => ({
  'WWW-Authenticate': {
    description: 'RFC 6750 bearer challenge.',
    schema: { type: 'string' as const },
    example,
  },
});

const UNAUTHORIZED: ResponseObject = {
  description:
    'No bearer token (challenge without an error), or the token was refused: expired, not yet valid, wrong audience, issuer or tenant, bad signature (error="invalid_token"). The body carries a NIW3xxx code.',
  headers: challengeHeader('Bearer error="invalid_token", error_description="The token is expired."'),
};

const FORBIDDEN: ResponseObject = {
  description:
    'The token is valid but holds none of the accepted scopes (scp) or app permissions (roles). The body carries a NIW2xxx code.',
  headers: challengeHeader('Bearer error="insufficient_scope", scope="access_as_user"'),
};

const UNAVAILABLE: ResponseObject = {
  description:
    'The identity provider is unreachable and the signing key of the token is not known yet: retry after the given delay.',
  headers: {
    'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
  },
};

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * Turns a route's requirements into OpenAPI terms. Accepted scopes are any-of, so each becomes its
 * own security requirement (the `security` list is an OR); app permissions are assigned to the
 * caller, not requested at sign-in, so they are not OAuth2 scopes: they appear in
 * `x-entra-app-permissions` and in the description, with a requirement on the scheme without scopes.
 * @internal
 */
export function operationSecurity(
  requirements: ResolvedRequirements,
  guarded: boolean,
  schemeName: string,
  appIdUri: string,
): OperationSecurity {
  const none = { security: [], responses: {}, extensions: {}, scopeUris: [] };
  if (requirements.isPublic) return none;
  const either = requirements.scopesOrAppPermissions;
  const decorated =
    requirements.scopes !== undefined || requirements.appPermissions !== undefined || either !== undefined;
  // Without AuthGuard and without a decorator the route is open: say so.
  if (!guarded && !decorated) return none;

  const scopes = requirements.scopes ?? either?.scopes ?? [];
  const appPermissions = requirements.appPermissions ?? either?.appPermissions ?? [];
  const scopeUris = scopes.map((s) => scopeUri(s, appIdUri));
  const security: SecurityRequirementObject[] = scopeUris.length
    ? scopeUris.map((uri) => ({ [schemeName]: [uri] }))
    : [{ [schemeName]: [] }];

  let requirement: string;
  let note: string;
  if (requirements.misconfigured !== undefined) {
    requirement = 'denied';
    note = `Denies every caller (403): ${requirements.misconfigured}`;
  } else if (!decorated) {
    requirement = 'authenticated';
    note = 'Any valid access token for this API.';
  } else if (either && requirements.scopes === undefined && requirements.appPermissions === undefined) {
    requirement = 'scopes-or-app-permissions';
    note = `One of the delegated scopes ${quoted(scopes)} (scp) or one of the app permissions ${quoted(appPermissions)} (roles).`;
  } else if (scopes.length && appPermissions.length) {
    requirement = 'scopes-and-app-permissions';
    note = `One of the delegated scopes ${quoted(scopes)} (scp) and one of the app permissions ${quoted(appPermissions)} (roles).`;
  } else if (appPermissions.length) {
    requirement = 'app-permissions';
    note = `One of the app permissions ${quoted(appPermissions)} (roles claim).`;
  } else {
    requirement = 'scopes';
    note = `One of the delegated scopes ${quoted(scopes)} (scp claim).`;
  }

  const extensions: Record<string, unknown> = { [REQUIREMENT_EXTENSION]: requirement };
  if (scopes.length) extensions[SCOPES_EXTENSION] = [...scopes];
  if (appPermissions.length) extensions[APP_PERMISSIONS_EXTENSION] = [...appPermissions];
  const responses: Record<string, ResponseObject> = { '401': UNAUTHORIZED, '503': UNAVAILABLE };
  if (decorated) responses['403'] = FORBIDDEN;
  return { security, responses, extensions, note: `Authorization (Microsoft Entra ID): ${note}`, scopeUris };
}

/** Applies {@link operationSecurity} to an operation of the document, keeping what the author wrote. @internal */
export function applyOperationSecurity(
  operation: OperationObject,
  secured: OperationSecurity,
  schemeName: string,
): void {
  const others = (operation.security ?? []).filter((r) => !(schemeName in r));
  // Public: no Entra requirement (an empty list overrides any top-level `security`); another
  // scheme the author documented (an API key checked by another guard) stays.
  operation.security = [...secured.security, ...others];
  const responses = (operation.responses ??= {});
  for (const [status, response] of Object.entries(secured.responses)) {
    if (!(status in responses)) responses[status] = structuredClone(response);
  }
  Object.assign(operation, secured.extensions);
  if (secured.note) {
    operation.description = operation.description ? `${operation.description}\n\n${secured.note}` : secured.note;
  }
}
