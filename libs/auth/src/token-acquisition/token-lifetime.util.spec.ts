import { describe, expect, it } from '@jest/globals';
import type { AuthenticationResult } from '@azure/msal-node';
import { toCachedToken } from './token-lifetime.util.js';

const HOUR = 3_600_000;
const SETTINGS = { refreshMarginMs: 300_000, refreshAheadRatio: 0.8 };
const REQUEST = {
  flow: 'clientCredentials',
  tenant: 'tid',
  scopes: ['api://x/.default'],
  correlationId: 'req',
} as const;

function result(lifetimeMs: number, extra: Partial<AuthenticationResult> = {}): AuthenticationResult {
  return {
    accessToken: 'at',
    tokenType: '',
    expiresOn: new Date(Date.now() + lifetimeMs),
    scopes: [],
    tenantId: '',
    correlationId: '',
    ...extra,
  } as unknown as AuthenticationResult;
}

describe('toCachedToken', () => {
  it('keeps the lifetime on the cache clock: stale at expiry minus the margin, refresh at 80 %', () => {
    const t = toCachedToken(result(HOUR), REQUEST, 1_000, SETTINGS, (s) => s);
    expect(t.expiresOn).toBeCloseTo(1_000 + HOUR, -3);
    expect(t.staleOn).toBeCloseTo(t.expiresOn - 300_000, -3);
    expect(t.refreshOn).toBeCloseTo(1_000 + HOUR * 0.8, -3);
  });

  it('caps the margin at half the lifetime so short-lived tokens are still cached', () => {
    const t = toCachedToken(result(120_000), REQUEST, 0, SETTINGS, (s) => s);
    expect(t.staleOn).toBeCloseTo(60_000, -3);
    expect(t.refreshOn).toBeLessThanOrEqual(t.staleOn);
  });

  it("honours the identity provider's refresh_in when it comes earlier", () => {
    const t = toCachedToken(
      result(HOUR, { refreshOn: new Date(Date.now() + HOUR / 4) }),
      REQUEST,
      0,
      SETTINGS,
      (s) => s,
    );
    expect(t.refreshOn).toBeCloseTo(HOUR / 4, -3);
  });

  it('falls back to the request for scopes, tenant, correlation id and token type', () => {
    const t = toCachedToken(result(HOUR), REQUEST, 0, SETTINGS, (s) => Object.freeze([...s]));
    expect(t).toMatchObject({ tokenType: 'Bearer', tenantId: 'tid', correlationId: 'req', scopes: REQUEST.scopes });
  });
});
