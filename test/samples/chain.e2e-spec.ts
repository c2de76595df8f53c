import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DEFAULT_IDS, startEntraEmulator, type EntraEmulator } from '@nest-identity-web/entra-emulator';
import { TokenAcquisitionStatistics } from 'nest-identity-web';
import { startStandIns, type RunningStandIns } from '../../apps/entra-emulator/src/stand-ins/index.js';
import { AppModule as MyApiModule } from '../../apps/my-api/src/app.module.js';
import { loadMyApiConfig } from '../../apps/my-api/src/config/my-api.config.js';
import { AppModule as TodoListModule } from '../../apps/todolist-service/src/app.module.js';
import { loadTodoListServiceConfig } from '../../apps/todolist-service/src/config/todolist-service.config.js';
import { callApi, claimsFromChallenge, DemoClient } from '../../scripts/demo/demo-client.js';
import { wrongScopeToken } from '../../scripts/demo/wrong-scope-token.js';
import { TrustingNetworkClient } from '../../scripts/demo/trusting-network-client.js';

// The chain `npm run demo` walks, in one process: emulator + Graph/ARM stand-ins + todolist-service
// + my-api, a real msal-node client, real HTTPS to the emulator, real HTTP between the apps.
// todolist-service runs once on Express (as in the demo) and once on Fastify.
const ids = DEFAULT_IDS;
const tenant = ids.tenants.contoso.id;

interface TodoItem {
  id: string;
  title: string;
  done: boolean;
  owner: { oid: string; tid: string };
}

