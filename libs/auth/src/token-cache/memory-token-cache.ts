import type { CachedToken } from './cached-token.interface.js';

/** The token itself plus bookkeeping in one object: one memory access per hit, not two. */
interface Slot extends CachedToken {
  readonly bytes: number;
  /** Second-chance bit: set on a hit, cleared when eviction passes over the entry. */
  used: boolean;
}

/** Per-entry overhead estimate (entry object, Map slot, scopes reference, numbers). */
const ENTRY_OVERHEAD_BYTES = 200;

/**
 * The in-process L1: a `Map` in insertion order with second-chance (CLOCK) eviction, an O(1)
 * approximation of LRU that, unlike re-inserting on every hit, does not write to the map on the
 * hot path. Bounded by entries and estimated bytes. Lookups are O(1) whatever the number of users;
 * expired entries are dropped when read and swept at most every 30 s on writes.
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
    if (now >= slot.staleOn) {
      this.remove(key, slot);
      this.lastMissExpired = true;
      return undefined;
    }
    slot.used = true;
    return slot;
  }

  /** Inserts or replaces `key`, evicting least recently used entries beyond the bounds. */
  set(key: string, token: CachedToken, now: number): void {
    const previous = this.map.get(key);
    if (previous !== undefined) this.remove(key, previous);
    const bytes = token.accessToken.length + key.length + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.maxSizeBytes || now >= token.staleOn) return;
    this.map.set(key, {
      accessToken: token.accessToken,
      tokenType: token.tokenType,
      expiresOn: token.expiresOn,
      refreshOn: token.refreshOn,
      staleOn: token.staleOn,
      scopes: token.scopes,
      tenantId: token.tenantId,
      correlationId: token.correlationId,
      bytes,
      used: false,
    });
    this.bytes += bytes;
    if (now - this.lastSweep > 30_000) this.sweep(now);
    while (this.map.size > this.maxEntries || this.bytes > this.maxSizeBytes) {
      const oldest = this.map.entries().next();
      if (oldest.done) break;
      const [oldKey, slot] = oldest.value;
      if (slot.used && oldKey !== key) {
        // Recently read: give it a second chance at the tail.
        slot.used = false;
        this.map.delete(oldKey);
        this.map.set(oldKey, slot);
        continue;
      }
      this.remove(oldKey, slot);
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
      if (now >= slot.staleOn) this.remove(key, slot);
    }
  }

  private remove(key: string, slot: Slot): void {
    this.map.delete(key);
    this.bytes -= slot.bytes;
  }
}
