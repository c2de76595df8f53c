import type { AuthErrorCodeValue } from './auth-error-codes.js';
import { AuthError } from './auth.error.js';
import { withSolutions } from './potential-solutions.js';

/**
 * What is known about a failed downstream call. Never contains a token, a secret or the query
 * string (it may carry signatures or keys); body excerpts have anything JWT-looking removed.
 *
 * @example
 * ```ts
 * const details: DownstreamApiErrorDetails = { apiName: 'TodoList', method: 'GET', path: '/api/todolist', status: 500 };
 * ```
 */
export interface DownstreamApiErrorDetails {
  /** The configured name of the downstream API, e.g. `TodoList`. */
  readonly apiName: string;
  /** HTTP method of the call. */
  readonly method?: string;
  /** Path of the call (base URL path + relative path), without the query string. */
  readonly path?: string;
  /** HTTP status of the downstream answer, when it answered. */
  readonly status?: number;
  /** Seconds after which the downstream API asked to be called again (`Retry-After` of a 503 or 429). */
  readonly retryAfterSeconds?: number;
  /** The first characters of the downstream answer's body, JWT-looking values replaced by `[redacted]`. */
  readonly bodyExcerpt?: string;
  /**
   * The downstream answer's body: parsed JSON when it is JSON, else text, at most 16 KiB, with
   * JWT-looking values replaced by `[redacted]`. For applications that choose to pass a downstream
   * 4xx through to their own caller; the library never logs it.
   */
  readonly responseBody?: unknown;
  /** The timeout that elapsed, in ms (`NIW6003`). */
  readonly timeoutMs?: number;
}

/**
 * A call through `DownstreamApi` failed: the downstream API refused (`NIW6002`), did not answer in
 * time (`NIW6003`), could not be reached (`NIW6004`), answered something unusable (`NIW6005`), kept
 * challenging an app call for claims (`NIW6006`); or the call itself was invalid (`NIW6001`,
 * `NIW6007`). The module's exception filter answers:
 *
 * | Code | Status |
 * | --- | --- |
 * | `NIW6002` with `503`/`429` and `Retry-After` | `503` + `Retry-After` |
 * | `NIW6002`, `NIW6004`, `NIW6005`, `NIW6006` | `502` |
 * | `NIW6003` | `504` |
 * | `NIW6001`, `NIW6007` | `500` (the message is logged) |
 *
 * A downstream claims challenge on a call for a user is not this error: it becomes a
 * `ClaimsChallengeError` (401 with `WWW-Authenticate`), so the client can re-authenticate.
 *
 * @example
 * ```ts
 * try {
 *   await downstream.getForUser('TodoList', { relativePath: 'api/todolist/42' });
 * } catch (e) {
 *   if (e instanceof DownstreamApiError && e.status === 404) throw new NotFoundException(e.responseBody);
 *   throw e;
 * }
 * ```
 */
export class DownstreamApiError extends AuthError {
  override readonly name = 'DownstreamApiError';
  /** The configured name of the downstream API. */
  readonly apiName: string;
  /** HTTP method of the call. */
  readonly method: string | undefined;
  /** Path of the call, without the query string. */
  readonly path: string | undefined;
  /** HTTP status of the downstream answer, when it answered. */
  readonly status: number | undefined;
  /** `Retry-After` of a downstream 503 or 429, in seconds. */
  readonly retryAfterSeconds: number | undefined;
  /** The first characters of the answer's body, JWT-looking values redacted. */
  readonly bodyExcerpt: string | undefined;
  /** The answer's body (JSON or text, bounded, JWT-looking values redacted). */
  readonly responseBody: unknown;
  /** The timeout that elapsed, in ms. */
  readonly timeoutMs: number | undefined;

  /**
   * @param code stable error code (`NIW6xxx`)
   * @param message what went wrong and how to fix it (no secrets)
   * @param details the call and the downstream answer
   * @param options ES2022 `cause`
   */
  constructor(
    code: AuthErrorCodeValue,
    message: string,
    details: DownstreamApiErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.apiName = details.apiName;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.bodyExcerpt = details.bodyExcerpt;
    this.responseBody = details.responseBody;
    this.timeoutMs = details.timeoutMs;
  }

  /**
   * Builds the message from a problem statement and a list of fixes.
   *
   * @example
   * ```ts
   * throw DownstreamApiError.create(AuthErrorCode.UnknownDownstreamApi, "No downstream API is named 'Todo'.", [
   *   'Configure it under downstreamApis or DownstreamApis__Todo__BaseUrl.',
   * ], { apiName: 'Todo' });
   * ```
   */
  static create(
    code: AuthErrorCodeValue,
    problem: string,
    solutions: readonly string[],
    details: DownstreamApiErrorDetails,
    options?: { cause?: unknown },
  ): DownstreamApiError {
    return new DownstreamApiError(code, withSolutions(problem, solutions), details, options);
  }
}
