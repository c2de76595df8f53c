import type { TokenCacheStore } from './token-cache-store.interface.js';

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
  /** Optional second-level (distributed) store, e.g. Redis. */
  readonly store?: TokenCacheStore;
  /** Turn the in-process L1 off, e.g. to read every token from a shared L2. @default false */
  readonly disableL1?: boolean;
  /**
   * The clock, in epoch milliseconds. For tests and simulations only. @default Date.now
   */
  readonly now?: () => number;
}
