import type { CachedToken } from './cached-token.interface.js';
import type { DistributedTokenCache } from './distributed-token-cache.js';
import { MemoryTokenCache } from './memory-token-cache.js';
import type { TokenCacheStatistics } from './token-cache-statistics.js';

/** After a failed background refresh, wait this long before trying again (the cached token is still served). */
const REFRESH_BACKOFF_MS = 30_000;

/** Settings of {@link TokenCache}. @internal */
export interface TokenCacheSettings {
  /** Prefix of L2 keys, so that several apps can share one store. */
  readonly namespace: string;
  readonly maxEntries: number;
  readonly maxSizeBytes: number;
  readonly disableL1: boolean;
  /** The L2 (store, timeouts, outage windows, encryption), or none; it never throws. */
  readonly l2: DistributedTokenCache | undefined;
  readonly now: () => number;
}

/** Where a token came from (the public `CacheLevel`). @internal */
export type TokenCacheLevel = 'l1' | 'l2' | 'none';

/** Why the acquire function ran (the public `CacheRefreshReason`). @internal */
export type TokenCacheMissReason = 'notApplicable' | 'forceRefreshOrClaims' | 'noCachedAccessToken' | 'expired';

/**
 * Why {@link TokenCache.getOrAcquire} calls the acquire function: a caller is waiting (`miss`), or a
 * hit is past its `refreshOn` and the token is renewed in the background (`refreshAhead`).
 * @internal
 */
export type AcquireMode = 'miss' | 'refreshAhead';

/** How one lookup runs. @internal */
export interface TokenCacheLookup {
  /** Skip L1 and L2 (`forceRefresh`, claims); the new token still replaces the cached one. */
  readonly bypass: boolean;
  /** Calls with the same flight key share one acquisition; default: the cache key. */
  readonly flightKey?: string;
}

/** The answer of {@link TokenCache.getOrAcquire}. @internal */
export interface TokenCacheAnswer<R> {
  readonly token: CachedToken;
  readonly level: TokenCacheLevel;
  readonly reason: TokenCacheMissReason;
  /** True when this call joined an acquisition another call started. */
  readonly coalesced: boolean;
  /** What the acquire function returned (misses only). */
  readonly acquired?: R;
  /** `performance.now()` when the lookups ended and the acquisition was started or joined (misses only). */
  readonly lookedUpAt?: number;
}

/**
 * The token cache: L1 (in-process) → L2 (optional store) → the acquire function, run once per
 * key at a time (single-flight), with write-through to both levels and refresh-ahead with back-off.
 * Keys are opaque and already partitioned; the cache knows nothing of how tokens are acquired.
 * @internal
 */
export class TokenCache {
  private readonly l1: MemoryTokenCache | undefined;
  private readonly inFlight = new Map<string, Promise<{ readonly token: CachedToken }>>();

  constructor(
    private readonly settings: TokenCacheSettings,
    private readonly stats: TokenCacheStatistics,
  ) {
    this.l1 = settings.disableL1 ? undefined : new MemoryTokenCache(settings.maxEntries, settings.maxSizeBytes);
    const l1 = this.l1;
    stats.cacheProbe = () => ({ entries: l1?.size ?? 0, bytes: l1?.sizeBytes ?? 0, evictions: l1?.evictions ?? 0 });
  }

  /**
   * The token under `key` from L1, else L2, else from `acquire` (once per flight key, however many
   * callers wait). An L1 hit answers synchronously: no promise on the hot path. A hit past its
   * `refreshOn` starts one background `acquire('refreshAhead')` and is served meanwhile.
   */
  getOrAcquire<R extends { readonly token: CachedToken }>(
    key: string,
    lookup: TokenCacheLookup,
    acquire: (mode: AcquireMode) => Promise<R>,
  ): TokenCacheAnswer<R> | Promise<TokenCacheAnswer<R>> {
    if (!lookup.bypass && this.l1 !== undefined) {
      const now = this.settings.now();
      const hit = this.l1.get(key, now);
      if (hit !== undefined) {
        this.stats.l1Hits++;
        if (now >= hit.refreshOn) this.refreshAhead(key, hit, acquire);
        return { token: hit, level: 'l1', reason: 'notApplicable', coalesced: false };
      }
    }
    return this.lookUpSlow(key, lookup, acquire);
  }

