// A real Nest API (AuthModule + AuthGuard, Express and Fastify) that calls downstream APIs through
// ITokenAcquisition, against the Entra emulator over HTTPS with real msal-node. Callers are the
// emulator's users (alice, bob, carol) signed in through the demo client.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { Controller, Get, type INestApplication, Module, UseGuards } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DEFAULT_IDS, type EntraEmulator, startEntraEmulator } from '@nest-identity-web/entra-emulator';
import {
  AuthGuard,
  AuthModule,
  ITokenAcquisition,
  RequiredScopes,
  RequiredScopesOrAppPermissions,
  type TokenAcquisitionResult,
} from 'nest-identity-web';

const { myApi, todolistService, demoClient, graph } = DEFAULT_IDS.apps;
const { alice, bob, carol } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;
const TODO = `${todolistService.appIdUri}/access_as_user`;
/** Not in my-api's pre-consented permissions (Graph User.Read is): Entra answers AADSTS65001. */
const MAIL_READ = `${graph.resource}/Mail.Read`;

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** What the test API tells about the downstream token: never the token itself. */
function describeResult(r: TokenAcquisitionResult) {
  const c = claimsOf(r.accessToken);
  return {
    oid: c.oid,
    aud: c.aud,
    idtyp: c.idtyp,
    roles: c.roles,
    tokenHash: createHash('sha256').update(r.accessToken).digest('hex').slice(0, 16),
    tokenSource: r.metadata.tokenSource,
    cacheLevel: r.metadata.cacheLevel,
  };
}
type Described = ReturnType<typeof describeResult>;

@Controller('api')
@UseGuards(AuthGuard)
@RequiredScopes('access_as_user')
class DownstreamController {
  constructor(private readonly tokens: ITokenAcquisition) {}

  @Get('todos')
  async todos() {
    return describeResult(await this.tokens.getAuthenticationResultForUser([TODO]));
  }

  @Get('mail')
  async mail() {
    await this.tokens.getAccessTokenForUser([MAIL_READ]);
    return { ok: true };
  }

  @Get('unknown-resource')
  async unknownResource() {
    await this.tokens.getAccessTokenForUser(['api://not-registered/access_as_user']);
    return { ok: true };
  }

  @Get('as-app')
  async asApp() {
    return describeResult(await this.tokens.getAuthenticationResultForApp(todolistService.defaultScope));
  }
}

/** Also open to daemons (app permission), yet it acquires a user token: app callers get 403. */
@Controller('jobs')
@UseGuards(AuthGuard)
@RequiredScopesOrAppPermissions({ scopes: ['access_as_user'], appPermissions: ['Jobs.Run'] })
class JobsController {
  constructor(private readonly tokens: ITokenAcquisition) {}

  @Get('todos')
  async todos() {
    return describeResult(await this.tokens.getAuthenticationResultForUser([TODO]));
  }
}

