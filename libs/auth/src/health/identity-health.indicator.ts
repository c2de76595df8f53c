import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, type HealthIndicatorResult, type HealthIndicatorStatus } from '@nestjs/terminus';
import { NORMALIZED_AUTH_OPTIONS, OPENID_METADATA, TOKEN_CACHE_L2 } from '../auth.internal-constants.js';
import type { NormalizedAuthOptions } from '../auth-options.normalize.js';
import type { OpenIdMetadataProvider } from '../http/openid-metadata.provider.js';
import type { DistributedTokenCache } from '../token-cache/distributed-token-cache.js';
import { TokenAcquisitionStatistics } from '../token-acquisition/token-acquisition-statistics.js';
import {
  checkMaxStaleSeconds,
  checkStatus,
  type IdentityProviderCheckOptions,
  type TokenAcquisitionCheckOptions,
  type TokenCacheCheckOptions,
} from './identity-health.options.js';

/** What the indicator reads from `AuthModule`, found once. */
interface Sources {
  readonly metadata: OpenIdMetadataProvider;
  readonly l2: DistributedTokenCache | null;
  readonly stats: TokenAcquisitionStatistics;
  readonly cacheNow: () => number;
}

const ageSeconds = (now: number, at: number) => Math.max(0, Math.round((now - at) / 1000));

/**
 * Terminus health indicator for `AuthModule`: the identity provider (signing keys and their
 * last-known-good age), the token cache (L1 size, L2 reachability) and token acquisition (the last
 * failure). Each check reads the library's state and does no I/O, so a health probe never adds
 * load on the identity provider; the output holds codes, counts and ages, never a token or secret.
 *
 * Statuses (terminus: `down` answers 503, `degraded` keeps 200):
 * - `identityProvider`: `up` when the last fetch of the metadata and keys succeeded; `degraded`
 *   while refreshes fail and the last good keys are younger than `maxStaleSeconds` (tokens are
 *   still validated with them); `down` when no keys were ever fetched, or they are older.
 * - `tokenCache`: `up`; during an L2 outage `degraded` (requests go on with L1 and the identity
 *   provider) or `down` with `{ l2Outage: 'down' }`.
 * - `tokenAcquisition`: `up`, with the last failure's code and age as information; while the
 *   identity provider's token endpoint is unreachable (the last request failed with an outage and
 *   none succeeded since) `degraded`, or `down` with `{ outage: 'down' }`.
 *
 * Import `TerminusModule` and provide the indicator in a module that can see `AuthModule`.
 *
 * @example
 * ```ts
 * @Module({ imports: [TerminusModule, AuthModule.forRoot(options)], controllers: [HealthController], providers: [IdentityHealthIndicator] })
 * class AppModule {}
 *
 * @Controller('health')
 * class HealthController {
 *   constructor(private readonly health: HealthCheckService, private readonly identity: IdentityHealthIndicator) {}
 *   @Public() @Get() @HealthCheck()
 *   check() {
 *     return this.health.check([
 *       () => this.identity.identityProvider('identityProvider', { maxStaleSeconds: 3600 }),
 *       () => this.identity.tokenCache(),
 *       () => this.identity.tokenAcquisition(),
 *     ]);
 *   }
 * }
 * ```
 */
@Injectable()
export class IdentityHealthIndicator {
  private sources: Sources | undefined;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * The signing keys of the configured tenant: fetched, and fresh enough when refreshes fail.
   * @param key the result's key. @default 'identityProvider'
   * @throws AuthConfigurationError `NIW1019` when `maxStaleSeconds` is not a number ≥ 0
   */
  identityProvider<const Key extends string = 'identityProvider'>(
    key: Key = 'identityProvider' as Key,
    options: IdentityProviderCheckOptions = {},
  ): HealthIndicatorResult<Key> {
    const maxStaleMs = checkMaxStaleSeconds(options.maxStaleSeconds) * 1000;
    const s = this.status();
    const now = Date.now();
    const status = s.metadata.status();
    const failure = status.lastFailure && {
      code: status.lastFailure.code,
      ageSeconds: ageSeconds(now, status.lastFailure.at),
    };
    const data = {
      metadataUrl: status.metadataUrl,
      signingKeys: status.keyCount,
      ...(status.fetchedAt !== undefined ? { lastSuccessAgeSeconds: ageSeconds(now, status.fetchedAt) } : {}),
      ...(failure ? { lastFailure: failure } : {}),
    };
    const session = this.indicators.check(key);
    if (status.fetchedAt === undefined) {
      return session.down({
        ...data,
        message: failure ? 'The signing keys could not be fetched.' : 'The signing keys are not fetched yet.',
      });
    }
    if (!failure) return session.up(data);
    return now - status.fetchedAt > maxStaleMs
      ? session.down({ ...data, message: 'The identity provider is unreachable and the last good keys are too old.' })
      : session.degraded({ ...data, message: 'The identity provider is unreachable; the last good keys are in use.' });
  }

