import type { CachedToken } from './cached-token.interface.js';

interface Slot {
  readonly token: CachedToken;
  readonly bytes: number;
}

/** Per-entry overhead estimate (entry object, Map slot, scopes reference, numbers). */
const ENTRY_OVERHEAD_BYTES = 200;

/**
 * The in-process L1: a `Map` used as an LRU (insertion order, re-inserted on hit), bounded by
 * entries and estimated bytes. Lookups are O(1) whatever the number of users; expired entries are
 * dropped when read and swept at most every 30 s on writes.
 * @internal
 */
export class MemoryTokenCache {
  private readonly map = new Map<string, Slot>();
  private bytes = 0;
  private lastSweep = 0;
  /** True when the last `get` miss found an entry past its refresh margin. */
  lastMissExpired = false;
  /** Entries evicted to respect the bounds. */
  evictions = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxSizeBytes: number,
  ) {}

  /** The token under `key` if it can still be handed out at `now`. */
  get(key: string, now: number): CachedToken | undefined {
    const slot = this.map.get(key);
    if (slot === undefined) {
      this.lastMissExpired = false;
      return undefined;
    }
    if (now >= slot.token.staleOn) {
      this.remove(key, slot);
      this.lastMissExpired = true;
      return undefined;
    }
    // Re-insert to mark as most recently used.
    this.map.delete(key);
    this.map.set(key, slot);
    return slot.token;
  }

  /** Inserts or replaces `key`, evicting least recently used entries beyond the bounds. */
  set(key: string, token: CachedToken, now: number): void {
    const previous = this.map.get(key);
    if (previous !== undefined) this.remove(key, previous);
    const bytes = token.accessToken.length + key.length + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.maxSizeBytes || now >= token.staleOn) return;
    this.map.set(key, { token, bytes });
    this.bytes += bytes;
    if (now - this.lastSweep > 30_000) this.sweep(now);
    while (this.map.size > this.maxEntries || this.bytes > this.maxSizeBytes) {
      const oldest = this.map.entries().next();
      if (oldest.done) break;
      this.remove(oldest.value[0], oldest.value[1]);
      this.evictions++;
    }
  }

  delete(key: string): void {
    const slot = this.map.get(key);
    if (slot !== undefined) this.remove(key, slot);
  }

  get size(): number {
    return this.map.size;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, slot] of this.map) {
      if (now >= slot.token.staleOn) this.remove(key, slot);
    }
  }

  private remove(key: string, slot: Slot): void {
    this.map.delete(key);
    this.bytes -= slot.bytes;
  }
}
