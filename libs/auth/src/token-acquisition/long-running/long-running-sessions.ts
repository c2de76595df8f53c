import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuthenticationResult } from '@azure/msal-node';
import {
  MSAL_TOKEN_REQUESTER,
  NORMALIZED_AUTH_OPTIONS,
  TOKEN_CACHE,
  TOKEN_CACHE_L2,
} from '../../auth.internal-constants.js';
import type { NormalizedAuthOptions } from '../../auth-options.normalize.js';
import { TokenAcquisitionError } from '../../errors/token-acquisition.error.js';
import { findCaller } from '../../request-context/caller.js';
import { checkCallerScheme } from '../caller-scheme.check.js';
import type { DistributedTokenCache } from '../../token-cache/distributed-token-cache.js';
import type { TokenCache, TokenCacheAnswer } from '../../token-cache/token-cache.js';
import type { MsalTokenRequest, MsalTokenRequester } from '../msal-token.requester.js';
import { ScopeSetRegistry } from '../scope-set.registry.js';
import { type AcquiredToken, toAcquisitionResult } from '../token-acquisition-result.js';
import { TokenAcquisitionStatistics } from '../token-acquisition-statistics.js';
import type { TokenAcquisitionResult } from '../token-acquisition.types.js';
import { toCachedToken } from '../token-lifetime.util.js';
import {
  answeredForAnotherUser,
  appOnlyCaller,
  noCallerToStart,
  noRefreshToken,
  notBindable,
  isRejection,
  notFound,
  refreshTokenRejected,
  sessionExpired,
  userOf,
} from './long-running-session.rejections.js';
import type {
  LongRunningSessionStart,
  LongRunningTokenOptions,
  StartLongRunningSessionOptions,
} from './long-running-session.types.js';
import {
  hashSessionKey,
  InProcessSessionStore,
  LongRunningSessionStore,
  type LongRunningSessionRecord,
  newSessionKey,
} from './long-running-session.store.js';
import { checkOnBehalfOfSupported } from '../tenant-resolution.util.js';

/**
 * Long-running on-behalf-of sessions (Microsoft.Identity.Web's `LongRunningWebApiSessionKey`, MSAL.NET's
 * `InitiateLongRunningProcessInWebApi` / `AcquireTokenInLongRunningProcess`): a background job keeps
 * calling a downstream API as the signed-in user after the request has ended and the incoming token
 * has expired, without application permissions.
 *
 * {@link start} runs inside a guarded request: one on-behalf-of exchange (msal-node asks for
 * `offline_access`, so Entra returns a refresh token) stores a session record and returns its key.
 * {@link acquireToken} needs only the key, in any process sharing the token cache store: it serves the
 * cached access token, or redeems the session's refresh token (`grant_type=refresh_token`) near
 * expiry, once per key however many callers wait. Sessions end with {@link end}, after
 * `longRunningSessions.maxAgeSeconds`, or when Entra rejects the refresh token.
 *
 * The store keeps `SHA-256(key)`, never the key; a record is bound to this app's client id, the
 * user's `oid`/`tid`, the tenant and the scopes.
 *
 * @example
 * ```ts
 * // in a guarded controller: start, and queue the key with the job
 * const { sessionKey } = await this.sessions.start(['api://todolist-service/access_as_user']);
 * await this.queue.add({ sessionKey });
 *
 * // later, in a queue consumer (no request, incoming token long expired):
 * const token = await sessions.getAccessToken(job.sessionKey);
 * ```
 * @see https://learn.microsoft.com/entra/msal/dotnet/acquiring-tokens/web-apps-apis/on-behalf-of-flow#long-running-obo-processes
 */
@Injectable()
export class LongRunningSessions {
  private readonly logger = new Logger('TokenAcquisition');
  private readonly scopeSets = new ScopeSetRegistry();
  private readonly intern = (scopes: readonly string[]) => this.scopeSets.intern(scopes);
  private readonly records: LongRunningSessionStore;
  private readonly settings: NormalizedAuthOptions['acquisition'];
  private readonly maxAgeMs: number;

