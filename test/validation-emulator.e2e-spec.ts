import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import https from 'node:https';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DEFAULT_IDS, startEntraEmulator, type EntraEmulator } from '@nest-identity-web/entra-emulator';
import { AuthErrorCode } from 'nest-identity-web';
import { createProtectedApp, type Platform } from './support/protected-app.js';

type Strategy = 'entra' | 'passport-azure-ad';
const matrix: [Platform, Strategy][] = [
  ['express', 'entra'],
  ['fastify', 'entra'],
  ['express', 'passport-azure-ad'],
  ['fastify', 'passport-azure-ad'],
];
const { contoso, fabrikam } = DEFAULT_IDS.tenants;
const myApi = DEFAULT_IDS.apps.myApi;
const INVALID = /^Bearer error="invalid_token", error_description="[^"\\]+"$/;

describe.each(matrix)('Entra emulator tokens over %s with strategy %s', (platform, strategy) => {
  let emu: EntraEmulator;
  let single: INestApplication;
  let multi: INestApplication;
  let previousCa: typeof https.globalAgent.options.ca;

  beforeAll(async () => {
    emu = await startEntraEmulator();
    if (strategy === 'passport-azure-ad') {
      previousCa = https.globalAgent.options.ca;
      https.globalAgent.options.ca = [emu.caCertPem];
    }
    const base = {
      instance: emu.instance,
      clientId: myApi.clientId,
      audience: myApi.appIdUri,
      trustedCa: [emu.caCertPem],
      strategy,
    };
    single = await createProtectedApp(
      {
        ...base,
        tenantId: contoso.id,
        ...(strategy === 'passport-azure-ad'
          ? { validIssuers: [emu.issuer('contoso', 2), emu.issuer('contoso', 1)] }
          : {}),
      },
      platform,
    );
    multi = await createProtectedApp({ ...base, tenantId: 'organizations', allowedTenants: [contoso.id] }, platform);
  });

  afterAll(async () => {
    await single?.close();
    await multi?.close();
    await emu?.stop();
    if (strategy === 'passport-azure-ad') https.globalAgent.options.ca = previousCa;
  });

  const get = (app: INestApplication, token?: string, path = '/me') => {
    const req = request(app.getHttpServer() as Server).get(path);
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };
  const user = (claims: Record<string, unknown> = {}) => ({
    aud: myApi.clientId,
    oid: '00000000-0000-4000-8000-0000000000a1',
    sub: 'alice-sub',
    scp: 'access_as_user',
    azp: DEFAULT_IDS.apps.demoClient.clientId,
    ...claims,
  });

  it('accepts a v2 token from a real sign-in (alice, api://my-api/access_as_user)', async () => {
    const { access_token } = emu.signIn({
      username: 'alice@contoso.onmicrosoft.com',
      password: 'alice-password',
      scopes: [myApi.scopeUri],
    });
    const res = await get(single, access_token).expect(200);
    expect(res.body).toMatchObject({ tid: contoso.id, scopes: ['access_as_user'], version: '2.0', isAppOnly: false });
  });

  it('accepts a v1 token (aud = App ID URI, v1 issuer)', async () => {
    await get(single, emu.issueToken(user({ aud: myApi.appIdUri }), { version: 1 })).expect(200);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => string, string][] = [
    ['a wrong audience', () => emu.issueToken(user({ aud: 'api://todolist-service' })), AuthErrorCode.InvalidAudience],
    [
      'a wrong issuer',
      () => emu.issueToken(user({ iss: `https://evil.example/${contoso.id}/v2.0` })),
      AuthErrorCode.InvalidIssuer,
    ],
    [
      'another tenant (single-tenant API)',
      () => emu.issueToken(user(), { tenant: 'fabrikam' }),
      AuthErrorCode.InvalidIssuer,
    ],
    [
      'an expired token',
      () => emu.issueToken(user({ exp: now() - 900, nbf: now() - 4000, iat: now() - 4000 })),
      AuthErrorCode.TokenExpired,
    ],
    ['a token not yet valid', () => emu.issueToken(user({ nbf: now() + 900 })), AuthErrorCode.TokenNotYetValid],
    [
      'a tampered token',
      () => {
        const [h, , s] = emu.issueToken(user()).split('.');
        return `${h}.${Buffer.from(JSON.stringify(user({ scp: 'access_as_user Admin.Scope', iss: emu.issuer('contoso'), tid: contoso.id, ver: '2.0', exp: now() + 600 }))).toString('base64url')}.${s}`;
      },
      AuthErrorCode.InvalidSignature,
    ],
    [
      'an unknown key',
      () =>
        emu.issueToken(user(), {
          kid: 'unknown-kid',
          key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
        }),
      AuthErrorCode.UnknownSigningKey,
    ],
    ['alg none', () => emu.issueToken(user(), { alg: 'none' }), AuthErrorCode.UnsupportedAlgorithm],
    [
      'HS256 signed with the public key',
      () => emu.issueToken(user(), { alg: 'HS256', key: Buffer.from(emu.caCertPem) }),
      AuthErrorCode.UnsupportedAlgorithm,
    ],
  ];

  it.each(cases)('refuses %s with 401 invalid_token', async (_name, make, code) => {
    const res = await get(single, make()).expect(401);
    expect(res.headers['www-authenticate']).toMatch(INVALID);
    if (strategy === 'entra') expect((res.body as { code: string }).code).toBe(code);
  });

  it('refuses a disallowed tenant on a multi-tenant API and accepts an allowed one', async () => {
    await get(multi, emu.issueToken(user())).expect(200);
    const res = await get(multi, emu.issueToken(user(), { tenant: 'fabrikam' })).expect(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The tenant is not allowed."',
    );
    expect(fabrikam.id).not.toBe(contoso.id);
  });

  it('answers an app-only token on a user-scope route with 403 insufficient_scope', async () => {
    const token = emu.issueToken({
      aud: myApi.clientId,
      roles: ['Admin.All'],
      idtyp: 'app',
      oid: 'sp',
      sub: 'sp',
      azp: DEFAULT_IDS.apps.demoClient.clientId,
    });
    const res = await get(single, token).expect(403);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope", .*scope="access_as_user"$/);
  });

  it('answers a token without the scope with 403 insufficient_scope', async () => {
    const res = await get(single, emu.issueToken(user({ scp: 'User.Read' }))).expect(403);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope"/);
  });

  it('answers a missing token with 401 and a bare Bearer challenge', async () => {
    const res = await get(single).expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  if (strategy === 'entra') {
    it('picks up a key rotation on the next request', async () => {
      await get(multi, emu.issueToken(user())).expect(200);
      await emu.rotateKeys();
      await get(multi, emu.issueToken(user())).expect(200);
    });

    it('answers a rotated key with 503 while the JWKS is down, and accepts it once the identity provider is back', async () => {
      // A fresh app: the others already spent their unknown-kid refetch (rate limit) in earlier tests.
      const app = await createProtectedApp(
        { instance: emu.instance, clientId: myApi.clientId, trustedCa: [emu.caCertPem], tenantId: contoso.id },
        platform,
      );
      try {
        await get(app, emu.issueToken(user())).expect(200);
        const fault = emu.injectFault({ route: 'jwks', status: 503, headers: { 'Retry-After': '2' } });
        // Twice: the first rotation promotes the spare the app already saw published.
        await emu.rotateKeys();
        await emu.rotateKeys();
        const token = emu.issueToken(user());
        const res = await get(app, token).expect(503);
        expect(res.headers['retry-after']).toBe('2');
        expect((res.body as { code: string }).code).toBe(AuthErrorCode.IdentityProviderUnavailable);
        fault.remove();
        // Back after the Retry-After (and the 2 s failure backoff), not after the 30 s unknown-key interval.
        await new Promise((r) => setTimeout(r, 2100));
        await get(app, token).expect(200);
      } finally {
        emu.clearFaults();
        await app.close();
      }
    });
  }
});
