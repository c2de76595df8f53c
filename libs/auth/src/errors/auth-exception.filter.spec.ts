import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, Query } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  AuthErrorCode,
  AuthExceptionFilter,
  AuthModule,
  ITokenAcquisition,
  LongRunningSessionError,
  TokenAcquisitionExceptionFilter,
  TokenValidationError,
} from 'nest-identity-web';
import { entraError, FakeIdentityProvider, testJwt } from '../testing/fake-identity-provider.js';
import { replyFor } from './auth-exception.filter.js';

const TID = '72f988bf-0000-4000-8000-000000000001';
const MFA_CLAIMS = '{"access_token":{"capolids":{"essential":true,"values":["c0b5c0b5-0000-4000-8000-000000000001"]}}}';

@Controller()
class DownstreamController {
  constructor(private readonly tokens: ITokenAcquisition) {}

  @Get('user')
  async user(@Query('oid') oid: string) {
    const assertion = testJwt({ oid, tid: TID, scp: 'access_as_user', sub: oid });
    await this.tokens.getAccessTokenForUser(['api://todolist-service/access_as_user'], { assertion });
    return { ok: true };
  }

  @Get('app')
  async app() {
    await this.tokens.getAccessTokenForApp('api://todolist-service/.default');
    return { ok: true };
  }

  @Get('daemon')
  async daemon() {
    const assertion = testJwt({ oid: 'd', sub: 'd', tid: TID, idtyp: 'app', roles: ['Todo.Read.All'] });
    await this.tokens.getAccessTokenForUser(['api://todolist-service/access_as_user'], { assertion });
    return { ok: true };
  }

  @Get('no-caller')
  async noCaller() {
    await this.tokens.getAccessTokenForUser(['api://todolist-service/access_as_user']);
    return { ok: true };
  }

  @Get('bad-app-scope')
  async badAppScope() {
    await this.tokens.getAccessTokenForApp('api://todolist-service/access_as_user');
    return { ok: true };
  }

  @Get('validate')
  validate(): never {
    throw TokenValidationError.create(AuthErrorCode.TokenExpired, 'The token is expired.', 'Acquire a new token.');
  }
}

