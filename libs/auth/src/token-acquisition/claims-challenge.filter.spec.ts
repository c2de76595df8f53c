import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, Query } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule, ITokenAcquisition } from 'nest-identity-web';
import { entraError, FakeIdentityProvider, testJwt } from '../../../../test/support/fake-identity-provider.js';

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
}

describe.each(['express', 'fastify'] as const)('TokenAcquisitionExceptionFilter (%s)', (platform) => {
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

  it('leaves other token-acquisition errors to Nest (500 without details)', async () => {
    const http = await setup();
    idp.responders.push(() => entraError(401, 'invalid_client', 7000215));
    const res = await http.get('/app');
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('AADSTS');
  });
});
