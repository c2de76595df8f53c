import type { AuthErrorCodeValue } from './auth-error-codes.js';
import { AuthError } from './auth.error.js';
import { withSolutions } from './potential-solutions.js';

/**
 * The flow a token was requested for.
 *
 * @example
 * ```ts
 * const flow: TokenAcquisitionFlow = 'onBehalfOf';
 * ```
 */
export type TokenAcquisitionFlow = 'onBehalfOf' | 'clientCredentials';

/**
 * What is known about a failed token request. Never contains a token, an assertion or a secret.
 *
 * @example
 * ```ts
 * const details: TokenAcquisitionErrorDetails = { flow: 'clientCredentials', scopes: ['api://x/.default'] };
 * ```
 */
export interface TokenAcquisitionErrorDetails {
  /** On-behalf-of or client credentials. */
  readonly flow?: TokenAcquisitionFlow;
  /** The scopes that were requested. */
  readonly scopes?: readonly string[];
  /** The tenant the token was requested in. */
  readonly tenantId?: string;
  /** The numeric `AADSTSxxxxx` code of the identity provider's answer, e.g. `50076`. */
  readonly aadstsCode?: number;
  /** msal-node's `errorCode` (the OAuth `error`, e.g. `invalid_grant`, or a client-side code). */
  readonly msalErrorCode?: string;
  /** The OAuth `suberror`, e.g. `basic_action` or `consent_required`. */
  readonly subError?: string;
  /** Correlation id sent to `/token` (`client-request-id`); quote it to Microsoft support. */
  readonly correlationId?: string;
  /** HTTP status of the identity provider's answer, when known. */
  readonly status?: number;
}

/**
 * Base class of the errors `ITokenAcquisition` throws: a configuration, input or identity-provider
 * problem with a stable `code` and the context of the request.
 *
 * @example
 * ```ts
 * try {
 *   await tokens.getAccessTokenForApp('api://todolist-service/.default');
 * } catch (e) {
 *   if (e instanceof TokenAcquisitionError) {
 *     logger.warn({ code: e.code, aadsts: e.aadstsCode, correlationId: e.correlationId });
 *   }
 *   throw e;
 * }
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
export class TokenAcquisitionError extends AuthError {
  override readonly name: string = 'TokenAcquisitionError';
  /** On-behalf-of or client credentials. */
  readonly flow: TokenAcquisitionFlow | undefined;
  /** The scopes that were requested. */
  readonly scopes: readonly string[];
  /** The tenant the token was requested in. */
  readonly tenantId: string | undefined;
  /** `AADSTSxxxxx` number, when the identity provider answered with one. */
  readonly aadstsCode: number | undefined;
  /** msal-node `errorCode`. */
  readonly msalErrorCode: string | undefined;
  /** OAuth `suberror`. */
  readonly subError: string | undefined;
  /** Correlation id of the token request. */
  readonly correlationId: string | undefined;
  /** HTTP status of the identity provider's answer, when known. */
  readonly status: number | undefined;

  /**
   * @param code stable error code (`NIW4xxx`)
   * @param message what went wrong and how to fix it (no secrets)
   * @param details request context
   * @param options ES2022 `cause`
   */
  constructor(
    code: AuthErrorCodeValue,
    message: string,
    details: TokenAcquisitionErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.flow = details.flow;
    this.scopes = details.scopes ?? [];
    this.tenantId = details.tenantId;
    this.aadstsCode = details.aadstsCode;
    this.msalErrorCode = details.msalErrorCode;
    this.subError = details.subError;
    this.correlationId = details.correlationId;
    this.status = details.status;
  }

  /**
   * Builds the message from a problem statement and a list of fixes.
   *
   * @example
   * ```ts
   * throw TokenAcquisitionError.create(AuthErrorCode.InvalidScopes, 'No scope was requested.', [
   *   'Pass at least one scope, e.g. api://todolist-service/access_as_user.',
   * ]);
   * ```
   */
  static create(
    code: AuthErrorCodeValue,
    problem: string,
    solutions: readonly string[],
    details?: TokenAcquisitionErrorDetails,
    options?: { cause?: unknown },
  ): TokenAcquisitionError {
    return new TokenAcquisitionError(code, withSolutions(problem, solutions), details, options);
  }
}
