import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest body kept; larger bodies are drained and refused (up to {@link HARD_LIMIT}). @internal */
export const BODY_LIMIT = 256 * 1024;
const HARD_LIMIT = 32 * 1024 * 1024;

/** @internal */
export type BodyResult = { kind: 'ok'; text: string } | { kind: 'too-large' } | { kind: 'aborted' };

/** Reads the body; refuses bodies over the limit without ever buffering them. @internal */
export function readBody(req: IncomingMessage): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult) => {
      if (!done) {
        done = true;
        resolve(r);
      }
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= BODY_LIMIT) chunks.push(c);
      else if (size > HARD_LIMIT) {
        // Answer now; the connection is closed after the answer.
        finish({ kind: 'too-large' });
        req.pause();
      }
    });
    req.on('end', () =>
      finish(size > BODY_LIMIT ? { kind: 'too-large' } : { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') }),
    );
    req.on('error', () => finish({ kind: 'aborted' }));
    req.on('aborted', () => finish({ kind: 'aborted' }));
    // A client that left before the body was read (e.g. during an injected delay) fires no more events.
    req.on('close', () => {
      if (!req.complete) finish({ kind: 'aborted' });
    });
    if (req.destroyed && !req.complete) finish({ kind: 'aborted' });
  });
}

/** @internal */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(text).toString(),
    ...headers,
  });
  res.end(text);
}

/** @internal */
export function sendRaw(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-length': Buffer.byteLength(text).toString(), ...headers });
  res.end(text);
}

/** Decodes a form body into a map; duplicate parameters are refused (returns the duplicated name). @internal */
export function parseForm(text: string): { form: Map<string, string> } | { duplicate: string } {
  const form = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(text)) {
    if (form.has(k)) return { duplicate: k };
    form.set(k, v);
  }
  return { form };
}

/** @internal */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Decodes `Authorization: Basic` client credentials (RFC 6749 §2.3.1: each part form-urlencoded). @internal */
export function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined | 'invalid' {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return header.toLowerCase().startsWith('basic') ? 'invalid' : undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return 'invalid';
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, i).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(i + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return 'invalid';
  }
}
