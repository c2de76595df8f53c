/**
 * What the L2 was doing when it failed.
 *
 * @example
 * ```ts
 * const op: L2Operation = 'get';
 * ```
 */
export type L2Operation = 'get' | 'set' | 'delete';

/**
 * Passed to `tokenCache.onL2Failure` once per outage window: the first failure after the L2 was
 * healthy. While the window lasts, reads and writes skip the L2 except for a periodic probe.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({
 *   ...options,
 *   tokenCache: { store: 'redis', redis: { url }, onL2Failure: (e) => alerts.raise(`token cache L2: ${e.reason}`) },
 * });
 * ```
 */
export interface L2FailureEvent {
  /** The operation that failed first. */
  readonly operation: L2Operation;
  /** `'timeout'` when the store did not answer within `l2TimeoutMs`, `'error'` when it threw. */
  readonly reason: 'timeout' | 'error';
  /** The error's name and message (never a key or a value). */
  readonly error: string;
  /** When the window opened. */
  readonly since: Date;
}

/**
 * Passed to `tokenCache.onL2Recovered` once, when the L2 answers again after an outage window.
 *
 * @example
 * ```ts
 * onL2Recovered: (e) => logger.log(`L2 back after ${e.durationMs} ms, ${e.failures} failures`)
 * ```
 */
export interface L2RecoveredEvent {
  /** Failed operations (errors and timeouts) during the window. */
  readonly failures: number;
  /** Reads and writes that skipped the L2 during the window. */
  readonly skipped: number;
  /** Length of the window in ms. */
  readonly durationMs: number;
  /** When the window opened. */
  readonly since: Date;
}
