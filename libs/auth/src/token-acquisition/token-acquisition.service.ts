import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { MSAL_TOKEN_REQUESTER, TOKEN_ACQUISITION_SETTINGS, TOKEN_CACHE } from '../auth.internal-constants.js';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { FailureWindowLog, formatFailureCounts } from '../errors/failure-window.log.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import { TokenAcquisitionError } from '../errors/token-acquisition.error.js';
import { findCaller, type TokenCaller } from '../request-context/caller.js';
import { checkCallerScheme } from './caller-scheme.check.js';
import type { AcquireMode, TokenCache, TokenCacheAnswer } from '../token-cache/token-cache.js';
import { normalizeClaims, principalFromAssertion } from './claims.util.js';
import type { MsalTokenRequest, MsalTokenRequester, MsalTokenResponse } from './msal-token.requester.js';
import { type ScopeSet, ScopeSetRegistry } from './scope-set.registry.js';
import { checkOnBehalfOfSupported, checkTenant, resolveAppTenant } from './tenant-resolution.util.js';
import { ITokenAcquisition } from './token-acquisition.js';
import type { TokenAcquisitionSettings } from './token-acquisition-options.normalize.js';
import { type AcquiredToken, toAcquisitionResult } from './token-acquisition-result.js';
import { TokenAcquisitionStatistics } from './token-acquisition-statistics.js';
import type { AppTokenOptions, TokenAcquisitionResult, UserTokenOptions } from './token-acquisition.types.js';
import { toCachedToken } from './token-lifetime.util.js';

interface CallOptions {
  readonly forceRefresh?: boolean;
  readonly claims?: string;
  readonly correlationId?: string;
}

/** The key of identity-provider outages: whichever tenant or flow failed, it is one identity provider. */
const IDENTITY_PROVIDER = 'identity-provider';

/** Builds the request of one call, minus what differs between a foreground call and a refresh. */
type PrepareRequest = () => Omit<MsalTokenRequest, 'correlationId' | 'claims'>;

/**
 * The `ITokenAcquisition` implementation: finds the caller, normalises scopes and tenant into a
 * cache key, and asks the token cache, which answers from L1 or L2 or runs the acquire function
 * given here (one msal-node request per key at a time).
 * @internal
 */
@Injectable()
export class TokenAcquisitionService extends ITokenAcquisition implements OnModuleDestroy {
  private readonly logger = new Logger('TokenAcquisition');
  /** Outages of the identity provider: one warning per window with a count, one line on recovery. */
  private readonly outages = new FailureWindowLog(this.logger, {
    summary: (_key, more, byKind, windowMs) => ({
      event: 'identity_provider_still_unavailable',
      failures: more,
      windowSeconds: Math.round(windowMs / 1000),
      codes: formatFailureCounts(byKind),
    }),
    recovered: (_key, failures, outageMs) => ({
      event: 'identity_provider_recovered',
      failures,
      outageSeconds: Math.round(outageMs / 1000),
    }),
  });
  private readonly scopeSets = new ScopeSetRegistry();
  private readonly intern = (scopes: readonly string[]) => this.scopeSets.intern(scopes);

  constructor(
    @Inject(TOKEN_ACQUISITION_SETTINGS) private readonly settings: TokenAcquisitionSettings,
    @Inject(TOKEN_CACHE) private readonly cache: TokenCache,
    @Inject(MSAL_TOKEN_REQUESTER) private readonly msal: MsalTokenRequester,
    private readonly stats: TokenAcquisitionStatistics,
  ) {
    super();
  }

  onModuleDestroy(): void {
    this.outages.flush();
  }

  override async getAccessTokenForUser(scopes: readonly string[], options?: UserTokenOptions): Promise<string> {
    return (await this.getAuthenticationResultForUser(scopes, options)).accessToken;
  }

  override async getAccessTokenForApp(scope: string, options?: AppTokenOptions): Promise<string> {
    return (await this.getAuthenticationResultForApp(scope, options)).accessToken;
  }

  override async getAuthenticationResultForUser(
    scopes: readonly string[],
    options: UserTokenOptions = {},
  ): Promise<TokenAcquisitionResult> {
    const started = performance.now();
    let caller: TokenCaller;
    let scopeSet: ScopeSet;
    let tenantOverride: string;
    try {
      const found = findCaller(options);
      if (found.problem !== undefined) throw noCaller(found.problem);
      caller = found.caller;
      checkCallerScheme(caller, this.settings.scheme);
      checkOnBehalfOfSupported(this.settings.authorityKind);
      scopeSet = this.scopeSets.userScopes(scopes);
      tenantOverride = options.tenant === undefined ? '' : checkTenant(options.tenant, this.settings.authorityKind);
    } catch (error) {
      this.stats.failed(error);
      throw error;
    }
    // The caller's tenant is a function of the assertion, so the assertion hash already
    // partitions by it; only an explicit tenant override needs its own key component.
    const key = `o|${tenantOverride.toLowerCase()}|${scopeSet.key}|${caller.assertionHash}`;
    return this.resolve(key, options, started, () => {
      const principal = caller.principal ?? principalFromAssertion(caller.assertion);
      if (principal.isAppOnly) {
        throw TokenAcquisitionError.create(
          AuthErrorCode.AppOnlyAssertion,
          'The caller is an application (app-only token); on-behalf-of needs a user token.',
          [
            'Use getAccessTokenForApp for app callers, or check principal.isAppOnly before calling getAccessTokenForUser.',
          ],
          { flow: 'onBehalfOf', scopes: scopeSet.scopes },
        );
      }
      return {
        flow: 'onBehalfOf',
        tenant: tenantOverride || principal.tid || this.settings.tenantId,
        scopes: scopeSet.scopes,
        assertion: caller.assertion,
      };
    });
  }

