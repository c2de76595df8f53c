import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { Controller, Get, type INestApplication, Module, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  AuthErrorCode,
  AuthGuard,
  AuthModule,
  AuthScheme,
  type AuthPrincipal,
  CurrentUser,
  getTokenAcquisitionToken,
  InjectTokenAcquisition,
  ITokenAcquisition,
} from 'nest-identity-web';
import { API_CLIENT_ID, startLocalIdp, TENANTS, type LocalIdp } from '../testing/local-idp.js';

const PARTNER_CLIENT_ID = '11111111-0000-4000-8000-0000000000b2';

@Controller()
@UseGuards(AuthGuard)
class SchemesController {
  constructor(
    readonly tokens: ITokenAcquisition,
    @InjectTokenAcquisition('partner') readonly partnerTokens: ITokenAcquisition,
  ) {}
  @Get('default') byDefault(@CurrentUser('scheme') scheme: string) {
    return { scheme };
  }
  @Get('partner') @AuthScheme('partner') partner(@CurrentUser() user: AuthPrincipal) {
    return { scheme: user.scheme };
  }
  @Get('either') @AuthScheme('partner', 'default') either(@CurrentUser('scheme') scheme: string) {
    return { scheme };
  }
}

/** Two registrations on two identity providers; the partner's one can be taken down. */
function twoSchemes() {
  const env = {} as { idp: LocalIdp; partnerIdp: LocalIdp; app: INestApplication };
  beforeAll(async () => {
    [env.idp, env.partnerIdp] = await Promise.all([startLocalIdp(), startLocalIdp()]);
    const { idp, partnerIdp } = env;
    const common = { tenantId: TENANTS.contoso, metadataRefreshIntervalSeconds: 3600 };
    @Module({
      imports: [
        AuthModule.forRoot({ ...common, instance: idp.instance, clientId: API_CLIENT_ID, trustedCa: [idp.caCertPem] }),
        AuthModule.forRoot({
          ...common,
          scheme: 'partner',
          instance: partnerIdp.instance,
          clientId: PARTNER_CLIENT_ID,
          trustedCa: [partnerIdp.caCertPem],
        }),
      ],
      controllers: [SchemesController],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    env.app = moduleRef.createNestApplication({ logger: false });
    await env.app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await env.app.close();
    await Promise.all([env.idp.stop(), env.partnerIdp.stop()]);
  });
  const get = (path: string, token: string) =>
    request(env.app.getHttpServer() as Server)
      .get(path)
      .set('Authorization', `Bearer ${token}`);
  const defaultToken = () => env.idp.issueToken(env.idp.userClaims());
  const partnerToken = () => env.partnerIdp.issueToken(env.partnerIdp.userClaims({ aud: PARTNER_CLIENT_ID }));
  return { env, get, defaultToken, partnerToken };
}

describe('AuthGuard with several schemes', () => {
  const { env, get, defaultToken, partnerToken } = twoSchemes();

  it("validates each route with its scheme's keys and audience, and records the scheme", async () => {
    expect((await get('/default', await defaultToken()).expect(200)).body).toEqual({ scheme: 'default' });
    expect((await get('/partner', await partnerToken()).expect(200)).body).toEqual({ scheme: 'partner' });
    await get('/partner', await defaultToken()).expect(401);
    await get('/default', await partnerToken()).expect(401);
  });

  it('any-of: the first scheme that accepts the token wins', async () => {
    expect((await get('/either', await partnerToken()).expect(200)).body).toEqual({ scheme: 'partner' });
    expect((await get('/either', await defaultToken()).expect(200)).body).toEqual({ scheme: 'default' });
  });

  it("any-of: the first scheme's refusal when every scheme refuses", async () => {
    const foreign = await env.idp.issueToken(env.idp.userClaims({ aud: 'api://someone-else' }));
    const res = await get('/either', foreign).expect(401);
    // 'partner' is listed first: it does not know the signing key of this token.
    expect(res.body).toMatchObject({ code: AuthErrorCode.UnknownSigningKey });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
  });

  it("gives each scheme's token acquisition by name; injected by class, the default's", () => {
    const partner = env.app.get<ITokenAcquisition>(getTokenAcquisitionToken('partner'));
    const byDefault = env.app.get<ITokenAcquisition>(getTokenAcquisitionToken());
    const injected = env.app.get(SchemesController);
    expect(partner).not.toBe(byDefault);
    expect(injected.tokens).toBe(byDefault);
    expect(injected.partnerTokens).toBe(partner);
  });
});

describe('AuthGuard with several schemes, one identity provider down', () => {
  const { env, get, defaultToken, partnerToken } = twoSchemes();

  it('any-of: 503 when no scheme accepts and one could not decide (its identity provider is down)', async () => {
    // The partner's keys are known; then a key it has never published makes it refetch, while it is down.
    await get('/partner', await partnerToken()).expect(200);
    env.partnerIdp.injectFault({ route: 'all', status: 503 });
    try {
      const unknownKey = await env.partnerIdp.issueToken(env.partnerIdp.userClaims({ aud: PARTNER_CLIENT_ID }), {
        unpublishedKey: true,
      });
      const res = await get('/either', unknownKey).expect(503);
      expect(res.headers['retry-after']).toBeDefined();
      // A token the default scheme accepts is still served while the partner's provider is down.
      expect((await get('/either', await defaultToken()).expect(200)).body).toEqual({ scheme: 'default' });
    } finally {
      env.partnerIdp.clearFaults();
    }
  });
});
