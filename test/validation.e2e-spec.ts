import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import https from 'node:https';
import type { Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { AuthErrorCode } from 'nest-identity-web';
import {
  API_CLIENT_ID,
  CLIENT_APP_ID,
  hmacWithPublicKey,
  startLocalIdp,
  TENANTS,
  unsignedToken,
  type LocalIdp,
} from '../libs/auth/src/testing/local-idp.js';
import { createProtectedApp, type Platform } from './support/protected-app.js';

type Strategy = 'entra' | 'passport-azure-ad';
const matrix: [Platform, Strategy][] = [
  ['express', 'entra'],
  ['fastify', 'entra'],
  ['express', 'passport-azure-ad'],
  ['fastify', 'passport-azure-ad'],
];

const INVALID = /^Bearer error="invalid_token", error_description="[^"\\]+"$/;

describe.each(matrix)('incoming token validation over %s with strategy %s', (platform, strategy) => {
  let idp: LocalIdp;
  let single: INestApplication;
  let multi: INestApplication;
  let previousCa: typeof https.globalAgent.options.ca;

  beforeAll(async () => {
    idp = await startLocalIdp();
    if (strategy === 'passport-azure-ad') {
      // passport-azure-ad fetches through https.globalAgent and has no CA option.
      previousCa = https.globalAgent.options.ca;
      https.globalAgent.options.ca = [idp.caCertPem];
    }
    const base = { instance: idp.instance, clientId: API_CLIENT_ID, trustedCa: [idp.caCertPem], strategy };
    single = await createProtectedApp(
      {
        ...base,
        tenantId: TENANTS.contoso,
        // passport-azure-ad has no {tenantid} templates and reads only the v2 metadata: list both issuers.
        ...(strategy === 'passport-azure-ad'
          ? { validIssuers: [`${idp.baseUrl}/${TENANTS.contoso}/v2.0`, `https://sts.windows.net/${TENANTS.contoso}/`] }
          : {}),
      },
      platform,
    );
    multi = await createProtectedApp(
      { ...base, tenantId: 'organizations', allowedTenants: [TENANTS.contoso] },
      platform,
    );
  });

  afterAll(async () => {
    await single?.close();
    await multi?.close();
    await idp?.stop();
    if (strategy === 'passport-azure-ad') https.globalAgent.options.ca = previousCa;
  });

  const get = (app: INestApplication, path: string, token?: string) => {
    const req = request(app.getHttpServer() as HttpServer).get(path);
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };

  it('accepts a valid v2 token and exposes the principal, never the token', async () => {
    const token = await idp.issueToken();
    const res = await get(single, '/me', token).expect(200);
    expect(body(res)).toMatchObject({
      oid: '00000000-0000-4000-8000-00000000a11c',
      tid: TENANTS.contoso,
      scopes: ['access_as_user'],
      isAppOnly: false,
      version: '2.0',
    });
    expect(JSON.stringify(res.body)).not.toContain(token);
  });

  it('accepts a valid v1 token (aud api://{clientId}, iss sts.windows.net)', async () => {
    const res = await get(single, '/me', await idp.issueToken(undefined, { version: '1.0' })).expect(200);
    expect(body(res)).toMatchObject({ version: '1.0' });
  });

  it('answers 401 with a bare Bearer challenge when the token is missing', async () => {
    const res = await get(single, '/me').expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(body(res)).toMatchObject({ statusCode: 401, code: AuthErrorCode.MissingBearerToken });
  });

  it('lets @Public() routes through without a token', async () => {
    await get(single, '/health').expect(200, { status: 'ok' });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const refused: [string, () => Promise<string>, string, string][] = [
    [
      'a wrong audience',
      () => idp.issueToken(idp.userClaims({ aud: 'https://graph.microsoft.com' })),
      AuthErrorCode.InvalidAudience,
      'The audience is invalid.',
    ],
    [
      'a wrong issuer',
      () => idp.issueToken(idp.userClaims({ iss: `https://evil.example/${TENANTS.contoso}/v2.0` })),
      AuthErrorCode.InvalidIssuer,
      'The issuer is invalid.',
    ],
    [
      'another tenant (single-tenant API)',
      () => idp.issueToken(undefined, { tenant: 'fabrikam' }),
      AuthErrorCode.InvalidIssuer,
      'The issuer is invalid.',
    ],
    [
      'an expired token',
      () => idp.issueToken(idp.userClaims({ exp: now() - 900, iat: now() - 4000, nbf: now() - 4000 })),
      AuthErrorCode.TokenExpired,
      'The token is expired.',
    ],
    [
      'a token not yet valid',
      () => idp.issueToken(idp.userClaims({ nbf: now() + 900 })),
      AuthErrorCode.TokenNotYetValid,
      'The token is not yet valid (nbf).',
    ],
    [
      'a tampered token',
      async () => {
        const [h, , s] = (await idp.issueToken()).split('.');
        return `${h}.${Buffer.from(JSON.stringify(idp.userClaims({ scp: 'access_as_user Admin.Scope' }))).toString('base64url')}.${s}`;
      },
      AuthErrorCode.InvalidSignature,
      'The token signature is invalid.',
    ],
    [
      'an unknown signing key',
      () => idp.issueToken(undefined, { unpublishedKey: true }),
      AuthErrorCode.UnknownSigningKey,
      'The token is signed with an unknown key.',
    ],
    [
      'alg none',
      () => Promise.resolve(unsignedToken(idp.userClaims())),
      AuthErrorCode.UnsupportedAlgorithm,
      'The token signing algorithm is not allowed.',
    ],
    [
      'HS256 signed with the public key',
      () => hmacWithPublicKey(idp.userClaims(), idp.activeModulus(), idp.activeKid),
      AuthErrorCode.UnsupportedAlgorithm,
      'The token signing algorithm is not allowed.',
    ],
    ['a malformed token', () => Promise.resolve('abc.def'), AuthErrorCode.MalformedToken, 'The token is malformed.'],
  ];

  it.each(refused)('refuses %s with 401 invalid_token', async (_name, make, code, description) => {
    const res = await get(single, '/me', await make()).expect(401);
    const header = res.headers['www-authenticate'];
    expect(header).toMatch(INVALID);
    expect(body(res).statusCode).toBe(401);
    if (strategy === 'entra') {
      expect(header).toBe(`Bearer error="invalid_token", error_description="${description}"`);
      expect(body(res)).toMatchObject({ code, message: description });
    }
  });

  it('accepts an allowed tenant and refuses a disallowed tenant on a multi-tenant API', async () => {
    await get(multi, '/me', await idp.issueToken()).expect(200);
    const res = await get(multi, '/me', await idp.issueToken(undefined, { tenant: 'fabrikam' })).expect(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The tenant is not allowed."',
    );
    expect(body(res).code).toBe(AuthErrorCode.TenantNotAllowed);
  });

  const appOnly = () =>
    idp.issueToken(
      idp.userClaims({
        scp: undefined,
        roles: ['TodoList.ReadWrite.All'],
        idtyp: 'app',
        sub: 'sp-oid',
        oid: 'sp-oid',
        name: undefined,
        preferred_username: undefined,
        azp: CLIENT_APP_ID,
      }),
    );

  it('refuses an app-only token on a user-scope route with 403 insufficient_scope', async () => {
    const res = await get(single, '/me', await appOnly()).expect(403);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer error="insufficient_scope", error_description="The 'scope' or 'scp' claim does not contain scopes 'access_as_user' or was not found.", scope="access_as_user"`,
    );
    expect(body(res)).toMatchObject({ statusCode: 403, code: AuthErrorCode.InsufficientScope });
  });

  it('refuses a user token missing the scope with 403 insufficient_scope', async () => {
    const res = await get(single, '/me', await idp.issueToken(idp.userClaims({ scp: 'User.Read' }))).expect(403);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope", .*scope="access_as_user"$/);
  });

  it('applies method metadata over class metadata and ANDs scope and app-permission decorators', async () => {
    await get(
      single,
      '/admin',
      await idp.issueToken(idp.userClaims({ scp: 'Admin.Scope', roles: ['Admin.All'] })),
    ).expect(200);
    const res = await get(single, '/admin', await idp.issueToken(idp.userClaims({ scp: 'Admin.Scope' }))).expect(403);
    expect(body(res).code).toBe(AuthErrorCode.InsufficientAppPermission);
    // The class's access_as_user does not apply: the method's Admin.Scope wins.
    await get(single, '/admin', await idp.issueToken(idp.userClaims({ roles: ['Admin.All'] }))).expect(403);
  });

  it('accepts scopes or app permissions with @RequiredScopesOrAppPermissions', async () => {
    // /either carries an empty @RequiredScopes(): fail-closed wins over the or-requirement.
    const res = await get(single, '/either', await idp.issueToken()).expect(403);
    expect(body(res).code).toBe(AuthErrorCode.EmptyAuthorizationRequirement);
    await get(single, '/imperative', await appOnly()).expect(403);
  });

  it('denies access when @RequiredScopes() is present but empty (fail-closed)', async () => {
    const res = await get(single, '/empty', await idp.issueToken()).expect(403);
    expect(body(res).code).toBe(AuthErrorCode.EmptyAuthorizationRequirement);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope"/);
  });

  it('reads scopes from a configuration key', async () => {
    await get(single, '/configured', await idp.issueToken(idp.userClaims({ scp: 'other' }))).expect(200);
    await get(single, '/configured', await idp.issueToken(idp.userClaims({ scp: 'nope' }))).expect(403);
  });

  it('answers the imperative verifyUserHasAnyAcceptedScope with 403 and the Microsoft.Identity.Web text', async () => {
    const res = await get(single, '/imperative', await idp.issueToken()).expect(403);
    expect(body(res)).toMatchObject({
      code: AuthErrorCode.InsufficientScope,
      message: "The 'scope' or 'scp' claim does not contain scopes 'Todo.Write' or was not found.",
    });
  });

  if (strategy === 'entra') {
    it('picks up a rotated signing key on the next request', async () => {
      // On the multi-tenant app: the single-tenant one just spent its unknown-kid refetch on a forged key.
      await get(multi, '/me', await idp.issueToken()).expect(200);
      await idp.rotateKeys();
      await get(multi, '/me', await idp.issueToken()).expect(200);
    });
  }

  it('answers 503 with Retry-After when the identity provider is unreachable and no keys are known', async () => {
    const port = await closedPort();
    const offline = await createProtectedApp(
      {
        instance: `https://127.0.0.1:${port}/`,
        tenantId: TENANTS.fabrikam,
        clientId: API_CLIENT_ID,
        trustedCa: [idp.caCertPem],
        strategy,
      },
      platform,
    );
    try {
      const res = await get(offline, '/me', await idp.issueToken(undefined, { tenant: 'fabrikam' })).expect(503);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(body(res)).toMatchObject({ statusCode: 503, code: AuthErrorCode.IdentityProviderUnavailable });
    } finally {
      await offline.close();
    }
  });
});

function body(res: { body: unknown }): { statusCode?: number; code?: string; message?: string } {
  return res.body as { statusCode?: number; code?: string; message?: string };
}

async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
