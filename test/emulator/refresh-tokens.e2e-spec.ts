// The emulator's refresh tokens as long-running on-behalf-of sessions use them: issued on OBO when
// offline_access is asked for, bounded by their lifetime on the emulator's clock, bound to their
// client, and revocable per user (in process and over /__emulator/revoke-refresh-tokens).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_IDS, type EntraEmulator, startEntraEmulator } from '@nest-identity-web/entra-emulator';

const { myApi, todolistService, demoClient } = DEFAULT_IDS.apps;
const { alice, bob } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;
const TODO = `${todolistService.appIdUri}/access_as_user`;

describe('emulator refresh tokens for long-running on-behalf-of', () => {
  let emu: EntraEmulator;

  beforeAll(async () => {
    emu = await startEntraEmulator({ httpControls: true, refreshTokenLifetimeSeconds: 600 });
  });

  afterAll(async () => {
    await emu.stop();
  });

  beforeEach(() => emu.reset());

  const token = async (fields: Record<string, string>) => {
    const res = await emu.fetch(`${emu.baseUrl}/${contoso.id}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const obo = (user: { upn: string; password: string }, scope: string) =>
    token({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      client_id: myApi.clientId,
      client_secret: myApi.secret,
      assertion: emu.signIn({
        username: user.upn,
        password: user.password,
        clientId: demoClient.clientId,
        scopes: [myApi.scopeUri],
      }).access_token,
      scope,
      requested_token_use: 'on_behalf_of',
    });
  const redeem = (rt: unknown, client: { clientId: string; secret: string } = myApi) =>
    token({
      grant_type: 'refresh_token',
      client_id: client.clientId,
      client_secret: client.secret,
      refresh_token: String(rt),
      scope: `${TODO} offline_access`,
    });

  it('issues a refresh token on on-behalf-of only when offline_access is asked for', async () => {
    expect((await obo(alice, TODO)).body).not.toHaveProperty('refresh_token');
    const withRt = await obo(alice, `${TODO} offline_access`);
    expect(withRt.status).toBe(200);
    expect(typeof withRt.body['refresh_token']).toBe('string');
    const redeemed = await redeem(withRt.body['refresh_token']);
    expect(redeemed.status).toBe(200);
    expect(typeof redeemed.body['access_token']).toBe('string');
  });

  it('refuses a refresh token past its configured lifetime with AADSTS700082', async () => {
    expect(emu.refreshTokenLifetimeSeconds).toBe(600);
    const { body } = await obo(alice, `${TODO} offline_access`);
    emu.clock.advance(601);
    const res = await redeem(body['refresh_token']);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_grant', error_codes: [700082] });
  });

  it('refuses a refresh token redeemed by another client', async () => {
    const { body } = await obo(alice, `${TODO} offline_access`);
    const res = await redeem(body['refresh_token'], todolistService);
    expect(res.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('revokes one user’s refresh tokens (AADSTS50173) and leaves the others working', async () => {
    const a = (await obo(alice, `${TODO} offline_access`)).body['refresh_token'];
    const b = (await obo(bob, `${TODO} offline_access`)).body['refresh_token'];
    // The sign-in behind the assertion holds one too.
    expect(emu.revokeRefreshTokens(alice.upn)).toBe(2);
    expect((await redeem(a)).body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
    expect((await redeem(b)).status).toBe(200);
  });

  it('revokes over POST /__emulator/revoke-refresh-tokens', async () => {
    const rt = (await obo(bob, `${TODO} offline_access`)).body['refresh_token'];
    const res = await emu.fetch(`${emu.baseUrl}/__emulator/revoke-refresh-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: bob.oid }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ revoked: 2 });
    expect((await redeem(rt)).body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
  });
});
