// Long-running on-behalf-of sessions on the Redis L2 (issues #10, #11): a session started by the API
// is resumed by a worker that shares only Redis (its own module, its own Redis client), after the
// incoming token has expired; the session record is encrypted with the token cache's keys.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Controller, type INestApplication, Module, Post, UseGuards } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Redis } from 'ioredis';
import request from 'supertest';
import { DEFAULT_IDS, type EntraEmulator, startEntraEmulator } from '@nest-identity-web/entra-emulator';
import {
  AuthErrorCode,
  AuthGuard,
  AuthModule,
  type AuthModuleOptions,
  LongRunningSessionError,
  LongRunningSessions,
  RequiredScopes,
} from 'nest-identity-web';
import { describeWithRedis, redisUrl } from '../support/redis.js';

const { myApi, todolistService, demoClient } = DEFAULT_IDS.apps;
const { alice } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;
const TODO = `${todolistService.appIdUri}/access_as_user`;

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

@Controller('api')
@UseGuards(AuthGuard)
@RequiredScopes('access_as_user')
class ExportController {
  constructor(private readonly sessions: LongRunningSessions) {}

  @Post('exports')
  async start() {
    return { sessionKey: (await this.sessions.start([TODO])).sessionKey };
  }
}

describeWithRedis('long-running sessions on the Redis L2', () => {
  let emu: EntraEmulator;
  let app: INestApplication;
  let worker: TestingModule;
  let redis: Redis;
  const prefix = `niw-test-lrs-${randomBytes(6).toString('hex')}:`;
  const key = randomBytes(32).toString('base64');
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;

  const options = (): AuthModuleOptions => ({
    instance: emu.instance,
    tenantId: contoso.id,
    clientId: myApi.clientId,
    clientSecret: myApi.secret,
    trustedCa: [emu.caCertPem],
    tokenCache: { redis: { url: redisUrl, keyPrefix: prefix }, encryption: { keys: [key] }, now },
  });

  beforeAll(async () => {
    emu = await startEntraEmulator();
    redis = new Redis(redisUrl);
    @Module({ imports: [AuthModule.forRoot(options())], controllers: [ExportController] })
    class ApiModule {}
    app = (await Test.createTestingModule({ imports: [ApiModule] }).compile()).createNestApplication({
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    // The worker: another module with its own Redis client; nothing in memory is shared with the API.
    worker = await Test.createTestingModule({ imports: [AuthModule.forRoot(options())] }).compile();
    await worker.init();
  });

  afterAll(async () => {
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    await worker?.close();
    await app?.close();
    await emu?.stop();
  });

  it('resumes a session started by the API in a worker sharing only Redis, after the incoming token expired', async () => {
    const incoming = emu.signIn({
      username: alice.upn,
      password: alice.password,
      clientId: demoClient.clientId,
      scopes: [myApi.scopeUri],
    }).access_token;
    const res = await request(app.getHttpServer() as never)
      .post('/api/exports')
      .set('Authorization', `Bearer ${incoming}`)
      .expect(201);
    const { sessionKey } = res.body as { sessionKey: string };

    // What Redis holds: neither the key, nor a refresh token, nor anything JWT-looking.
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    const values = await Promise.all(keys.map((k) => redis.get(k)));
    const dump = JSON.stringify([keys, values]);
    expect(dump).not.toContain(sessionKey);
    expect(dump).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\./);
    expect(dump).not.toContain('refreshToken');

    offsetMs += 2 * 3600 * 1000;
    emu.clock.advance(2 * 3600);
    const sessions = worker.get(LongRunningSessions);
    const token = await sessions.getAccessToken(sessionKey);
    expect(claimsOf(token)).toMatchObject({ oid: alice.oid, aud: todolistService.clientId });

    // Ended by the worker: the API's module refuses the key too.
    await sessions.end(sessionKey);
    const error = await app
      .get(LongRunningSessions)
      .acquireToken(sessionKey)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LongRunningSessionError);
    expect((error as LongRunningSessionError).code).toBe(AuthErrorCode.LongRunningSessionNotFound);
  });
});
