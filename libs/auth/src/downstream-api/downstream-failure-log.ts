import type { LoggerService } from '@nestjs/common';

/** How long one failure window lasts. @internal */
export const FAILURE_WINDOW_MS = 60_000;

interface Window {
  readonly timer: ReturnType<typeof setTimeout>;
  /** Failures after the first one, by code and status. */
  readonly counts: Map<string, number>;
}

/**
 * Logs failures of downstream calls that change an answer (502/503/504): the first one of a window
 * at once, with its code, then one summary line per downstream API at the end of the window with
 * the count of the others, never one line per request. @internal
 */
export class DownstreamFailureLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly logger: LoggerService,
    private readonly windowMs = FAILURE_WINDOW_MS,
  ) {}

  /** Records one failure of `api`; `what` is e.g. `NIW6002 HTTP 500`, `detail` says what to check. */
  record(api: string, what: string, detail: string): void {
    const open = this.windows.get(api);
    if (open) {
      open.counts.set(what, (open.counts.get(what) ?? 0) + 1);
      return;
    }
    this.logger.warn(`Downstream API '${api}' failed: ${what}. ${detail}`);
    const timer = setTimeout(() => this.close(api), this.windowMs);
    // Never keeps the process alive for a log line.
    timer.unref();
    this.windows.set(api, { timer, counts: new Map() });
  }

  /** Logs and clears every open window (module shutdown). */
  flush(): void {
    for (const api of [...this.windows.keys()]) this.close(api);
  }

  private close(api: string): void {
    const window = this.windows.get(api);
    if (!window) return;
    clearTimeout(window.timer);
    this.windows.delete(api);
    if (!window.counts.size) return;
    let total = 0;
    const parts: string[] = [];
    for (const [what, count] of window.counts) {
      total += count;
      parts.push(`${what} ×${count}`);
    }
    this.logger.warn(
      `Downstream API '${api}': ${total} more failure(s) in the last ${Math.round(this.windowMs / 1000)} s (${parts.join(', ')}).`,
    );
  }
}
