// Entra's error answer: the error class the protocol throws and the JSON body it becomes.
import { newGuid } from '../util/encoding.js';

/**
 * The JSON error body Entra ID returns from its token and metadata endpoints.
 *
 * @example
 * ```ts
 * const body: EntraErrorBody = (await res.json()) as EntraErrorBody;
 * if (body.error_codes[0] === 50076) console.log(body.claims);
 * ```
 */
export interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  suberror?: string;
  claims?: string;
}

/**
 * An Entra protocol error: an AADSTS code, the OAuth `error`, the HTTP status and optional
 * `suberror` / `claims`. Thrown by the emulator's in-process API (e.g. `emu.signIn`) with the
 * body the HTTP endpoint would have sent.
 *
 * @example
 * ```ts
 * try { emu.signIn({ username: 'mallory@contoso.onmicrosoft.com', clientId, scopes }); }
 * catch (e) { if (e instanceof EntraProtocolError) expect(e.code).toBe(53003); }
 * ```
 */
export class EntraProtocolError extends Error {
  override readonly name = 'EntraProtocolError';
  /** The body as sent over HTTP (filled in when the error is rendered). */
  body?: EntraErrorBody;

  constructor(
    /** HTTP status: 400, or 401 for `invalid_client`. */
    readonly status: number,
    /** OAuth error, e.g. `invalid_grant`. */
    readonly error: string,
    /** AADSTS number, e.g. 50076. */
    readonly code: number,
    /** Description after the `AADSTSnnnn: ` prefix. */
    readonly description: string,
    readonly extra: {
      readonly suberror?: string;
      readonly claims?: string;
      readonly headers?: Record<string, string>;
      /** Error-code prefix: `AADSTS` (Entra ID, default) or `AADB2C` (Azure AD B2C tenants). */
      readonly prefix?: 'AADSTS' | 'AADB2C';
    } = {},
  ) {
    super(`${extra.prefix ?? 'AADSTS'}${code}: ${description}`);
  }
}

/** Entra's `timestamp` format: `2024-06-20 11:53:16Z`. @internal */
export function entraTimestamp(epochSeconds: number): string {
  return new Date(epochSeconds * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Renders an error body exactly in Entra's shape.
 * @internal
 */
export function errorBody(
  err: EntraProtocolError,
  ctx: {
    readonly baseUrl: string;
    readonly nowSeconds: number;
    readonly correlationId?: string;
    readonly traceId?: string;
  },
): EntraErrorBody {
  const traceId = ctx.traceId ?? newGuid();
  const correlationId = ctx.correlationId ?? newGuid();
  const timestamp = entraTimestamp(ctx.nowSeconds);
  const body: EntraErrorBody = {
    error: err.error,
    error_description: `${err.extra.prefix ?? 'AADSTS'}${err.code}: ${err.description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [err.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${ctx.baseUrl}/error?code=${err.code}`,
  };
  if (err.extra.suberror) body.suberror = err.extra.suberror;
  if (err.extra.claims) body.claims = err.extra.claims;
  return body;
}