  override async getAuthenticationResultForApp(
    scope: string,
    options: AppTokenOptions = {},
  ): Promise<TokenAcquisitionResult> {
    const started = performance.now();
    let scopeSet: ScopeSet;
    let tenant: string;
    try {
      scopeSet = this.scopeSets.appScope(scope);
      const override =
        options.tenant === undefined ? undefined : checkTenant(options.tenant, this.settings.authorityKind);
      tenant =
        resolveAppTenant(override, this.settings.tenantId, this.settings.appHomeTenantId) ?? this.settings.tenantId;
    } catch (error) {
      this.stats.failed(error);
      throw error;
    }
    // Partitioned by resource (Microsoft.Identity.Web's PartitionAppTokenCacheByAudience, on by default).
    const key = `a|${tenant.toLowerCase()}|${scopeSet.key}`;
    return this.resolve(key, options, started, () => ({ flow: 'clientCredentials', tenant, scopes: scopeSet.scopes }));
  }

  /** Asks the cache; on a miss it runs our acquire function once per key. */
  private async resolve(
    key: string,
    options: CallOptions,
    started: number,
    prepare: PrepareRequest,
  ): Promise<TokenAcquisitionResult> {
    const claims = options.claims ? normalizeClaims(options.claims) : undefined;
    const bypass = options.forceRefresh === true || claims !== undefined;
    // A claims request must not join (or be joined by) a plain request for the same key.
    const flightKey = claims ? `${key}\u0000${claims}` : key;
    const acquire = (mode: AcquireMode): Promise<AcquiredToken> =>
      mode === 'refreshAhead'
        ? this.refresh(prepare)
        : this.acquire({
            ...prepare(),
            correlationId: options.correlationId ?? randomUUID(),
            ...(claims ? { claims } : {}),
          });
    let answer: TokenCacheAnswer<AcquiredToken>;
    try {
      const pending = this.cache.getOrAcquire(key, { bypass, flightKey }, acquire);
      // An L1 hit answers synchronously: no extra promise on the hot path.
      answer = pending instanceof Promise ? await pending : pending;
    } catch (error) {
      this.stats.failed(error);
      if (error instanceof TokenAcquisitionError) {
        this.logger.warn({
          event: 'token_acquisition_failed',
          code: error.code,
          flow: error.flow,
          tenant: error.tenantId,
          scopes: error.scopes.join(' '),
          aadsts: error.aadstsCode,
          msalErrorCode: error.msalErrorCode,
          correlationId: error.correlationId,
        });
      }
      throw error;
    }
    const cacheMs = (answer.lookedUpAt ?? performance.now()) - started;
    return toAcquisitionResult(answer, options.correlationId, started, cacheMs);
  }

  /** A background renewal; its failure is counted and logged here, the cache backs off. */
  private refresh(prepare: PrepareRequest): Promise<AcquiredToken> {
    const correlationId = randomUUID();
    return this.acquire({ ...prepare(), correlationId }).catch((error: unknown) => {
      this.stats.failed(error);
      this.logger.warn({
        event: 'background_refresh_failed',
        code: error instanceof TokenAcquisitionError ? error.code : undefined,
        aadsts: error instanceof TokenAcquisitionError ? error.aadstsCode : undefined,
        correlationId,
      });
      throw error;
    });
  }

  private async acquire(request: MsalTokenRequest): Promise<AcquiredToken> {
    let response: MsalTokenResponse;
    try {
      response = await this.msal.acquire(request, () => {
        this.stats.identityProviderCalls++;
      });
    } catch (error) {
      if (error instanceof IdentityProviderUnavailableError) this.recordOutage(error);
      throw error;
    }
    this.outages.succeeded(IDENTITY_PROVIDER);
    this.stats.lastTokenResponseAt = Date.now();
    const { result, httpMs, tokenEndpoint } = response;
    const token = toCachedToken(result, request, this.settings.cache.now(), this.settings.cache, this.intern);
    this.logger.debug({
      event: 'token_acquired',
      flow: request.flow,
      tenant: token.tenantId,
      scopes: token.scopes.join(' '),
      httpMs: Math.round(httpMs),
      correlationId: request.correlationId,
    });
    return { token, httpMs, tokenEndpoint };
  }

  /** Counts an outage failure; only the first of a window is written at once (no token in it). */
  private recordOutage(error: IdentityProviderUnavailableError): void {
    const kind = error.status === undefined ? error.code : `${error.code} HTTP ${error.status}`;
    this.outages.record(IDENTITY_PROVIDER, kind, () => ({
      event: 'identity_provider_unavailable',
      code: error.code,
      status: error.status,
      reason: error.reason,
      retryAfterSeconds: error.retryAfterSeconds,
      flow: error.flow,
      tenant: error.tenantId,
      correlationId: error.correlationId,
    }));
  }
}

function noCaller(problem: string): TokenAcquisitionError {
  return TokenAcquisitionError.create(
    AuthErrorCode.NoCallerInContext,
    `Cannot acquire a token on behalf of a user: ${problem}`,
    [
      'Call getAccessTokenForUser from a controller (or a service it calls) protected by AuthGuard, which records the caller.',
      'Outside a request (queue consumer, gateway), pass the validated incoming token: getAccessTokenForUser(scopes, { assertion }).',
      'For calls as the application itself, use getAccessTokenForApp.',
    ],
    { flow: 'onBehalfOf' },
  );
}
