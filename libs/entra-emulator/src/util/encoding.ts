import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** @internal */
export function b64url(input: Buffer | string): string {
  return (typeof input === 'string' ? Buffer.from(input, 'utf8') : input).toString('base64url');
}

/** @internal */
export function sha256(input: string | Buffer): Buffer {
  return createHash('sha256').update(input).digest();
}

/** A GUID derived from the inputs, shaped like a v4 UUID (stable across runs). @internal */
export function derivedGuid(...parts: string[]): string {
  const h = sha256(parts.join('\u0000'));
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** @internal */
export function newGuid(): string {
  return randomUUID();
}

/** Random opaque value (e.g. `aio`, `uti`, refresh tokens). @internal */
export function randomToken(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** @internal */
export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}
