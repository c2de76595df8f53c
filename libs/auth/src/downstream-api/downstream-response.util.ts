/** Anything that looks like a JWS/JWE compact token, or a credential after an auth scheme. */
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{2,}(?:\.[A-Za-z0-9_-]*){2,4}/g;
const SCHEME_CREDENTIAL = /\b(Bearer|PoP|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const REDACTED = '[redacted]';
/** Longest body the library reads from a failed answer. @internal */
export const MAX_ERROR_BODY_BYTES = 16 * 1024;
const EXCERPT_CHARS = 200;

/** Removes anything token-like from text that may reach logs or messages. @internal */
export function redact(text: string): string {
  return text.replace(JWT_LIKE, REDACTED).replace(SCHEME_CREDENTIAL, `$1 ${REDACTED}`);
}

/** A one-line, redacted excerpt of a body for an error message. @internal */
export function excerpt(text: string): string | undefined {
  const line = redact(text).replace(/\s+/g, ' ').trim();
  if (!line) return undefined;
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line;
}

/** The body as JSON when it parses, else as text, token-like strings redacted. @internal */
export function redactedBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text, (_key, value: unknown) => (typeof value === 'string' ? redact(value) : value)) as unknown;
  } catch {
    return redact(text);
  }
}

/**
 * Reads at most `limit` bytes of a body as UTF-8 and cancels the rest, so a huge or endless error
 * answer cannot hold memory or the connection.
 * @internal
 */
export async function readBounded(res: Response, limit = MAX_ERROR_BODY_BYTES): Promise<string> {
  if (!res.body) return '';
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (size >= limit) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** Discards an answer's body so its connection returns to the pool. @internal */
export function discard(res: Response): void {
  res.body?.cancel().catch(() => undefined);
}

/**
 * `Retry-After` in seconds (delta-seconds or an HTTP date), clamped to [1, 3600]; undefined when
 * absent or unreadable.
 * @internal
 */
export function retryAfterOf(headers: Headers): number | undefined {
  const raw = headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  let seconds = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (Number.isNaN(seconds)) {
    const date = Date.parse(raw);
    if (Number.isNaN(date)) return undefined;
    seconds = Math.ceil((date - Date.now()) / 1000);
  }
  return Math.min(3600, Math.max(1, seconds));
}

/** Parameters of the `Bearer` challenge of a `WWW-Authenticate` header (names lower-cased). @internal */
export function bearerChallengeParams(header: string | null): Record<string, string> | undefined {
  if (!header) return undefined;
  // auth-param = token "=" ( token / quoted-string ); a bare token starts a new challenge (scheme).
  const re =
    /[\s,]*(?:([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))|([!#$%&'*+.^_`|~0-9A-Za-z-]+))/y;
  let scheme: string | undefined;
  let bearer: Record<string, string> | undefined;
  while (re.lastIndex < header.length) {
    const m = re.exec(header);
    if (!m) break;
    if (m[4] !== undefined) {
      if (bearer) break;
      scheme = m[4].toLowerCase();
      if (scheme === 'bearer') bearer = {};
      continue;
    }
    if (scheme === 'bearer' && bearer && m[1]) {
      bearer[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    }
  }
  return bearer;
}

/**
 * The claims request of a downstream claims challenge
 * (`Bearer error="insufficient_claims", claims="<base64 JSON>"`), as JSON; undefined when the
 * answer is not one or its claims are not a JSON object.
 * @internal
 */
export function claimsChallengeOf(res: Response): string | undefined {
  if (res.status !== 401) return undefined;
  const params = bearerChallengeParams(res.headers.get('www-authenticate'));
  if (params?.error !== 'insufficient_claims' || !params.claims) return undefined;
  const raw = params.claims.trim();
  const json = raw.startsWith('{') ? raw : Buffer.from(raw, 'base64').toString('utf8');
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? JSON.stringify(parsed) : undefined;
  } catch {
    return undefined;
  }
}