describe.each(['express', 'fastify'] as const)('sample chain, todolist-service on %s', (platform) => {
  let emu: EntraEmulator;
  let standIns: RunningStandIns;
  let todolist: INestApplication;
  let myApi: INestApplication;
  let client: DemoClient;
  let myApiUrl: string;
  let todolistUrl: string;
  const tokens: Record<string, string> = {};

  const api = (path: string) => `${myApiUrl}${path}`;
  const signIn = async (name: 'alice' | 'bob' | 'carol', claims?: string): Promise<string> => {
    const user = ids.users[name];
    const result = await client.signIn(user.username, user.password, [ids.apps.myApi.scopeUri], claims);
    return result.accessToken;
  };

  beforeAll(async () => {
    emu = await startEntraEmulator();
    const trustedCa = [emu.caCertPem];
    standIns = await startStandIns({ instance: emu.instance, trustedCa });
    const todolistConfig = loadTodoListServiceConfig({
      AzureAd__Instance: emu.instance,
      AzureAd__TenantId: tenant,
      AzureAd__ClientId: ids.apps.todolistService.clientId,
      TodoList__DatabasePath: ':memory:',
    });
    const todolistModule = TodoListModule.forRoot({
      ...todolistConfig,
      azureAd: { ...todolistConfig.azureAd, trustedCa },
    });
    const logger: LogLevel[] | false = process.env.CHAIN_LOG ? ['error', 'warn'] : false;
    todolist =
      platform === 'fastify'
        ? await NestFactory.create(todolistModule, new FastifyAdapter(), { logger })
        : await NestFactory.create(todolistModule, { logger });
    await todolist.listen(0, '127.0.0.1');
    todolistUrl = await todolist.getUrl();
    const myApiConfig = loadMyApiConfig({
      AzureAd__Instance: emu.instance,
      AzureAd__TenantId: tenant,
      AzureAd__ClientId: ids.apps.myApi.clientId,
      AzureAd__ClientSecret: ids.apps.myApi.secret,
      DownstreamApis__TodoList__BaseUrl: todolistUrl,
      DownstreamApis__Graph__BaseUrl: standIns.graphBaseUrl,
      DownstreamApis__Arm__BaseUrl: standIns.armBaseUrl,
    });
    myApi = await NestFactory.create(
      MyApiModule.forRoot({ ...myApiConfig, azureAd: { ...myApiConfig.azureAd, trustedCa } }),
      { logger },
    );
    await myApi.listen(0, '127.0.0.1');
    myApiUrl = await myApi.getUrl();
    client = new DemoClient({
      authority: `${emu.instance}${tenant}`,
      authorityHost: emu.host,
      clientId: ids.apps.demoClient.clientId,
      networkClient: new TrustingNetworkClient(emu.caCertPem),
    });
    tokens.alice = await signIn('alice');
    tokens.bob = await signIn('bob');
  });

  afterAll(async () => {
    await myApi?.close();
    await todolist?.close();
    await standIns?.close();
    await emu?.stop();
  });

  it('alice adds todos and lists them through my-api (on-behalf-of)', async () => {
    for (const title of ['Buy milk', 'Write the quarterly report']) {
      const res = await callApi<TodoItem>(api('/api/todolist'), {
        method: 'POST',
        token: tokens.alice,
        body: { title },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ title, done: false, owner: { oid: ids.users.alice.oid, tid: tenant } });
    }
    const list = await callApi<TodoItem[]>(api('/api/todolist'), { token: tokens.alice });
    expect(list.status).toBe(200);
    expect(list.body.map((i) => i.title)).toEqual(['Buy milk', 'Write the quarterly report']);
  });

  it('a bad body answers 400 with the reasons', async () => {
    const res = await callApi<{ message: string[] }>(api('/api/todolist'), {
      method: 'POST',
      token: tokens.alice,
      body: { title: '', extra: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(
      expect.arrayContaining(['title should not be empty', 'property extra should not exist']),
    );
  });

  it('exports alice’s todos in the background through a long-running session, for alice only', async () => {
    const started = await callApi<{ id: string; status: string }>(api('/api/todolist/export'), {
      method: 'POST',
      token: tokens.alice,
    });
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('pending');
    let state: { status: string; items?: TodoItem[] } = started.body;
    for (let i = 0; i < 100 && state.status === 'pending'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = (await callApi<typeof state>(api(`/api/todolist/export/${started.body.id}`), { token: tokens.alice }))
        .body;
    }
    expect(state.status).toBe('done');
    expect(state.items?.map((i) => i.title)).toEqual(['Buy milk', 'Write the quarterly report']);
    const asBob = await callApi(api(`/api/todolist/export/${started.body.id}`), { token: tokens.bob });
    expect(asBob.status).toBe(404);
  });

  it("bob does not see alice's todos", async () => {
    const res = await callApi<TodoItem[]>(api('/api/todolist'), { token: tokens.bob });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it('GET /api/me answers with the Graph profile of the signed-in user', async () => {
    const res = await callApi<Record<string, unknown>>(api('/api/me'), { token: tokens.alice });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: ids.users.alice.oid,
      displayName: ids.users.alice.displayName,
      userPrincipalName: ids.users.alice.upn,
    });
  });

  it('GET /api/subscriptions answers with the ARM subscriptions of the user', async () => {
    const res = await callApi<{ subscriptionId: string; tenantId: string; state: string }[]>(
      api('/api/subscriptions'),
      {
        token: tokens.alice,
      },
    );
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({ tenantId: tenant, state: 'Enabled' });
  });

  it('GET /api/admin/todolist uses the app token: every user’s items, for Admin.All only', async () => {
    await callApi(api('/api/todolist'), { method: 'POST', token: tokens.bob, body: { title: 'bob’s item' } });
    const res = await callApi<TodoItem[]>(api('/api/admin/todolist'), { token: tokens.alice });
    expect(res.status).toBe(200);
    expect(new Set(res.body.map((i) => i.owner.oid))).toEqual(new Set([ids.users.alice.oid, ids.users.bob.oid]));
    const bob = await callApi(api('/api/admin/todolist'), { token: tokens.bob });
    expect(bob.status).toBe(403);
  });

  it('on todolist-service, a delegated caller edits only its own items', async () => {
    const bob = await client.signIn(ids.users.bob.username, ids.users.bob.password, [
      ids.apps.todolistService.scopeUri,
    ]);
    const own = await callApi<TodoItem[]>(`${todolistUrl}/api/todolist`, { token: bob.accessToken });
    expect(own.status).toBe(200);
    expect(own.body.map((i) => i.owner.oid)).toEqual([ids.users.bob.oid]);
    const mine = own.body[0]!;
    const done = await callApi<TodoItem>(`${todolistUrl}/api/todolist/${mine.id}`, {
      method: 'PATCH',
      token: bob.accessToken,
      body: { done: true },
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: mine.id, done: true });

    const alices = await callApi<TodoItem[]>(api('/api/todolist'), { token: tokens.alice });
    const theirs = alices.body[0]!;
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const res = await callApi(`${todolistUrl}/api/todolist/${theirs.id}`, {
        method,
        token: bob.accessToken,
        ...(method === 'PATCH' ? { body: { title: 'mine now' } } : {}),
      });
      expect({ method, status: res.status }).toEqual({ method, status: 404 });
    }
    const after = await callApi<TodoItem[]>(api('/api/todolist'), { token: tokens.alice });
    expect(after.body).toEqual(alices.body);
  });

  it('on todolist-service, a bad body answers 400 with every reason', async () => {
    const bob = await client.signIn(ids.users.bob.username, ids.users.bob.password, [
      ids.apps.todolistService.scopeUri,
    ]);
    const res = await callApi<{ message: string[] }>(`${todolistUrl}/api/todolist`, {
      method: 'POST',
      token: bob.accessToken,
      body: { title: 7, done: 'yes', owner: { oid: 'x' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(
      expect.arrayContaining([
        'title must be a string',
        'done must be a boolean value',
        'owner.oid must be a UUID',
        'owner.tid must be a UUID',
      ]),
    );
  });

  it('no token → 401 with a Bearer challenge; a token for my-api without access_as_user → 403', async () => {
    const none = await callApi(api('/api/todolist'));
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await callApi(api('/api/todolist'), { token: wrongScopeToken(emu) });
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('www-authenticate')).toContain('insufficient_scope');
  });

  it('todolist-service refuses a token issued for my-api (401)', async () => {
    const res = await callApi(`${todolistUrl}/api/todolist`, { token: tokens.alice });
    expect(res.status).toBe(401);
  });

  it('carol gets the 401 claims challenge, steps up with those claims, and the retry succeeds', async () => {
    const carol = await signIn('carol');
    const first = await callApi(api('/api/todolist'), { token: carol });
    expect(first.status).toBe(401);
    const claims = claimsFromChallenge(first.headers.get('www-authenticate'));
    expect(claims).toBeDefined();
    const stepUp = await signIn('carol', claims);
    const retry = await callApi<TodoItem[]>(api('/api/todolist'), { token: stepUp });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual([]);
  });

  it('my-api served repeated calls from its token cache', async () => {
    const stats = myApi.get(TokenAcquisitionStatistics, { strict: false }).snapshot();
    expect(stats.hits).toBeGreaterThan(0);
    const res = await callApi<{ hits: number; identityProviderCalls: number }>(api('/api/admin/cache-stats'), {
      token: tokens.alice,
    });
    expect(res.status).toBe(200);
    expect(res.body.hits).toBeGreaterThanOrEqual(stats.hits);
    expect(res.body.identityProviderCalls).toBe(
      emu.requests().filter((r) => r.clientId === ids.apps.myApi.clientId && r.grantType).length,
    );
  });
});
