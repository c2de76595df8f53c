// Microsoft Entra External ID (CIAM) and Azure AD B2C end to end: a real Nest API (AuthModule,
// AuthGuard, both validation strategies) against the emulator's External ID tenant and B2C user
// flows over HTTPS, and token acquisition with real msal-node.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import https from 'node:https';
import { Controller, Get, type INestApplication, Module, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  DEFAULT_DIRECTORY,
  DEFAULT_IDS,
  type DirectoryInput,
  type EntraEmulator,
  startEntraEmulator,
} from '@nest-identity-web/entra-emulator';
import {
  AuthErrorCode,
  AuthGuard,
  AuthModule,
  type AuthModuleOptions,
  type AuthPrincipal,
  CurrentUser,
  ITokenAcquisition,
  loadAzureAdOptions,
  RequiredScopes,
} from 'nest-identity-web';

const { myApi, todolistService, demoClient } = DEFAULT_IDS.apps;
const CIAM = { id: 'c1a00000-0000-4000-8000-000000000001', domain: 'contosoext.onmicrosoft.com' };
const B2C = { id: '775527ff-9a37-4307-8b3d-cc311f58d925', domain: 'fabrikamb2c.onmicrosoft.com' };
const erin = { upn: 'erin@contosoext.onmicrosoft.com', oid: 'c1a00000-0000-4000-8000-0000000000e1' };
const frank = { upn: 'frank@fabrikamb2c.onmicrosoft.com', oid: 'b2c00000-0000-4000-8000-0000000000f1' };
const b2cApi = {
  clientId: '11111111-0000-4000-8000-0000000000b1',
  secret: 'b2c-api-secret',
  scopeUri: 'https://fabrikamb2c.onmicrosoft.com/b2c-api/access_as_user',
};
const b2cBackend = {
  clientId: '11111111-0000-4000-8000-0000000000b2',
  defaultScope: 'https://fabrikamb2c.onmicrosoft.com/b2c-backend/.default',
};
const b2cSpa = '11111111-0000-4000-8000-0000000000b3';

const directory: DirectoryInput = {
  tenants: [
    ...DEFAULT_DIRECTORY.tenants,
    {
      name: 'contosoext',
      kind: 'ciam',
      ...CIAM,
      users: [{ name: 'erin', oid: erin.oid, upn: erin.upn, password: 'erin-password' }],
    },
    {
      name: 'fabrikamb2c',
      kind: 'b2c',
      ...B2C,
      userFlows: ['B2C_1_susi', 'B2C_1_reset', 'B2C_1_other'],
      users: [{ name: 'frank', oid: frank.oid, upn: frank.upn, password: 'frank-password' }],
    },
  ],
  apps: [
    ...DEFAULT_DIRECTORY.apps,
    {
      name: 'b2c-api',
      clientId: b2cApi.clientId,
      appIdUri: 'https://fabrikamb2c.onmicrosoft.com/b2c-api',
      secrets: [b2cApi.secret],
      scopes: ['access_as_user'],
      accessTokenAcceptedVersion: 2,
      appPermissions: [{ resource: 'b2c-backend', roles: ['Backend.Read'] }],
    },
    {
      name: 'b2c-backend',
      clientId: b2cBackend.clientId,
      appIdUri: 'https://fabrikamb2c.onmicrosoft.com/b2c-backend',
      appRoles: [{ value: 'Backend.Read', allowedMemberTypes: ['Application'] }],
      accessTokenAcceptedVersion: 2,
    },
    {
      name: 'b2c-spa',
      clientId: b2cSpa,
      publicClient: true,
      delegatedPermissions: [{ resource: 'b2c-api', scopes: ['access_as_user'] }],
    },
  ],
};

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
/** What the API tells about a token it acquired: some claims, never the token. */
const describeToken = (token: string) => {
  const c = claimsOf(token);
  return { iss: c.iss, aud: c.aud, tid: c.tid, tfp: c.tfp, ver: c.ver, oid: c.oid, roles: c.roles };
};

@Controller()
@UseGuards(AuthGuard)
@RequiredScopes('access_as_user')
class ApiController {
  constructor(private readonly tokens: ITokenAcquisition) {}

  @Get('me')
  me(@CurrentUser() user: AuthPrincipal) {
    return { oid: user.oid, tid: user.tid ?? null, scopes: user.scopes, version: user.version };
  }

  @Get('obo')
  async obo() {
    return describeToken(await this.tokens.getAccessTokenForUser([`${todolistService.appIdUri}/access_as_user`]));
  }

