import type { AuthenticationResult } from '@azure/msal-node';
import type { CachedToken } from '../token-cache/cached-token.interface.js';
import type { MsalTokenRequest } from './msal-token.requester.js';

/** The cache timing settings the expiry maths reads. @internal */
export interface TokenLifetimeSettings {
  /** A token is no longer handed out this long before it expires (capped at half its lifetime). */
  readonly refreshMarginMs: number;
  /** Fraction of the lifetime after which a hit starts a background refresh. */
  readonly refreshAheadRatio: number;
}

/**
 * msal's answer → what the cache keeps, with its times on the cache's clock: `expiresOn`,
 * `staleOn` (expiry minus the refresh margin) and `refreshOn` (the identity provider's
 * `refresh_in`, or the refresh-ahead ratio of the lifetime; never after `staleOn`).
 * @internal
 */
export function toCachedToken(
  result: AuthenticationResult,
  request: MsalTokenRequest,
  now: number,
  settings: TokenLifetimeSettings,
  intern: (scopes: readonly string[]) => readonly string[],
): CachedToken {
  const wall = Date.now();
  // msal computes expiresOn from the wall clock; keep the lifetime, on our clock.
  const lifetime = Math.max(0, (result.expiresOn?.getTime() ?? wall) - wall);
  const refreshIn = result.refreshOn ? Math.max(0, result.refreshOn.getTime() - wall) : Infinity;
  const margin = Math.min(settings.refreshMarginMs, lifetime / 2);
  const expiresOn = now + lifetime;
  const staleOn = expiresOn - margin;
  const refreshOn = Math.min(staleOn, now + Math.min(refreshIn, lifetime * settings.refreshAheadRatio));
  return {
    accessToken: result.accessToken,
    tokenType: result.tokenType || 'Bearer',
    expiresOn,
    refreshOn,
    staleOn,
    scopes: intern(result.scopes?.length ? result.scopes : request.scopes),
    tenantId: result.tenantId || request.tenant,
    correlationId: result.correlationId || request.correlationId,
  };
}
