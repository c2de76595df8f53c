import type { AuthErrorCodeValue } from './auth-error-codes.js';
import { withSolutions } from './potential-solutions.js';
import { TokenAcquisitionError, type TokenAcquisitionErrorDetails } from './token-acquisition.error.js';

/**
 * A long-running on-behalf-of session cannot give a token: its key is unknown or belongs to another
 * application (`NIW4014`), it is older than its maximum age (`NIW4015`), the identity provider
 * rejected its refresh token (`NIW4016`: expired, revoked, password change, consent withdrawn), or it
 * could not be started (`NIW4017`). Except for `NIW4017`, the session is over: drop the job's key
 * and ask the user to come back. Never carries the session key or a token.
 *
 * @example
 * ```ts
 * try {
 *   await sessions.acquireToken(job.sessionKey);
 * } catch (e) {
 *   if (e instanceof LongRunningSessionError) {
 *     await jobs.markNeedsSignIn(job.id, e.code);
 *     return;
 *   }
 *   throw e;
 * }
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/refresh-tokens#token-revocation
 */
export class LongRunningSessionError extends TokenAcquisitionError {
  override readonly name: string = 'LongRunningSessionError';

  /**
   * Builds the message from a problem statement and a list of fixes.
   *
   * @example
   * ```ts
   * throw LongRunningSessionError.create(AuthErrorCode.LongRunningSessionNotFound, 'The session is unknown.', [
   *   'Start a new session from a request of the user.',
   * ]);
   * ```
   */
  static override create(
    code: AuthErrorCodeValue,
    problem: string,
    solutions: readonly string[],
    details?: TokenAcquisitionErrorDetails,
    options?: { cause?: unknown },
  ): LongRunningSessionError {
    return new LongRunningSessionError(code, withSolutions(problem, solutions), details, options);
  }
}
