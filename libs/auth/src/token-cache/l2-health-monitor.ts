import type { Logger } from '@nestjs/common';
import type { L2FailureEvent, L2Operation, L2RecoveredEvent } from './l2-events.types.js';
import type { TokenCacheStatistics } from './token-cache-statistics.js';

/** While an outage lasts, repeat the warning (with the running count) at most this often. */
const REPEAT_WARNING_MS = 60_000;

/** What a caller may do with the L2 right now. @internal */
export type L2Admission = 'use' | 'probe' | 'skip';

/** Settings of {@link L2HealthMonitor}. @internal */
export interface L2HealthSettings {
  /** While failing, one operation in this interval probes the L2; the others skip it. */
  readonly probeIntervalMs: number;
  readonly onFailure: ((event: L2FailureEvent) => void) | undefined;
  readonly onRecovered: ((event: L2RecoveredEvent) => void) | undefined;
  readonly now: () => number;
}

/**
 * Outage windows of the L2. The first failure after a healthy period opens a window: one warning
 * with the cause, one `onL2Failure` event. During the window reads and writes skip the L2 (a miss,
 * not a wait) except one probe per `probeIntervalMs`, so a hung store costs at most one timeout per
 * interval instead of one per request. The first successful operation closes the window: one log
 * line with the counts and one `onL2Recovered` event. Counters go to the statistics.
 * @internal
 */
export class L2HealthMonitor {
  private since: number | undefined;
  private failures = 0;
  private skipped = 0;
  private nextProbeAt = 0;
  private probing = false;
  private lastWarningAt = 0;

  constructor(
    private readonly settings: L2HealthSettings,
    private readonly stats: TokenCacheStatistics,
    private readonly logger: Logger,
  ) {}

  /** True while an outage window is open. */
  get failing(): boolean {
    return this.since !== undefined;
  }

  /** When the open outage window started (the `now` clock), or `undefined` while healthy. */
  get failingSince(): number | undefined {
    return this.since;
  }

  /** Whether the next operation goes to the L2; call {@link succeeded} or {@link failed} after a `use` or `probe`. */
  admit(): L2Admission {
    if (this.since === undefined) return 'use';
    const now = this.settings.now();
    if (!this.probing && now >= this.nextProbeAt) {
      this.probing = true;
      this.nextProbeAt = now + this.settings.probeIntervalMs;
      return 'probe';
    }
    this.skipped++;
    this.stats.l2Skipped++;
    return 'skip';
  }

  /** The store answered: closes an open window. */
  succeeded(): void {
    this.probing = false;
    if (this.since === undefined) return;
    const now = this.settings.now();
    const event: L2RecoveredEvent = {
      failures: this.failures,
      skipped: this.skipped,
      durationMs: now - this.since,
      since: new Date(this.since),
    };
    this.since = undefined;
    this.failures = 0;
    this.skipped = 0;
    this.logger.log({ event: 'l2_recovered', ...event, since: event.since.toISOString() });
    this.emit(this.settings.onRecovered, event);
  }

  /** The store threw or timed out. Opens a window, or counts into the open one. */
  failed(operation: L2Operation, reason: 'timeout' | 'error', error: unknown): void {
    this.probing = false;
    this.stats.l2Errors++;
    if (reason === 'timeout') this.stats.l2Timeouts++;
    const now = this.settings.now();
    this.nextProbeAt = now + this.settings.probeIntervalMs;
    if (this.since !== undefined) {
      this.failures++;
      if (now - this.lastWarningAt >= REPEAT_WARNING_MS) {
        this.lastWarningAt = now;
        this.logger.warn({
          event: 'l2_still_unavailable',
          failures: this.failures,
          skipped: this.skipped,
          sinceMs: now - this.since,
        });
      }
      return;
    }
    this.since = now;
    this.failures = 1;
    this.skipped = 0;
    this.lastWarningAt = now;
    this.stats.l2Outages++;
    const event: L2FailureEvent = { operation, reason, error: describeError(error), since: new Date(now) };
    this.logger.warn({
      event: 'l2_unavailable',
      operation,
      reason,
      error: event.error,
      note: 'continuing with L1 and the identity provider; one line per outage window',
    });
    this.emit(this.settings.onFailure, event);
  }

  private emit<E>(callback: ((event: E) => void) | undefined, event: E): void {
    if (!callback) return;
    try {
      callback(event);
    } catch {
      // A faulty subscriber must not turn a cache outage into a failed request.
    }
  }
}

/** Name and message only: never a key, a value or a stack. @internal */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error).slice(0, 300);
}
