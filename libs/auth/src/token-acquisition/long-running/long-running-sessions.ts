import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuthenticationResult } from '@azure/msal-node';
import { MSAL_TOKEN_REQUESTER, NORMALIZED_AUTH_OPTIONS, TOKEN_CACHE } from '../../auth.internal-constants.js';
import type { NormalizedAuthOptions } from '../../auth-options.normalize.js';
import { AuthErrorCode } from '../../errors/auth-error-codes.js';
import { ClaimsChallengeError } from '../../errors/claims-challenge.error.js';
import { LongRunningSessionError } from '../../errors/long-running-session.error.js';
import { TokenAcquisitionError } from '../../errors/token-acquisition.error.js';
import { findCaller } from '../../request-context/caller.js';
import type { TokenCache, TokenCacheAnswer } from '../../token-cache/token-cache.js';
import type { MsalTokenRequest, MsalTokenRequester } from '../msal-token.requester.js';
import { ScopeSetRegistry } from '../scope-set.registry.js';
import { type AcquiredToken, toAcquisitionResult } from '../token-acquisition-result.js';
import { TokenAcquisitionStatistics } from '../token-acquisition-statistics.js';
import type { TokenAcquisitionResult, UserTokenOptions } from '../token-acquisition.types.js';
import { toCachedToken } from '../token-lifetime.util.js';
import {
  hashSessionKey,
  InProcessSessionStore,
  LongRunningSessionStore,
  type LongRunningSessionRecord,
  newSessionKey,
} from './long-running-session.store.js';

/**
 * Options of {@link LongRunningSessions.start}: the caller, as for `getAccessTokenForUser`.
 *
 * @example
 * ```ts
 * await sessions.start(['api://todolist-service/access_as_user'], { correlationId: randomUUID() });
 * ```
 */
export type StartLongRunningSessionOptions = Pick<UserTokenOptions, 'assertion' | 'user' | 'correlationId'>;