describe.each(['express', 'fastify'] as const)('AuthExceptionFilter (%s)', (platform) => {
  let app: INestApplication | undefined;
  let idp: FakeIdentityProvider;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function setup() {
    idp = new FakeIdentityProvider();
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({ tenantId: TID, clientId: 'api', clientSecret: 's', identityProviderTransport: idp }),
      ],
      controllers: [DownstreamController],
    }).compile();
    app =
      platform === 'express'
        ? moduleRef.createNestApplication({ logger: false })
        : moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    return request(await app.getUrl());
  }

  it('answers MFA with 401 and the exact insufficient_claims challenge', async () => {
    const http = await setup();
    idp.responders.push(() =>
      entraError(400, 'invalid_grant', 50076, { suberror: 'basic_action', claims: MFA_CLAIMS }),
    );
    const res = await http.get('/user?oid=carol');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/72f988bf-0000-4000-8000-000000000001/oauth2/v2.0/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsiY2Fwb2xpZHMiOnsiZXNzZW50aWFsIjp0cnVlLCJ2YWx1ZXMiOlsiYzBiNWMwYjUtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAxIl19fX0="',
    );
    expect(res.body).toMatchObject({ statusCode: 401, code: 'NIW4007' });
  });

  it('answers consent with 401 and an interaction_required challenge', async () => {
    const http = await setup();
    idp.responders.push(() => entraError(400, 'invalid_grant', 65001, { suberror: 'consent_required' }));
    const res = await http.get('/user?oid=alice');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/72f988bf-0000-4000-8000-000000000001/oauth2/v2.0/authorize", error="interaction_required"',
    );
  });

  it('answers an unavailable identity provider with 503 and Retry-After', async () => {
    const http = await setup();
    idp.responders.push(() => entraError(503, 'temporarily_unavailable', 90006, {}, { 'retry-after': '17' }));
    const res = await http.get('/app');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('17');
    expect(res.body).toMatchObject({ statusCode: 503, code: 'NIW4008' });
  });

  it('answers an assertion that expired before the exchange with 401 invalid_token', async () => {
    const http = await setup();
    idp.responders.push(() => entraError(400, 'invalid_grant', 500133));
    const res = await http.get('/user?oid=alice');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The access token expired"',
    );
  });

  it('answers an assertion not issued to this app (AADSTS50013) with 401 invalid_token', async () => {
    const http = await setup();
    idp.responders.push(() => entraError(400, 'invalid_grant', 50013));
    const res = await http.get('/user?oid=alice');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The access token cannot be exchanged by this API"',
    );
    expect(res.body).toMatchObject({ statusCode: 401, code: 'NIW4009' });
  });

  it('answers an app-only caller on an on-behalf-of route with 403 insufficient_scope, before any request', async () => {
    const http = await setup();
    const res = await http.get('/daemon');
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_scope", error_description="This operation acts on behalf of a user and needs a delegated (user) token."',
    );
    expect(res.body).toMatchObject({ statusCode: 403, code: 'NIW4002' });
    expect(idp.tokenRequests).toHaveLength(0);
  });

  it('answers AADSTS7000114 (app-only assertion seen by Entra) with 403 as well', async () => {
    const http = await setup();
    idp.responders.push(() => entraError(400, 'unauthorized_client', 7000114));
    const res = await http.get('/user?oid=alice');
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope"/);
  });

  it.each([
    ['invalid_client', 401, 7000215],
    ['invalid_scope', 400, 70011],
    ['unauthorized_client', 400, 700016],
    ['invalid_grant', 400, 50000],
  ])(
    'answers another refusal (%s) with 502, the code and the AADSTS number, no description',
    async (error, status, code) => {
      const http = await setup();
      idp.responders.push(() => entraError(status, error, code));
      const res = await http.get('/app');
      expect(res.status).toBe(502);
      expect(res.body).toEqual({
        statusCode: 502,
        error: 'Bad Gateway',
        code: 'NIW4009',
        message: `The identity provider refused the token request (AADSTS${code}).`,
        aadsts: code,
        correlationId: expect.any(String) as unknown,
      });
      expect(JSON.stringify(res.body)).not.toContain('test error');
      expect(res.headers['www-authenticate']).toBeUndefined();
    },
  );

  it.each([
    ['/no-caller', 'NIW4001', /^Cannot acquire a token on behalf of a user/],
    ['/bad-app-scope', 'NIW4003', /^App tokens need exactly one scope ending in '\/\.default'/],
  ])(
    'answers a programming error (%s) with 500, its code and the first line of its message',
    async (path, code, first) => {
      const http = await setup();
      const res = await http.get(path);
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ statusCode: 500, error: 'Internal Server Error', code });
      expect((res.body as { message: string }).message).toMatch(first);
      expect((res.body as { message: string }).message).not.toContain('\n');
    },
  );

  it('answers a TokenValidationError thrown by a handler with 401 invalid_token', async () => {
    const http = await setup();
    const res = await http.get('/validate');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The token is expired."',
    );
    expect(res.body).toMatchObject({ statusCode: 401, code: 'NIW3011', message: 'The token is expired.' });
  });
});

describe('TokenAcquisitionExceptionFilter (deprecated name)', () => {
  it('should be the same class as AuthExceptionFilter, so existing code keeps compiling and matching', () => {
    expect(TokenAcquisitionExceptionFilter).toBe(AuthExceptionFilter);
    const filter: TokenAcquisitionExceptionFilter = new AuthExceptionFilter();
    expect(filter).toBeInstanceOf(TokenAcquisitionExceptionFilter);
  });

  it('answers a failed long-running session store (NIW4018) with 503 and Retry-After, the session being kept', () => {
    const reply = replyFor(
      LongRunningSessionError.create(AuthErrorCode.LongRunningSessionStoreFailed, 'The store failed.', [], {
        flow: 'onBehalfOf',
      }),
    );
    expect(reply).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
    expect(reply.message).not.toContain('store failed');
  });
  it.each([
    [AuthErrorCode.LongRunningSessionNotFound, 404],
    [AuthErrorCode.LongRunningSessionExpired, 410],
    [AuthErrorCode.LongRunningSessionRevoked, 410],
    [AuthErrorCode.LongRunningSessionNotStarted, 502],
  ])('answers a long-running session error %s at the HTTP edge with %i, never 500', (code, status) => {
    const reply = replyFor(LongRunningSessionError.create(code, 'The session detail.', [], { flow: 'onBehalfOf' }));
    expect(reply.status).toBe(status);
    expect(reply.message).not.toContain('session detail');
  });
});
