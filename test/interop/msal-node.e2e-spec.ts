import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';
import { DEFAULT_IDS, startEntraEmulator, type EntraEmulator } from '@nest-identity-web/entra-emulator';
import { signInThroughPage } from './sign-in-page.js';

const { myApi, demoClient, todolistService } = DEFAULT_IDS.apps;
const { alice, carol, mallory } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;

function decode(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

// Real clients over real TLS (and child processes): correctness checks that a loaded machine may slow down.
jest.setTimeout(30_000);

describe('interop: msal-node 7', () => {
  let emu: EntraEmulator;

  beforeAll(async () => {
    emu = await startEntraEmulator();
  });

  afterAll(async () => {
    await emu.stop();
  });

  describe('ConfidentialClientApplication', () => {
    it('client credentials with a secret (knownAuthorities)', async () => {
      const cca = new ConfidentialClientApplication({
        auth: {
          clientId: myApi.clientId,
          authority: emu.authority('contoso'),
          knownAuthorities: [emu.host],
          clientSecret: myApi.secret,
        },
        system: { networkClient: emu.msalNetworkClient() },
      });
      const r = await cca.acquireTokenByClientCredential({ scopes: [todolistService.defaultScope] });
      expect(decode(r!.accessToken)).toMatchObject({ aud: todolistService.clientId, idtyp: 'app', azpacr: '1' });
    });

    it('client credentials with a certificate (cloudDiscoveryMetadata from /common/discovery/instance)', async () => {
      const cert = await emu.createClientCertificate(myApi.clientId);
      const authorizeEndpoint = `${emu.authority('contoso')}/oauth2/v2.0/authorize`;
      const res = await emu.fetch(
        `${emu.baseUrl}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(authorizeEndpoint)}`,
      );
      const cca = new ConfidentialClientApplication({
        auth: {
          clientId: myApi.clientId,
          authority: emu.authority('contoso'),
          cloudDiscoveryMetadata: await res.text(),
          clientCertificate: { thumbprintSha256: cert.thumbprintSha256Hex, privateKey: cert.privateKeyPem },
        },
        system: { networkClient: emu.msalNetworkClient() },
      });
      const r = await cca.acquireTokenByClientCredential({ scopes: [todolistService.defaultScope] });
      expect(decode(r!.accessToken)).toMatchObject({ aud: todolistService.clientId, azpacr: '2' });
    });
  });

  describe('PublicClientApplication', () => {
    const pca = () =>
      new PublicClientApplication({
        auth: { clientId: demoClient.clientId, authority: emu.authority('contoso'), knownAuthorities: [emu.host] },
        system: { networkClient: emu.msalNetworkClient() },
      });
    const redirectUri = 'http://localhost:3000/callback';

    it('auth code + PKCE through the sign-in page, then a silent refresh', async () => {
      const app = pca();
      const { verifier, challenge } = pkce();
      const url = await app.getAuthCodeUrl({
        scopes: [myApi.scopeUri],
        redirectUri,
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
        state: 'st-1',
      });
      const { location } = await signInThroughPage(emu, url, { username: alice.upn, password: alice.password });
      expect(location?.searchParams.get('state')).toBe('st-1');
      const code = location!.searchParams.get('code')!;
      const r = await app.acquireTokenByCode({ code, redirectUri, scopes: [myApi.scopeUri], codeVerifier: verifier });
      expect(r.account?.homeAccountId).toBe(`${alice.oid}.${contoso.id}`);
      expect(decode(r.accessToken)).toMatchObject({ aud: myApi.clientId, oid: alice.oid, scp: 'access_as_user' });

      emu.clock.advance(3600);
      try {
        const silent = await app.acquireTokenSilent({
          account: r.account!,
          scopes: [myApi.scopeUri],
          forceRefresh: true,
        });
        expect(silent.fromCache).toBe(false);
        expect(decode(silent.accessToken)).toMatchObject({ aud: myApi.clientId, oid: alice.oid });
        expect(emu.requests({ grantType: 'refresh_token' }).at(-1)).toMatchObject({ status: 200, oid: alice.oid });
      } finally {
        emu.clock.reset();
      }
    });

    it('the sign-in page refuses a wrong password with AADSTS50126 and issues no code', async () => {
      const url = await pca().getAuthCodeUrl({ scopes: [myApi.scopeUri], redirectUri });
      const { location, html } = await signInThroughPage(emu, url, { username: alice.upn, password: 'wrong' });
      expect(location).toBeUndefined();
      expect(html).toContain('data-error-code="50126"');
      expect(html).toContain('Your account or password is incorrect');
    });

    it('a user under an MFA policy gets the second-factor page; approving it satisfies the policy at the token endpoint', async () => {
      const app = pca();
      const { verifier, challenge } = pkce();
      const url = await app.getAuthCodeUrl({
        scopes: [todolistService.scopeUri],
        redirectUri,
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
      });
      const refused = await signInThroughPage(emu, url, { username: carol.upn, password: carol.password });
      expect(refused.html).toContain('Approve sign-in request');
      const { location } = await signInThroughPage(emu, url, {
        username: carol.upn,
        password: carol.password,
        approveMfa: true,
      });
      const code = location!.searchParams.get('code')!;
      const r = await app.acquireTokenByCode({
        code,
        redirectUri,
        scopes: [todolistService.scopeUri],
        codeVerifier: verifier,
      });
      expect(decode(r.accessToken)).toMatchObject({ aud: todolistService.clientId, oid: carol.oid });
    });

    it('a user blocked by Conditional Access is sent back with access_denied and AADSTS53003', async () => {
      const url = await pca().getAuthCodeUrl({ scopes: [myApi.scopeUri], redirectUri, state: 'st-2' });
      const { location } = await signInThroughPage(emu, url, { username: mallory.upn, password: mallory.password });
      expect(location?.searchParams.get('error')).toBe('access_denied');
      expect(location?.searchParams.get('error_description')).toMatch(/^AADSTS53003: /);
      expect(location?.searchParams.get('state')).toBe('st-2');
    });
  });
});
