/** What the L1 reports about itself. @internal */
export interface TokenCacheSize {
  readonly entries: number;
  readonly bytes: number;
  readonly evictions: number;
}

/**
 * The counters {@link TokenCache} writes. A port: whoever publishes statistics (the public
 * `TokenAcquisitionStatistics`) implements it, so the cache depends on nothing above it.
 * @internal
 */
export interface TokenCacheStatistics {
  /** Lookups answered from the in-process L1. */
  l1Hits: number;
  /** Lookups answered from the L2 store. */
  l2Hits: number;
  /** Lookups that found no usable token, bypasses included. */
  misses: number;
  /** Lookups that joined an identical in-flight acquisition. */
  coalesced: number;
  /** Refreshes started ahead of expiry while the cached token was still served. */
  backgroundRefreshes: number;
  /** L2 reads or writes that failed. */
  l2Errors: number;
  /** Set by the cache: reads the L1's current size. */
  cacheProbe: () => TokenCacheSize;
}