/**
 * Options of {@link LongRunningSessions.acquireToken}.
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
 * What {@link LongRunningSessions.start} returns: the session key (a bearer capability: store it
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

/** Entra answers that mean "this refresh token will never work again": the session is over. */
const REJECTED_AADSTS = new Set([
  700082, // expired due to inactivity
  50173, // grant revoked (password change, sign-out everywhere)
  70043, // expired or revoked by Conditional Access sign-in frequency
  65001, // consent withdrawn
  70008, // expired
  50076, // MFA now required
  53003, // blocked by Conditional Access
  700084, // SPA refresh token lifetime
  9002313, // malformed / unknown grant
]);
const REJECTED_ERRORS = new Set(['invalid_grant', 'interaction_required', 'consent_required', 'login_required']);

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
 * @Controller('exports')
 * @UseGuards(AuthGuard)
 * export class ExportController {
 *   constructor(private readonly sessions: LongRunningSessions, private readonly queue: ExportQueue) {}
 *
 *   @Post()
 *   async start() {
 *     const { sessionKey } = await this.sessions.start(['api://todolist-service/access_as_user']);
 *     return { jobId: await this.queue.add({ sessionKey }) };
 *   }
 * }
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
  ) {
    this.settings = options.acquisition;
    this.maxAgeMs = options.longRunningSessions.maxAgeMs;
    const now = this.settings.cache.now;
    this.records = new LongRunningSessionStore(
      this.settings.cache.store ?? new InProcessSessionStore(now),
      `niw:${this.settings.clientId}:`,
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
      const found = findCaller(options);
      if (found.problem !== undefined) {
        throw TokenAcquisitionError.create(
          AuthErrorCode.NoCallerInContext,
          `Cannot start a long-running session: ${found.problem}`,
          [
            'Call start() from a controller (or a service it calls) protected by AuthGuard.',
            'Outside a request, pass the validated incoming token: start(scopes, { assertion }).',
          ],
          { flow: 'onBehalfOf' },
        );
      }
      const caller = found.caller;
      const scopeSet = this.scopeSets.userScopes(scopes);
      const user = userOf(caller.principal, caller.assertion);
      if (user.isAppOnly) {
        throw TokenAcquisitionError.create(
          AuthErrorCode.AppOnlyAssertion,
          'The caller is an application (app-only token); a long-running session needs a user token.',
          ['Use getAccessTokenForApp for work done as the application.'],
          { flow: 'onBehalfOf', scopes: scopeSet.scopes },
        );
      }
      if (!user.oid || !user.tid) {
        throw LongRunningSessionError.create(
          AuthErrorCode.LongRunningSessionNotStarted,
          'The incoming token has no oid or tid claim, so a session cannot be bound to its user.',
          ['Long-running sessions need Entra ID user tokens (v1 or v2) with oid and tid.'],
          { flow: 'onBehalfOf', scopes: scopeSet.scopes },
        );
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
      const answer = await this.cache.getOrAcquire(this.cacheKey(keyHash), { bypass: true }, async () => {
        const response = await this.msal.acquire(request, () => this.stats.identityProviderCalls++);
        if (!response.refreshToken) {
          throw LongRunningSessionError.create(
            AuthErrorCode.LongRunningSessionNotStarted,
            'The identity provider returned no refresh token for the on-behalf-of exchange.',
            [
              'Check that the token endpoint honours offline_access for on-behalf-of (Entra does).',
              'A tenant policy may forbid refresh tokens for this app; use application permissions instead.',
            ],
            { flow: 'onBehalfOf', scopes: scopeSet.scopes, tenantId: user.tid, correlationId: request.correlationId },
          );
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
      this.stats.errors++;
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
      const answer = await this.cache.getOrAcquire(
        this.cacheKey(keyHash),
        { bypass: options.forceRefresh === true },
        () => this.redeem(keyHash, options.correlationId ?? randomUUID()),
      );
      return this.toResult(answer, options.correlationId, started);
    } catch (error) {
      this.stats.errors++;
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
      throw LongRunningSessionError.create(
        AuthErrorCode.LongRunningSessionExpired,
        'The long-running session is older than longRunningSessions.maxAgeSeconds and was ended.',
        [
          'Start a new session from a request of the user.',
          'Raise longRunningSessions.maxAgeSeconds if jobs need longer.',
        ],
        { flow: 'onBehalfOf', scopes: record.scopes, tenantId: record.tenant },
      );
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
      throw LongRunningSessionError.create(
        AuthErrorCode.LongRunningSessionRevoked,
        `The identity provider rejected the session's refresh token (${e.msalErrorCode ?? 'error'}${e.aadstsCode ? `, AADSTS${e.aadstsCode}` : ''}); the session was ended.`,
        [
          'The user must sign in again and start a new session (expired, revoked, password change, consent withdrawn or a new Conditional Access requirement).',
        ],
        {
          ...details,
          ...(e.aadstsCode ? { aadstsCode: e.aadstsCode } : {}),
          ...(e.msalErrorCode ? { msalErrorCode: e.msalErrorCode } : {}),
        },
        { cause: error },
      );
    }
    const { result } = response;
    // Defence in depth: a refresh token is bound to its user, but never hand out another user's token.
    if ((result.uniqueId && result.uniqueId !== record.oid) || (result.tenantId && result.tenantId !== record.tenant)) {
      await this.records.delete(keyHash);
      throw LongRunningSessionError.create(
        AuthErrorCode.LongRunningSessionRevoked,
        'The identity provider answered for another user or tenant than the session was started for; the session was ended.',
        ['Report this with the correlation id.'],
        details,
      );
    }
    if (response.refreshToken && response.refreshToken !== record.refreshToken) {
      await this.records.set(keyHash, { ...record, refreshToken: response.refreshToken });
    }
    return this.toAcquired(result, request, response.httpMs, response.tokenEndpoint);
  }

  private cacheKey(keyHash: string): string {
    return `l|${keyHash}`;
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

function notFound(): LongRunningSessionError {
  return LongRunningSessionError.create(
    AuthErrorCode.LongRunningSessionNotFound,
    'The long-running session key is unknown: never issued, ended, expired from the store, or issued to another application.',
    [
      'Start a new session from a request of the user.',
      'Check that every process shares the same tokenCache.store and clientId.',
    ],
    { flow: 'onBehalfOf' },
  );
}

function isRejection(error: unknown): boolean {
  if (error instanceof ClaimsChallengeError) return true;
  if (!(error instanceof TokenAcquisitionError)) return false;
  return (
    (error.aadstsCode !== undefined && REJECTED_AADSTS.has(error.aadstsCode)) ||
    (error.msalErrorCode !== undefined && REJECTED_ERRORS.has(error.msalErrorCode))
  );
}

/** The caller's user: the validated principal, else the assertion's (unvalidated) claims. */
function userOf(
  principal: { oid: string | undefined; tid: string | undefined; isAppOnly: boolean } | undefined,
  assertion: string,
): { oid: string | undefined; tid: string | undefined; isAppOnly: boolean } {
  if (principal) return principal;
  let c: Record<string, unknown> = {};
  try {
    c = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    // Not a JWT: no oid, so the start is refused below.
  }
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const oid = str(c['oid']);
  const sub = str(c['sub']);
  return { oid, tid: str(c['tid']), isAppOnly: c['idtyp'] === 'app' || (oid !== undefined && oid === sub) };
}
