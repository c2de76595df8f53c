import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DEFAULT_IDS, startEntraEmulator, type EntraEmulator } from '@nest-identity-web/entra-emulator';
import { ITokenAcquisition } from 'nest-identity-web';
import { AppModule } from '../apps/my-api/src/app.module.js';
import { loadMyApiConfig } from '../apps/my-api/src/config/my-api.config.js';
import { DemoClient } from '../scripts/demo/demo-client.js';
import { TrustingNetworkClient } from '../scripts/demo/trusting-network-client.js';
import { freePort } from './support/redis-server.js';

// my-api's /health (terminus + IdentityHealthIndicator) against the emulator: healthy, the identity
// provider stopped, and a Redis L2 that is not there.
const ids = DEFAULT_IDS;
const tenant = ids.tenants.contoso.id;
const TODOLIST_APP_SCOPE = 'api://todolist-service/.default';

interface Check {
  status: 'up' | 'degraded' | 'down';
  [data: string]: unknown;
}
interface HealthBody {
  status: string;
  details: Record<'identityProvider' | 'tokenCache' | 'tokenAcquisition', Check>;
}

async function startMyApi(emu: EntraEmulator, env: Record<string, string> = {}) {
  const config = loadMyApiConfig({
    AzureAd__Instance: emu.instance,
    AzureAd__TenantId: tenant,
    AzureAd__ClientId: ids.apps.myApi.clientId,
    AzureAd__ClientSecret: ids.apps.myApi.secret,
    ...env,
  });
  const app = await NestFactory.create(
    AppModule.forRoot({ ...config, azureAd: { ...config.azureAd, trustedCa: [emu.caCertPem] } }),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

async function health(url: string): Promise<{ status: number; body: HealthBody; text: string }> {
  const res = await fetch(`${url}/health`);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as HealthBody, text };
}

async function signIn(emu: EntraEmulator): Promise<string> {
  const client = new DemoClient({
    authority: `${emu.instance}${tenant}`,
    authorityHost: emu.host,
    clientId: ids.apps.demoClient.clientId,
    networkClient: new TrustingNetworkClient(emu.caCertPem),
  });
  const user = ids.users.alice;
  return (await client.signIn(user.username, user.password, [ids.apps.myApi.scopeUri])).accessToken;
}

/** The token with another `kid`: the guard must refetch the signing keys to judge it. */
function withUnknownKid(token: string): string {
  const [, payload, signature] = token.split('.');
  const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: 'rotated-key' })).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

describe('my-api /health with the emulator', () => {
  let emu: EntraEmulator;
  let emuRunning = false;
  let app: INestApplication;
  let url: string;
  let token: string;

  beforeAll(async () => {
    emu = await startEntraEmulator();
    emuRunning = true;
    // No last-known-good window: the identity provider is down as soon as a refresh fails.
    ({ app, url } = await startMyApi(emu, { Health__IdentityProvider__MaxStaleSeconds: '0' }));
    token = await signIn(emu);
  });

  afterAll(async () => {
    await app?.close();
    if (emuRunning) await emu.stop();
  });

  it('GET /health/live answers 200 without a token', async () => {
    const res = await fetch(`${url}/health/live`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', service: 'my-api' });
  });

  it('GET /health is up once the signing keys are fetched, and shows no token or secret', async () => {
    // A validated request proves the keys are there.
    expect(
      (await fetch(`${url}/api/admin/cache-stats`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    await app.get(ITokenAcquisition).getAccessTokenForApp(TODOLIST_APP_SCOPE);
    const { status, body, text } = await health(url);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.details.identityProvider).toMatchObject({
      status: 'up',
      metadataUrl: `${emu.instance}${tenant}/v2.0/.well-known/openid-configuration`,
    });
    expect(body.details.identityProvider['signingKeys']).toBeGreaterThan(0);
    expect(body.details.tokenCache).toMatchObject({ status: 'up', l2: 'none', l1: { entries: 1 } });
    expect(body.details.tokenAcquisition).toMatchObject({ status: 'up', identityProviderCalls: 1, errors: 0 });
    expect(text).not.toContain(token.split('.')[2]!);
    expect(text).not.toContain(ids.apps.myApi.secret);
  });

  it('reports the identity provider down (503) once a refresh fails past the last-known-good window', async () => {
    await emu.stop();
    emuRunning = false;
    // A token signed with a key the app does not know makes it refetch the keys: that fails.
    const refused = await fetch(`${url}/api/admin/cache-stats`, {
      headers: { authorization: `Bearer ${withUnknownKid(token)}` },
    });
    expect(refused.status).toBe(503);
    // A new app token needs the identity provider too.
    await expect(app.get(ITokenAcquisition).getAccessTokenForApp('api://graph/.default')).rejects.toMatchObject({
      name: 'IdentityProviderUnavailableError',
    });
    const { status, body } = await health(url);
    expect(status).toBe(503);
    expect(body.status).toBe('error');
    expect(body.details.identityProvider).toMatchObject({
      status: 'down',
      lastFailure: { code: expect.stringMatching(/^NIW/) },
    });
    expect(body.details.tokenAcquisition).toMatchObject({
      status: 'degraded',
      lastFailure: { code: expect.stringMatching(/^NIW4/) },
    });
    // The token already cached still answers: the cache is fine.
    expect(body.details.tokenCache.status).toBe('up');
  });
});

describe('my-api /health with a Redis L2 that is not there', () => {
  let emu: EntraEmulator;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    // A port nothing listens on.
    const port = await freePort();
    emu = await startEntraEmulator();
    ({ app, url } = await startMyApi(emu, {
      TokenCache__Redis__Url: `redis://127.0.0.1:${port}`,
      TokenCache__Redis__KeyPrefix: 'niw-health-e2e:',
      TokenCache__L2TimeoutMs: '200',
    }));
  });

  afterAll(async () => {
    await app?.close();
    await emu?.stop();
  });

  it('reports the L2 outage as degraded (200): tokens still come from L1 and the identity provider', async () => {
    // A validated request: the signing keys are there, so only the cache can change the status.
    const token = await signIn(emu);
    expect(
      (await fetch(`${url}/api/admin/cache-stats`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    const before = await health(url);
    expect(before.body.details.tokenCache).toMatchObject({ status: 'up', l2: 'ok' });
    // The token is acquired even though the L2 read and write fail.
    await expect(app.get(ITokenAcquisition).getAccessTokenForApp(TODOLIST_APP_SCOPE)).resolves.toEqual(
      expect.any(String),
    );
    const { status, body } = await health(url);
    expect(status).toBe(200);
    expect(body.details.tokenCache).toMatchObject({
      status: 'degraded',
      l2: 'outage',
      l2Outages: 1,
      l1: { entries: 1 },
    });
    expect(body.details.tokenAcquisition.status).toBe('up');
  });
});
