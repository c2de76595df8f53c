import { AuthErrorCode, type AuthErrorCodeValue } from './auth-error-codes.js';
import { AuthError } from './auth.error.js';

/**
 * The identity provider could not be reached (DNS, TCP, TLS, timeout, 5xx, unusable body) and the
 * library has nothing last-known-good to fall back on. The HTTP edge answers **503** with
 * `Retry-After`, never 401: the caller's token may be perfectly valid.
 *
 * Used by incoming token validation (metadata and JWKS) and by token acquisition.
 *
 * @example
 * ```ts
 * try {
 *   await validator.validate(token);
 * } catch (e) {
 *   if (e instanceof IdentityProviderUnavailableError) {
 *     res.status(503).setHeader('Retry-After', String(e.retryAfterSeconds));
 *   }
 * }
 * ```
 */
export class IdentityProviderUnavailableError extends AuthError {
  override readonly name = 'IdentityProviderUnavailableError';

  /**
   * @param message what failed and how to fix it (no secrets)
   * @param retryAfterSeconds suggested `Retry-After`
   * @param code `NIW3020` (unreachable) or `NIW3021` (unusable answer), or a token-acquisition code
   */
  constructor(
    message: string,
    readonly retryAfterSeconds: number = 5,
    code: AuthErrorCodeValue = AuthErrorCode.IdentityProviderUnavailable,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
