// DownstreamApi in a guarded Nest API, end to end: callers signed in at the Entra emulator (HTTPS,
// real msal-node on-behalf-of and client credentials), todolist-service and the Graph stand-in as
// real downstream APIs, and a loopback API that misbehaves on purpose (claims challenges, stalls,
// 5xx, Retry-After, a token it stops trusting).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Body, Controller, Get, type INestApplication, Module, Param, Post, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DEFAULT_IDS, type EntraEmulator, startEntraEmulator } from '@nest-identity-web/entra-emulator';
import { AuthGuard, AuthModule, DownstreamApi, RequiredScopes } from 'nest-identity-web';
import { startStandIns, type RunningStandIns } from '../../apps/entra-emulator/src/stand-ins/index.js';
import { AppModule as TodoListModule } from '../../apps/todolist-service/src/app.module.js';
import { loadTodoListServiceConfig } from '../../apps/todolist-service/src/config/todolist-service.config.js';

// A loaded CI machine: the e2e budget, whatever the runner's default.
jest.setTimeout(30_000);

const { myApi, todolistService, demoClient } = DEFAULT_IDS.apps;
const { alice, bob } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;
const TODO_SCOPE = `${todolistService.appIdUri}/access_as_user`;
/** What the misbehaving API asks for: a Conditional Access authentication context (step-up). */
const STEP_UP = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
const challengeFor = (claims: string) =>
  `Bearer realm="", error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"`;
const payloadOf = (authorization: string | undefined): Record<string, unknown> =>
  JSON.parse(
    Buffer.from((authorization ?? '').replace(/^Bearer /, '').split('.')[1] ?? '', 'base64url').toString('utf8') ||
      '{}',
  ) as Record<string, unknown>;

interface Todo {
  id: string;
  title: string;
  owner: { oid: string };
}

@Controller('api')
@UseGuards(AuthGuard)
@RequiredScopes('access_as_user')
class CallerController {
  constructor(private readonly downstream: DownstreamApi) {}

  @Get('todos')
  todos() {
    return this.downstream.getForUser<Todo[]>('TodoList', { relativePath: 'api/todolist' });
  }

  @Post('todos')
  create(@Body() body: { title: string }) {
    return this.downstream.postForUser<Todo>('TodoList', body, { relativePath: 'api/todolist' });
  }

  @Get('all-todos')
  allTodos() {
    return this.downstream.getForApp<Todo[]>('TodoList', { relativePath: 'api/todolist' });
  }

  @Get('me')
  me() {
    return this.downstream.getForUser<{ id: string }>('Graph', { relativePath: 'me' });
  }

  @Get('flaky/:route')
  flaky(@Param('route') route: string) {
    return this.downstream.getForUser<unknown>('Flaky', { relativePath: route });
  }

  @Get('flaky-app/:route')
  flakyApp(@Param('route') route: string) {
    return this.downstream.getForApp<unknown>('Flaky', { relativePath: route });
  }
}

