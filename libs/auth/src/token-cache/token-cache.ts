import type { Logger } from '@nestjs/common';
import type { TokenAcquisitionStatistics } from '../token-acquisition/token-acquisition-statistics.js';
import { type CachedToken, deserializeCachedToken, serializeCachedToken } from './cached-token.interface.js';
import { MemoryTokenCache } from './memory-token-cache.js';
import type { TokenCacheStore } from './token-cache-store.interface.js';

/** Settings of {@link TokenCache}. @internal */
export interface TokenCacheSettings {
  /** Prefix of L2 keys, so that several apps can share one store. */
  readonly namespace: string;
  readonly maxEntries: number;
  readonly maxSizeBytes: number;
  readonly disableL1: boolean;
  readonly store: TokenCacheStore | undefined;
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

  /** L2 lookup with back-fill into L1. A store error is a miss. */
  async getL2(key: string): Promise<CachedToken | undefined> {
    const store = this.settings.store;
    if (!store) return undefined;
    let value: string | undefined;
    try {
      value = await store.get(this.settings.namespace + key);
    } catch (error) {
      this.stats.l2Errors++;
      this.logger.warn({ event: 'l2_read_failed', error: describe(error) });
      return undefined;
    }
    if (value === undefined) return undefined;
    const token = deserializeCachedToken(value);
    const now = this.settings.now();
    if (!token || now >= token.staleOn) return undefined;
    this.l1?.set(key, token, now);
    return token;
  }

  /** Writes a fresh token to L1 and (awaited, errors swallowed and counted) to L2. */
  async set(key: string, token: CachedToken): Promise<void> {
    const now = this.settings.now();
    this.l1?.set(key, token, now);
    const store = this.settings.store;
    if (!store) return;
    const ttlSeconds = Math.ceil((token.staleOn - now) / 1000);
    if (ttlSeconds < 1) return;
    try {
      await store.set(this.settings.namespace + key, serializeCachedToken(token), ttlSeconds);
    } catch (error) {
      this.stats.l2Errors++;
      this.logger.warn({ event: 'l2_write_failed', error: describe(error) });
    }
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

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
