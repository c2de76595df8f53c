// my-api's background export across two OS processes (issue #11): with a Redis token cache, my-api
// starts a long-running session and queues the job in Redis; the export worker, a separate Node
// process (apps/my-api/src/export-worker.main.ts) sharing only Redis and the settings, resumes the
// session by key after the incoming token has expired and reads the user's todos as that user.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { DEFAULT_IDS, type EntraEmulator, startEntraEmulator } from '@nest-identity-web/entra-emulator';
import { AppModule as MyApiModule } from '../../apps/my-api/src/app.module.js';
import { loadMyApiConfig } from '../../apps/my-api/src/config/my-api.config.js';
import { AppModule as TodoListModule } from '../../apps/todolist-service/src/app.module.js';
import { loadTodoListServiceConfig } from '../../apps/todolist-service/src/config/todolist-service.config.js';
import { callApi } from '../../scripts/demo/demo-client.js';
import { describeWithRedis, redisUrl } from '../support/redis.js';
import { startTsProcess, type TsProcess } from '../support/ts-process.js';

const ids = DEFAULT_IDS;
const tenant = ids.tenants.contoso.id;
const WORKER = 'apps/my-api/src/export-worker.main.ts';
const READY = /export worker \S+ ready/;

interface TodoItem {
  id: string;
  title: string;
  owner: { oid: string };
}
interface ExportState {
  id: string;
  status: 'pending' | 'done' | 'failed';
  items?: TodoItem[];
  error?: string;
}

