import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultSpec } from '../controls/faults.js';
import { EntraProtocolError, errorBody } from '../protocol/errors.js';
import { sendJson, sendRaw } from './http-util.js';

/** What an error body needs besides the error. @internal */
export type ErrorContext = Parameters<typeof errorBody>[1];

/**
 * Plays an injected fault: a delay, a dropped connection, or an answer (Entra-shaped unless a body
 * is given). Returns the status sent (0 for a drop), or undefined when the request continues normally.
 * @internal
 */
export async function applyFault(
  req: IncomingMessage,
  res: ServerResponse,
  f: FaultSpec,
  errorCtx: () => ErrorContext,
): Promise<number | undefined> {
  if (f.delayMs && f.delayMs > 0) await sleep(f.delayMs);
  // The client left during the delay: nothing reaches it, and the log says so with status 0.
  if (req.socket.destroyed) return 0;
  if (f.drop) {
    req.socket.destroy();
    return 0;
  }
  if (f.status === undefined) return undefined;
  // Drain the request so the client sees the answer rather than a reset.
  req.resume();
  const headers = { ...(f.headers ?? {}) };
  if (f.body === undefined) {
    sendJson(res, f.status, errorBody(faultError(f.status), errorCtx()), headers);
  } else if (typeof f.body === 'string') {
    sendRaw(res, f.status, f.body, { 'content-type': 'application/json; charset=utf-8', ...headers });
  } else {
    sendJson(res, f.status, f.body, headers);
  }
  return f.status;
}

function faultError(status: number): EntraProtocolError {
  if (status === 429)
    return new EntraProtocolError(
      429,
      'temporarily_unavailable',
      90033,
      'The server is temporarily throttling requests. Please try again.',
    );
  if (status >= 500)
    return new EntraProtocolError(
      status,
      'temporarily_unavailable',
      90033,
      'A transient error has occurred. Please try again.',
    );
  return new EntraProtocolError(status, 'invalid_request', 90100, 'Injected fault.');
}