  constructor(
    @Inject(NORMALIZED_AUTH_OPTIONS) options: NormalizedAuthOptions,
    @Inject(TOKEN_CACHE) private readonly cache: TokenCache,
    @Inject(MSAL_TOKEN_REQUESTER) private readonly msal: MsalTokenRequester,
    private readonly stats: TokenAcquisitionStatistics,
    @Inject(TOKEN_CACHE_L2) l2: DistributedTokenCache | null,
  ) {
    this.settings = options.acquisition;
    this.maxAgeMs = options.longRunningSessions.maxAgeMs;
    const now = this.settings.cache.now;
    this.records = new LongRunningSessionStore(
      // The token cache's L2 (Redis or the user's store, encrypted like tokens) so that any replica
      // or worker can resume; in process otherwise.
      l2?.recordStore() ?? new InProcessSessionStore(now),
      this.settings.cacheNamespace,
      now,
    );
  }

  /**
   * Starts a session for the caller of the current request (or `options.assertion`): one
   * on-behalf-of exchange that returns a refresh token, stored under a new key.
   *
   * @example
   * ```ts
   * const { sessionKey, result } = await sessions.start(['api://todolist-service/access_as_user']);
   * ```
   * @throws TokenAcquisitionError NIW4001 outside a request without `options.assertion`; NIW4002 for an app-only caller; NIW4010 for bad scopes
   * @throws LongRunningSessionError NIW4017 when no refresh token came back; NIW4018 when the store fails
   * @throws ClaimsChallengeError, IdentityProviderUnavailableError as `getAccessTokenForUser`
   * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow
   */
  async start(
    scopes: readonly string[],
    options: StartLongRunningSessionOptions = {},
  ): Promise<LongRunningSessionStart> {
    const started = performance.now();
    try {
      checkOnBehalfOfSupported(this.settings.authorityKind);
      const found = findCaller(options);
      if (found.problem !== undefined) {
        throw noCallerToStart(found.problem);
      }
      const caller = found.caller;
      checkCallerScheme(caller, this.settings.scheme);
      const scopeSet = this.scopeSets.userScopes(scopes);
      const user = userOf(caller.principal, caller.assertion);
      if (user.isAppOnly) {
        throw appOnlyCaller(scopeSet.scopes);
      }
      if (!user.oid || !user.tid) {
        throw notBindable(scopeSet.scopes);
      }
      const sessionKey = newSessionKey();
      const keyHash = hashSessionKey(sessionKey)!;
      const request: MsalTokenRequest = {
        flow: 'onBehalfOf',
        tenant: user.tid,
        scopes: scopeSet.scopes,
        assertion: caller.assertion,
        correlationId: options.correlationId ?? randomUUID(),
      };
      const record = { v: 1, clientId: this.settings.clientId, oid: user.oid, tid: user.tid } as const;
      const answer = await this.cache.getOrAcquire(cacheKeyOf(keyHash), { bypass: true }, async () => {
        const response = await this.msal.acquire(request, () => this.stats.identityProviderCalls++);
        if (!response.refreshToken) {
          throw noRefreshToken(scopeSet.scopes, request.tenant, request.correlationId);
        }
        const now = this.settings.cache.now();
        // The record is written before anyone sees the key, so a job queued right away can resume.
        await this.records.set(keyHash, {
          ...record,
          tenant: user.tid!,
          scopes: scopeSet.scopes,
          refreshToken: response.refreshToken,
          createdAt: now,
          expiresAt: now + this.maxAgeMs,
        });
        return this.toAcquired(response.result, request, response.httpMs, response.tokenEndpoint);
      });
      this.logger.debug({ event: 'long_running_session_started', correlationId: request.correlationId });
      return { sessionKey, result: await this.toResult(answer, options.correlationId, started) };
    } catch (error) {
      this.stats.failed(error);
      throw error;
    }
  }

  /**
   * A token for the session's user and scopes, from the cache or by redeeming the session's refresh
   * token. Needs no request context: call it from a queue consumer, a scheduled job or another process
   * that shares the token cache store.
   *
   * @example
   * ```ts
   * const r = await sessions.acquireToken(job.sessionKey);
   * await fetch(url, { headers: { authorization: `Bearer ${r.accessToken}` } });
   * ```
   * @throws LongRunningSessionError NIW4014 unknown, ended or foreign key; NIW4015 past its maximum age; NIW4016 refresh token rejected (the session is ended); NIW4018 store failure (retry)
   * @throws IdentityProviderUnavailableError when Entra is unreachable (the session is kept: retry)
   * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token
   */
  async acquireToken(sessionKey: string, options: LongRunningTokenOptions = {}): Promise<TokenAcquisitionResult> {
    const started = performance.now();
    try {
      const keyHash = hashSessionKey(sessionKey);
      // The record is read on every call, so an ended or expired session never serves a cached token.
      const record = keyHash === undefined ? undefined : await this.load(keyHash);
      if (keyHash === undefined || record === undefined) throw notFound();
      const answer = await this.cache.getOrAcquire(cacheKeyOf(keyHash), { bypass: options.forceRefresh === true }, () =>
        this.redeem(keyHash, options.correlationId ?? randomUUID()),
      );
      return this.toResult(answer, options.correlationId, started);
    } catch (error) {
      this.stats.failed(error);
      throw error;
    }
  }

