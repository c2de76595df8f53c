import { Logger } from '@nestjs/common';
import { type CachedToken, deserializeCachedToken, serializeCachedToken } from './cached-token.interface.js';
import { L2HealthMonitor } from './l2-health-monitor.js';
import type { L2Operation } from './l2-events.types.js';
import { RedisTokenCacheStore } from './redis-token-cache.store.js';
import { TokenCacheEncryption } from './token-cache-encryption.js';
import type { DistributedCacheSettings } from './token-cache-options.normalize.js';
import type { TokenCacheStore } from './token-cache-store.interface.js';
import type { TokenCacheStatistics } from './token-cache-statistics.js';

/** Repeat the "invalid entries" warning at most this often. */
const INVALID_WARNING_MS = 60_000;

/** Rejection of an L2 operation that did not answer in time. @internal */
export class L2TimeoutError extends Error {
  override readonly name = 'L2TimeoutError';
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * The L2 adapter between the token cache and a {@link TokenCacheStore}: (de)serialisation,
 * optional encryption, a timeout on every operation, outage windows, and counters. It never
 * throws: a failed, slow, tampered or foreign entry is a miss, and a failed write is dropped.
 * @internal
 */
export class DistributedTokenCache {
  private readonly health: L2HealthMonitor;
  private readonly encryption: TokenCacheEncryption | undefined;
  private lastInvalidWarningAt = -Infinity;
  private invalidSinceWarning = 0;

  constructor(
    private readonly store: TokenCacheStore,
    private readonly settings: DistributedCacheSettings,
    private readonly stats: TokenCacheStatistics,
    private readonly now: () => number,
    private readonly logger: Logger = new Logger('TokenCache'),
    private readonly closeStore: () => Promise<void> = async () => {},
  ) {
    this.encryption = settings.encryptionKeys.length ? new TokenCacheEncryption(settings.encryptionKeys) : undefined;
    this.health = new L2HealthMonitor(
      {
        probeIntervalMs: settings.probeIntervalMs,
        onFailure: settings.onFailure,
        onRecovered: settings.onRecovered,
        now,
      },
      stats,
      logger,
    );
  }

  /** True while an outage window is open. */
  /**
   * The L2 store for records other than tokens (long-running sessions), sharing its key prefix and,
   * when encryption is on, its keys: values are sealed and bound to their store key, and one that
   * does not open is absent. No timeout or outage window: such a caller cannot take a failure for a
   * miss, so errors reach it.
   */
  recordStore(): TokenCacheStore {
    const { store, encryption } = this;
    if (encryption === undefined) return store;
    return {
      get: async (key) => {
        const value = await store.get(key);
        return value === undefined ? undefined : encryption.decrypt(key, value)?.plaintext;
      },
      set: (key, value, ttlSeconds) => store.set(key, encryption.encrypt(key, '', value), ttlSeconds),
      delete: (key) => store.delete(key),
    };
  }

  get failing(): boolean {
    return this.health.failing;
  }

  /** When the open outage window started (the cache's clock), or `undefined` while healthy. */
  get failingSince(): number | undefined {
    return this.health.failingSince;
  }

  /** The token stored under `storeKey`, or `undefined` (absent, failing, slow, invalid). */
  async get(storeKey: string): Promise<CachedToken | undefined> {
    if (this.health.admit() === 'skip') return undefined;
    let value: string | undefined;
    try {
      value = await this.bounded('get', () => this.store.get(storeKey));
    } catch {
      return undefined;
    }
    if (value === undefined || value === null) return undefined;
    const token = this.decode(storeKey, value);
    if (token === undefined) this.invalid();
    return token;
  }

  /**
   * Writes `token` under `storeKey`, to expire when the token can no longer be handed out. Resolves
   * within the L2 timeout whatever the store does; failures are counted, never thrown.
   */
  async set(storeKey: string, token: CachedToken): Promise<void> {
    const ttlMs = Math.floor(token.staleOn - this.now());
    if (ttlMs < 1) return;
    if (this.health.admit() === 'skip') return;
    const json = serializeCachedToken(token);
    const value = this.encryption ? this.encryption.encrypt(storeKey, token.tenantId, json) : json;
    try {
      await this.bounded('set', () => this.store.set(storeKey, value, Math.ceil(ttlMs / 1000), ttlMs));
    } catch {
      // Counted by bounded(); the token is still in L1 and returned to the caller.
    }
  }

  /** Closes the store if the library created it. */
  close(): Promise<void> {
    return this.closeStore();
  }

  /** Runs one store operation with the L2 timeout, reporting the outcome to the health monitor. */
  private async bounded<T>(operation: L2Operation, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        run(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new L2TimeoutError(this.settings.timeoutMs)), this.settings.timeoutMs);
        }),
      ]);
      this.health.succeeded();
      return result;
    } catch (error) {
      this.health.failed(operation, error instanceof L2TimeoutError ? 'timeout' : 'error', error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private decode(storeKey: string, value: unknown): CachedToken | undefined {
    if (typeof value !== 'string') return undefined;
    if (!this.encryption) return deserializeCachedToken(value);
    const opened = this.encryption.decrypt(storeKey, value);
    if (!opened) return undefined;
    const token = deserializeCachedToken(opened.plaintext);
    // The tenant label is authenticated; it must also be the tenant inside the entry.
    return token && token.tenantId === opened.tenant ? token : undefined;
  }

  private invalid(): void {
    this.stats.l2InvalidEntries++;
    this.invalidSinceWarning++;
    const now = this.now();
    if (now - this.lastInvalidWarningAt < INVALID_WARNING_MS) return;
    this.lastInvalidWarningAt = now;
    this.logger.warn({
      event: 'l2_invalid_entries',
      count: this.invalidSinceWarning,
      encrypted: this.encryption !== undefined,
      note: 'unreadable, tampered or foreign L2 entries are treated as misses; check that every replica shares the encryption keys',
    });
    this.invalidSinceWarning = 0;
  }
}

/**
 * Builds the L2 from validated settings: connects a Redis client for a URL (the optional peer
 * `ioredis` is imported only then), or wraps the configured store.
 * @throws AuthConfigurationError NIW1015 when a Redis URL is configured and `ioredis` is missing
 * @internal
 */
export async function createDistributedTokenCache(
  settings: DistributedCacheSettings | undefined,
  stats: TokenCacheStatistics,
  now: () => number,
): Promise<DistributedTokenCache | null> {
  if (!settings) return null;
  if (settings.redisUrl !== undefined) {
    const store = await RedisTokenCacheStore.fromUrl(settings.redisUrl, { keyPrefix: settings.keyPrefix });
    return new DistributedTokenCache(store, settings, stats, now, undefined, () => store.close());
  }
  return new DistributedTokenCache(settings.store!, settings, stats, now);
}
