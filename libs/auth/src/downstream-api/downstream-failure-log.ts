import type { LoggerService } from '@nestjs/common';
import { FAILURE_WINDOW_MS, FailureWindowLog, formatFailureCounts } from '../errors/failure-window.log.js';

/**
 * Logs failures of downstream calls that change an answer (502/503/504): the first one of a window
 * at once, with its code, then one summary line per downstream API at the end of the window with
 * the count of the others, never one line per request. @internal
 */
export class DownstreamFailureLog {
  private readonly log: FailureWindowLog;

  constructor(logger: LoggerService, windowMs = FAILURE_WINDOW_MS) {
    this.log = new FailureWindowLog(
      logger,
      {
        summary: (api, more, byKind, ms) =>
          `Downstream API '${api}': ${more} more failure(s) in the last ${Math.round(ms / 1000)} s (${formatFailureCounts(byKind)}).`,
      },
      windowMs,
    );
  }

  /** Records one failure of `api`; `what` is e.g. `NIW6002 HTTP 500`, `detail` says what to check. */
  record(api: string, what: string, detail: string): void {
    this.log.record(api, what, () => `Downstream API '${api}' failed: ${what}. ${detail}`);
  }

  /** Logs and clears every open window (module shutdown). */
  flush(): void {
    this.log.flush();
  }
}
