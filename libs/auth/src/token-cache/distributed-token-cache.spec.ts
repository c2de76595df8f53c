import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  AuthErrorCode,
  AuthModule,
  type AuthModuleOptions,
  ITokenAcquisition,
  type L2FailureEvent,
  type L2RecoveredEvent,
  TokenAcquisitionStatistics,
  type TokenCacheStore,
} from 'nest-identity-web';
import { FakeIdentityProvider } from '../testing/fake-identity-provider.js';

const TID = '72f988bf-0000-4000-8000-000000000001';
const API = 'api://todolist-service/.default';

/** An in-memory store whose reads and writes can fail, hang or return garbage. */
class ScriptedStore implements TokenCacheStore {
  readonly map = new Map<string, string>();
  readonly calls: string[] = [];
  readonly ttls: { seconds: number; ms: number | undefined }[] = [];
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  get(key: string) {
    this.calls.push('get');
    return this.run(() => this.map.get(key));
  }
  set(key: string, value: string, ttlSeconds: number, ttlMs?: number) {
    this.calls.push('set');
    this.ttls.push({ seconds: ttlSeconds, ms: ttlMs });
    return this.run(() => void this.map.set(key, value));
  }
  delete(key: string) {
    return this.run(() => void this.map.delete(key));
  }
  private run<T>(fn: () => T): Promise<T> {
    if (this.mode === 'fail') return Promise.reject(new Error('ECONNREFUSED 127.0.0.1:1'));
    if (this.mode === 'hang') return new Promise<T>(() => {});
    return Promise.resolve(fn());
  }
}

class CapturingLogger implements LoggerService {
  readonly warnings: unknown[] = [];
  readonly logs: unknown[] = [];
  log(message: unknown) {
    this.logs.push(message);
  }
  warn(message: unknown) {
    this.warnings.push(message);
  }
  error() {}
  debug() {}
  verbose() {}
}

