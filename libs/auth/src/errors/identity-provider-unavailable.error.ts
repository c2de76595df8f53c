import { AuthErrorCode, type AuthErrorCodeValue } from './auth-error-codes.js';
import { AuthError } from './auth.error.js';
import { withSolutions } from './potential-solutions.js';
import type { TokenAcquisitionErrorDetails, TokenAcquisitionFlow } from './token-acquisition.error.js';

/**
 * The identity provider could not be reached (DNS, TCP, TLS, timeout), answered `429` / `5xx`, or
 * sent an unusable answer, and the library has nothing last-known-good to fall back on. The HTTP
 * edge answers **503** with `Retry-After`, never 401 or 500: the caller's token may be perfectly valid.
 *
 * Raised by incoming token validation (metadata and JWKS: `NIW3020`, `NIW3021`) and by token
 * acquisition (metadata and token endpoint: `NIW4008`, with the request's context fields).
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
export class IdentityProviderUnavailableError extends AuthError {
  override readonly name = 'IdentityProviderUnavailableError';
  /** On-behalf-of or client credentials, when raised by token acquisition. */
  readonly flow: TokenAcquisitionFlow | undefined;
  /** The scopes that were requested, when raised by token acquisition. */
  readonly scopes: readonly string[];
  /** The tenant concerned, when known. */
  readonly tenantId: string | undefined;
  /** HTTP status of the identity provider's answer, when it answered. */
  readonly status: number | undefined;
  /** Correlation id of the token request, when raised by token acquisition. */
  readonly correlationId: string | undefined;

  /**
   * @param reason what failed, without secrets (e.g. `ECONNREFUSED`, `HTTP 503`)
   * @param retryAfterSeconds when the caller may try again (the identity provider's `Retry-After`, or a default)
   * @param options `code` (default `NIW3020`), token-request `details` and an ES2022 `cause`
   */
  constructor(
    readonly reason: string,
    readonly retryAfterSeconds: number = 5,
    options: { code?: AuthErrorCodeValue; details?: TokenAcquisitionErrorDetails; cause?: unknown } = {},
  ) {
    super(
      options.code ?? AuthErrorCode.IdentityProviderUnavailable,
      withSolutions(`The identity provider is unavailable: ${reason.replace(/\.$/, '')}.`, [
        `Retry after ${retryAfterSeconds} s.`,
        'Check network access to the instance host, proxies, its TLS trust (the trustedCa option or NODE_EXTRA_CA_CERTS), and the instance and tenantId options.',
      ]),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    const details = options.details ?? {};
    this.flow = details.flow;
    this.scopes = details.scopes ?? [];
    this.tenantId = details.tenantId;
    this.status = details.status;
    this.correlationId = details.correlationId;
  }
}
