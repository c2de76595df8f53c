// Replicas of a real Nest API sharing a real Redis as the L2 token cache, against the Entra
// emulator over HTTPS with real msal-node: a token acquired by one replica is served by another
// (and by a restarted one) without an identity-provider call; a Redis that stops, or that accepts
// connections and never answers, never fails a request.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, type LoggerService, Module, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import request from 'supertest';
import { DEFAULT_IDS, type EntraEmulator, startEntraEmulator } from '@nest-identity-web/entra-emulator';
import {
  AuthGuard,
  AuthModule,
  ITokenAcquisition,
  type L2FailureEvent,
  type L2RecoveredEvent,
  RequiredScopes,
  TokenAcquisitionStatistics,
  type TokenCacheOptions,
} from 'nest-identity-web';
import { describeWithRedis, redisUrl } from '../support/redis.js';
import { startHungServer, ThrowawayRedis } from '../support/redis-server.js';

const { myApi, todolistService, demoClient } = DEFAULT_IDS.apps;
const { alice, bob } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;
const TODO = `${todolistService.appIdUri}/access_as_user`;

@Controller('api')
@UseGuards(AuthGuard)
@RequiredScopes('access_as_user')
class TodosController {
  constructor(
    private readonly tokens: ITokenAcquisition,
    private readonly stats: TokenAcquisitionStatistics,
  ) {}

  @Get('todos')
  async todos() {
    const r = await this.tokens.getAuthenticationResultForUser([TODO]);
    return {
      tokenHash: createHash('sha256').update(r.accessToken).digest('hex').slice(0, 16),
      tokenSource: r.metadata.tokenSource,
      cacheLevel: r.metadata.cacheLevel,
      durationInCacheMs: r.metadata.durationInCacheMs,
    };
  }

  @Get('stats')
  snapshot() {
    return this.stats.snapshot();
  }
}

interface TodosBody {
  tokenHash: string;
  tokenSource: string;
  cacheLevel: string;
  durationInCacheMs: number;
}
const body = (r: { body: unknown }) => r.body as TodosBody;
const statsOf = (r: { body: unknown }) => r.body as Record<string, number>;

class CapturingLogger implements LoggerService {
  readonly warnings: string[] = [];
  log() {}
  error() {}
  debug() {}
  verbose() {}
  warn(message: unknown) {
    this.warnings.push(JSON.stringify(message));
  }
}

