import type { AuthErrorCodeValue } from './auth-error-codes.js';
import { withSolutions } from './potential-solutions.js';

/**
 * Base class of every error nest-identity-web throws on purpose.
 *
 * The message always says what went wrong and how to fix it; it never contains a token, an
 * assertion, a secret or a private key. `code` is stable (see {@link AuthErrorCode}); match on it,
 * not on the message.
 *
 * @example
 * ```ts
 * import { AuthError } from 'nest-identity-web';
 *
 * app.useGlobalFilters({
 *   catch(e: unknown) {
 *     if (e instanceof AuthError) logger.error(`${e.code}: ${e.message}`);
 *   },
 * });
 * ```
 */
export class AuthError extends Error {
  override readonly name: string = 'AuthError';

  /**
   * @param code stable error code, e.g. `NIW1001`
   * @param message what went wrong and how to fix it (no secrets)
   * @param options ES2022 `cause`
   */
  constructor(
    readonly code: AuthErrorCodeValue,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

/**
 * Thrown at bootstrap when `AuthModule` options are invalid. The application does not start.
 *
 * @example
 * ```ts
 * // AuthModule.forRoot({ clientId: '' }) throws:
 * // AuthConfigurationError: NIW1001: clientId is required. Potential solutions: ...
 * ```
 */
export class AuthConfigurationError extends AuthError {
  override readonly name = 'AuthConfigurationError';

  /**
   * Builds the message from a problem statement and a list of fixes.
   *
   * @example
   * ```ts
   * throw AuthConfigurationError.create(AuthErrorCode.MissingClientId, 'clientId is required.', [
   *   'Set AzureAd__ClientId to the application (client) ID of your app registration.',
   * ]);
   * ```
   */
  static create(
    code: AuthErrorCodeValue,
    problem: string,
    solutions: readonly string[],
    options?: { cause?: unknown },
  ): AuthConfigurationError {
    return new AuthConfigurationError(code, withSolutions(problem, solutions), options);
  }
}
