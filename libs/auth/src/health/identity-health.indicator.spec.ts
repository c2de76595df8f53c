import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { AuthErrorCode, AuthModule, type IdentityProviderTransport } from 'nest-identity-web';
import { IdentityHealthIndicator } from 'nest-identity-web/health';
import { OPENID_METADATA } from '../auth.internal-constants.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import type { OpenIdMetadataProvider } from '../http/openid-metadata.provider.js';
import { TokenAcquisitionStatistics } from '../token-acquisition/token-acquisition-statistics.js';

const INSTANCE = 'https://login.example.test/';
const TENANT = 'contoso.onmicrosoft.com';
const jwk = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }), kid: 'k1' };

/** An identity provider serving metadata and one signing key, which can be switched off. */
class SwitchableIdentityProvider implements IdentityProviderTransport {
  up = true;
  request(url: string) {
    if (!this.up) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:443'));
    const body = url.endsWith('/keys')
      ? { keys: [jwk] }
      : { issuer: `${INSTANCE}tid/v2.0`, jwks_uri: `${INSTANCE}${TENANT}/discovery/v2.0/keys` };
    return Promise.resolve({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
}

describe('IdentityHealthIndicator', () => {
  let app: INestApplication;
  let idp: SwitchableIdentityProvider;
  let indicator: IdentityHealthIndicator;
  let metadata: OpenIdMetadataProvider;

  beforeEach(async () => {
    idp = new SwitchableIdentityProvider();
    idp.up = false; // nothing fetched when the module starts
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({ instance: INSTANCE, tenantId: TENANT, clientId: 'api', identityProviderTransport: idp }),
        TerminusModule,
      ],
      providers: [IdentityHealthIndicator],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    indicator = app.get(IdentityHealthIndicator);
    metadata = app.get(OPENID_METADATA);
  });

  afterEach(async () => {
    await app.close();
  });

  it('is down before the signing keys are fetched, up once they are', async () => {
    await metadata.refresh().catch(() => undefined);
    expect(indicator.identityProvider()).toMatchObject({
      identityProvider: { status: 'down', signingKeys: 0, lastFailure: { code: expect.stringMatching(/^NIW/) } },
    });
    idp.up = true;
    await metadata.refresh();
    expect(indicator.identityProvider('idp')).toEqual({
      idp: {
        status: 'up',
        signingKeys: 1,
        lastSuccessAgeSeconds: 0,
        metadataUrl: `${INSTANCE}${TENANT}/v2.0/.well-known/openid-configuration`,
      },
    });
  });

  it('is degraded while the last good keys are younger than maxStaleSeconds, down past it', async () => {
    idp.up = true;
    await metadata.refresh();
    idp.up = false;
    await expect(metadata.refresh()).rejects.toBeInstanceOf(IdentityProviderUnavailableError);
    expect(indicator.identityProvider().identityProvider.status).toBe('degraded');
    // The keys were fetched at least a millisecond ago: older than a threshold of 0.
    await new Promise((r) => setImmediate(r));
    const fetchedAt = metadata.status().fetchedAt!;
    while (Date.now() <= fetchedAt) await new Promise((r) => setImmediate(r));
    expect(indicator.identityProvider('identityProvider', { maxStaleSeconds: 0 }).identityProvider.status).toBe('down');
  });

  it('reports the L1 and no L2; token acquisition outages are degraded, or down when asked', () => {
    expect(indicator.tokenCache()).toEqual({
      tokenCache: { status: 'up', l1: { entries: 0, bytes: 0 }, l2: 'none' },
    });
    const stats = app.get(TokenAcquisitionStatistics);
    stats.failed(new IdentityProviderUnavailableError('token endpoint unreachable'));
    expect(indicator.tokenAcquisition().tokenAcquisition).toMatchObject({
      status: 'degraded',
      errors: 1,
      lastFailure: { code: expect.stringMatching(/^NIW/), ageSeconds: 0 },
    });
    expect(indicator.tokenAcquisition('t', { outage: 'down' }).t.status).toBe('down');
    // A caller error after that is information only.
    stats.lastTokenResponseAt = Date.now() + 1;
    stats.failed(new TypeError('bad scopes'));
    expect(indicator.tokenAcquisition().tokenAcquisition).toMatchObject({
      status: 'up',
      lastFailure: { code: 'TypeError' },
    });
  });

  it.each([
    ['maxStaleSeconds -1', () => indicator.identityProvider('x', { maxStaleSeconds: -1 })],
    ['maxStaleSeconds NaN', () => indicator.identityProvider('x', { maxStaleSeconds: Number.NaN })],
    ['l2Outage "warn"', () => indicator.tokenCache('x', { l2Outage: 'warn' as 'down' })],
    ['outage "up"', () => indicator.tokenAcquisition('x', { outage: 'up' as 'down' })],
  ])('refuses %s with NIW1019', (_what, check) => {
    expect(check).toThrow(
      expect.objectContaining({
        code: AuthErrorCode.InvalidHealthCheckOptions,
        message: expect.stringContaining('Potential solutions'),
      }),
    );
  });
});
