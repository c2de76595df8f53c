import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthModule } from '../auth.module.js';
import type { AuthModuleOptions } from '../auth-module-options.interface.js';
import { loadAzureAdOptions } from '../azure-ad-options.loader.js';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { AuthConfigurationError } from '../errors/auth.error.js';
import { ClaimsChallengeError } from '../errors/claims-challenge.error.js';
import { DownstreamApiError } from '../errors/downstream-api.error.js';
import { replyFor } from '../errors/auth-exception.filter.js';
import { ITokenAcquisition } from '../token-acquisition/token-acquisition.js';
import type {
  AppTokenOptions,
  TokenAcquisitionResult,
  UserTokenOptions,
} from '../token-acquisition/token-acquisition.types.js';
import { AuthorizationHeaderProvider } from './authorization-header-provider.js';
import { DownstreamApi } from './downstream-api.js';
import { DownstreamFailureLog } from './downstream-failure-log.js';
import { bearerChallengeParams, redact } from './downstream-response.util.js';

/** A hand-written ITokenAcquisition that records what DownstreamApi asks for. */
class RecordingTokens extends ITokenAcquisition {
  readonly calls: { flow: 'user' | 'app'; scopes: readonly string[]; claims?: string; forceRefresh?: boolean }[] = [];
  failWith: Error | undefined;
  private n = 0;

  override getAccessTokenForUser(scopes: readonly string[], options: UserTokenOptions = {}): Promise<string> {
    this.calls.push({ flow: 'user', scopes, claims: options.claims, forceRefresh: options.forceRefresh });
    return this.failWith ? Promise.reject(this.failWith) : Promise.resolve(`user-token-${++this.n}`);
  }
  override getAccessTokenForApp(scope: string, options: AppTokenOptions = {}): Promise<string> {
    this.calls.push({ flow: 'app', scopes: [scope], claims: options.claims, forceRefresh: options.forceRefresh });
    return Promise.resolve(`app-token-${++this.n}`);
  }
  override getAuthenticationResultForUser(): Promise<TokenAcquisitionResult> {
    throw new Error('not used');
  }
  override getAuthenticationResultForApp(): Promise<TokenAcquisitionResult> {
    throw new Error('not used');
  }
}

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}
type Handler = (seen: Seen, res: ServerResponse) => void;

const CLAIMS = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
const challenge = (claims = CLAIMS) =>
  `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"`;
