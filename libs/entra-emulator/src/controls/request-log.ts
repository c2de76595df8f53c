/**
 * Route names used by the request log and by fault injection.
 *
 * @example
 * ```ts
 * const route: EmulatorRoute = 'token';
 * ```
 */
export type EmulatorRoute = 'metadata' | 'jwks' | 'token' | 'authorize' | 'instance' | 'logout' | 'other';

/**
 * One request the emulator served. Never holds secrets, assertions, passwords, codes or tokens.
 *
 * @example
 * ```ts
 * const obo = emu.requests({ grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer' });
 * expect(obo.map((r) => r.oid)).toEqual([aliceOid]);
 * ```
 */
export interface RequestLogEntry {
  /** HTTP method. */
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Route class. */
  readonly route: EmulatorRoute;
  /** Tenant segment of the path, lowercased, if any. */
  readonly tenant?: string;
  /** `grant_type` of a token request. */
  readonly grantType?: string;
  /** `client_id` of a token or authorize request. */
  readonly clientId?: string;
  /** How the client authenticated: `secret`, `basic`, `assertion` or `none`. */
  readonly clientAuth?: 'secret' | 'basic' | 'assertion' | 'none';
  /** Object id of the user the request was about (OBO assertion, ROPC, code or refresh). */
  readonly oid?: string;
  /** `scope` parameter. */
  readonly scope?: string;
  /** HTTP status sent (0 when a fault dropped the connection). */
  readonly status: number;
  /** AADSTS code of an error answer. */
  readonly errorCode?: number;
  /** Whether an injected fault answered. */
  readonly faulted?: boolean;
  /** `client-request-id`, when sent. */
  readonly correlationId?: string;
  /** Epoch milliseconds (real time) when the request arrived. */
  readonly at: number;
  /** Milliseconds spent. */
  readonly durationMs: number;
}

/**
 * Filter for `emu.requests()`: a predicate, or fields that must all match (`path` may be a RegExp).
 *
 * @example
 * ```ts
 * emu.requests({ route: 'token', clientId: DEFAULT_IDS.apps.myApi.clientId });
 * ```
 */
export type RequestLogFilter =
  | ((entry: RequestLogEntry) => boolean)
  | {
      readonly route?: EmulatorRoute;
      readonly path?: string | RegExp;
      readonly method?: string;
      readonly grantType?: string;
      readonly clientId?: string;
      readonly oid?: string;
      readonly status?: number;
      readonly tenant?: string;
    };

/** @internal */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private static readonly MAX = 5000;

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > RequestLog.MAX) this.entries.splice(0, this.entries.length - RequestLog.MAX);
  }

  list(filter?: RequestLogFilter): RequestLogEntry[] {
    if (!filter) return [...this.entries];
    if (typeof filter === 'function') return this.entries.filter(filter);
    return this.entries.filter((e) => {
      if (
        filter.path instanceof RegExp ? !filter.path.test(e.path) : filter.path !== undefined && filter.path !== e.path
      )
        return false;
      for (const k of ['route', 'method', 'grantType', 'clientId', 'oid', 'status', 'tenant'] as const) {
        const want = filter[k];
        if (want !== undefined && e[k] !== want) return false;
      }
      return true;
    });
  }

  clear(): void {
    this.entries = [];
  }
}
