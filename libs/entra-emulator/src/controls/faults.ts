import type { EmulatorRoute } from './request-log.js';

/**
 * A fault to inject: which requests it hits, what it does, how many times.
 * With only `delayMs`, the request is delayed and then served normally.
 *
 * @example
 * ```ts
 * emu.injectFault({ route: 'token', status: 503, times: 1 });
 * emu.injectFault({ route: 'jwks', drop: true });
 * emu.injectFault({ route: /\/discovery\//, delayMs: 2000, times: 3 });
 * ```
 */
export interface FaultSpec {
  /** A route class, or a RegExp tested against the path (no query). */
  readonly route: EmulatorRoute | 'any' | RegExp;
  /** Only requests with this method. */
  readonly method?: string;
  /** Answer with this status. Without `body`, an Entra-shaped error body is sent. */
  readonly status?: number;
  /** Body: an object is sent as JSON, a string as is (for negative tests of clients). */
  readonly body?: unknown;
  /** Extra response headers, e.g. `{ 'Retry-After': '1' }`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long first. */
  readonly delayMs?: number;
  /** Destroy the connection without an answer (after `delayMs`). */
  readonly drop?: boolean;
  /** How many requests it hits. Default: unlimited, until removed or `reset()`. */
  readonly times?: number;
}

/**
 * Handle of an injected fault.
 *
 * @example
 * ```ts
 * const fault = emu.injectFault({ route: 'token', status: 500 });
 * // ...
 * expect(fault.hits).toBe(1);
 * fault.remove();
 * ```
 */
export interface FaultHandle {
  readonly id: string;
  /** Requests hit so far. */
  readonly hits: number;
  /** Hits left (`Infinity` when unlimited). */
  readonly remaining: number;
  /** Stops the fault. */
  remove(): void;
}

interface ActiveFault {
  readonly id: string;
  readonly spec: FaultSpec;
  hits: number;
  remaining: number;
}

const FAULT_ROUTES: ReadonlySet<unknown> = new Set<FaultSpec['route']>([
  'metadata',
  'jwks',
  'token',
  'authorize',
  'instance',
  'logout',
  'other',
  'any',
]);

/** @internal */
export class FaultInjector {
  private faults: ActiveFault[] = [];
  private seq = 0;

  add(spec: FaultSpec): FaultHandle {
    if (!(spec.route instanceof RegExp) && !FAULT_ROUTES.has(spec.route)) {
      throw new RangeError(`fault.route must be a RegExp or one of: ${[...FAULT_ROUTES].join(', ')}`);
    }
    if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times < 1)) {
      throw new RangeError('fault.times must be a positive integer');
    }
    if (spec.status !== undefined && (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599)) {
      throw new RangeError('fault.status must be an HTTP status code');
    }
    const f: ActiveFault = { id: `fault-${++this.seq}`, spec, hits: 0, remaining: spec.times ?? Infinity };
    this.faults.push(f);
    const list = (): ActiveFault[] => this.faults;
    return {
      id: f.id,
      get hits() {
        return f.hits;
      },
      get remaining() {
        return f.remaining;
      },
      remove: () => {
        this.faults = list().filter((x) => x !== f);
      },
    };
  }

  /** Takes the first matching fault (counting one hit), if any. */
  take(route: EmulatorRoute, path: string, method: string): FaultSpec | undefined {
    const f = this.faults.find((x) => {
      if (x.remaining <= 0) return false;
      if (x.spec.method && x.spec.method.toUpperCase() !== method) return false;
      const r = x.spec.route;
      return r === 'any' || (r instanceof RegExp ? r.test(path) : r === route);
    });
    if (!f) return undefined;
    f.hits++;
    f.remaining--;
    if (f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
    return f.spec;
  }

  clear(): void {
    this.faults = [];
  }
}