describeWithRedis('my-api export worker: a separate process resumes the session through Redis', () => {
  let emu: EntraEmulator;
  let todolist: INestApplication;
  let myApi: INestApplication;
  let redis: Redis;
  let worker: TsProcess | undefined;
  let dir: string;
  let env: Record<string, string>;
  const prefix = `niw-test-export-${randomBytes(6).toString('hex')}:`;
  let myApiUrl = '';
  const api = (path: string) => `${myApiUrl}${path}`;
  const signIn = (name: 'alice' | 'bob') =>
    emu.signIn({
      username: ids.users[name].upn,
      password: ids.users[name].password,
      clientId: ids.apps.demoClient.clientId,
      scopes: [ids.apps.myApi.scopeUri],
    }).access_token;

  /** Polls the export until it is no longer pending (bounded; not a timing assertion). */
  async function finished(id: string, token: string): Promise<ExportState> {
    for (let i = 0; i < 200; i++) {
      const res = await callApi<ExportState>(api(`/api/todolist/export/${id}`), { token });
      if (res.status !== 200 || res.body.status !== 'pending') return res.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`export ${id} still pending\n--- worker ---\n${worker?.output() ?? ''}`);
  }

  /**
   * Waits (bounded) until my-api refuses `token` because it expired; the access token of an
   * on-behalf-of exchange made with it, issued with the same lifetime, has expired too.
   */
  async function untilRefused(token: string): Promise<number> {
    let status = 200;
    for (let i = 0; i < 100 && status !== 401; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await callApi(api('/api/todolist'), { token })).status;
    }
    return status;
  }

  /** Starts an export with a 2-second incoming token. */
  async function startShortLivedExport(): Promise<{ id: string; status: number; token: string }> {
    emu.tokenLifetimeSeconds = 2;
    const token = signIn('alice');
    const res = await callApi<ExportState>(api('/api/todolist/export'), { method: 'POST', token });
    emu.tokenLifetimeSeconds = 3600;
    return { id: res.body.id, status: res.status, token };
  }

  async function redisDump(): Promise<string> {
    const keys = await redis.keys(`${prefix}*`);
    const values = await Promise.all(
      keys.map(async (k) =>
        (await redis.type(k)) === 'hash' ? JSON.stringify(await redis.hgetall(k)) : redis.type(k),
      ),
    );
    return JSON.stringify([keys, values]);
  }

  beforeAll(async () => {
    emu = await startEntraEmulator();
    const trustedCa = [emu.caCertPem];
    dir = mkdtempSync(join(tmpdir(), 'niw-export-worker-'));
    writeFileSync(join(dir, 'ca.pem'), emu.caCertPem);
    redis = new Redis(redisUrl);

    const todolistConfig = loadTodoListServiceConfig({
      AzureAd__Instance: emu.instance,
      AzureAd__TenantId: tenant,
      AzureAd__ClientId: ids.apps.todolistService.clientId,
      TodoList__DatabasePath: ':memory:',
    });
    todolist = await NestFactory.create(
      TodoListModule.forRoot({ ...todolistConfig, azureAd: { ...todolistConfig.azureAd, trustedCa } }),
      { logger: false },
    );
    await todolist.listen(0, '127.0.0.1');

    // my-api and the worker read the same settings, as two deployments of one app would.
    env = {
      AzureAd__Instance: emu.instance,
      AzureAd__TenantId: tenant,
      AzureAd__ClientId: ids.apps.myApi.clientId,
      AzureAd__ClientSecret: ids.apps.myApi.secret,
      // One clock on this machine: an expired incoming token is refused at once.
      AzureAd__ClockSkewSeconds: '0',
      DownstreamApis__TodoList__BaseUrl: await todolist.getUrl(),
      TokenCache__Redis__Url: redisUrl,
      TokenCache__Redis__KeyPrefix: prefix,
      TokenCache__Encryption__Keys: randomBytes(32).toString('base64'),
    };
    const config = loadMyApiConfig(env);
    myApi = await NestFactory.create(MyApiModule.forRoot({ ...config, azureAd: { ...config.azureAd, trustedCa } }), {
      logger: false,
    });
    await myApi.listen(0, '127.0.0.1');
    myApiUrl = await myApi.getUrl();
    env.NODE_EXTRA_CA_CERTS = join(dir, 'ca.pem');
  });

  afterAll(async () => {
    await worker?.stop();
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    await myApi?.close();
    await todolist?.close();
    await emu?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('queues the job in Redis; the worker process runs it as alice after her token expired, for alice only', async () => {
    const alice = signIn('alice');
    for (const title of ['Buy milk', 'Write the quarterly report']) {
      expect((await callApi(api('/api/todolist'), { method: 'POST', token: alice, body: { title } })).status).toBe(201);
    }

    // A short-lived incoming token: it (and the access token of the on-behalf-of exchange) will have
    // expired when the worker runs the job, so the worker can only use the session's refresh token.
    const { id, status, token: shortLived } = await startShortLivedExport();
    expect(status).toBe(202);

    // No worker yet: the job waits in Redis, its session key sealed (no key, no JWT in the store).
    const queued = await redisDump();
    expect(queued).toContain(id);
    expect(queued).not.toMatch(/lrs_[\w-]{20,}/);
    expect(queued).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\./);
    expect((await callApi<ExportState>(api(`/api/todolist/export/${id}`), { token: alice })).body.status).toBe(
      'pending',
    );

    expect(await untilRefused(shortLived)).toBe(401);

    const refreshesBefore = emu.requests({ grantType: 'refresh_token', clientId: ids.apps.myApi.clientId }).length;
    worker = await startTsProcess(WORKER, env, READY);
    const done = await finished(id, alice);
    expect(done).toMatchObject({ id, status: 'done' });
    expect(done.items?.map((t) => t.title).sort()).toEqual(['Buy milk', 'Write the quarterly report']);
    expect(done.items?.every((t) => t.owner.oid === ids.users.alice.oid)).toBe(true);
    // The worker redeemed the session's refresh token (as my-api's app registration, for alice).
    const refreshes = emu.requests({ grantType: 'refresh_token', clientId: ids.apps.myApi.clientId });
    expect(refreshes.length).toBeGreaterThan(refreshesBefore);
    expect(refreshes.at(-1)?.oid).toBe(ids.users.alice.oid);

    // Bob cannot read alice's export; the finished job holds the items only.
    expect((await callApi(api(`/api/todolist/export/${id}`), { token: signIn('bob') })).status).toBe(404);
    const after = await redisDump();
    expect(after).not.toContain('"session"');
    expect(after).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\./);
  });

  it('stops gracefully on SIGTERM, and records a revoked refresh token as NIW4016 on the job', async () => {
    const stopped = await worker!.stop();
    expect(stopped.killed).toBe(false);
    worker = undefined;

    const started = await startShortLivedExport();
    expect(started.status).toBe(202);
    expect(emu.revokeRefreshTokens(ids.users.alice.oid)).toBeGreaterThan(0);
    expect(await untilRefused(started.token)).toBe(401);

    worker = await startTsProcess(WORKER, env, READY);
    const alice = signIn('alice');
    const failed = await finished(started.id, alice);
    expect(failed).toEqual({ id: started.id, status: 'failed', error: 'NIW4016' });
    expect(worker.output()).not.toMatch(/lrs_[\w-]{20,}|eyJ[\w-]+\.eyJ/);
  });
});