  private async lookUpSlow<R extends { readonly token: CachedToken }>(
    key: string,
    lookup: TokenCacheLookup,
    acquire: (mode: AcquireMode) => Promise<R>,
  ): Promise<TokenCacheAnswer<R>> {
    let expired = false;
    if (!lookup.bypass) {
      expired = this.l1?.lastMissExpired ?? false;
      const l2 = await this.getL2(key);
      if (l2 !== undefined) {
        this.stats.l2Hits++;
        return { token: l2, level: 'l2', reason: 'notApplicable', coalesced: false };
      }
    }
    const lookedUpAt = performance.now();
    this.stats.misses++;
    const reason: TokenCacheMissReason = lookup.bypass
      ? 'forceRefreshOrClaims'
      : expired
        ? 'expired'
        : 'noCachedAccessToken';
    const { promise, joined } = this.singleFlight(lookup.flightKey ?? key, key, () => acquire('miss'));
    const acquired = await promise;
    return { token: acquired.token, level: 'none', reason, coalesced: joined, acquired, lookedUpAt };
  }

  /** Serves the cached token and renews it once in the background. */
  private refreshAhead<R extends { readonly token: CachedToken }>(
    key: string,
    cached: CachedToken,
    acquire: (mode: AcquireMode) => Promise<R>,
  ): void {
    if (this.inFlight.has(key)) return;
    this.stats.backgroundRefreshes++;
    const { promise } = this.singleFlight(key, key, () => acquire('refreshAhead'));
    promise.catch(() => {
      // Keep serving the cached token until its margin; try again later, not on every hit.
      const now = this.settings.now();
      this.l1?.set(key, { ...cached, refreshOn: Math.min(cached.staleOn, now + REFRESH_BACKOFF_MS) }, now);
    });
  }

  /**
   * Runs `acquire` once per `flightKey` at a time: callers arriving while it runs get the same
   * promise. The token is written to the cache under `cacheKey` before anyone sees it.
   */
  private singleFlight<R extends { readonly token: CachedToken }>(
    flightKey: string,
    cacheKey: string,
    acquire: () => Promise<R>,
  ): { promise: Promise<R>; joined: boolean } {
    const running = this.inFlight.get(flightKey) as Promise<R> | undefined;
    if (running) {
      this.stats.coalesced++;
      return { promise: running, joined: true };
    }
    // `acquire` starts after the flight is registered: if it threw synchronously inside an async
    // function, the cleanup would run before the registration and leave a rejected flight behind
    // for every later caller of the key.
    const promise = Promise.resolve()
      .then(acquire)
      .then(async (result) => {
        await this.set(cacheKey, result.token);
        return result;
      })
      .finally(() => {
        if (this.inFlight.get(flightKey) === promise) this.inFlight.delete(flightKey);
      });
    this.inFlight.set(flightKey, promise);
    return { promise, joined: false };
  }

  /** L2 lookup with back-fill into L1. */
  private async getL2(key: string): Promise<CachedToken | undefined> {
    const token = await this.readL2(key);
    if (token === undefined) return undefined;
    const now = this.settings.now();
    if (now >= token.staleOn) return undefined;
    this.l1?.set(key, token, now);
    return token;
  }

  /** Writes a fresh token to L1 and (awaited) to L2. */
  private async set(key: string, token: CachedToken): Promise<void> {
    const now = this.settings.now();
    this.l1?.set(key, token, now);
    await this.writeL2(key, token);
  }

  /**
   * Reads L2. A failing, slow (past the L2 timeout), tampered or foreign entry is a miss, counted
   * and logged once per outage window by the L2, never an error.
   */
  private async readL2(key: string): Promise<CachedToken | undefined> {
    return this.settings.l2?.get(this.settings.namespace + key);
  }

  /**
   * Writes L2 until the token's stale time (`PX`), within the L2 timeout. A failure is counted,
   * never thrown.
   */
  private async writeL2(key: string, token: CachedToken): Promise<void> {
    await this.settings.l2?.set(this.settings.namespace + key, token);
  }
}
