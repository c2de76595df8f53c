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
  /** L2 reads or writes that failed or timed out. */
  l2Errors: number;
  /** L2 operations (included in `l2Errors`) that did not answer within the L2 timeout. */
  l2Timeouts: number;
  /** L2 entries that could not be used (garbage, tampered, unknown key): each a miss. */
  l2InvalidEntries: number;
  /** L2 reads and writes skipped while an outage window is open. */
  l2Skipped: number;
  /** Outage windows opened: times the L2 went from healthy to failing. */
  l2Outages: number;
  /** Set by the cache: reads the L1's current size. */
  cacheProbe: () => TokenCacheSize;
}
