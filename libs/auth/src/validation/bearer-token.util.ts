/**
 * Reads the bearer token of `Authorization: Bearer <token>` (scheme case-insensitive, RFC 6750
 * §2.1). Returns `undefined` when there is no bearer credential at all (401 without an error
 * code), `null` when the header uses the Bearer scheme but the credential is malformed.
 * Tokens in the query string or body are never read.
 * @internal
 */
export function extractBearerToken(request: { headers?: Record<string, unknown> }): string | null | undefined {
  const header = request.headers?.authorization;
  if (typeof header !== 'string' || header.length < 7) return undefined;
  if (header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = header.slice(7).trim();
  if (!token) return undefined;
  return /^[A-Za-z0-9\-._~+/]+=*$/.test(token) ? token : null;
}
