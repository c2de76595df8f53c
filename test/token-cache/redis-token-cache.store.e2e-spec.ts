import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { Test } from '@nestjs/testing';
import { AuthModule, loadAzureAdOptions, RedisTokenCacheStore } from 'nest-identity-web';
import { describeWithRedis, redisUrl } from '../support/redis.js';
import { ThrowawayRedis } from '../support/redis-server.js';

describeWithRedis('RedisTokenCacheStore (real Redis)', () => {
  const prefix = `niw-test:${randomUUID()}:`;
  let store: RedisTokenCacheStore;
  let raw: Redis;

  beforeAll(async () => {
    store = await RedisTokenCacheStore.fromUrl(redisUrl, { keyPrefix: prefix });
    raw = new Redis(redisUrl);
  });
  afterAll(async () => {
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length) await raw.del(...keys);
    await store.close();
    await raw.quit();
  });

  it('writes with SET PX from the exact time to live, reads and deletes', async () => {
    await store.set('niw:app:a|t|api://x', 'v1', 60, 59_500);
    expect(await store.get('niw:app:a|t|api://x')).toBe('v1');
    const pttl = await raw.pttl(`${prefix}niw:app:a|t|api://x`);
    expect(pttl).toBeGreaterThan(58_000);
    expect(pttl).toBeLessThanOrEqual(59_500);
    await store.delete('niw:app:a|t|api://x');
    expect(await store.get('niw:app:a|t|api://x')).toBeUndefined();
  });

  it('falls back to ttlSeconds when no ttlMs is given', async () => {
    await store.set('k-seconds', 'v', 30);
    expect(await raw.pttl(`${prefix}k-seconds`)).toBeGreaterThan(29_000);
  });

  it('never writes a hash tag: braces are percent-encoded, injectively', async () => {
    expect(store.redisKey('o|api://{guid}/x')).toBe(`${prefix}o|api://%7Bguid%7D/x`);
    expect(store.redisKey('100%')).toBe(`${prefix}100%25`);
    expect(store.redisKey('a%7B')).not.toBe(store.redisKey('a{'));
    await store.set('o|api://{guid}/x', 'braced', 10);
    expect(await store.get('o|api://{guid}/x')).toBe('braced');
  });

  it('refuses a key prefix with a hash tag', () => {
    expect(() => new RedisTokenCacheStore({ client: raw, keyPrefix: '{all}:' })).toThrow(/NIW1014/);
  });

  it('AuthModule closes the client it created from a URL, and leaves a passed client open', async () => {
    // A private server, so that the connection count is ours alone.
    const server = await ThrowawayRedis.start();
    const client = new Redis(server.url);
    const probe = new Redis(server.url);
    try {
      const base = { tenantId: 't', clientId: 'c', clientSecret: 's' };
      const owned = await Test.createTestingModule({
        imports: [AuthModule.forRoot({ ...base, tokenCache: { redis: { url: server.url } } })],
      }).compile();
      const borrowed = await Test.createTestingModule({
        imports: [AuthModule.forRoot({ ...base, tokenCache: { redis: { client } } })],
      }).compile();
      const connections = async () => ((await probe.client('LIST')) as string).split('\n').filter(Boolean).length;
      expect(await connections()).toBe(3);
      await owned.close();
      await borrowed.close();
      expect(await connections()).toBe(2);
      expect(client.status).toBe('ready');
    } finally {
      client.disconnect();
      probe.disconnect();
      await server.stop();
    }
  });

  it('leaves a client it did not create open', async () => {
    const client = new Redis(redisUrl);
    const borrowed = new RedisTokenCacheStore({ client, keyPrefix: prefix });
    await borrowed.set('borrowed', 'v', 10);
    await borrowed.close();
    expect(await client.get(`${prefix}borrowed`)).toBe('v');
    await client.quit();
  });
});

describe('TokenCache environment keys', () => {
  it('reads TokenCache__Redis__Url, __KeyPrefix, __Encryption__Keys and __L2TimeoutMs', () => {
    const options = loadAzureAdOptions({
      AzureAd__TenantId: 'contoso.onmicrosoft.com',
      AzureAd__ClientId: 'c',
      TokenCache__Redis__Url: 'redis://127.0.0.1:6379',
      TokenCache__Redis__KeyPrefix: 'my-api:',
      TokenCache__Encryption__Keys: 'a2V5MQ==, a2V5Mg==',
      TokenCache__L2TimeoutMs: '40',
    });
    expect(options.tokenCache).toEqual({
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'my-api:' },
      encryption: { keys: ['a2V5MQ==', 'a2V5Mg=='] },
      l2TimeoutMs: 40,
    });
  });

  it('reads TokenCache:Store and indexed keys through a ConfigService-like source', () => {
    const values: Record<string, string> = {
      'AzureAd:TenantId': 't',
      'AzureAd:ClientId': 'c',
      'TokenCache:Store': 'Memory',
      TokenCache__Encryption__Keys__0: 'k0',
      TokenCache__Encryption__Keys__1: 'k1',
    };
    const options = loadAzureAdOptions({ get: (k: string) => values[k] });
    expect(options.tokenCache).toEqual({ store: 'memory', encryption: { keys: ['k0', 'k1'] } });
  });

  it('adds no tokenCache when no key is set, and refuses a malformed timeout with NIW1014', () => {
    expect(loadAzureAdOptions({ AzureAd__TenantId: 't', AzureAd__ClientId: 'c' }).tokenCache).toBeUndefined();
    expect(() =>
      loadAzureAdOptions({ AzureAd__TenantId: 't', AzureAd__ClientId: 'c', TokenCache__L2TimeoutMs: 'fast' }),
    ).toThrow(/NIW1014/);
  });
});