const A_JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe('DownstreamApi', () => {
  let server: Server;
  let baseUrl: string;
  let handler: Handler = (_s, res) => res.end();
  const seen: Seen[] = [];
  const stalled: ServerResponse[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const s = {
          method: req.method ?? '',
          url: req.url ?? '',
          authorization: req.headers.authorization,
          headers: req.headers,
          body,
        };
        seen.push(s);
        handler(s, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    seen.length = 0;
    for (const res of stalled.splice(0)) res.destroy();
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => {
    return (_s, res) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

  async function setup(extra: Partial<AuthModuleOptions> = {}) {
    const tokens = new RecordingTokens();
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          tenantId: 'contoso.onmicrosoft.com',
          clientId: '00000000-0000-0000-0000-000000000001',
          clientSecret: 'not-used',
          downstreamApis: {
            TodoList: {
              baseUrl: `${baseUrl}/base/`,
              scopes: ['api://todolist-service/access_as_user'],
              extraHeaderParameters: { 'x-api-version': '2' },
              extraQueryParameters: { tenant: 'contoso' },
              timeoutMs: 5000,
            },
            Anonymous: { baseUrl },
          },
          ...extra,
        }),
      ],
    })
      .overrideProvider(ITokenAcquisition)
      .useValue(tokens)
      .setLogger(false as unknown as LoggerService)
      .compile();
    return { tokens, api: moduleRef.get(DownstreamApi), headers: moduleRef.get(AuthorizationHeaderProvider) };
  }

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected a failure');
      },
      (e: unknown) => e,
    );

  it('sends the user token, default headers and query to base URL + relative path, and returns the JSON', async () => {
    const { api, tokens } = await setup();
    handler = json(200, [{ id: 1 }]);
    await expect(
      api.getForUser('todolist', { relativePath: '/api/todolist', query: { top: 5 }, headers: { 'X-Trace': 't' } }),
    ).resolves.toEqual([{ id: 1 }]);
    expect(seen[0]).toMatchObject({
      method: 'GET',
      url: '/base/api/todolist?tenant=contoso&top=5',
      authorization: 'Bearer user-token-1',
    });
    expect(seen[0]!.headers).toMatchObject({ 'x-api-version': '2', 'x-trace': 't', accept: 'application/json' });
    expect(tokens.calls).toEqual([
      { flow: 'user', scopes: ['api://todolist-service/access_as_user'], claims: undefined, forceRefresh: undefined },
    ]);
  });

  it('sends JSON bodies as JSON and raw bodies as they are; an empty answer is undefined', async () => {
    const { api } = await setup();
    handler = (_s, res) => res.writeHead(204).end();
    await expect(
      api.postForUser('TodoList', { title: 'x' }, { relativePath: 'api/todolist' }),
    ).resolves.toBeUndefined();
    expect(seen[0]).toMatchObject({ method: 'POST', body: '{"title":"x"}' });
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    await api.putForUser('TodoList', 'a,b', { headers: { 'content-type': 'text/csv' } });
    expect(seen[1]).toMatchObject({ method: 'PUT', body: 'a,b' });
    expect(seen[1]!.headers['content-type']).toBe('text/csv');
    handler = (_s, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('plain');
    await expect(api.getForUser('TodoList', { responseType: 'text' })).resolves.toBe('plain');
    await expect(failure(api.getForUser('TodoList'))).resolves.toMatchObject({
      code: AuthErrorCode.DownstreamApiInvalidResponse,
    });
  });

  it('calls as the app with the derived /.default scope, and without a token when no scopes are configured', async () => {
    const { api, tokens } = await setup();
    handler = json(200, { ok: true });
    await api.getForApp('TodoList');
    expect(tokens.calls[0]).toMatchObject({ flow: 'app', scopes: ['api://todolist-service/.default'] });
    expect(seen[0]!.authorization).toBe('Bearer app-token-1');
    await api.deleteForUser('Anonymous', { relativePath: 'x' });
    expect(seen[1]!.authorization).toBeUndefined();
    expect(tokens.calls).toHaveLength(1);
  });

  it('turns a non-2xx answer into NIW6002 with status and a redacted excerpt, never the token', async () => {
    const { api } = await setup();
    handler = json(500, { message: `boom ${A_JWT}`, auth: 'Bearer abcdefghijklmnop' });
    const e = (await failure(api.getForUser('TodoList', { relativePath: 'api?secret=1' }))) as DownstreamApiError;
    expect(e).toBeInstanceOf(DownstreamApiError);
    expect(e).toMatchObject({ code: 'NIW6002', status: 500, apiName: 'TodoList', method: 'GET', path: '/base/api' });
    expect(e.message).toContain('HTTP 500');
    expect(e.message).not.toContain(A_JWT);
    expect(e.message).not.toContain('secret=1');
    expect(e.message).not.toContain('user-token');
    expect(e.responseBody).toEqual({ message: 'boom [redacted]', auth: 'Bearer [redacted]' });
    expect(replyFor(e)).toMatchObject({ status: 502, extra: { downstreamApi: 'TodoList', downstreamStatus: 500 } });
  });

  it('maps 503/429 with Retry-After to 503 + Retry-After, and without it to 502', async () => {
    const { api } = await setup();
    handler = json(503, {}, { 'retry-after': '7' });
    const busy = (await failure(api.getForUser('TodoList'))) as DownstreamApiError;
    expect(busy.retryAfterSeconds).toBe(7);
    expect(replyFor(busy)).toMatchObject({ status: 503, headers: { 'Retry-After': '7' } });
    handler = json(429, {});
    expect(replyFor((await failure(api.getForUser('TodoList'))) as DownstreamApiError).status).toBe(502);
  });

  it('gives the raw answer of callApiForUser whatever its status', async () => {
    const { api } = await setup();
    handler = json(404, { message: 'nope' });
    const res = await api.callApiForUser('TodoList', { relativePath: 'api/todolist/9' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'nope' });
  });

  it('answers NIW6003 (504) when the API stalls before or during its answer, NIW6004 when unreachable', async () => {
    const closedServer = createServer();
    await new Promise<void>((r) => closedServer.listen(0, '127.0.0.1', r));
    const closedPort = (closedServer.address() as AddressInfo).port;
    await new Promise((r) => closedServer.close(r));
    const { api } = await setup({
      downstreamApis: {
        TodoList: { baseUrl, scopes: ['api://x/read'], timeoutMs: 150 },
        Closed: { baseUrl: `http://127.0.0.1:${closedPort}`, scopes: ['api://x/read'] },
      },
    });
    handler = (_s, res) => stalled.push(res);
    const silent = (await failure(api.getForUser('TodoList'))) as DownstreamApiError;
    expect(silent).toMatchObject({ code: 'NIW6003', timeoutMs: 150 });
    expect(replyFor(silent).status).toBe(504);
    handler = (_s, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' }).write('[{"id":');
      stalled.push(res);
    };
    await expect(failure(api.getForUser('TodoList'))).resolves.toMatchObject({ code: 'NIW6003' });
    const closed = (await failure(api.getForUser('Closed'))) as DownstreamApiError;
    expect(closed).toMatchObject({ code: 'NIW6004' });
    expect(closed.message).toContain('ECONNREFUSED');
    expect(replyFor(closed).status).toBe(502);
  });

  it("rethrows the caller's own abort reason", async () => {
    const { api } = await setup();
    const controller = new AbortController();
    const reason = new Error('client went away');
    handler = (_s, res) => {
      stalled.push(res);
      controller.abort(reason);
    };
    await expect(api.getForUser('TodoList', { signal: controller.signal })).rejects.toBe(reason);
  });

  it('retries a downstream claims challenge exactly once, with its claims, and returns the second answer', async () => {
    const { api, tokens } = await setup();
    let n = 0;
    handler = (s, res) =>
      n++ === 0
        ? res.writeHead(401, { 'www-authenticate': challenge() }).end()
        : json(200, { auth: s.authorization })(s, res);
    await expect(api.getForUser('TodoList')).resolves.toEqual({ auth: 'Bearer user-token-2' });
    expect(seen).toHaveLength(2);
    expect(tokens.calls.map((c) => c.claims)).toEqual([undefined, CLAIMS]);
  });

  it('stops after a second claims challenge: a user call throws the ClaimsChallengeError with the downstream claims', async () => {
    const { api, tokens } = await setup();
    const second = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    let n = 0;
    handler = (_s, res) => res.writeHead(401, { 'www-authenticate': challenge(n++ === 0 ? CLAIMS : second) }).end();
    const e = (await failure(api.getForUser('TodoList'))) as ClaimsChallengeError;
    expect(e).toBeInstanceOf(ClaimsChallengeError);
    expect(e.claims).toBe(second);
    expect(seen).toHaveLength(2);
    expect(tokens.calls).toHaveLength(2);
    const reply = replyFor(e);
    expect(reply.status).toBe(401);
    expect(reply.headers['WWW-Authenticate']).toBe(
      `Bearer realm="", authorization_uri="https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize", error="insufficient_claims", claims="${Buffer.from(second).toString('base64')}"`,
    );
  });

  it('relays the ClaimsChallengeError of token acquisition when the user must interact', async () => {
    const { api, tokens } = await setup();
    handler = (_s, res) => res.writeHead(401, { 'www-authenticate': challenge() }).end();
    const interaction = new ClaimsChallengeError({ flow: 'onBehalfOf' }, CLAIMS, 'https://idp/authorize');
    const original = tokens.getAccessTokenForUser.bind(tokens);
    tokens.getAccessTokenForUser = (scopes, options) =>
      options?.claims ? Promise.reject(interaction) : original(scopes, options);
    await expect(api.getForUser('TodoList')).rejects.toBe(interaction);
    expect(seen).toHaveLength(1);
  });

  it('an app call challenged twice throws NIW6006 (502)', async () => {
    const { api, tokens } = await setup();
    handler = (_s, res) => res.writeHead(401, { 'www-authenticate': challenge() }).end();
    const e = (await failure(api.getForApp('TodoList'))) as DownstreamApiError;
    expect(e).toMatchObject({ code: 'NIW6006', status: 401 });
    expect(replyFor(e).status).toBe(502);
    expect(tokens.calls.map((c) => c.claims)).toEqual([undefined, CLAIMS]);
  });

  it('retries a 401 invalid_token once with a fresh token; if that fails too, no more fresh-token retries for a while', async () => {
    const { api, tokens } = await setup();
    let n = 0;
    handler = (s, res) =>
      n++ === 0
        ? res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end()
        : json(200, { auth: s.authorization })(s, res);
    await expect(api.getForUser('TodoList')).resolves.toEqual({ auth: 'Bearer user-token-2' });
    expect(tokens.calls.map((c) => c.forceRefresh)).toEqual([undefined, true]);

    handler = (_s, res) => res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
    seen.length = 0;
    const e = (await failure(api.getForUser('TodoList'))) as DownstreamApiError;
    expect(e).toMatchObject({ code: 'NIW6002', status: 401 });
    expect(e.message).toContain('Scopes');
    expect(seen).toHaveLength(2);
    seen.length = 0;
    await failure(api.getForUser('TodoList'));
    expect(seen).toHaveLength(1);
  });

  it('refuses an unknown name (NIW6001) and a relative path that leaves the base URL (NIW6007), sending nothing', async () => {
    const { api } = await setup();
    await expect(failure(api.getForUser('Nope'))).resolves.toMatchObject({ code: 'NIW6001' });
    for (const relativePath of ['../other', 'a/../../b', '/%2e%2e/x', '..']) {
      const e = (await failure(api.getForUser('TodoList', { relativePath }))) as DownstreamApiError;
      expect({ relativePath, code: e.code }).toEqual({ relativePath, code: 'NIW6007' });
    }
    expect(replyFor((await failure(api.getForUser('Nope'))) as DownstreamApiError).status).toBe(500);
    expect(seen).toHaveLength(0);
  });

  it('creates "Bearer …" authorization headers for users and apps', async () => {
    const { headers } = await setup();
    await expect(headers.createAuthorizationHeaderForUser(['api://x/read'])).resolves.toBe('Bearer user-token-1');
    await expect(headers.createAuthorizationHeaderForApp('api://x/.default')).resolves.toBe('Bearer app-token-2');
  });

  it('callApi follows requestAppToken', async () => {
    const { api, tokens } = await setup({
      downstreamApis: { Jobs: { baseUrl, scopes: ['api://jobs/.default'], requestAppToken: true } },
    });
    handler = json(200, {});
    await api.callApi('jobs');
    expect(tokens.calls[0]).toMatchObject({ flow: 'app', scopes: ['api://jobs/.default'] });
  });
});

describe('downstream API configuration', () => {
  const boot = (downstreamApis: AuthModuleOptions['downstreamApis']) =>
    Test.createTestingModule({
      imports: [
        AuthModule.forRoot({ tenantId: 'contoso.onmicrosoft.com', clientId: 'c', clientSecret: 's', downstreamApis }),
      ],
    })
      .setLogger(false as unknown as LoggerService)
      .compile();

  it.each([
    ['a relative base URL', { A: { baseUrl: 'todo.example' } }],
    ['a query in the base URL', { A: { baseUrl: 'https://todo.example/?a=1' } }],
    ['plain http off loopback', { A: { baseUrl: 'http://todo.example' } }],
    ['a scope with a space', { A: { baseUrl: 'https://todo.example', scopes: ['a b'] } }],
    ['an app scope without /.default', { A: { baseUrl: 'https://todo.example', appScope: 'api://x/read' } }],
    [
      'requestAppToken without an app scope',
      { A: { baseUrl: 'https://t.example', scopes: ['User.Read'], requestAppToken: true } },
    ],
    ['a zero timeout', { A: { baseUrl: 'https://todo.example', timeoutMs: 0 } }],
    ['an authorization header', { A: { baseUrl: 'https://t.example', extraHeaderParameters: { Authorization: 'x' } } }],
    ['two spellings of one name', { A: { baseUrl: 'https://t.example' }, a: { baseUrl: 'https://t.example' } }],
  ])('fails bootstrap with NIW1012 on %s', async (_what, apis) => {
    const e = await boot(apis as AuthModuleOptions['downstreamApis']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AuthConfigurationError);
    expect(e).toMatchObject({ code: AuthErrorCode.InvalidDownstreamApiOptions });
    expect((e as Error).message).toContain('Potential solutions');
  });

  it('accepts plain http with allowHttp', async () => {
    await expect(boot({ A: { baseUrl: 'http://todo.example', allowHttp: true } })).resolves.toBeDefined();
  });

  it('reads DownstreamApis__<Name>__* settings through loadAzureAdOptions', () => {
    const options = loadAzureAdOptions({
      AzureAd__TenantId: 't',
      AzureAd__ClientId: 'c',
      DownstreamApis__TodoList__BaseUrl: 'https://todo.example/api',
      DownstreamApis__TodoList__Scopes: 'api://todo/read api://todo/write',
      DownstreamApis__TodoList__RequestAppToken: 'true',
      DownstreamApis__TodoList__TimeoutMs: '2500',
      'DownstreamApis__TodoList__ExtraHeaderParameters__x-api-version': '2',
      'DownstreamApis:Graph:BaseUrl': 'https://graph.microsoft.com/v1.0',
      DownstreamApis__Graph__Scopes__0: 'https://graph.microsoft.com/.default',
    });
    expect(options.downstreamApis).toEqual({
      TodoList: {
        baseUrl: 'https://todo.example/api',
        scopes: ['api://todo/read', 'api://todo/write'],
        requestAppToken: true,
        timeoutMs: 2500,
        extraHeaderParameters: { 'x-api-version': '2' },
      },
      Graph: { baseUrl: 'https://graph.microsoft.com/v1.0', scopes: ['https://graph.microsoft.com/.default'] },
    });
    expect(loadAzureAdOptions({ AzureAd__TenantId: 't' }).downstreamApis).toBeUndefined();
    expect(
      loadAzureAdOptions({
        get: (k: string) =>
          k === 'DownstreamApis' ? { Arm: { BaseUrl: 'https://management.azure.com', Scopes: ['x'] } } : undefined,
      }).downstreamApis,
    ).toEqual({ Arm: { baseUrl: 'https://management.azure.com', scopes: ['x'] } });
    expect(() => loadAzureAdOptions({ DownstreamApis__A__TimeoutMs: '10s' })).toThrow(/NIW1012/);
    expect(() => loadAzureAdOptions({ DownstreamApis__A__Scopes: '[api://x/read' })).toThrow(/NIW1012/);
    expect(() => loadAzureAdOptions({ DownstreamApis__A__AllowHttp: 'maybe' })).toThrow(/NIW1012/);
    expect(loadAzureAdOptions({ DownstreamApis__A__Scopes: '["api://x/read"]' }).downstreamApis).toEqual({
      A: { baseUrl: '', scopes: ['api://x/read'] },
    });
  });
});

describe('downstream helpers', () => {
  it('logs the first failure of a window at once and the rest as one counted line per API', async () => {
    const lines: string[] = [];
    const logger = { warn: (m: string) => lines.push(m) } as unknown as LoggerService;
    const log = new DownstreamFailureLog(logger, 50);
    for (let i = 0; i < 10; i++) log.record('TodoList', 'NIW6002 HTTP 500', 'boom');
    log.record('TodoList', 'NIW6003', 'slow');
    log.record('Graph', 'NIW6004', 'down');
    expect(lines).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 80));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe(
      "Downstream API 'TodoList': 10 more failure(s) in the last 0 s (NIW6002 HTTP 500 ×9, NIW6003 ×1).",
    );
  });

  it('parses the Bearer challenge among others and redacts token-like text', () => {
    expect(bearerChallengeParams('Basic realm="x", Bearer error="insufficient_claims", claims="e30="')).toEqual({
      error: 'insufficient_claims',
      claims: 'e30=',
    });
    expect(bearerChallengeParams('Bearer')).toEqual({});
    expect(bearerChallengeParams(null)).toBeUndefined();
    expect(redact(`x ${A_JWT} y`)).toBe('x [redacted] y');
  });
});