  @Get('b2c-obo')
  async b2cObo() {
    return describeToken(
      await this.tokens.getAccessTokenForUser(['https://fabrikamb2c.onmicrosoft.com/b2c-backend/read']),
    );
  }

  @Get('app')
  async app() {
    return describeToken(await this.tokens.getAccessTokenForApp(todolistService.defaultScope));
  }

  @Get('b2c-app')
  async b2cApp() {
    return describeToken(await this.tokens.getAccessTokenForApp(b2cBackend.defaultScope));
  }

  @Get('other-tenant')
  async otherTenant() {
    return describeToken(await this.tokens.getAccessTokenForApp(b2cBackend.defaultScope, { tenant: B2C.id }));
  }
}

async function createApi(options: AuthModuleOptions): Promise<INestApplication> {
  @Module({ imports: [AuthModule.forRoot(options)], controllers: [ApiController] })
  class ApiModule {}
  const moduleRef = await Test.createTestingModule({ imports: [ApiModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

const get = (app: INestApplication, path: string, token: string) =>
  request(app.getHttpServer() as never)
    .get(path)
    .set('Authorization', `Bearer ${token}`);

let emu: EntraEmulator;
let previousCa: typeof https.globalAgent.options.ca;

beforeAll(async () => {
  emu = await startEntraEmulator({ directory });
  // passport-azure-ad fetches through https.globalAgent.
  previousCa = https.globalAgent.options.ca;
  https.globalAgent.options.ca = [emu.caCertPem];
});

afterAll(async () => {
  await emu?.stop();
  https.globalAgent.options.ca = previousCa;
});

describe('the emulator serves External ID and B2C shapes', () => {
  it('External ID: the issuer is https://{tid}.ciamlogin.com/{tid}/v2.0, in metadata and tokens', () => {
    expect(emu.issuer('contosoext')).toBe(`https://${CIAM.id}.ciamlogin.com/${CIAM.id}/v2.0`);
    const token = emu.signIn({ username: erin.upn, clientId: demoClient.clientId, scopes: [myApi.scopeUri] });
    expect(claimsOf(token.access_token)).toMatchObject({ iss: emu.issuer('contosoext'), tid: CIAM.id, ver: '2.0' });
  });

  it('B2C: tokens carry tfp, ver 1.0, aud = client ID, the B2C issuer and no tid', () => {
    const { access_token } = emu.signIn({ username: frank.upn, clientId: b2cSpa, scopes: [b2cApi.scopeUri] });
    const c = claimsOf(access_token);
    expect(c).toMatchObject({
      iss: `${emu.baseUrl}/${B2C.id}/v2.0/`,
      aud: b2cApi.clientId,
      tfp: 'B2C_1_susi',
      ver: '1.0',
      oid: frank.oid,
      sub: frank.oid,
      scp: 'access_as_user',
    });
    expect(c.tid).toBeUndefined();
  });
});

describe('Microsoft Entra External ID (ciamlogin) API', () => {
  let api: INestApplication;
  const erinToken = () =>
    emu.signIn({
      username: erin.upn,
      password: 'erin-password',
      clientId: demoClient.clientId,
      scopes: [myApi.scopeUri],
    }).access_token;

  beforeAll(async () => {
    api = await createApi({
      instance: emu.instance,
      tenantId: CIAM.domain,
      clientId: myApi.clientId,
      audience: myApi.appIdUri,
      clientSecret: myApi.secret,
      trustedCa: [emu.caCertPem],
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('accepts a token of the External ID tenant', async () => {
    const res = await get(api, '/me', erinToken()).expect(200);
    expect(res.body).toMatchObject({ oid: erin.oid, tid: CIAM.id, scopes: ['access_as_user'] });
  });

  it('refuses a workforce tenant token and a token with the Entra issuer shape (NIW3007)', async () => {
    const contosoToken = emu.signIn({
      username: DEFAULT_IDS.users.alice.upn,
      clientId: demoClient.clientId,
      scopes: [myApi.scopeUri],
    }).access_token;
    const wrongShape = emu.issueToken(
      { aud: myApi.clientId, scp: 'access_as_user', iss: `${emu.baseUrl}/${CIAM.id}/v2.0` },
      { tenant: 'contosoext' },
    );
    for (const token of [contosoToken, wrongShape]) {
      const res = await get(api, '/me', token).expect(401);
      expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      expect(JSON.stringify(res.body)).toContain(AuthErrorCode.InvalidIssuer);
    }
  });

  it('acquires on-behalf-of and app tokens from the External ID tenant with msal-node', async () => {
    const before = emu.requests({ route: 'token', clientId: myApi.clientId }).length;
    const obo = await get(api, '/obo', erinToken()).expect(200);
    expect(obo.body).toMatchObject({ iss: emu.issuer('contosoext'), tid: CIAM.id, oid: erin.oid });
    const app = await get(api, '/app', erinToken()).expect(200);
    expect(app.body).toMatchObject({ iss: emu.issuer('contosoext'), tid: CIAM.id, aud: todolistService.clientId });
    const sent = emu.requests({ route: 'token', clientId: myApi.clientId }).slice(before);
    expect(sent.map((r) => [r.grantType, r.tenant, r.status])).toEqual([
      // On-behalf-of asks the caller's tenant (its tid), as for Entra ID.
      ['urn:ietf:params:oauth:grant-type:jwt-bearer', CIAM.id, 200],
      ['client_credentials', CIAM.domain, 200],
    ]);
  });
});

describe.each(['entra', 'passport-azure-ad'] as const)('Azure AD B2C API with strategy %s', (strategy) => {
  let api: INestApplication;
  const frankToken = (userFlow?: string) =>
    emu.signIn({
      username: frank.upn,
      password: 'frank-password',
      clientId: b2cSpa,
      scopes: [b2cApi.scopeUri],
      ...(userFlow ? { userFlow } : {}),
    }).access_token;

  beforeAll(async () => {
    // The AzureAdB2C section, as Microsoft.Identity.Web reads it.
    const options = loadAzureAdOptions(
      {
        AzureAdB2C__Instance: emu.instance,
        AzureAdB2C__Domain: B2C.domain,
        AzureAdB2C__ClientId: b2cApi.clientId,
        AzureAdB2C__ClientSecret: b2cApi.secret,
        AzureAdB2C__SignUpSignInPolicyId: 'B2C_1_susi',
        AzureAdB2C__ResetPasswordPolicyId: 'B2C_1_reset',
        AzureAdB2C__TrustedCaPath: emu.caCertPath,
        AzureAdB2C__Strategy: strategy,
      },
      'AzureAdB2C',
    );
    api = await createApi(options);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('accepts tokens of the sign-up/sign-in and reset-password user flows', async () => {
    const res = await get(api, '/me', frankToken()).expect(200);
    expect(res.body).toMatchObject({ oid: frank.oid, scopes: ['access_as_user'], version: '1.0' });
    await get(api, '/me', frankToken('B2C_1_reset')).expect(200);
  });

  const refused: [string, () => string, string][] = [
    ['another user flow', () => frankToken('B2C_1_other'), AuthErrorCode.B2CPolicyMismatch],
    [
      'no policy claim',
      () => emu.issueToken({ aud: b2cApi.clientId, scp: 'access_as_user', tfp: undefined }, { tenant: 'fabrikamb2c' }),
      AuthErrorCode.B2CPolicyMismatch,
    ],
    [
      'a tfp issuer',
      () =>
        emu.issueToken(
          { aud: b2cApi.clientId, scp: 'access_as_user', iss: `${emu.baseUrl}/tfp/${B2C.id}/b2c_1_susi/v2.0/` },
          { tenant: 'fabrikamb2c' },
        ),
      AuthErrorCode.B2CTrustFrameworkIssuer,
    ],
    [
      'another tenant in the issuer',
      () =>
        emu.issueToken(
          { aud: b2cApi.clientId, scp: 'access_as_user', iss: `${emu.baseUrl}/${CIAM.id}/v2.0/` },
          { tenant: 'fabrikamb2c' },
        ),
      AuthErrorCode.InvalidIssuer,
    ],
    [
      'api://{clientId} as audience',
      () => emu.issueToken({ aud: `api://${b2cApi.clientId}`, scp: 'access_as_user' }, { tenant: 'fabrikamb2c' }),
      AuthErrorCode.InvalidAudience,
    ],
    [
      'an Entra ID token (no user flow)',
      () =>
        emu.signIn({ username: DEFAULT_IDS.users.alice.upn, clientId: b2cSpa, scopes: [b2cApi.scopeUri] }).access_token,
      AuthErrorCode.B2CPolicyMismatch,
    ],
  ];
  it.each(refused)('refuses %s with 401 invalid_token', async (_name, token, code) => {
    const res = await get(api, '/me', token()).expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    // passport-azure-ad reports its own refusals (signature, issuer, audience) without a reason.
    const expected = strategy === 'entra' ? code : [code, AuthErrorCode.RejectedByPassportAzureAd];
    const body = JSON.stringify(res.body);
    expect([expected].flat().some((c) => body.includes(c))).toBe(true);
  });

  it('acquires an app token from the B2C user flow authority with msal-node', async () => {
    const before = emu.requests({ route: 'token', clientId: b2cApi.clientId }).length;
    const res = await get(api, '/b2c-app', frankToken()).expect(200);
    expect(res.body).toMatchObject({
      iss: `${emu.baseUrl}/${B2C.id}/v2.0/`,
      aud: b2cBackend.clientId,
      tfp: 'B2C_1_susi',
      roles: ['Backend.Read'],
    });
    const sent = emu.requests({ route: 'token', clientId: b2cApi.clientId }).slice(before);
    expect(sent.map((r) => [r.path.toLowerCase(), r.grantType, r.status])).toEqual([
      [`/${B2C.domain}/b2c_1_susi/oauth2/v2.0/token`, 'client_credentials', 200],
    ]);
  });

  it('refuses on-behalf-of (B2C has none, NIW4023) and a tenant override (NIW4024) without calling B2C', async () => {
    const before = emu.requests({ route: 'token' }).length;
    // A programming error of the API (like NIW4010 or NIW4011): 500 with the code, as documented.
    const obo = await get(api, '/b2c-obo', frankToken()).expect(500);
    expect(obo.body).toMatchObject({ code: AuthErrorCode.OnBehalfOfNotSupportedByB2C });
    const other = await get(api, '/other-tenant', frankToken()).expect(500);
    expect(other.body).toMatchObject({ code: AuthErrorCode.TenantOverrideNotSupported });
    expect(emu.requests({ route: 'token' })).toHaveLength(before);
  });
});

describe('the emulator serves B2C user flow documents', () => {
  const getJson = (path: string) =>
    new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
      https
        .get(`${emu.baseUrl}${path}`, { ca: emu.caCertPem }, (r) => {
          let text = '';
          r.on('data', (c: Buffer) => (text += c.toString()));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
        })
        .on('error', reject);
    });

  it('at /{tenant}/{flow}/v2.0/… and /{tenant}/v2.0/…?p={flow}, with keys without issuer', async () => {
    const inPath = await getJson(`/${B2C.domain}/B2C_1_susi/v2.0/.well-known/openid-configuration`);
    const inQuery = await getJson(`/${B2C.domain}/v2.0/.well-known/openid-configuration?p=b2c_1_susi`);
    expect(inPath.status).toBe(200);
    expect(inQuery.body).toEqual(inPath.body);
    expect(inPath.body).toMatchObject({
      issuer: `${emu.baseUrl}/${B2C.id}/v2.0/`,
      token_endpoint: `${emu.baseUrl}/${B2C.domain}/b2c_1_susi/oauth2/v2.0/token`,
    });
    const keys = await getJson(new URL(inPath.body.jwks_uri as string).pathname);
    expect((keys.body.keys as Record<string, unknown>[])[0]).not.toHaveProperty('issuer');
  });

  it('answers an unknown user flow with AADB2C90091 and a missing one with 404', async () => {
    const unknown = await getJson(`/${B2C.domain}/B2C_1_nope/v2.0/.well-known/openid-configuration`);
    expect(unknown.status).toBe(400);
    expect(String(unknown.body.error_description)).toMatch(/^AADB2C90091/);
    expect((await getJson(`/${B2C.domain}/v2.0/.well-known/openid-configuration`)).status).toBe(404);
  });
});

describe('the emulator refuses on-behalf-of on a B2C user flow (AADB2C90086)', () => {
  it('answers unsupported_grant_type with the B2C prefix', async () => {
    const assertion = emu.signIn({ username: frank.upn, clientId: b2cSpa, scopes: [b2cApi.scopeUri] }).access_token;
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const body = new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        client_id: b2cApi.clientId,
        client_secret: b2cApi.secret,
        assertion,
        requested_token_use: 'on_behalf_of',
        scope: b2cBackend.defaultScope,
      }).toString();
      const req = https.request(
        `${emu.baseUrl}/${B2C.domain}/B2C_1_susi/oauth2/v2.0/token`,
        { method: 'POST', ca: emu.caCertPem, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        (r) => {
          let text = '';
          r.on('data', (c: Buffer) => (text += c.toString()));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'unsupported_grant_type' });
    expect(res.body).toContain('AADB2C90086');
  });
});
