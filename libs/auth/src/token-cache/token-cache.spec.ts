import { describe, expect, it } from '@jest/globals';
import type { Logger } from '@nestjs/common';
import type { CachedToken } from './cached-token.interface.js';
import { DistributedTokenCache } from './distributed-token-cache.js';
import { type AcquireMode, TokenCache, type TokenCacheAnswer, type TokenCacheSettings } from './token-cache.js';
import type { TokenCacheStatistics } from './token-cache-statistics.js';
import type { TokenCacheStore } from './token-cache-store.interface.js';

interface Fresh {
  readonly token: CachedToken;
}

function token(name: string, now: number, lifetime = 3_600_000): CachedToken {
  return {
    accessToken: `token-${name}`,
    tokenType: 'Bearer',
    expiresOn: now + lifetime,
    refreshOn: now + lifetime * 0.8,
    staleOn: now + lifetime - 300_000,
    scopes: ['s'],
    tenantId: 't',
    correlationId: `c-${name}`,
  };
}

class MapStore implements TokenCacheStore {
  readonly map = new Map<string, string>();
  failReads = false;
  failWrites = false;
  get(key: string) {
    return this.failReads ? Promise.reject(new Error('store down')) : Promise.resolve(this.map.get(key));
  }
  set(key: string, value: string) {
    if (this.failWrites) return Promise.reject(new Error('store down'));
    this.map.set(key, value);
    return Promise.resolve();
  }
  delete(key: string) {
    this.map.delete(key);
    return Promise.resolve();
  }
}

const quietLogger = { warn: () => undefined, log: () => undefined } as unknown as Logger;

function setup({ store, ...settings }: Partial<TokenCacheSettings> & { store?: TokenCacheStore } = {}) {
  const clock = { now: 1_000_000 };
  const stats: TokenCacheStatistics = {
    l1Hits: 0,
    l2Hits: 0,
    misses: 0,
    coalesced: 0,
    backgroundRefreshes: 0,
    l2Errors: 0,
    l2Timeouts: 0,
    l2InvalidEntries: 0,
    l2Skipped: 0,
    l2Outages: 0,
    cacheProbe: () => ({ entries: 0, bytes: 0, evictions: 0 }),
  };
  const now = () => clock.now;
  const l2 =
    store &&
    new DistributedTokenCache(
      store,
      {
        store,
        redisUrl: undefined,
        keyPrefix: '',
        encryptionKeys: [],
        timeoutMs: 1_000,
        probeIntervalMs: 1_000,
        onFailure: undefined,
        onRecovered: undefined,
      },
      stats,
      now,
      quietLogger,
    );
  const cache = new TokenCache(
    { namespace: 'ns:', maxEntries: 100, maxSizeBytes: 1e9, disableL1: false, l2, now, ...settings },
    stats,
  );
  const modes: AcquireMode[] = [];
  let n = 0;
  const acquire = (mode: AcquireMode): Promise<Fresh> => {
    modes.push(mode);
    return Promise.resolve({ token: token(String(++n), clock.now) });
  };
  const get = (key: string, bypass = false, flightKey?: string) =>
    Promise.resolve(cache.getOrAcquire<Fresh>(key, { bypass, ...(flightKey ? { flightKey } : {}) }, acquire));
  return { cache, stats, clock, modes, acquire, get };
}

