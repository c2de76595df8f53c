import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenValidationError } from '../errors/token-validation.error.js';

/**
 * The request fields the bearer token is read from: Express's `req` and Node's `IncomingMessage`
 * carry `headers` and `rawHeaders`; Fastify's request carries `headers` and the Node message as `raw`.
 * @internal
 */
export interface BearerTokenSource {
  headers?: Record<string, unknown>;
  rawHeaders?: unknown;
  raw?: unknown;
}

/**
 * Reads the bearer token of `Authorization: Bearer <token>` (scheme case-insensitive, RFC 6750
 * §2.1). Returns `undefined` when there is no bearer credential at all (401 without an error
 * code), `null` when the header uses the Bearer scheme but the credential is malformed, or when
 * the request carries more than one `Authorization` header (see {@link hasSeveralAuthorizationHeaders}).
 * Tokens in the query string or body are never read.
 * @internal
 */
export function extractBearerToken(request: BearerTokenSource): string | null | undefined {
  const header = request.headers?.authorization;
  if (Array.isArray(header)) return null;
  if (typeof header !== 'string' || header.length < 7) return undefined;
  if (header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = header.slice(7).trim();
  if (!token) return undefined;
  if (hasSeveralAuthorizationHeaders(request)) return null;
  return /^[A-Za-z0-9\-._~+/]+=*$/.test(token) ? token : null;
}

/**
 * Whether the request carries more than one `Authorization` header. Node keeps only the first one
 * in `headers.authorization` and drops the others, so a request must not be authenticated by that
 * first header alone: an intermediary may have read another one. The raw header list (Express's
 * `req.rawHeaders`, Fastify's `request.raw.rawHeaders`) still has them all; a request without one
 * (GraphQL, RPC, a test double) is judged by `headers` alone.
 * @internal
 */
export function hasSeveralAuthorizationHeaders(request: BearerTokenSource): boolean {
  const raw = Array.isArray(request.rawHeaders)
    ? (request.rawHeaders as unknown[])
    : (request.raw as { rawHeaders?: unknown } | undefined)?.rawHeaders;
  if (!Array.isArray(raw)) return false;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name: unknown = raw[i];
    if (typeof name === 'string' && name.length === 13 && name.toLowerCase() === 'authorization' && ++seen > 1) {
      return true;
    }
  }
  return false;
}

/**
 * The refusal for a request whose bearer credential {@link extractBearerToken} found malformed:
 * it names the repeated `Authorization` header when that is the reason.
 * @internal
 */
export function malformedCredentialError(request: BearerTokenSource): TokenValidationError {
  return Array.isArray(request.headers?.authorization) || hasSeveralAuthorizationHeaders(request)
    ? TokenValidationError.create(
        AuthErrorCode.MalformedToken,
        'The request carries more than one Authorization header.',
        'Send exactly one Authorization header (RFC 6750 §2); the request is refused, never judged by one of them.',
      )
    : TokenValidationError.create(AuthErrorCode.MalformedToken, 'The token is malformed.');
}
