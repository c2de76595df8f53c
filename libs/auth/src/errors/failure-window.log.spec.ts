import { describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { FailureWindowLog, formatFailureCounts } from './failure-window.log.js';

function capture(): { lines: [string, unknown][]; logger: LoggerService } {
  const lines: [string, unknown][] = [];
  return {
    lines,
    logger: {
      log: (m: unknown) => lines.push(['log', m]),
      warn: (m: unknown) => lines.push(['warn', m]),
      error: (m: unknown) => lines.push(['error', m]),
    },
  };
}

const format = {
  summary: (key: string, more: number, byKind: ReadonlyMap<string, number>) =>
    `${key}: ${more} more (${formatFailureCounts(byKind)})`,
  recovered: (key: string, failures: number) => `${key} recovered after ${failures}`,
};

describe('FailureWindowLog', () => {
  it('should log the first failure at once and sum the rest of the window into one line per key', async () => {
    const { lines, logger } = capture();
    const log = new FailureWindowLog(logger, format, 50);
    let built = 0;
    const first = (text: string) => () => {
      built++;
      return text;
    };
    for (let i = 0; i < 10; i++) log.record('idp', 'NIW4008 HTTP 503', first('idp down'));
    log.record('idp', 'NIW4008', first('idp down'));
    log.record('other', 'NIW6004', first('other down'));
    expect(lines).toEqual([
      ['warn', 'idp down'],
      ['warn', 'other down'],
    ]);
    expect(built).toBe(2);
    await new Promise((r) => setTimeout(r, 80));
    expect(lines.slice(2)).toEqual([['warn', 'idp: 10 more (NIW4008 HTTP 503 ×9, NIW4008 ×1)']]);
  });

  it('should log a recovery once, closing the open window first, and nothing for a key that never failed', () => {
    const { lines, logger } = capture();
    const log = new FailureWindowLog(logger, format, 60_000);
    log.succeeded('idp');
    log.record('idp', 'NIW4008', () => 'idp down');
    log.record('idp', 'NIW4008', () => 'idp down');
    log.succeeded('idp');
    log.succeeded('idp');
    expect(lines).toEqual([
      ['warn', 'idp down'],
      ['warn', 'idp: 1 more (NIW4008 ×1)'],
      ['log', 'idp recovered after 2'],
    ]);
  });

  it('should keep counting an outage across windows and start a new window after one closes', async () => {
    const { lines, logger } = capture();
    const log = new FailureWindowLog(logger, format, 20);
    log.record('idp', 'NIW4008', () => 'idp down');
    await new Promise((r) => setTimeout(r, 40));
    log.record('idp', 'NIW4008', () => 'idp down');
    log.succeeded('idp');
    expect(lines).toEqual([
      ['warn', 'idp down'],
      ['warn', 'idp down'],
      ['log', 'idp recovered after 2'],
    ]);
  });

  it('should not log recoveries without a recovered line, and flush open windows on shutdown', () => {
    const { lines, logger } = capture();
    const log = new FailureWindowLog(logger, { summary: format.summary }, 60_000);
    log.record('api', 'NIW6002', () => 'api down');
    log.record('api', 'NIW6002', () => 'api down');
    log.succeeded('api');
    log.flush();
    log.flush();
    expect(lines).toEqual([
      ['warn', 'api down'],
      ['warn', 'api: 1 more (NIW6002 ×1)'],
    ]);
  });
});