describe('TokenCache.getOrAcquire', () => {
  it('acquires on a miss, then answers from L1 synchronously', async () => {
    const { cache, stats, acquire, get } = setup();
    const first = await get('k');
    expect(first).toMatchObject({ level: 'none', reason: 'noCachedAccessToken', coalesced: false });
    expect(first.acquired?.token.accessToken).toBe('token-1');
    const hit = cache.getOrAcquire<Fresh>('k', { bypass: false }, acquire) as TokenCacheAnswer<Fresh>;
    expect(hit).not.toBeInstanceOf(Promise);
    expect(hit).toMatchObject({ level: 'l1', reason: 'notApplicable', coalesced: false });
    expect(hit.token.accessToken).toBe('token-1');
    expect(hit.acquired).toBeUndefined();
    expect(stats).toMatchObject({ l1Hits: 1, misses: 1 });
  });

  it("reports 'expired' when L1 held the key past its stale time, 'noCachedAccessToken' when it held nothing", async () => {
    const { clock, get } = setup();
    await get('k');
    clock.now += 3_600_000;
    expect((await get('k')).reason).toBe('expired');
    expect((await get('other')).reason).toBe('noCachedAccessToken');
  });

  it("bypasses both levels with 'forceRefreshOrClaims' and replaces the cached token", async () => {
    const { stats, get } = setup();
    await get('k');
    const forced = await get('k', true);
    expect(forced).toMatchObject({ level: 'none', reason: 'forceRefreshOrClaims' });
    expect((await get('k')).token.accessToken).toBe(forced.token.accessToken);
    expect(stats).toMatchObject({ misses: 2, l1Hits: 1 });
  });

  it('runs one acquisition for concurrent identical lookups and marks the joiners coalesced', async () => {
    const { stats, modes, get } = setup();
    const answers = await Promise.all(Array.from({ length: 50 }, () => get('k')));
    expect(modes).toEqual(['miss']);
    expect(new Set(answers.map((a) => a.token.accessToken)).size).toBe(1);
    expect(answers.filter((a) => a.coalesced)).toHaveLength(49);
    expect(stats.coalesced).toBe(49);
  });

  it('keeps flights apart when their flight keys differ', async () => {
    const { modes, get } = setup();
    await Promise.all([get('k', true, 'k\u0000claims-a'), get('k', true, 'k\u0000claims-b'), get('k', true)]);
    expect(modes).toHaveLength(3);
  });

  it('does not keep a failed acquisition in flight', async () => {
    const { cache } = setup();
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error('refused'));
    };
    await expect(Promise.resolve(cache.getOrAcquire('k', { bypass: false }, failing))).rejects.toThrow('refused');
    await expect(Promise.resolve(cache.getOrAcquire('k', { bypass: false }, failing))).rejects.toThrow('refused');
    expect(calls).toBe(2);
  });

  it('refreshes ahead once in the background and serves the cached token meanwhile', async () => {
    const { stats, clock, modes, get } = setup();
    await get('k');
    clock.now += 3_600_000 * 0.85;
    const [a, b] = [await get('k'), await get('k')];
    expect(a.token.accessToken).toBe('token-1');
    expect(b.level).toBe('l1');
    await new Promise((r) => setImmediate(r));
    expect(modes).toEqual(['miss', 'refreshAhead']);
    expect(stats.backgroundRefreshes).toBe(1);
    expect((await get('k')).token.accessToken).toBe('token-2');
  });

  it('backs off 30 s after a failed background refresh, still serving the cached token', async () => {
    const { cache, stats, clock, get } = setup();
    await get('k');
    clock.now += 3_600_000 * 0.85;
    let refreshes = 0;
    const failing = () => {
      refreshes++;
      return Promise.reject(new Error('idp down'));
    };
    expect((cache.getOrAcquire('k', { bypass: false }, failing) as TokenCacheAnswer<Fresh>).level).toBe('l1');
    await new Promise((r) => setImmediate(r));
    void cache.getOrAcquire('k', { bypass: false }, failing);
    expect(refreshes).toBe(1);
    clock.now += 30_001;
    void cache.getOrAcquire('k', { bypass: false }, failing);
    await new Promise((r) => setImmediate(r));
    expect(refreshes).toBe(2);
    expect(stats.backgroundRefreshes).toBe(2);
  });

  it('looks up L2 after L1, back-fills L1, and writes through to L2 until the stale time', async () => {
    const store = new MapStore();
    const { stats, clock, get } = setup({ store });
    await get('k');
    expect([...store.map.keys()]).toEqual(['ns:k']);
    const second = setup({ store });
    second.clock.now = clock.now;
    expect(await second.get('k')).toMatchObject({ level: 'l2', reason: 'notApplicable' });
    expect(await second.get('k')).toMatchObject({ level: 'l1' });
    expect(second.modes).toEqual([]);
    expect(second.stats).toMatchObject({ l2Hits: 1, l1Hits: 1, misses: 0 });
    expect(stats.l2Errors).toBe(0);
  });

  it('ignores an L2 value past its stale time or not written by this version', async () => {
    const store = new MapStore();
    store.map.set('ns:corrupt', '{"accessToken":1}');
    const { clock, get } = setup({ store });
    store.map.set('ns:stale', JSON.stringify(token('old', clock.now - 3_600_000)));
    expect((await get('corrupt')).level).toBe('none');
    expect((await get('stale')).level).toBe('none');
  });

  it('treats an L2 read failure as a miss and skips the write while the L2 is failing, counted', async () => {
    const store = new MapStore();
    store.failReads = true;
    store.failWrites = true;
    const { stats, get } = setup({ store });
    expect((await get('k')).level).toBe('none');
    // The failed read opens an outage window: the write right after it skips the L2 (no probe yet).
    expect(stats).toMatchObject({ l2Errors: 1, l2Outages: 1, l2Skipped: 1 });
  });

  it('works without L1 (every lookup goes to L2)', async () => {
    const store = new MapStore();
    const { stats, get } = setup({ store, disableL1: true });
    await get('k');
    expect((await get('k')).level).toBe('l2');
    expect(stats.l1Hits).toBe(0);
  });
});
