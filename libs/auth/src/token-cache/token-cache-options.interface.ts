import type { L2FailureEvent, L2RecoveredEvent } from './l2-events.types.js';
import type { RedisTokenCacheClient } from './redis-token-cache.store.js';
import type { TokenCacheStore } from './token-cache-store.interface.js';

/**
 * Where the Redis L2 lives: a URL (the library creates, reconnects and closes an `ioredis` client)
 * or a client you created (ioredis, an ioredis `Cluster`, iovalkey; you close it).
 *
 * @example
 * ```ts
 * tokenCache: { store: 'redis', redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'my-api:' } }
 * ```
 * @see https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags
 */
export interface RedisTokenCacheConfig {
  /** `redis://` or `rediss://` URL (user, password and database number as in any Redis URL). */
  readonly url?: string;
  /** An already created client with ioredis' `get`/`set(key, value, 'PX', ms)`/`del`. */
  readonly client?: RedisTokenCacheClient;
  /**
   * Prepended to every key, e.g. `my-api:`. No `{` or `}`: a hash tag in the prefix would put
   * every entry in one Redis Cluster slot. @default ''
   */
  readonly keyPrefix?: string;
}

/**
 * Encryption at rest of L2 entries (AES-256-GCM).
 *
 * @example
 * ```ts
 * // new key first; old keys stay until the tokens they encrypted have expired (≤ 24 h)
 * tokenCache: { store: 'redis', redis: { url }, encryption: { keys: [process.env.NEW_KEY!, process.env.OLD_KEY!] } }
 * ```
 */
export interface TokenCacheEncryptionOptions {
  /**
   * 256-bit keys, base64 strings (e.g. `openssl rand -base64 32`) or 32-byte buffers. New entries
   * are encrypted with the first; entries encrypted with any of them can be read.
   */
  readonly keys: readonly (string | Uint8Array)[];
}

/**
 * Options of the token cache that sits in front of msal-node.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({
 *   ...options,
 *   tokenCache: { maxEntries: 50_000, maxSizeBytes: 128 * 1024 * 1024, refreshMarginSeconds: 300 },
 * });
 * ```
 */
export interface TokenCacheOptions {
  /** Maximum number of tokens in the in-process L1 (least recently used evicted first). @default 100_000 */
  readonly maxEntries?: number;
  /** Maximum estimated size of the L1 in bytes (token and key lengths plus overhead). @default 256 MiB */
  readonly maxSizeBytes?: number;
  /**
   * A cached token is no longer handed out this many seconds before it expires (msal-node uses 300).
   * Capped at half the token's lifetime so that short-lived tokens are still cached.
   * @default 300
   */
  readonly refreshMarginSeconds?: number;
  /**
   * Once this fraction of a token's lifetime has passed (or the identity provider's `refresh_in`),
   * a cache hit still returns the cached token but starts one background refresh.
   * Set to `1` to disable refresh-ahead. @default 0.8
   */
  readonly refreshAheadRatio?: number;
  /**
   * The second-level (distributed) store shared by the replicas of the API: `'memory'` (none, the
   * default), `'redis'` (configure `redis`), or your own {@link TokenCacheStore}. Setting `redis`
   * alone implies `'redis'`.
   * @default 'memory'
   */
  readonly store?: 'memory' | 'redis' | TokenCacheStore;
  /** The Redis L2, when `store` is `'redis'`. */
  readonly redis?: RedisTokenCacheConfig;
  /** Optional AES-256-GCM encryption of L2 entries, with key rotation. */
  readonly encryption?: TokenCacheEncryptionOptions;
  /**
   * Longest wait for one L2 read or write, in ms. A slower store is treated as failing: the call
   * goes on with L1 or the identity provider. @default 50
   */
  readonly l2TimeoutMs?: number;
  /**
   * Called once when the L2 starts failing (an outage window opens), not once per request.
   * Exceptions thrown by the callback are ignored.
   * @example
   * ```ts
   * onL2Failure: (e) => metrics.increment('token_cache.l2_outage', { op: e.operation })
   * ```
   */
  readonly onL2Failure?: (event: L2FailureEvent) => void;
  /** Called once when the L2 answers again after an outage window, with the window's counts. */
  readonly onL2Recovered?: (event: L2RecoveredEvent) => void;
  /** Turn the in-process L1 off, e.g. to read every token from a shared L2. @default false */
  readonly disableL1?: boolean;
  /**
   * The clock, in epoch milliseconds. For tests and simulations only. @default Date.now
   */
  readonly now?: () => number;
}
