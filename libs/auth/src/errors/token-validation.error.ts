import type { AuthErrorCodeValue } from './auth-error-codes.js';
import { AuthError } from './auth.error.js';

/**
 * An incoming bearer token was refused. The HTTP edge answers **401** with
 * `WWW-Authenticate: Bearer error="invalid_token", error_description="<description>"` (RFC 6750 §3).
 *
 * `description` is safe to send to the caller: it names the failed rule (audience, issuer, expiry…)
 * and never contains the token, a claim value that could be a secret, or a key.
 *
 * @example
 * ```ts
 * try {
 *   await validator.validate(token);
 * } catch (e) {
 *   if (e instanceof TokenValidationError && e.code === AuthErrorCode.TokenExpired) {
 *     // ask the client to get a new token
 *   }
 * }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export class TokenValidationError extends AuthError {
  override readonly name = 'TokenValidationError';

  /**
   * @param code stable error code (NIW30xx)
   * @param description short, caller-safe reason, sent as `error_description`
   * @param hint what the operator or client should do (logged, not sent)
   */
  constructor(
    code: AuthErrorCodeValue,
    readonly description: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(code, hint ? `${description} ${hint}` : description, options);
  }

  /**
   * Builds the error from a caller-safe description and an operator hint.
   *
   * @example
   * ```ts
   * throw TokenValidationError.create(AuthErrorCode.InvalidAudience, 'The audience is invalid.',
   *   "Request a token for this API's scope, or add the App ID URI to 'audiences'.");
   * ```
   */
  static create(
    code: AuthErrorCodeValue,
    description: string,
    hint?: string,
    options?: { cause?: unknown },
  ): TokenValidationError {
    return new TokenValidationError(code, description, hint, options);
  }
}
