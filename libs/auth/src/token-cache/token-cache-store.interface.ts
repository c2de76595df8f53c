/**
 * A second-level (distributed) token cache, shared by the instances of a web API, e.g. Redis.
 * The library keeps an in-process L1 in front of it, looks up L1 → L2 → identity provider, and
 * back-fills L1 from L2.
 *
 * Keys are opaque, already partitioned (on-behalf-of: SHA-256 of the incoming token; app tokens:
 * client + tenant + resource) and contain no secret. Values are JSON strings holding an access
 * token: protect the store as you would a secret store.
 *
 * Errors thrown by a store, and operations slower than `tokenCache.l2TimeoutMs`, are counted
 * (`l2Errors`) and logged once per outage window; a failed read is a miss and a failed write is
 * skipped, so an L2 outage never fails a request. Redis: use `store: 'redis'` or
 * {@link RedisTokenCacheStore}.
 *
 * @example
 * ```ts
 * class MapTokenCacheStore implements TokenCacheStore {
 *   private readonly map = new Map<string, { value: string; expiresAt: number }>();
 *   async get(key: string) {
 *     const e = this.map.get(key);
 *     return e && e.expiresAt > Date.now() ? e.value : undefined;
 *   }
 *   async set(key: string, value: string, ttlSeconds: number) {
 *     this.map.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
 *   }
 *   async delete(key: string) {
 *     this.map.delete(key);
 *   }
 * }
 * AuthModule.forRoot({ ...options, tokenCache: { store: new MapTokenCacheStore() } });
 * ```
 */
export interface TokenCacheStore {
  /** The value stored under `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /**
   * Stores `value` under `key` for `ttlSeconds` (always ≥ 1, rounded up). `ttlMs` is the exact
   * time to live, for stores with millisecond expiry (Redis `PX`); it may be ignored.
   */
  set(key: string, value: string, ttlSeconds: number, ttlMs?: number): Promise<void>;
  /** Removes `key`; no error when absent. */
  delete(key: string): Promise<void>;
}
