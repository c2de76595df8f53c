import { ClaimTypes } from '../auth.constants.js';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenValidationError } from '../errors/token-validation.error.js';
import type { AuthPrincipal } from './auth-principal.interface.js';

/** A decoded JWT payload. @internal */
export type JwtClaims = Readonly<Record<string, unknown>>;

/**
 * Values of the given claims, each split on a single space (Microsoft.Identity.Web splits on `' '`
 * and compares ordinally). Empty fragments are dropped; order is kept, duplicates removed.
 * @internal
 */
export function readSpaceSeparated(claims: JwtClaims, ...names: string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const value = claims[name];
    const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
    for (const v of values) {
      if (typeof v !== 'string') continue;
      for (const part of v.split(' ')) if (part && !out.includes(part)) out.push(part);
    }
  }
  return out;
}

/** Delegated scopes: `scp` ∪ the long-form scope claim. @internal */
export function readScopes(claims: JwtClaims): string[] {
  return readSpaceSeparated(claims, ClaimTypes.Scp, ClaimTypes.Scope);
}

/** App roles / permissions: `roles` ∪ the long-form role claim. @internal */
export function readRoles(claims: JwtClaims): string[] {
  return readSpaceSeparated(claims, ClaimTypes.Roles, ClaimTypes.Role);
}

/**
 * The tenant ID of a token: `tid`, then the long-form tenant claim, then the issuer's single path
 * segment (`https://sts.windows.net/{tid}/`, `https://login.microsoftonline.com/{tid}/v2.0`), as
 * `AadIssuerValidator` does.
 * @internal
 */
export function readTenantId(claims: JwtClaims): string | undefined {
  for (const name of [ClaimTypes.Tid, ClaimTypes.TenantId]) {
    const v = claims[name];
    if (typeof v === 'string' && v) return v;
  }
  return typeof claims.iss === 'string' ? tenantIdFromIssuer(claims.iss) : undefined;
}

/**
 * The tenant ID used to validate a token of version `version`. A v2.0 access token from Microsoft
 * Entra ID always carries `tid`, so one without it is refused (both strategies alike) rather than
 * trusted on a tenant read from its issuer; v1.0 tokens keep `AadIssuerValidator`'s fallbacks
 * ({@link readTenantId}).
 *
 * @throws TokenValidationError NIW3010 for a v2.0 token without a `tid` string
 * @internal
 */
export function tenantIdOf(claims: JwtClaims, version: '1.0' | '2.0'): string | undefined {
  if (version === '1.0') return readTenantId(claims);
  const tid = claims[ClaimTypes.Tid];
  if (typeof tid === 'string' && tid) return tid;
  throw TokenValidationError.create(
    AuthErrorCode.MissingTenantId,
    'The token has no tenant ID (tid).',
    'Microsoft Entra ID v2.0 access tokens always carry tid; this token was not issued by Microsoft Entra ID.',
  );
}

/** The `{tid}` of an issuer whose path has exactly one tenant segment (and optionally `v2.0`). @internal */
export function tenantIdFromIssuer(issuer: string): string | undefined {
  let path: string;
  try {
    path = new URL(issuer).pathname;
  } catch {
    return undefined;
  }
  const segments = path.split('/');
  return segments.length === 3 && segments[1] ? segments[1] : undefined;
}

function str(claims: JwtClaims, name: string): string | undefined {
  const v = claims[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Builds the immutable principal from validated claims. The raw token is never part of it.
 * `scheme` is the scheme whose registration validated the claims.
 * @internal
 */
export function createPrincipal(claims: JwtClaims, scheme?: string): AuthPrincipal {
  const scopes = Object.freeze(readScopes(claims));
  const roles = Object.freeze(readRoles(claims));
  const oid = str(claims, 'oid');
  const sub = str(claims, 'sub');
  const version = claims.ver === '1.0' ? '1.0' : '2.0';
  return Object.freeze({
    oid,
    tid: readTenantId(claims),
    sub,
    name: str(claims, 'name'),
    preferredUsername: str(claims, 'preferred_username') ?? str(claims, 'upn') ?? str(claims, 'unique_name'),
    scopes,
    roles,
    // `idtyp` is the documented signal; without it, an app token has no `scp` and `sub === oid`.
    isAppOnly: claims.idtyp === 'app' || (scopes.length === 0 && sub !== undefined && sub === oid),
    clientId: str(claims, 'azp') ?? str(claims, 'appid'),
    version,
    scheme,
    claims: Object.freeze({ ...claims }),
  } satisfies AuthPrincipal);
}
