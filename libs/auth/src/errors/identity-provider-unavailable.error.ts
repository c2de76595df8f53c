import { AuthErrorCode } from './auth-error-codes.js';
import { TokenAcquisitionError, type TokenAcquisitionErrorDetails, withSolutions } from './token-acquisition.error.js';

/**
 * The identity provider could not be reached (DNS, TCP, TLS, timeout) or answered `429` / `5xx`.
 * The module's exception filter answers it with `503 Service Unavailable` and `Retry-After`.
 *
 * @example
 * ```ts
 * try {
 *   await tokens.getAccessTokenForApp('api://todolist-service/.default');
 * } catch (e) {
 *   if (e instanceof IdentityProviderUnavailableError) {
 *     await sleep(e.retryAfterSeconds * 1000);
 *   }
 * }
 * ```
 */
export class IdentityProviderUnavailableError extends TokenAcquisitionError {
  override readonly name = 'IdentityProviderUnavailableError';

  /**
   * @param reason what failed, without secrets (e.g. `ECONNREFUSED`, `timed out after 10000 ms`, `HTTP 503`)
   * @param retryAfterSeconds when the caller may try again (from the identity provider's `Retry-After`, or a default)
   * @param details request context
   * @param options ES2022 `cause`
   */
  constructor(
    readonly reason: string,
    readonly retryAfterSeconds: number,
    details: TokenAcquisitionErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(
      AuthErrorCode.IdentityProviderUnavailable,
      withSolutions(`The identity provider is unavailable: ${reason}.`, [
        `Retry after ${retryAfterSeconds} s.`,
        'Check network access to the instance host, its TLS trust (the trustedCa option) and the identity provider status.',
      ]),
      details,
      options,
    );
  }
}
