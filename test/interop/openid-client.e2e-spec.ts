import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import * as oidc from 'openid-client';
import { DEFAULT_IDS, startEntraEmulator, type EntraEmulator } from '@nest-identity-web/entra-emulator';
import { signInThroughPage } from './sign-in-page.js';

const { myApi, demoClient } = DEFAULT_IDS.apps;
const { alice } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;

// Real clients over real TLS (and child processes): correctness checks that a loaded machine may slow down.
jest.setTimeout(30_000);

describe('interop: openid-client 6', () => {
  let emu: EntraEmulator;

  beforeAll(async () => {
    emu = await startEntraEmulator();
  });

  afterAll(async () => {
    await emu.stop();
  });

  const discover = async (server: URL, clientId = demoClient.clientId) => {
    const config = await oidc.discovery(server, clientId, undefined, oidc.None(), { [oidc.customFetch]: emu.fetch });
    config[oidc.customFetch] = emu.fetch;
    return config;
  };

  describe('discovery', () => {
    it('on a tenant (v2): the issuer matches the discovery URL', async () => {
      const config = await discover(new URL(emu.issuer('contoso')));
      expect(config.serverMetadata().issuer).toBe(`${emu.baseUrl}/${contoso.id}/v2.0`);
      // What Entra serves: PKCE is supported but not advertised.
      expect(config.serverMetadata().code_challenge_methods_supported).toBeUndefined();
      expect(config.serverMetadata().supportsPKCE()).toBe(false);
    });

    it('on common: the full discovery URL (the issuer is the {tenantid} template)', async () => {
      const config = await discover(new URL(`${emu.baseUrl}/common/v2.0/.well-known/openid-configuration`));
      expect(config.serverMetadata().issuer).toBe(`${emu.baseUrl}/{tenantid}/v2.0`);
      expect(config.serverMetadata().token_endpoint).toBe(`${emu.baseUrl}/common/oauth2/v2.0/token`);
    });

    it('on v1: the issuer with its trailing slash', async () => {
      const config = await discover(new URL(emu.issuer('contoso', 1)));
      expect(config.serverMetadata()).toMatchObject({
        issuer: `${emu.baseUrl}/${contoso.id}/`,
        token_endpoint: `${emu.baseUrl}/${contoso.id}/oauth2/token`,
      });
    });
  });

  it('auth code + PKCE through the sign-in page, with ID token validation', async () => {
    const config = await discover(new URL(emu.issuer('contoso')));
    const redirectUri = 'http://localhost:4000/cb';
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: `openid profile offline_access ${myApi.scopeUri}`,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      state,
    });
    const { location } = await signInThroughPage(emu, url.href, { username: alice.upn, password: alice.password });
    const tokens = await oidc.authorizationCodeGrant(config, location!, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    // openid-client checked the ID token's iss, aud, exp, iat and nonce.
    expect(tokens.claims()).toMatchObject({
      iss: emu.issuer('contoso'),
      aud: demoClient.clientId,
      oid: alice.oid,
      preferred_username: alice.upn,
      nonce,
    });
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, { scope: myApi.scopeUri });
    expect(refreshed.access_token).toBeTruthy();
  });

  it('UserInfo answers for a Graph token with the ID token subject', async () => {
    const config = await discover(new URL(emu.issuer('contoso')));
    const redirectUri = 'http://localhost:4000/cb';
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const { location } = await signInThroughPage(emu, url.href, { username: alice.upn, password: alice.password });
    const tokens = await oidc.authorizationCodeGrant(config, location!, {
      pkceCodeVerifier: verifier,
      idTokenExpected: true,
    });
    const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(info).toMatchObject({ sub: tokens.claims()!.sub, name: alice.displayName, email: alice.upn });
  });

  it("openid-client's ID token validation refuses a nonce it did not send", async () => {
    const config = await discover(new URL(emu.issuer('contoso')));
    const redirectUri = 'http://localhost:4000/cb';
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce: oidc.randomNonce(),
    });
    const { location } = await signInThroughPage(emu, url.href, { username: alice.upn, password: alice.password });
    const err = await oidc
      .authorizationCodeGrant(config, location!, {
        pkceCodeVerifier: verifier,
        expectedNonce: oidc.randomNonce(),
        idTokenExpected: true,
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ cause: { code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', cause: { claim: 'nonce' } } });
  });
});
