import { createHash } from 'node:crypto';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';

/** What the cache remembers about a validated token (never the token itself). @internal */
export interface ValidatedTokenEntry {
  readonly principal: AuthPrincipal;
  /** `exp`, in seconds since the epoch. */
  readonly exp: number;
  /** `kid` of the key that verified it, so a withdrawn key evicts its tokens. */
  readonly kid: string;
}

/**
 * A bounded LRU of already-validated tokens, keyed by the SHA-256 of the token (so the cache holds
 * no usable credential). A hit costs one hash and one `Map` lookup; entries die at `exp` (+ skew),
 * and the least recently used entry goes when the cache is full.
 * @internal
 */
export class ValidatedTokenCache {
  private readonly entries = new Map<string, ValidatedTokenEntry>();

  constructor(
    private readonly maxEntries: number,
    private readonly skewSeconds: number,
  ) {}

  /** False when the cache is configured off (`validatedTokenCacheSize: 0`): nothing to look up. */
  get enabled(): boolean {
    return this.maxEntries > 0;
  }

  /** The cache key of a token. */
  static keyOf(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }

  /** The entry for `key` if it is still within `exp` + skew at `nowSeconds`. */
  get(key: string, nowSeconds: number): ValidatedTokenEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (nowSeconds >= entry.exp + this.skewSeconds) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-insert to mark as most recently used (Map keeps insertion order).
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: ValidatedTokenEntry): void {
    if (this.maxEntries <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, entry);
  }

  /** Drops every token verified by one of `kids` (keys withdrawn from the JWKS). */
  evictKeys(kids: ReadonlySet<string>): void {
    if (!kids.size) return;
    for (const [key, entry] of this.entries) if (kids.has(entry.kid)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
