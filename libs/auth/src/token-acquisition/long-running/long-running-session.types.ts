import type { TokenAcquisitionResult, UserTokenOptions } from '../token-acquisition.types.js';

/**
 * Options of `LongRunningSessions.start`: the caller, as for `getAccessTokenForUser`.
 *
 * @example
 * ```ts
 * await sessions.start(['api://todolist-service/access_as_user'], { correlationId: randomUUID() });
 * ```
 */
export type StartLongRunningSessionOptions = Pick<UserTokenOptions, 'assertion' | 'user' | 'correlationId'>;

/**
 * Options of `LongRunningSessions.acquireToken`.
 *
 * @example
 * ```ts
 * await sessions.acquireToken(job.sessionKey, { correlationId: job.id });
 * ```
 */
export interface LongRunningTokenOptions {
  /** Redeem the refresh token even when a cached access token is still valid. */
  readonly forceRefresh?: boolean;
  /** Correlation id sent to `/token`; generated when absent. */
  readonly correlationId?: string;
}

/**
 * What `LongRunningSessions.start` returns: the session key (a bearer capability: store it
 * with the job, never log it) and the first token.
 *
 * @example
 * ```ts
 * const { sessionKey, result } = await sessions.start(['api://todolist-service/access_as_user']);
 * await queue.add('export', { sessionKey });
 * ```
 */
export interface LongRunningSessionStart {
  /** `lrs_` + 256 random bits, base64url. Anyone holding it can get this user's tokens for these scopes. */
  readonly sessionKey: string;
  /** The token of the on-behalf-of exchange that started the session. */
  readonly result: TokenAcquisitionResult;
}