describeWithRedis('Redis L2 shared by API replicas (real Redis, emulator over HTTPS)', () => {
  let emu: EntraEmulator;
  let raw: Redis;
  const apps: INestApplication[] = [];
  const prefix = `niw-e2e:${randomUUID()}:`;

  beforeAll(async () => {
    emu = await startEntraEmulator();
    raw = new Redis(redisUrl);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length) await raw.del(...keys);
    await raw.quit();
    await emu?.stop();
  });

  async function replica(tokenCache: TokenCacheOptions, logger: LoggerService | false = false) {
    @Module({
      imports: [
        AuthModule.forRoot({
          instance: emu.instance,
          tenantId: contoso.id,
          clientId: myApi.clientId,
          clientSecret: myApi.secret,
          trustedCa: [emu.caCertPem],
          tokenCache,
        }),
      ],
      controllers: [TodosController],
    })
    class ReplicaModule {}
    const moduleRef = await Test.createTestingModule({ imports: [ReplicaModule] }).compile();
    const app = moduleRef.createNestApplication({ logger });
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    return app;
  }

  async function close(app: INestApplication) {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  }

  const signIn = (user: { upn: string; password: string }) =>
    emu.signIn({ username: user.upn, password: user.password, clientId: demoClient.clientId, scopes: [myApi.scopeUri] })
      .access_token;
  const todos = (app: INestApplication, token: string) =>
    request(app.getHttpServer() as never)
      .get('/api/todos')
      .set('Authorization', `Bearer ${token}`);
  const tokenRequests = () => emu.requests({ route: 'token', clientId: myApi.clientId }).length;

  it('serves a token acquired by one replica to another, and to a restarted one, with no identity-provider call', async () => {
    const key = randomBytes(32).toString('base64');
    const shared: TokenCacheOptions = {
      store: 'redis',
      redis: { url: redisUrl, keyPrefix: prefix },
      encryption: { keys: [key] },
    };
    const a = await replica(shared);
    const b = await replica(shared);
    const token = signIn(alice);
    const before = tokenRequests();

    const fromIdp = await todos(a, token).expect(200);
    expect(fromIdp.body).toMatchObject({ tokenSource: 'identityProvider' });
    const fromL2 = await todos(b, token).expect(200);
    expect(fromL2.body).toMatchObject({ tokenSource: 'cache', cacheLevel: 'l2', tokenHash: body(fromIdp).tokenHash });
    expect((await todos(b, token).expect(200)).body).toMatchObject({ cacheLevel: 'l1' });

    await close(a);
    const restarted = await replica(shared);
    expect((await todos(restarted, token).expect(200)).body).toMatchObject({
      cacheLevel: 'l2',
      tokenHash: body(fromIdp).tokenHash,
    });
    expect(tokenRequests() - before).toBe(1);

    // At rest: encrypted, with an expiry, no JWT-looking text.
    const keys = await raw.keys(`${prefix}*`);
    expect(keys).toHaveLength(1);
    const stored = (await raw.get(keys[0]!))!;
    expect(stored).not.toMatch(/eyJ[\w-]*\.[\w-]*/);
    expect(await raw.pttl(keys[0]!)).toBeGreaterThan(0);

    // A replica with another key reads the entry as a miss, counted.
    const stranger = await replica({ ...shared, encryption: { keys: [randomBytes(32).toString('base64')] } });
    expect((await todos(stranger, token).expect(200)).body).toMatchObject({ tokenSource: 'identityProvider' });
    const stats = await request(stranger.getHttpServer() as never)
      .get('/api/stats')
      .set('Authorization', `Bearer ${token}`);
    expect(stats.body).toMatchObject({ l2InvalidEntries: 1, errors: 0 });
  }, 60_000);

  it('keeps answering while Redis is stopped under load: one warning, one event, then L2 again', async () => {
    const server = await ThrowawayRedis.start();
    const logger = new CapturingLogger();
    const failures: L2FailureEvent[] = [];
    const recoveries: L2RecoveredEvent[] = [];
    const options: TokenCacheOptions = {
      store: 'redis',
      redis: { url: server.url, keyPrefix: prefix },
      onL2Failure: (e) => failures.push(e),
      onL2Recovered: (e) => recoveries.push(e),
    };
    try {
      const app = await replica(options, logger);
      const users = [signIn(alice), signIn(bob), signIn(alice)];
      expect((await todos(app, users[0]!).expect(200)).body).toMatchObject({ tokenSource: 'identityProvider' });

      await server.stop();
      const load = await Promise.all(
        Array.from({ length: 60 }, (_, i) => todos(app, i % 2 ? signIn([alice, bob][i % 2]!) : users[i % 3]!)),
      );
      expect(load.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
      expect(logger.warnings.filter((w) => w.includes('l2_unavailable'))).toHaveLength(1);
      expect(logger.warnings.filter((w) => w.includes('l2_'))).toHaveLength(1);
      expect(failures).toHaveLength(1);
      expect(recoveries).toHaveLength(0);

      await server.start();
      const deadline = Date.now() + 10_000;
      while (recoveries.length === 0 && Date.now() < deadline) {
        await todos(app, signIn(bob)).expect(200);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(recoveries).toHaveLength(1);
      expect(recoveries[0]!.failures).toBeGreaterThan(0);

      // L2 is written and read again: a second replica gets the next token from it.
      const fresh = signIn(alice);
      const written = await todos(app, fresh).expect(200);
      const other = await replica(options);
      expect((await todos(other, fresh).expect(200)).body).toMatchObject({
        cacheLevel: 'l2',
        tokenHash: body(written).tokenHash,
      });
    } finally {
      await Promise.all(apps.splice(0).map((a) => a.close()));
      await server.stop();
    }
  }, 60_000);

  it('completes every request against a Redis that accepts connections and never answers', async () => {
    const hung = await startHungServer();
    let client: Redis | undefined;
    try {
      // The library's own client: the ready check never completes, so commands fail at once.
      const own = await replica({ store: 'redis', redis: { url: hung.url, keyPrefix: prefix } });
      // A user's client without a ready check: commands are sent and never answered, so each read
      // is cut by the L2 timeout and the outage window then skips the L2.
      client = new Redis(hung.url, { enableReadyCheck: false, maxRetriesPerRequest: 0 });
      client.on('error', () => {});
      const borrowed = await replica({ store: 'redis', redis: { client, keyPrefix: prefix }, l2TimeoutMs: 50 });
      for (const app of [own, borrowed]) {
        const results = await Promise.all([alice, bob, bob, alice].map((u) => todos(app, signIn(u))));
        expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
        for (const r of results) expect(body(r).durationInCacheMs).toBeLessThan(2_000);
      }
      const token = signIn(alice);
      const stats = await request(borrowed.getHttpServer() as never)
        .get('/api/stats')
        .set('Authorization', `Bearer ${token}`);
      expect(statsOf(stats).l2Timeouts).toBeGreaterThan(0);
      expect(statsOf(stats).errors).toBe(0);
    } finally {
      await Promise.all(apps.splice(0).map((a) => a.close()));
      client?.disconnect();
      await hung.close();
    }
  }, 60_000);
});
