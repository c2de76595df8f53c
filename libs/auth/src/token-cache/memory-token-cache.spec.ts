import { describe, expect, it } from '@jest/globals';
import type { CachedToken } from './cached-token.interface.js';
import { MemoryTokenCache } from './memory-token-cache.js';

function token(name: string, staleOn = 10_000): CachedToken {
  return {
    accessToken: name.padEnd(100, '.'),
    tokenType: 'Bearer',
    expiresOn: staleOn + 300,
    refreshOn: staleOn,
    staleOn,
    scopes: ['s'],
    tenantId: 't',
    correlationId: 'c',
  };
}

describe('MemoryTokenCache', () => {
  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = new MemoryTokenCache(2, 1e9);
    cache.set('a', token('a'), 0);
    cache.set('b', token('b'), 0);
    cache.get('a', 0);
    cache.set('c', token('c'), 0);
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)).toBeDefined();
    expect(cache.get('c', 0)).toBeDefined();
    expect(cache.evictions).toBe(1);
  });

  it('evicts beyond maxSizeBytes and keeps the byte count exact', () => {
    const cache = new MemoryTokenCache(100, 700);
    cache.set('a', token('a'), 0);
    cache.set('b', token('b'), 0);
    cache.set('c', token('c'), 0);
    expect(cache.size).toBe(2);
    expect(cache.sizeBytes).toBe(2 * (100 + 1 + 200));
    cache.set('c', token('c2'), 0);
    expect(cache.size).toBe(2);
    expect(cache.sizeBytes).toBe(2 * (100 + 1 + 200));
  });

  it('stops handing out a token at its stale time and reports it expired', () => {
    const cache = new MemoryTokenCache(10, 1e9);
    cache.set('a', token('a', 100), 0);
    expect(cache.get('a', 99)).toBeDefined();
    expect(cache.get('a', 100)).toBeUndefined();
    expect(cache.lastMissExpired).toBe(true);
    expect(cache.size).toBe(0);
    expect(cache.get('a', 100)).toBeUndefined();
    expect(cache.lastMissExpired).toBe(false);
  });

  it('does not store a token that is already stale', () => {
    const cache = new MemoryTokenCache(10, 1e9);
    cache.set('a', token('a', 5), 10);
    expect(cache.size).toBe(0);
  });
});
