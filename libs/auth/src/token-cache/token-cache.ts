import type { Logger } from '@nestjs/common';
import type { TokenAcquisitionStatistics } from '../token-acquisition/token-acquisition-statistics.js';
import type { CachedToken } from './cached-token.interface.js';
import type { DistributedTokenCache } from './distributed-token-cache.js';
import { MemoryTokenCache } from './memory-token-cache.js';

/** Settings of {@link TokenCache}. @internal */
export interface TokenCacheSettings {
  /** Prefix of L2 keys, so that several apps can share one store. */
  readonly namespace: string;
  readonly maxEntries: number;
  readonly maxSizeBytes: number;
  readonly disableL1: boolean;
  /** The L2 (timeouts, outage windows, encryption); never throws. */
  readonly l2: DistributedTokenCache | undefined;
  readonly now: () => number;
}

/**
 * L1 (in-process) → L2 (optional store) lookups, write-through, and single-flight: concurrent
 * identical requests share one identity-provider call.
 * @internal
 */
export class TokenCache {
  readonly l1: MemoryTokenCache | undefined;
  private readonly inFlight = new Map<string, Promise<{ readonly token: CachedToken }>>();

  constructor(
    private readonly settings: TokenCacheSettings,
    private readonly stats: TokenAcquisitionStatistics,
    private readonly logger: Logger,
  ) {
    this.l1 = settings.disableL1 ? undefined : new MemoryTokenCache(settings.maxEntries, settings.maxSizeBytes);
    const l1 = this.l1;
    stats.cacheProbe = () => ({ entries: l1?.size ?? 0, bytes: l1?.sizeBytes ?? 0, evictions: l1?.evictions ?? 0 });
  }

  /** Synchronous L1 lookup: the hot path. */
  getL1(key: string, now: number): CachedToken | undefined {
    return this.l1?.get(key, now);
  }

  /** L2 lookup with back-fill into L1. A failing, slow or unreadable L2 is a miss. */
  async getL2(key: string): Promise<CachedToken | undefined> {
    const token = await this.settings.l2?.get(this.settings.namespace + key);
    if (token === undefined) return undefined;
    const now = this.settings.now();
    if (now >= token.staleOn) return undefined;
    this.l1?.set(key, token, now);
    return token;
  }

  /** Writes a fresh token to L1 and to L2 (bounded by the L2 timeout; failures counted, not thrown). */
  async set(key: string, token: CachedToken): Promise<void> {
    this.l1?.set(key, token, this.settings.now());
    await this.settings.l2?.set(this.settings.namespace + key, token);
  }

  /**
   * Runs `acquire` once per `flightKey` at a time: callers arriving while it runs get the same
   * promise. The token is written to the cache under `cacheKey` before anyone sees it.
   */
  singleFlight<R extends { readonly token: CachedToken }>(
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

  /** True while a request for `flightKey` is running. */
  isInFlight(flightKey: string): boolean {
    return this.inFlight.has(flightKey);
  }
}
