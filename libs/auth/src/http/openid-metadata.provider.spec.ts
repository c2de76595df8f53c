import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import type { IdentityProviderRequest, IdentityProviderResponse } from './identity-provider-transport.interface.js';
import { OpenIdMetadataProvider } from './openid-metadata.provider.js';

const INSTANCE = 'https://login.microsoftonline.com/';
const TID = '72f988bf-0000-4000-8000-000000000001';
const { publicKey } = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig' };
const rotated = { ...jwk, kid: 'k2' };

/** A scripted identity provider that counts requests by path and can go down. */
class ScriptedIdp {
  readonly requests: string[] = [];
  down = false;
  status = 200;
  keys: unknown[] = [jwk];

  async request(url: string, _init?: IdentityProviderRequest): Promise<IdentityProviderResponse> {
    await new Promise((r) => setTimeout(r, 5));
    this.requests.push(new URL(url).pathname);
    if (this.down) throw new Error('connect ECONNREFUSED');
    if (this.status !== 200) return { status: this.status, headers: { 'retry-after': '7' }, body: '' };
    const tenant = new URL(url).pathname.split('/')[1] ?? '';
    const base = `${INSTANCE}${tenant}`;
    if (url.endsWith('/keys')) return ok({ keys: this.keys });
    return ok({
      issuer: url.includes('/v2.0/') ? `${base}/v2.0` : `https://sts.windows.net/${tenant}/`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
    });
  }

  count(suffix: string): number {
    return this.requests.filter((p) => p.endsWith(suffix)).length;
  }
}

function ok(body: unknown): IdentityProviderResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function provider(idp: ScriptedIdp): OpenIdMetadataProvider {
  return new OpenIdMetadataProvider(idp, {
    instance: INSTANCE,
    tenantId: TID,
    refreshIntervalMs: 60_000,
    unknownKeyRefreshIntervalMs: 30_000,
    failureBackoffMs: 0,
  });
}

describe('OpenIdMetadataProvider', () => {
  it('should fetch the configured tenant’s OpenID document once for validation and token acquisition', async () => {
    const idp = new ScriptedIdp();
    const metadata = provider(idp);
    const [{ key }, authority] = await Promise.all([metadata.findKey('k1'), metadata.get(TID)]);
    expect(key?.kid).toBe('k1');
    expect(authority).toMatchObject({ authority: `${INSTANCE}${TID}`, knownAuthorities: [] });
    await metadata.get(TID.toUpperCase());
    expect(idp.count('/v2.0/.well-known/openid-configuration')).toBe(1);
    expect(idp.count('/keys')).toBe(1);
  });

  it('should serve msal from the document validation already fetched, without I/O', async () => {
    const idp = new ScriptedIdp();
    const metadata = provider(idp);
    await metadata.refresh();
    const before = idp.requests.length;
    await metadata.get(TID);
    expect(idp.requests.length).toBe(before);
  });

  it('should report one outage with each side’s own code: NIW3020 for validation, NIW4008 for acquisition', async () => {
    const idp = new ScriptedIdp();
    idp.down = true;
    const metadata = provider(idp);
    const [validation, acquisition] = await Promise.all([
      metadata.findKey('k1').catch((e: unknown) => e),
      metadata.get(TID).catch((e: unknown) => e),
    ]);
    expect(validation).toBeInstanceOf(IdentityProviderUnavailableError);
    expect(validation).toMatchObject({ code: AuthErrorCode.IdentityProviderUnavailable, retryAfterSeconds: 5 });
    expect(acquisition).toBeInstanceOf(IdentityProviderUnavailableError);
    expect(acquisition).toMatchObject({ code: AuthErrorCode.TokenEndpointUnavailable, tenantId: TID });
    expect(idp.count('/v2.0/.well-known/openid-configuration')).toBe(1);
  });

  it('should keep the last-known-good keys when a refresh fails, and recover on the next one', async () => {
    const idp = new ScriptedIdp();
    const metadata = provider(idp);
    await metadata.refresh();
    idp.status = 503;
    await expect(metadata.refresh()).rejects.toMatchObject({ code: AuthErrorCode.IdentityProviderUnavailable });
    expect((await metadata.findKey('k1')).key?.kid).toBe('k1');
    idp.status = 200;
    await expect(metadata.refresh()).resolves.toMatchObject({ issuer: `${INSTANCE}${TID}/v2.0` });
  });

  it('should answer an unknown tenant with NIW4011 and a throttled one with NIW4008 and its Retry-After', async () => {
    const idp = new ScriptedIdp();
    const metadata = provider(idp);
    idp.status = 400;
    await expect(metadata.get('unknown.example')).rejects.toMatchObject({ code: AuthErrorCode.InvalidTenant });
    idp.status = 429;
    await expect(metadata.get('unknown.example')).rejects.toMatchObject({
      code: AuthErrorCode.TokenEndpointUnavailable,
      retryAfterSeconds: 7,
    });
  });

  it('should answer an unknown kid with 503 when its refetch fails, and accept the new key as soon as the identity provider is back', async () => {
    const idp = new ScriptedIdp();
    const metadata = provider(idp);
    await metadata.refresh();
    idp.keys = [jwk, rotated];
    idp.down = true;
    const error = await metadata.findKey('k2').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityProviderUnavailableError);
    expect(error).toMatchObject({ code: AuthErrorCode.IdentityProviderUnavailable, retryAfterSeconds: 5 });
    idp.down = false;
    // Well within the 30 s unknown-key interval: a failed fetch does not start it.
    expect((await metadata.findKey('k2')).key?.kid).toBe('k2');
  });

  it('should answer an unknown kid with 503 and the Retry-After of a 5xx from the JWKS endpoint', async () => {
    const idp = new ScriptedIdp();
    const metadata = provider(idp);
    await metadata.refresh();
    idp.status = 503;
    await expect(metadata.findKey('k2')).rejects.toMatchObject({
      code: AuthErrorCode.IdentityProviderUnavailable,
      retryAfterSeconds: 7,
    });
    idp.status = 200;
    idp.keys = [jwk, rotated];
    expect((await metadata.findKey('k2')).key?.kid).toBe('k2');
  });

  it('should refuse a kid absent from a successful refetch and not refetch again within the interval', async () => {
    const idp = new ScriptedIdp();
    const metadata = provider(idp);
    await metadata.refresh();
    expect((await metadata.findKey('forged')).key).toBeUndefined();
    expect(idp.count('/keys')).toBe(2);
    idp.keys = [jwk, rotated];
    expect((await metadata.findKey('k2')).key).toBeUndefined();
    expect(idp.count('/keys')).toBe(2);
  });

  it('should answer the last failure without I/O during the failure backoff', async () => {
    const idp = new ScriptedIdp();
    const metadata = new OpenIdMetadataProvider(idp, {
      instance: INSTANCE,
      tenantId: TID,
      refreshIntervalMs: 60_000,
      unknownKeyRefreshIntervalMs: 30_000,
      failureBackoffMs: 60_000,
    });
    await metadata.refresh();
    idp.down = true;
    await expect(metadata.findKey('k2')).rejects.toBeInstanceOf(IdentityProviderUnavailableError);
    const before = idp.requests.length;
    await expect(metadata.findKey('k3')).rejects.toBeInstanceOf(IdentityProviderUnavailableError);
    expect(idp.requests.length).toBe(before);
    expect((await metadata.findKey('k1')).key?.kid).toBe('k1');
  });
});
