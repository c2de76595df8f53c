import { Injectable } from '@nestjs/common';
import { AuthError } from '../errors/auth.error.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import type { TokenCacheStatistics } from '../token-cache/token-cache-statistics.js';

/**
 * A point-in-time copy of the token-acquisition counters.
 *
 * @example
 * ```ts
 * const s: TokenAcquisitionStatisticsSnapshot = stats.snapshot();
 * console.log(`${s.hits} hits, ${s.misses} misses, ${s.identityProviderCalls} token requests`);
 * ```
 */
export interface TokenAcquisitionStatisticsSnapshot {
  /** Calls answered from a cache (L1 + L2). */
  readonly hits: number;
  /** Calls answered from the in-process L1. */
  readonly l1Hits: number;
  /** Calls answered from the L2 store (then back-filled into L1). */
  readonly l2Hits: number;
  /** Calls that found no usable token (including `forceRefresh` and `claims`). */
  readonly misses: number;
  /** Token requests sent to the identity provider (including background refreshes and retries). */
  readonly identityProviderCalls: number;
  /** Calls that joined an identical in-flight token request instead of sending their own. */
  readonly coalesced: number;
  /** Refreshes started ahead of expiry while a cached token was still handed out. */
  readonly backgroundRefreshes: number;
  /** Calls that failed (any error thrown to the caller). */
  readonly errors: number;
  /** L2 store operations that failed or timed out (the call went on without L2). */
  readonly l2Errors: number;
  /** L2 operations (included in `l2Errors`) that did not answer within `tokenCache.l2TimeoutMs`. */
  readonly l2Timeouts: number;
  /** L2 entries that could not be used: garbage, tampered, or encrypted with an unknown key (each a miss). */
  readonly l2InvalidEntries: number;
  /** Reads and writes that skipped the L2 because it was failing (one probe per second still goes through). */
  readonly l2Skipped: number;
  /** Outage windows: times the L2 went from healthy to failing. */
  readonly l2Outages: number;
  /** L1 entries evicted to respect `maxEntries` / `maxSizeBytes`. */
  readonly evictions: number;
  /** Tokens currently in L1. */
  readonly cachedTokens: number;
  /** Estimated L1 size in bytes. */
  readonly cacheSizeBytes: number;
}

/**
 * Counters of token acquisition and its cache, for dashboards, health endpoints and benchmarks.
 * Inject it anywhere once `AuthModule` is imported.
 *
 * @example
 * ```ts
 * @Controller('health')
 * export class HealthController {
 *   constructor(private readonly stats: TokenAcquisitionStatistics) {}
 *   @Get('tokens') tokens() {
 *     return this.stats.snapshot();
 *   }
 * }
 * ```
 */
@Injectable()
export class TokenAcquisitionStatistics implements TokenCacheStatistics {
  /** @internal */ l1Hits = 0;
  /** @internal */ l2Hits = 0;
  /** @internal */ misses = 0;
  /** @internal */ identityProviderCalls = 0;
  /** @internal */ coalesced = 0;
  /** @internal */ backgroundRefreshes = 0;
  /** @internal */ errors = 0;
  /** @internal */ l2Errors = 0;
  /** @internal */ l2Timeouts = 0;
  /** @internal */ l2InvalidEntries = 0;
  /** @internal */ l2Skipped = 0;
  /** @internal */ l2Outages = 0;
  /** The last call that failed: its code (`NIW4xxx`, or the error's name), when, and whether the identity provider was unreachable. @internal */
  lastFailure: { readonly code: string; readonly at: number; readonly outage: boolean } | undefined;
  /** When a token request to the identity provider last succeeded (epoch ms). @internal */
  lastTokenResponseAt: number | undefined;
  /** @internal */ cacheProbe: () => { entries: number; bytes: number; evictions: number } = () => ({
    entries: 0,
    bytes: 0,
    evictions: 0,
  });

  /** Counts a failed call and remembers its code and time (never its message). @internal */
  failed(error: unknown): void {
    this.errors++;
    const code = error instanceof AuthError ? error.code : error instanceof Error ? error.name.slice(0, 64) : 'unknown';
    this.lastFailure = { code, at: Date.now(), outage: error instanceof IdentityProviderUnavailableError };
  }

  /** Copies the counters. */
  snapshot(): TokenAcquisitionStatisticsSnapshot {
    const cache = this.cacheProbe();
    return {
      hits: this.l1Hits + this.l2Hits,
      l1Hits: this.l1Hits,
      l2Hits: this.l2Hits,
      misses: this.misses,
      identityProviderCalls: this.identityProviderCalls,
      coalesced: this.coalesced,
      backgroundRefreshes: this.backgroundRefreshes,
      errors: this.errors,
      l2Errors: this.l2Errors,
      l2Timeouts: this.l2Timeouts,
      l2InvalidEntries: this.l2InvalidEntries,
      l2Skipped: this.l2Skipped,
      l2Outages: this.l2Outages,
      evictions: cache.evictions,
      cachedTokens: cache.entries,
      cacheSizeBytes: cache.bytes,
    };
  }
}