describe.each(['express', 'fastify'] as const)('on-behalf-of through a guarded %s API', (platform) => {
  let emu: EntraEmulator;
  let app: INestApplication;

  beforeAll(async () => {
    emu = await startEntraEmulator();
    @Module({
      imports: [
        AuthModule.forRoot({
          instance: emu.instance,
          tenantId: contoso.id,
          clientId: myApi.clientId,
          clientSecret: myApi.secret,
          trustedCa: [emu.caCertPem],
          // Deliberately also accepts tokens issued to todolist-service, so that a token valid for
          // the guard but not exchangeable by my-api reaches on-behalf-of (AADSTS50013).
          audiences: [todolistService.clientId],
        }),
      ],
      controllers: [DownstreamController, JobsController],
    })
    class ApiModule {}
    const moduleRef = await Test.createTestingModule({ imports: [ApiModule] }).compile();
    app =
      platform === 'fastify'
        ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false })
        : moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await emu?.stop();
  });

  const signIn = (user: { upn: string; password: string }, claims?: string) =>
    emu.signIn({
      username: user.upn,
      password: user.password,
      clientId: demoClient.clientId,
      scopes: [myApi.scopeUri],
      ...(claims ? { claims } : {}),
    }).access_token;
  const get = (path: string, token: string) =>
    request(app.getHttpServer() as never)
      .get(path)
      .set('Authorization', `Bearer ${token}`);
  const tokenRequests = () => emu.requests({ route: 'token', clientId: myApi.clientId });

  it('exchanges the caller’s token, then serves the second call from the cache', async () => {
    const token = signIn(alice);
    const before = tokenRequests().length;
    const first = await get('/api/todos', token).expect(200);
    const second = await get('/api/todos', token).expect(200);
    expect(first.body).toMatchObject({
      oid: alice.oid,
      aud: todolistService.clientId,
      tokenSource: 'identityProvider',
    });
    expect(second.body).toMatchObject({ oid: alice.oid, tokenSource: 'cache', cacheLevel: 'l1' });
    expect((second.body as Described).tokenHash).toBe((first.body as Described).tokenHash);
    const sent = tokenRequests().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', oid: alice.oid });
  });

  it('never gives one user another user’s token, even interleaved', async () => {
    type User = typeof alice | typeof bob;
    const users: User[] = [alice, bob, alice, bob, bob, alice];
    const tokens = new Map<User, string>([alice, bob].map((u) => [u, signIn(u)]));
    const before = tokenRequests().length;
    const answers = await Promise.all(users.map((u) => get('/api/todos', tokens.get(u)!).expect(200)));
    answers.forEach((res, i) => expect((res.body as Described).oid).toBe(users[i]!.oid));
    const hashes = (u: User) =>
      new Set(answers.filter((_, i) => users[i] === u).map((r) => (r.body as Described).tokenHash));
    expect(hashes(alice).size).toBe(1);
    expect(hashes(bob).size).toBe(1);
    expect([...hashes(alice)][0]).not.toBe([...hashes(bob)][0]);
    expect(
      tokenRequests()
        .slice(before)
        .map((r) => r.oid)
        .sort(),
    ).toEqual([alice.oid, bob.oid].sort());
  });

  it('sends exactly one token request for 100 concurrent identical cold calls over HTTP', async () => {
    const token = signIn(bob);
    // Hold the first token request so that the other calls arrive while it is in flight.
    emu.injectFault({ route: 'token', delayMs: 200, times: 1 });
    const before = tokenRequests().length;
    const answers = await Promise.all(Array.from({ length: 100 }, () => get('/api/todos', token)));
    expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 100 }, () => 200));
    expect(new Set(answers.map((r) => (r.body as Described).tokenHash)).size).toBe(1);
    expect(tokenRequests().length - before).toBe(1);
  });

  it('answers carol (MFA policy) with 401 and the exact claims challenge, then succeeds after step-up', async () => {
    const claims = JSON.stringify({
      access_token: { capolids: { essential: true, values: [DEFAULT_IDS.policies.carolMfa] } },
    });
    const res = await get('/api/todos', signIn(carol)).expect(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="", authorization_uri="${emu.instance}${contoso.id}/oauth2/v2.0/authorize", error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"`,
    );
    expect(res.body).toMatchObject({ statusCode: 401, code: 'NIW4007' });
    // The client replays the claims at sign-in; the new token carries amr mfa and OBO succeeds.
    const challenge = /claims="([^"]+)"/.exec(res.headers['www-authenticate'] as string)![1]!;
    const stepUp = signIn(carol, Buffer.from(challenge, 'base64').toString('utf8'));
    await get('/api/todos', stepUp).expect(200, /"oid":"22222222-0000-4000-8000-000000000003"/);
  });

  it('answers missing consent (AADSTS65001) with 401 interaction_required at the tenant’s authorize endpoint', async () => {
    const res = await get('/api/mail', signIn(alice)).expect(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="", authorization_uri="${emu.instance}${contoso.id}/oauth2/v2.0/authorize", error="interaction_required"`,
    );
    expect(res.body).toMatchObject({ statusCode: 401, code: 'NIW4007' });
    expect(tokenRequests().at(-1)).toMatchObject({ errorCode: 65001 });
  });

  it('answers an unreachable token endpoint with 503 and Retry-After', async () => {
    const fault = emu.injectFault({ route: 'token', drop: true });
    try {
      const res = await get('/api/todos', signIn(bob)).expect(503);
      expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(res.body).toMatchObject({ statusCode: 503, code: 'NIW4008' });
    } finally {
      fault.remove();
    }
  });

  it('answers an expired incoming token with 401 from the guard, before any token request', async () => {
    const now = emu.clock.now();
    const expired = emu.issueToken({
      aud: myApi.clientId,
      oid: alice.oid,
      sub: 'alice-sub',
      scp: 'access_as_user',
      azp: demoClient.clientId,
      iat: now - 4000,
      nbf: now - 4000,
      exp: now - 900,
    });
    const before = tokenRequests().length;
    const res = await get('/api/todos', expired).expect(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The token is expired."',
    );
    expect(res.body).toMatchObject({ code: 'NIW3011' });
    expect(tokenRequests().length).toBe(before);
  });

  it('answers a token that expires during the exchange (AADSTS500133, inside the clock skew) with 401 invalid_token', async () => {
    const now = emu.clock.now();
    const justExpired = emu.issueToken({
      aud: myApi.clientId,
      oid: alice.oid,
      sub: 'alice-sub',
      scp: 'access_as_user',
      azp: demoClient.clientId,
      // A real token's nbf is before its exp (one with nbf after exp is refused before any exchange).
      iat: now - 3600,
      nbf: now - 3600,
      exp: now - 30,
    });
    const res = await get('/api/todos', justExpired).expect(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The access token expired"',
    );
    expect(res.body).toMatchObject({ code: 'NIW4009' });
  });

  it('answers a token this API accepts but cannot exchange (AADSTS50013) with 401 invalid_token', async () => {
    const forTodolist = emu.signIn({
      username: bob.upn,
      password: bob.password,
      clientId: demoClient.clientId,
      scopes: [TODO],
    }).access_token;
    const res = await get('/api/todos', forTodolist).expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(tokenRequests().at(-1)).toMatchObject({ errorCode: 50013 });
  });

  it('answers an app-only caller on a route that acts on behalf of a user with 403, without a token request', async () => {
    const daemon = emu.issueToken({
      aud: myApi.clientId,
      oid: '44444444-0000-4000-8000-000000000001',
      sub: '44444444-0000-4000-8000-000000000001',
      idtyp: 'app',
      roles: ['Jobs.Run'],
      azp: todolistService.clientId,
    });
    const before = tokenRequests().length;
    const res = await get('/jobs/todos', daemon).expect(403);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_scope", error_description="This operation acts on behalf of a user and needs a delegated (user) token."',
    );
    expect(res.body).toMatchObject({ code: 'NIW4002' });
    expect(tokenRequests().length).toBe(before);
  });

  it('answers another refusal by the identity provider with 502, the code and the AADSTS number only', async () => {
    const res = await get('/api/unknown-resource', signIn(alice)).expect(502);
    const aadsts = tokenRequests().at(-1)!.errorCode;
    expect(aadsts).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ statusCode: 502, code: 'NIW4009', aadsts });
    expect(JSON.stringify(res.body)).not.toContain('not-registered');
  });

  it('gets an app token for the downstream API, cached on the second call', async () => {
    const first = await get('/api/as-app', signIn(alice)).expect(200);
    const second = await get('/api/as-app', signIn(bob)).expect(200);
    expect(first.body).toMatchObject({ idtyp: 'app', roles: [todolistService.appRole], aud: todolistService.clientId });
    expect(second.body).toMatchObject({ tokenSource: 'cache', tokenHash: (first.body as Described).tokenHash });
  });
});
