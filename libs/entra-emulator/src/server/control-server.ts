import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-util.js';

/** Handles `/__emulator/*` control routes. @internal */
export type ControlRouteHandler = (
  method: string,
  path: string,
  body: unknown,
) => Promise<{ status: number; body: unknown }>;

/** Reads a control request's JSON body and answers with what the control routes return. @internal */
export async function serveControl(
  controls: ControlRouteHandler,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  path: string,
): Promise<void> {
  let body: unknown;
  if (method === 'POST' || method === 'PUT' || method === 'DELETE') {
    const r = await readBody(req);
    if (r.kind !== 'ok') {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'body too large or aborted' });
      return;
    }
    if (r.text.trim()) {
      try {
        body = JSON.parse(r.text);
      } catch {
        sendJson(res, 400, { error: 'invalid_request', error_description: 'the body is not JSON' });
        return;
      }
    }
  }
  try {
    const out = await controls(method, path, body);
    sendJson(res, out.status, out.body);
  } catch (e) {
    sendJson(res, 400, {
      error: 'invalid_request',
      error_description: e instanceof Error ? e.message : 'invalid control request',
    });
  }
}
