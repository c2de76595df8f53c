import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { AuthModule } from '../../auth.module.js';
import { AuthErrorCode } from '../../errors/auth-error-codes.js';
import { LongRunningSessionError } from '../../errors/long-running-session.error.js';
import type { TokenCacheStore } from '../../token-cache/token-cache-store.interface.js';
import { MsalNetworkAdapter } from '../msal-network.adapter.js';
import { normalizeLongRunningSessionOptions } from './long-running-session-options.normalize.js';
import {
  hashSessionKey,
  InProcessSessionStore,
  LongRunningSessionStore,
  type LongRunningSessionRecord,
  newSessionKey,
} from './long-running-session.store.js';
import { LongRunningSessions } from './long-running-sessions.js';

const record = (now: number): LongRunningSessionRecord => ({
  v: 1,
  clientId: 'client',
  oid: 'oid',
  tid: 'tid',
  tenant: 'tid',
  scopes: ['api://x/access_as_user'],
  refreshToken: 'rt',
  createdAt: now,
  expiresAt: now + 60_000,
});

class FailingStore implements TokenCacheStore {
  get(): Promise<string | undefined> {
    return Promise.reject(new Error('connection refused'));
  }
  set(): Promise<void> {
    return Promise.reject(new Error('connection refused'));
  }
  delete(): Promise<void> {
    return Promise.reject(new Error('connection refused'));
  }
}

describe('long-running session options', () => {
  it('defaults maxAgeSeconds to 90 days', () => {
    expect(normalizeLongRunningSessionOptions(undefined)).toEqual({ maxAgeMs: 90 * 86400 * 1000 });
  });

  it.each([0, 59, 1.5, 365 * 86400 + 1, Number.NaN, '600'])('refuses maxAgeSeconds %p with NIW1017', (value) => {
    expect(() => normalizeLongRunningSessionOptions({ maxAgeSeconds: value as number })).toThrow(
      expect.objectContaining({ code: AuthErrorCode.InvalidLongRunningSessionOptions }),
    );
  });

  it('fails bootstrap with NIW1017 on an invalid maxAgeSeconds', async () => {
    const compile = Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          tenantId: '72f988bf-0000-4000-8000-000000000001',
          clientId: 'client',
          longRunningSessions: { maxAgeSeconds: 10 },
        }),
      ],
    }).compile();
    await expect(compile).rejects.toMatchObject({ code: AuthErrorCode.InvalidLongRunningSessionOptions });
  });

  it('provides LongRunningSessions from AuthModule', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ tenantId: '72f988bf-0000-4000-8000-000000000001', clientId: 'client' })],
    }).compile();
    expect(moduleRef.get(LongRunningSessions)).toBeInstanceOf(LongRunningSessions);
    await moduleRef.close();
  });
});

describe('session keys', () => {
  it('are 256-bit, prefixed and never repeat', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => newSessionKey()));
    expect(keys.size).toBe(1000);
    for (const k of keys) expect(k).toMatch(/^lrs_[A-Za-z0-9_-]{43}$/);
  });

  it('hash to a value that does not contain the key, and refuse anything not shaped like a key', () => {
    const key = newSessionKey();
    const h = hashSessionKey(key);
    expect(h).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(h).not.toContain(key.slice(4));
    expect(hashSessionKey(key)).toBe(h);
    expect(hashSessionKey('lrs_short')).toBeUndefined();
    expect(hashSessionKey(`${key}x`)).toBeUndefined();
    expect(hashSessionKey(undefined)).toBeUndefined();
  });
});

describe('LongRunningSessionStore', () => {
  it('keeps records under the namespace and the key hash, until their TTL', async () => {
    let now = 1_000_000;
    const inner = new InProcessSessionStore(() => now);
    const store = new LongRunningSessionStore(inner, 'niw:client:', () => now);
    await store.set('h', record(now));
    expect(await inner.get('niw:client:lrs:h')).toBeDefined();
    expect(await store.get('h')).toEqual(record(now));
    now += 60_001;
    expect(await store.get('h')).toBeUndefined();
  });

  it('reads a corrupt or foreign value as no session', async () => {
    const inner = new InProcessSessionStore(Date.now);
    const store = new LongRunningSessionStore(inner, 'n:', Date.now);
    await inner.set('n:lrs:a', '{not json', 60);
    await inner.set('n:lrs:b', JSON.stringify({ v: 2 }), 60);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('b')).toBeUndefined();
  });

  it('turns store failures into a retryable NIW4018, never into "no session"', async () => {
    const store = new LongRunningSessionStore(new FailingStore(), 'n:', Date.now);
    const error = await store.get('h').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LongRunningSessionError);
    expect(error).toMatchObject({ code: AuthErrorCode.LongRunningSessionStoreFailed });
    await expect(store.set('h', record(Date.now()))).rejects.toMatchObject({
      code: AuthErrorCode.LongRunningSessionStoreFailed,
    });
    await expect(store.delete('h')).rejects.toMatchObject({ code: AuthErrorCode.LongRunningSessionStoreFailed });
  });
});

describe('MsalNetworkAdapter refresh token capture', () => {
  it('captures the refresh token of a token answer, apart from the outcome', async () => {
    const adapter = new MsalNetworkAdapter(
      {
        request: () =>
          Promise.resolve({ status: 200, headers: {}, body: '{"access_token":"at","refresh_token":"rt-secret"}' }),
      },
      1_000,
    );
    await adapter.sendPostRequestAsync('https://127.0.0.1/token', { body: 'a=b' });
    expect(adapter.refreshToken()).toBe('rt-secret');
    expect(JSON.stringify(adapter.outcome())).not.toContain('rt-secret');
  });
});
