import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import https from 'node:https';
import { InteractionRequiredAuthError, PublicClientApplication } from '@azure/msal-node';
import * as oidc from 'openid-client';
import { createRequire } from 'node:module';
import { DEFAULT_IDS, startEntraEmulator, type EntraEmulator } from '@nest-identity-web/entra-emulator';

const { myApi, demoClient, todolistService } = DEFAULT_IDS.apps;
const { alice, mallory } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;

type Done = (err: unknown, user?: unknown, info?: unknown) => void;
interface BearerStrategyLike {
  success: (user: unknown) => void;
  fail: (info: unknown) => void;
  error: (err: unknown) => void;
  authenticate: (req: unknown, options: unknown) => void;
}
// passport-azure-ad ships no type declarations; load the real CommonJS package.
const { BearerStrategy } = createRequire(import.meta.url)('passport-azure-ad') as {
  BearerStrategy: new (
    options: Record<string, unknown>,
    verify: (payload: Record<string, unknown>, done: Done) => void,
  ) => BearerStrategyLike;
};

function decode(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('emulator with other real clients', () => {
  let emu: EntraEmulator;

  beforeAll(async () => {
    emu = await startEntraEmulator();
  });

  afterAll(async () => {
    await emu.stop();
  });

  describe('msal-node PublicClientApplication', () => {
    const pca = () =>
      new PublicClientApplication({
        auth: {
          clientId: demoClient.clientId,
          authority: `${emu.instance}${contoso.id}`,
          knownAuthorities: [emu.host],
        },
        system: { networkClient: emu.msalNetworkClient() },
      });

    it('signs a user in with ROPC and gets access_as_user for my-api', async () => {
      const app = pca();
      const r = await app.acquireTokenByUsernamePassword({
        username: alice.upn,
        password: alice.password,
        scopes: [myApi.scopeUri],
      });
      expect(r!.account?.homeAccountId).toBe(`${alice.oid}.${contoso.id}`);
      expect(r!.idTokenClaims).toMatchObject({
        oid: alice.oid,
        preferred_username: alice.upn,
        aud: demoClient.clientId,
      });
      expect(decode(r!.accessToken)).toMatchObject({
        aud: myApi.clientId,
        scp: 'access_as_user',
        azp: demoClient.clientId,
        azpacr: '0',
        roles: ['Admin.All'],
      });
      // Entra's v2 access tokens have no `amr`, and `idtyp` only on app tokens.
      expect(decode(r!.accessToken)['amr']).toBeUndefined();
      expect(decode(r!.accessToken)['idtyp']).toBeUndefined();
      // The refresh token works through the refresh_token grant.
      const silent = await app.acquireTokenSilent({ account: r!.account!, scopes: [todolistService.scopeUri] });
      expect(decode(silent.accessToken)).toMatchObject({ aud: todolistService.clientId, oid: alice.oid });
      expect(emu.requests({ grantType: 'refresh_token' }).at(-1)).toMatchObject({ status: 200, oid: alice.oid });
    });

    it('a wrong password fails with 50126', async () => {
      const err = await pca()
        .acquireTokenByUsernamePassword({ username: alice.upn, password: 'nope', scopes: [myApi.scopeUri] })
        .catch((e: unknown) => e);
      expect((err as { errorNo?: unknown }).errorNo).toBe(50126);
    });

    it('a user blocked by Conditional Access gets 53003 as InteractionRequiredAuthError', async () => {
      const err = await pca()
        .acquireTokenByUsernamePassword({ username: mallory.upn, password: mallory.password, scopes: [myApi.scopeUri] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InteractionRequiredAuthError);
      expect((err as InteractionRequiredAuthError).errorNo).toBe(53003);
    });

    it('completes authorization code with PKCE through the sign-in endpoint', async () => {
      const app = pca();
      const verifier = 'x'.repeat(50);
      const challenge = (await import('node:crypto')).createHash('sha256').update(verifier).digest('base64url');
      const redirectUri = 'http://localhost:3000/callback';
      const url = await app.getAuthCodeUrl({
        scopes: [myApi.scopeUri],
        redirectUri,
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
        loginHint: alice.upn,
        prompt: 'none',
        state: 'st-1',
      });
      const page = await emu.fetch(url);
      expect(page.status).toBe(302);
      const location = new URL(page.headers.get('location')!);
      expect(location.searchParams.get('state')).toBe('st-1');
      const code = location.searchParams.get('code')!;
      const r = await app.acquireTokenByCode({ code, redirectUri, scopes: [myApi.scopeUri], codeVerifier: verifier });
      expect(decode(r.accessToken)).toMatchObject({ aud: myApi.clientId, oid: alice.oid });
      // A code is single use.
      const again = await app
        .acquireTokenByCode({ code, redirectUri, scopes: [myApi.scopeUri], codeVerifier: verifier })
        .catch((e: unknown) => e);
      expect((again as { errorNo?: unknown }).errorNo).toBe(54005);
    });

    it('serves an HTML sign-in page listing the users', async () => {
      const url = `${emu.baseUrl}/${contoso.id}/oauth2/v2.0/authorize?client_id=${demoClient.clientId}&response_type=code&redirect_uri=${encodeURIComponent('http://localhost:5000/cb')}&scope=openid`;
      const page = await emu.fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      const html = await page.text();
      expect(html).toContain(alice.upn);
      const form = new URLSearchParams({
        client_id: demoClient.clientId,
        response_type: 'code',
        redirect_uri: 'http://localhost:5000/cb',
        scope: 'openid',
        username: alice.upn,
        password: alice.password,
      });
      const posted = await emu.fetch(url.split('?')[0]!, {
        method: 'POST',
        body: form.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(posted.status).toBe(302);
      expect(posted.headers.get('location')).toMatch(/^http:\/\/localhost:5000\/cb\?code=/);
    });
  });

  describe('passport-azure-ad BearerStrategy', () => {
    let previousCa: https.AgentOptions['ca'];

    beforeAll(() => {
      previousCa = https.globalAgent.options.ca;
      https.globalAgent.options.ca = [emu.caCertPem];
    });

    afterAll(() => {
      https.globalAgent.options.ca = previousCa;
    });

    const authenticate = (token: string, tenant: string = contoso.id) =>
      new Promise<{ ok: boolean; info: unknown }>((resolve) => {
        const strategy = new BearerStrategy(
          {
            identityMetadata: `${emu.baseUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
            clientID: myApi.clientId,
            loggingLevel: 'error',
            loggingNoPII: false,
          },
          (payload, done) => done(null, payload, payload),
        );
        const s = strategy;
        s.success = (user) => resolve({ ok: true, info: user });
        s.fail = (info) => resolve({ ok: false, info });
        s.error = (err) => resolve({ ok: false, info: err });
        s.authenticate({ headers: { authorization: `Bearer ${token}` }, query: {}, body: {} }, { session: false });
      });

    it('validates an emulator token against the emulator metadata and JWKS', async () => {
      const token = emu.signIn({ username: alice.upn, scopes: [myApi.scopeUri] }).access_token;
      const r = await authenticate(token);
      expect(r.ok).toBe(true);
      expect(r.info).toMatchObject({ oid: alice.oid, scp: 'access_as_user' });
    });

    it('refuses a token signed with a foreign key', async () => {
      const { generateKeyPairSync } = await import('node:crypto');
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const forged = emu.issueToken(
        { aud: myApi.clientId, scp: 'access_as_user' },
        { key: privateKey, tenant: 'fabrikam' },
      );
      const r = await authenticate(forged, DEFAULT_IDS.tenants.fabrikam.id);
      expect(r.ok).toBe(false);
    });
  });

  describe('openid-client', () => {
    it('discovers the issuer and completes client credentials', async () => {
      const issuer = new URL(`${emu.baseUrl}/${contoso.id}/v2.0`);
      const config = await oidc.discovery(issuer, myApi.clientId, myApi.secret, undefined, {
        [oidc.customFetch]: emu.fetch,
      });
      config[oidc.customFetch] = emu.fetch;
      expect(config.serverMetadata().issuer).toBe(issuer.href);
      const tokens = await oidc.clientCredentialsGrant(config, { scope: todolistService.defaultScope });
      expect(tokens.token_type).toBe('bearer');
      expect(decode(tokens.access_token)).toMatchObject({
        aud: todolistService.clientId,
        roles: ['TodoList.ReadWrite.All'],
      });
    });
  });
});