  /**
   * The token cache: L1 entries and size, and whether the L2 (Redis) is in an outage.
   * @param key the result's key. @default 'tokenCache'
   * @throws AuthConfigurationError `NIW1019` when `l2Outage` is not `'degraded'` or `'down'`
   */
  tokenCache<const Key extends string = 'tokenCache'>(
    key: Key = 'tokenCache' as Key,
    options: TokenCacheCheckOptions = {},
  ): HealthIndicatorResult<Key> {
    const outageStatus = checkStatus('l2Outage', options.l2Outage);
    const s = this.status();
    const snapshot = s.stats.snapshot();
    const l1 = { entries: snapshot.cachedTokens, bytes: snapshot.cacheSizeBytes };
    const session = this.indicators.check(key);
    if (!s.l2) return session.up({ l1, l2: 'none' });
    const since = s.l2.failingSince;
    if (since === undefined) return session.up({ l1, l2: 'ok', l2Outages: snapshot.l2Outages });
    const data = {
      l1,
      l2: 'outage',
      l2OutageSeconds: ageSeconds(s.cacheNow(), since),
      l2Outages: snapshot.l2Outages,
      message: 'The distributed token cache (L2) is unreachable; tokens are served from L1 and the identity provider.',
    };
    return this.report(session, outageStatus, data);
  }

  /**
   * Token acquisition: the last failure (code and age) and whether the token endpoint is unreachable.
   * @param key the result's key. @default 'tokenAcquisition'
   * @throws AuthConfigurationError `NIW1019` when `outage` is not `'degraded'` or `'down'`
   */
  tokenAcquisition<const Key extends string = 'tokenAcquisition'>(
    key: Key = 'tokenAcquisition' as Key,
    options: TokenAcquisitionCheckOptions = {},
  ): HealthIndicatorResult<Key> {
    const outageStatus = checkStatus('outage', options.outage);
    const { stats } = this.status();
    const now = Date.now();
    const failure = stats.lastFailure;
    const succeededAt = stats.lastTokenResponseAt;
    const data = {
      identityProviderCalls: stats.identityProviderCalls,
      errors: stats.errors,
      ...(succeededAt !== undefined ? { lastSuccessAgeSeconds: ageSeconds(now, succeededAt) } : {}),
      ...(failure ? { lastFailure: { code: failure.code, ageSeconds: ageSeconds(now, failure.at) } } : {}),
    };
    const session = this.indicators.check(key);
    const failing = failure?.outage === true && (succeededAt === undefined || succeededAt < failure.at);
    if (!failing) return session.up(data);
    return this.report(session, outageStatus, {
      ...data,
      message: 'The identity provider does not answer token requests.',
    });
  }

  private report<Key extends string>(
    session: ReturnType<HealthIndicatorService['check']>,
    status: Exclude<HealthIndicatorStatus, 'up'>,
    data: Record<string, unknown>,
  ): HealthIndicatorResult<Key> {
    return status === 'down' ? session.down(data) : session.degraded(data);
  }

  private status(): Sources {
    if (this.sources) return this.sources;
    const get = <T>(token: symbol | (new (...args: never[]) => T)): T =>
      this.moduleRef.get<T>(token, { strict: false });
    this.sources = {
      metadata: get<OpenIdMetadataProvider>(OPENID_METADATA),
      l2: get<DistributedTokenCache | null>(TOKEN_CACHE_L2),
      stats: get(TokenAcquisitionStatistics),
      cacheNow: get<NormalizedAuthOptions>(NORMALIZED_AUTH_OPTIONS).acquisition.cache.now,
    };
    return this.sources;
  }
}