  /**
   * The access token of {@link acquireToken}.
   *
   * @example
   * ```ts
   * const token = await sessions.getAccessToken(job.sessionKey);
   * ```
   * @throws LongRunningSessionError as {@link acquireToken}
   */
  async getAccessToken(sessionKey: string, options?: LongRunningTokenOptions): Promise<string> {
    return (await this.acquireToken(sessionKey, options)).accessToken;
  }

  /**
   * Ends a session: its record (and refresh token) is deleted, and the key gives `NIW4014` from now
   * on, in every process. No error when the session is already over.
   *
   * @example
   * ```ts
   * await sessions.end(job.sessionKey);
   * ```
   * @throws LongRunningSessionError NIW4018 when the store fails
   */
  async end(sessionKey: string): Promise<void> {
    const keyHash = hashSessionKey(sessionKey);
    if (keyHash !== undefined) await this.records.delete(keyHash);
  }

  /** The live record of a session, or `undefined`; ends it past its maximum age. */
  private async load(keyHash: string): Promise<LongRunningSessionRecord | undefined> {
    const record = await this.records.get(keyHash);
    // The namespace already separates apps sharing one store; the check guards a hand-copied record.
    if (record === undefined || record.clientId !== this.settings.clientId) return undefined;
    if (this.settings.cache.now() >= record.expiresAt) {
      await this.records.delete(keyHash);
      throw sessionExpired(record);
    }
    return record;
  }

  /** Redeems the refresh token (inside the cache's single flight), rotating the stored one. */
  private async redeem(keyHash: string, correlationId: string): Promise<AcquiredToken> {
    // Re-read: another process may have rotated the refresh token or ended the session meanwhile.
    const record = await this.load(keyHash);
    if (record === undefined) throw notFound();
    const request: MsalTokenRequest = {
      flow: 'onBehalfOf',
      tenant: record.tenant,
      scopes: record.scopes,
      refreshToken: record.refreshToken,
      correlationId,
    };
    const details = { flow: 'onBehalfOf', scopes: record.scopes, tenantId: record.tenant, correlationId } as const;
    let response;
    try {
      response = await this.msal.acquire(request, () => this.stats.identityProviderCalls++);
    } catch (error) {
      if (!isRejection(error)) throw error;
      await this.records.delete(keyHash);
      const e = error as TokenAcquisitionError;
      this.logger.warn({ event: 'long_running_session_ended', aadsts: e.aadstsCode, correlationId });
      throw refreshTokenRejected(e, details, error);
    }
    const { result } = response;
    // Defence in depth: a refresh token is bound to its user, but never hand out another user's token.
    if ((result.uniqueId && result.uniqueId !== record.oid) || (result.tenantId && result.tenantId !== record.tenant)) {
      await this.records.delete(keyHash);
      throw answeredForAnotherUser(details);
    }
    if (response.refreshToken && response.refreshToken !== record.refreshToken) {
      await this.records.set(keyHash, { ...record, refreshToken: response.refreshToken });
    }
    return this.toAcquired(result, request, response.httpMs, response.tokenEndpoint);
  }

  private toAcquired(
    result: AuthenticationResult,
    request: MsalTokenRequest,
    httpMs: number,
    tokenEndpoint: string,
  ): AcquiredToken {
    const token = toCachedToken(result, request, this.settings.cache.now(), this.settings.cache, this.intern);
    return { token, httpMs, tokenEndpoint };
  }

  private async toResult(
    pending: TokenCacheAnswer<AcquiredToken> | Promise<TokenCacheAnswer<AcquiredToken>>,
    correlationId: string | undefined,
    started: number,
  ): Promise<TokenAcquisitionResult> {
    const answer = pending instanceof Promise ? await pending : pending;
    const cacheMs = (answer.lookedUpAt ?? performance.now()) - started;
    return toAcquisitionResult(answer, correlationId, started, cacheMs);
  }
}

/** The token cache key of a session's access tokens. */
const cacheKeyOf = (keyHash: string): string => `l|${keyHash}`;
