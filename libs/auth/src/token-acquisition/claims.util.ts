import { createPrincipal } from '../principal/entra-claims.util.js';

/**
 * Tenant and app-only flag from an assertion passed explicitly, by the same rules as a validated
 * principal. Its signature is not checked here: the identity provider checks it; we only route
 * and fail early on app tokens.
 * @internal
 */
export function principalFromAssertion(assertion: string): { tid: string | undefined; isAppOnly: boolean } {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return { tid: undefined, isAppOnly: false };
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) return { tid: undefined, isAppOnly: false };
  return createPrincipal(claims as Record<string, unknown>);
}

/** A claims request given as JSON or base64 (as in a `WWW-Authenticate` challenge) → JSON. @internal */
export function normalizeClaims(claims: string): string {
  const trimmed = claims.trim();
  if (trimmed.startsWith('{')) return trimmed;
  const decoded = Buffer.from(trimmed, 'base64').toString('utf8');
  return decoded.trim().startsWith('{') ? decoded.trim() : trimmed;
}