describe('DownstreamApi through the emulator, todolist-service and the Graph stand-in', () => {
  let emu: EntraEmulator;
  let standIns: RunningStandIns;
  let todolist: INestApplication;
  let app: INestApplication;
  let flaky: Server;
  const flakyHits = new Map<string, string[]>();
  const stalled: ServerResponse[] = [];

  beforeAll(async () => {
    emu = await startEntraEmulator();
    const trustedCa = [emu.caCertPem];
    standIns = await startStandIns({ instance: emu.instance, trustedCa, clock: () => emu.clock.now() });
    const todolistConfig = loadTodoListServiceConfig({
      AzureAd__Instance: emu.instance,
      AzureAd__TenantId: contoso.id,
      AzureAd__ClientId: todolistService.clientId,
      TodoList__DatabasePath: ':memory:',
    });
    todolist = await NestFactory.create(
      TodoListModule.forRoot({ ...todolistConfig, azureAd: { ...todolistConfig.azureAd, trustedCa } }),
      { logger: false },
    );
    await todolist.listen(0, '127.0.0.1');

    // The misbehaving API: answers by route, and records the authorization header it received.
    flaky = createServer((req, res) => {
      const route = (req.url ?? '').slice(1);
      const seen = flakyHits.get(route) ?? [];
      seen.push(req.headers.authorization ?? '');
      flakyHits.set(route, seen);
      const payload = payloadOf(req.headers.authorization);
      const hasStepUp = Array.isArray(payload.acrs) && payload.acrs.includes('c1');
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      switch (route) {
        case 'step-up':
          return hasStepUp
            ? json(200, { acrs: payload.acrs })
            : json(401, {}, { 'www-authenticate': challengeFor(STEP_UP) });
        case 'always-challenge':
          return json(
            401,
            {},
            {
              'www-authenticate': challengeFor(
                seen.length === 1 ? STEP_UP : '{"access_token":{"acrs":{"essential":true,"value":"c2"}}}',
              ),
            },
          );
        case 'invalid-once':
          return seen.length === 1
            ? json(
                401,
                {},
                { 'www-authenticate': 'Bearer error="invalid_token", error_description="unknown signing key"' },
              )
            : json(200, { ok: true });
        case 'slow':
          stalled.push(res);
          return;
        case 'boom':
          return json(500, { error: 'boom' });
        case 'busy':
          return json(503, { error: 'busy' }, { 'retry-after': '9' });
        default:
          return json(404, {});
      }
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));

    @Module({
      imports: [
        AuthModule.forRoot({
          instance: emu.instance,
          tenantId: contoso.id,
          clientId: myApi.clientId,
          clientSecret: myApi.secret,
          trustedCa,
          downstreamApis: {
            TodoList: { baseUrl: await todolist.getUrl(), scopes: [TODO_SCOPE] },
            Graph: { baseUrl: standIns.graphBaseUrl, scopes: ['https://graph.microsoft.com/.default'] },
            Flaky: {
              baseUrl: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`,
              scopes: [TODO_SCOPE],
              timeoutMs: 500,
            },
          },
        }),
      ],
      controllers: [CallerController],
    })
    class CallerModule {}
    const moduleRef = await Test.createTestingModule({ imports: [CallerModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
  }, 60_000);

  afterAll(async () => {
    for (const res of stalled) res.destroy();
    await app?.close();
    await todolist?.close();
    await standIns?.close();
    flaky?.closeAllConnections();
    await new Promise((r) => flaky?.close(r));
    await emu?.stop();
  });

  const signIn = (user: { upn: string; password: string }) =>
    emu.signIn({ username: user.upn, password: user.password, clientId: demoClient.clientId, scopes: [myApi.scopeUri] })
      .access_token;
  const get = (path: string, token: string) =>
    request(app.getHttpServer() as never)
      .get(path)
      .set('Authorization', `Bearer ${token}`);
  const tokenRequests = () => emu.requests({ route: 'token', clientId: myApi.clientId }).length;

  it('calls todolist-service for the user (on-behalf-of) and as the app (client credentials)', async () => {
    const token = signIn(alice);
    const created = await request(app.getHttpServer() as never)
      .post('/api/todos')
      .set('Authorization', `Bearer ${token}`)
      .send({ title: 'Buy milk' })
      .expect(201);
    expect(created.body).toMatchObject({ title: 'Buy milk', owner: { oid: alice.oid } });
    const mine = await get('/api/todos', token).expect(200);
    expect((mine.body as Todo[]).map((t) => t.title)).toEqual(['Buy milk']);
    const none = await get('/api/todos', signIn(bob)).expect(200);
    expect(none.body).toEqual([]);
    const all = await get('/api/all-todos', signIn(bob)).expect(200);
    expect((all.body as Todo[]).map((t) => t.owner.oid)).toEqual([alice.oid]);
    expect(emu.requests({ route: 'token', clientId: myApi.clientId, grantType: 'client_credentials' })).toHaveLength(1);
  });

  it('CAE: Graph revokes the session, the call is retried once with Graph’s claims and succeeds', async () => {
    const token = signIn(alice);
    await get('/api/me', token).expect(200, new RegExp(alice.oid));
    const before = tokenRequests();
    await get('/api/me', token).expect(200);
    expect(tokenRequests()).toBe(before);

    // Tokens issued until now are revoked; the emulator's next tokens are newer.
    standIns.revokeSignInSessions(alice.oid, emu.clock.now() + 1);
    emu.clock.advance(2);
    const res = await get('/api/me', token).expect(200);
    expect(res.body).toMatchObject({ id: alice.oid });
    expect(tokenRequests()).toBe(before + 1);
    // The new token replaced the revoked one in the cache: no challenge, no token request.
    await get('/api/me', token).expect(200);
    expect(tokenRequests()).toBe(before + 1);
  });

  it('a step-up claims challenge is retried exactly once with those claims (the new token carries acrs c1)', async () => {
    const res = await get('/api/flaky/step-up', signIn(alice)).expect(200);
    expect(res.body).toEqual({ acrs: ['c1'] });
    const hits = flakyHits.get('step-up')!;
    expect(hits).toHaveLength(2);
    expect(payloadOf(hits[0]).acrs).toBeUndefined();
    expect(payloadOf(hits[1]).acrs).toEqual(['c1']);
  });

  it('when the identity provider then needs the user, the client gets the 401 claims challenge', async () => {
    const token = signIn(bob);
    await get('/api/me', token).expect(200);
    standIns.revokeSignInSessions(bob.oid, emu.clock.now() + 1);
    emu.clock.advance(2);
    const mfa = '{"access_token":{"capolids":{"essential":true,"values":["33333333-0000-4000-8000-000000000009"]}}}';
    emu.injectFault({
      route: 'token',
      status: 400,
      times: 1,
      body: {
        error: 'invalid_grant',
        error_description: 'AADSTS50076: you must use multi-factor authentication to access this resource.',
        error_codes: [50076],
        suberror: 'basic_action',
        claims: mfa,
        timestamp: '2026-11-29 12:00:00Z',
        trace_id: '00000000-0000-0000-0000-000000000000',
        correlation_id: '00000000-0000-0000-0000-000000000000',
      },
    });
    const res = await get('/api/me', token).expect(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="", authorization_uri="${emu.instance}${contoso.id}/oauth2/v2.0/authorize", error="insufficient_claims", claims="${Buffer.from(mfa).toString('base64')}"`,
    );
    expect(res.body).toMatchObject({ statusCode: 401, code: 'NIW4007' });
  });

  it('a second claims challenge stops the retries: the client gets a 401 with the downstream’s claims', async () => {
    const res = await get('/api/flaky/always-challenge', signIn(alice)).expect(401);
    expect(flakyHits.get('always-challenge')).toHaveLength(2);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="", authorization_uri="${emu.instance}${contoso.id}/oauth2/v2.0/authorize", error="insufficient_claims", claims="${Buffer.from('{"access_token":{"acrs":{"essential":true,"value":"c2"}}}').toString('base64')}"`,
    );
    flakyHits.delete('always-challenge');
    const asApp = await get('/api/flaky-app/always-challenge', signIn(alice)).expect(502);
    expect(asApp.body).toMatchObject({ code: 'NIW6006', downstreamApi: 'Flaky' });
    expect(flakyHits.get('always-challenge')).toHaveLength(2);
  });

  it('a 401 invalid_token is retried once with a fresh token', async () => {
    const token = signIn(alice);
    await get('/api/flaky/step-up', token).expect(200);
    const before = tokenRequests();
    await get('/api/flaky/invalid-once', token).expect(200, { ok: true });
    const [first, second] = flakyHits.get('invalid-once')!;
    expect(second).not.toBe(first);
    expect(tokenRequests()).toBe(before + 1);
  });

  it('answers 504 for a timeout, 502 for a 5xx and 503 + Retry-After when the API asks to retry later', async () => {
    const token = signIn(alice);
    const slow = await get('/api/flaky/slow', token).expect(504);
    expect(slow.body).toMatchObject({ code: 'NIW6003', downstreamApi: 'Flaky' });
    const boom = await get('/api/flaky/boom', token).expect(502);
    expect(boom.body).toMatchObject({ code: 'NIW6002', downstreamApi: 'Flaky', downstreamStatus: 500 });
    expect(JSON.stringify(boom.body)).not.toContain('boom"');
    const busy = await get('/api/flaky/busy', token).expect(503);
    expect(busy.headers['retry-after']).toBe('9');
    expect(busy.body).toMatchObject({ code: 'NIW6002', downstreamStatus: 503 });
  });
});
