import type { LoggerService } from '@nestjs/common';

/** How long one failure window lasts. @internal */
export const FAILURE_WINDOW_MS = 60_000;

/** What a {@link FailureWindowLog} writes: a text line or a structured log object. @internal */
export type FailureLogMessage = string | Readonly<Record<string, unknown>>;

/** The lines a {@link FailureWindowLog} writes besides the first failure of a window. @internal */
export interface FailureWindowFormat {
  /**
   * The summary of a closed window: `more` failures after the first one, counted by kind
   * (e.g. `NIW6002 HTTP 500` → 9). Written only when `more > 0`.
   */
  summary(key: string, more: number, byKind: ReadonlyMap<string, number>, windowMs: number): FailureLogMessage;
  /**
   * The one line written when `key` works again after `failures` failures over `outageMs`.
   * Without it, recoveries are not logged.
   */
  recovered?(key: string, failures: number, outageMs: number): FailureLogMessage;
}

interface Window {
  readonly timer: ReturnType<typeof setTimeout>;
  /** Failures after the first one, by kind. */
  readonly counts: Map<string, number>;
}

interface Outage {
  readonly since: number;
  failures: number;
}

/**
 * Logs a failing dependency (an identity provider, a downstream API) once per window instead of once
 * per request: the first failure of a window at once (`warn`), the others summed into one counted
 * `warn` line when the window closes, and, when the format has a `recovered` line, one `log` line
 * when the dependency works again (which also closes the open window).
 *
 * Failures are kept by `key` (e.g. the downstream API's name); a success of a key that is not
 * failing costs one map lookup.
 * @internal
 */
export class FailureWindowLog {
  private readonly windows = new Map<string, Window>();
  private readonly outages = new Map<string, Outage>();

  constructor(
    private readonly logger: LoggerService,
    private readonly format: FailureWindowFormat,
    private readonly windowMs = FAILURE_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records one failure of `key`. `first` builds the line of a window's first failure (called only
   * then, so counted failures build no text).
   */
  record(key: string, kind: string, first: () => FailureLogMessage): void {
    if (this.format.recovered) {
      const outage = this.outages.get(key);
      if (outage) outage.failures++;
      else this.outages.set(key, { since: this.now(), failures: 1 });
    }
    const open = this.windows.get(key);
    if (open) {
      open.counts.set(kind, (open.counts.get(kind) ?? 0) + 1);
      return;
    }
    this.logger.warn(first());
    const timer = setTimeout(() => this.close(key), this.windowMs);
    // Never keeps the process alive for a log line.
    timer.unref();
    this.windows.set(key, { timer, counts: new Map() });
  }

  /** Records a success of `key`: after failures, closes its window and logs the recovery once. */
  succeeded(key: string): void {
    if (!this.outages.size) return;
    const outage = this.outages.get(key);
    if (!outage) return;
    this.outages.delete(key);
    this.close(key);
    const line = this.format.recovered?.(key, outage.failures, this.now() - outage.since);
    if (line !== undefined) this.logger.log(line);
  }

  /** Logs and clears every open window (module shutdown). */
  flush(): void {
    for (const key of [...this.windows.keys()]) this.close(key);
  }

  private close(key: string): void {
    const window = this.windows.get(key);
    if (!window) return;
    clearTimeout(window.timer);
    this.windows.delete(key);
    let more = 0;
    for (const count of window.counts.values()) more += count;
    if (more) this.logger.warn(this.format.summary(key, more, window.counts, this.windowMs));
  }
}

/** `NIW6002 HTTP 500 ×9, NIW6003 ×1`: a window's failures by kind, for a summary line. @internal */
export function formatFailureCounts(byKind: ReadonlyMap<string, number>): string {
  return [...byKind].map(([kind, count]) => `${kind} ×${count}`).join(', ');
}