describe('distributed (L2) token cache', () => {
  const modules: TestingModule[] = [];
  let idp: FakeIdentityProvider;
  let clock = Date.now();

  afterEach(async () => {
    await Promise.all(modules.splice(0).map((m) => m.close()));
  });

  async function setup(tokenCache: AuthModuleOptions['tokenCache'], logger: LoggerService | false = false) {
    idp ??= new FakeIdentityProvider();
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          tenantId: TID,
          clientId: 'my-api-client',
          clientSecret: 'secret',
          identityProviderTransport: idp,
          tokenCache: { now: () => clock, ...tokenCache },
        }),
      ],
    }).compile();
    moduleRef.useLogger(logger);
    modules.push(moduleRef);
    return { tokens: moduleRef.get(ITokenAcquisition), stats: moduleRef.get(TokenAcquisitionStatistics) };
  }

  it('does not touch L2 on an L1 hit, and writes with the exact time to live', async () => {
    idp = new FakeIdentityProvider();
    const store = new ScriptedStore();
    const { tokens } = await setup({ store });
    await tokens.getAccessTokenForApp(API);
    for (let i = 0; i < 5; i++) await tokens.getAccessTokenForApp(API);
    expect(store.calls).toEqual(['get', 'set']);
    // 3600 s token, 300 s refresh margin: the entry lives until the token is no longer handed out.
    expect(store.ttls).toHaveLength(1);
    const { seconds, ms } = store.ttls[0]!;
    expect(Math.abs(ms! - 3_300_000)).toBeLessThan(2_000);
    expect(seconds).toBe(Math.ceil(ms! / 1000));
  });

  it('back-fills L1 from L2 with the token’s own stale time', async () => {
    idp = new FakeIdentityProvider();
    const store = new ScriptedStore();
    const first = await setup({ store });
    const token = await first.tokens.getAccessTokenForApp(API);
    const second = await setup({ store });
    clock += 1_000;
    const fromL2 = await second.tokens.getAuthenticationResultForApp(API);
    expect(fromL2).toMatchObject({ accessToken: token, metadata: { cacheLevel: 'l2' } });
    clock += 3_305_000;
    const after = await second.tokens.getAuthenticationResultForApp(API);
    expect(after.metadata.tokenSource).toBe('identityProvider');
    expect(idp.tokenRequests).toHaveLength(2);
  });

  it('bounds a hung store by l2TimeoutMs on reads and writes, then skips it until a probe succeeds', async () => {
    idp = new FakeIdentityProvider();
    const store = new ScriptedStore();
    store.mode = 'hang';
    const failures: L2FailureEvent[] = [];
    const recoveries: L2RecoveredEvent[] = [];
    const { tokens, stats } = await setup({
      store,
      l2TimeoutMs: 20,
      onL2Failure: (e) => failures.push(e),
      onL2Recovered: (e) => recoveries.push(e),
    });
    const first = await tokens.getAuthenticationResultForApp(API);
    expect(first.metadata.tokenSource).toBe('identityProvider');
    expect(stats.snapshot()).toMatchObject({ l2Errors: 1, l2Timeouts: 1, l2Outages: 1, l2Skipped: 1 });
    expect(failures).toEqual([expect.objectContaining({ operation: 'get', reason: 'timeout' })]);

    // Other keys skip the failing L2 (no wait) until the probe interval has passed.
    await tokens.getAccessTokenForApp('api://b/.default');
    expect(stats.snapshot().l2Timeouts).toBe(1);

    store.mode = 'ok';
    clock += 1_000;
    const third = await tokens.getAuthenticationResultForApp('api://c/.default');
    expect(third.metadata.tokenSource).toBe('identityProvider');
    expect(recoveries).toHaveLength(1);
    expect(recoveries[0]).toMatchObject({ failures: 1, durationMs: 1_000 });
    expect(store.map.size).toBe(1);
  });

  it('under concurrent load with a failing store: no failed call, one warning, one event, then L2 again', async () => {
    idp = new FakeIdentityProvider();
    const store = new ScriptedStore();
    const logger = new CapturingLogger();
    const failures: L2FailureEvent[] = [];
    const recoveries: L2RecoveredEvent[] = [];
    const { tokens, stats } = await setup(
      { store, onL2Failure: (e) => failures.push(e), onL2Recovered: (e) => recoveries.push(e) },
      logger,
    );
    store.mode = 'fail';
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => tokens.getAccessTokenForApp(`api://r${i % 10}/.default`)),
    );
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    for (let i = 0; i < 20; i++) await tokens.getAccessTokenForApp(`api://s${i}/.default`);
    const l2Warnings = logger.warnings.filter((w) => /l2_/.test(JSON.stringify(w)));
    expect(l2Warnings).toHaveLength(1);
    expect(JSON.stringify(l2Warnings[0])).toContain('ECONNREFUSED');
    expect(failures).toHaveLength(1);
    expect(stats.snapshot().l2Outages).toBe(1);
    expect(stats.snapshot().l2Skipped).toBeGreaterThan(0);

    store.mode = 'ok';
    clock += 1_000;
    await tokens.getAccessTokenForApp('api://after/.default');
    expect(recoveries).toHaveLength(1);
    expect(store.map.size).toBe(1);
    expect(stats.snapshot().errors).toBe(0);
  });

  it('counts garbage in L2 as a miss, never an error', async () => {
    idp = new FakeIdentityProvider();
    const store = new ScriptedStore();
    const first = await setup({ store });
    await first.tokens.getAccessTokenForApp(API);
    for (const key of store.map.keys()) store.map.set(key, '{"accessToken":42');
    const second = await setup({ store });
    const r = await second.tokens.getAuthenticationResultForApp(API);
    expect(r.metadata.tokenSource).toBe('identityProvider');
    expect(second.stats.snapshot()).toMatchObject({ l2InvalidEntries: 1, l2Errors: 0, errors: 0 });
  });

  it('encrypts entries: no JWT-looking text in the store, shared keys read them, a wrong key is a miss', async () => {
    idp = new FakeIdentityProvider();
    const store = new ScriptedStore();
    const key = randomBytes(32).toString('base64');
    const writer = await setup({ store, encryption: { keys: [key] } });
    const token = await writer.tokens.getAccessTokenForApp(API);
    const [stored] = [...store.map.values()];
    expect(stored).not.toContain(token);
    expect(stored).not.toMatch(/eyJ[\w-]*\.[\w-]*/);

    const rotated = await setup({ store, encryption: { keys: [randomBytes(32), key] } });
    expect(await rotated.tokens.getAccessTokenForApp(API)).toBe(token);

    const stranger = await setup({ store, encryption: { keys: [randomBytes(32).toString('base64')] } });
    const r = await stranger.tokens.getAuthenticationResultForApp(API);
    expect(r.metadata.tokenSource).toBe('identityProvider');
    expect(stranger.stats.snapshot()).toMatchObject({ l2InvalidEntries: 1, errors: 0 });

    const plain = await setup({ store });
    expect((await plain.tokens.getAuthenticationResultForApp(API)).metadata.tokenSource).toBe('identityProvider');
  });

  it('keeps answering when an event callback throws', async () => {
    idp = new FakeIdentityProvider();
    const store = new ScriptedStore();
    store.mode = 'fail';
    const { tokens } = await setup({
      store,
      onL2Failure: () => {
        throw new Error('subscriber bug');
      },
    });
    await expect(tokens.getAccessTokenForApp(API)).resolves.toBeTruthy();
  });

  describe('configuration', () => {
    it.each([
      ['redis without url or client', { store: 'redis' }, AuthErrorCode.InvalidDistributedCacheOptions],
      ['a non-redis URL', { redis: { url: 'http://127.0.0.1:6379' } }, AuthErrorCode.InvalidDistributedCacheOptions],
      ['a hash tag in the prefix', { redis: { url: 'redis://127.0.0.1', keyPrefix: '{app}:' } }, 'NIW1014'],
      ['an unknown store', { store: 'memcached' }, AuthErrorCode.InvalidDistributedCacheOptions],
      ['a zero timeout', { store: new ScriptedStore(), l2TimeoutMs: 0 }, AuthErrorCode.InvalidDistributedCacheOptions],
      ['encryption without L2', { encryption: { keys: ['a'] } }, AuthErrorCode.InvalidDistributedCacheOptions],
      ['a short key', { store: new ScriptedStore(), encryption: { keys: ['c2hvcnQ='] } }, 'NIW1016'],
      [
        'no keys',
        { store: new ScriptedStore(), encryption: { keys: [] } },
        AuthErrorCode.InvalidTokenCacheEncryptionKeys,
      ],
    ])('fails bootstrap on %s', async (_name, tokenCache, code) => {
      await expect(setup(tokenCache as AuthModuleOptions['tokenCache'])).rejects.toMatchObject({ code });
    });

    it('never echoes a Redis password or a key', async () => {
      const e1 = (await setup({ redis: { url: 'redis://:hunter2@[bad' } }).catch((e: unknown) => e)) as Error;
      const e2 = (await setup({
        store: new ScriptedStore(),
        encryption: { keys: ['SECRETKEYSECRETKEY'] },
      }).catch((e: unknown) => e)) as Error;
      expect(e1.message).not.toContain('hunter2');
      expect(e2.message).not.toContain('SECRETKEY');
    });
  });
});
