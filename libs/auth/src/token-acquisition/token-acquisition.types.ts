import type { AuthPrincipal } from '../principal/auth-principal.interface.js';

/**
 * Options of {@link ITokenAcquisition.getAccessTokenForUser} (Microsoft.Identity.Web's
 * `TokenAcquisitionOptions`, camelCase).
 *
 * @example
 * ```ts
 * await tokens.getAccessTokenForUser(['api://todolist-service/access_as_user'], {
 *   tenant: '72f988bf-0000-4000-8000-000000000002',
 *   correlationId: randomUUID(),
 * });
 * ```
 */
export interface UserTokenOptions {
  /**
   * Tenant (GUID or domain) to request the token in. Default: the caller's `tid`, so a guest user
   * gets a token from the tenant whose API they call.
   */
  readonly tenant?: string;
  /** Skip the cache and ask the identity provider ("use with care": Entra may throttle). */
  readonly forceRefresh?: boolean;
  /**
   * A claims request (JSON, as in a downstream API's claims challenge, or its base64 form): skips the
   * cache and is sent to the identity provider. The new token replaces the cached one.
   */
  readonly claims?: string;
  /** Correlation id sent to `/token` (`client-request-id`); generated when absent. */
  readonly correlationId?: string;
  /**
   * The incoming access token to exchange, for calls outside a guarded request (a queue consumer,
   * a WebSocket gateway). Default: the token the guard validated for the current request.
   */
  readonly assertion?: string;
  /**
   * The principal of `assertion` (for its tenant and the app-only check). Only with `assertion`;
   * when omitted, the assertion's claims are read (not validated: validate incoming tokens first).
   */
  readonly user?: AuthPrincipal;
}

/**
 * Options of {@link ITokenAcquisition.getAccessTokenForApp}.
 *
 * @example
 * ```ts
 * await tokens.getAccessTokenForApp('https://graph.microsoft.com/.default', { tenant: 'fabrikam.onmicrosoft.com' });
 * ```
 */
export interface AppTokenOptions {
  /**
   * Tenant to request the token in. Default: the configured `tenantId`, or `appHomeTenantId` when
   * that is `common` / `organizations`. `common` and `organizations` are refused here.
   */
  readonly tenant?: string;
  /** Skip the cache and ask the identity provider. */
  readonly forceRefresh?: boolean;
  /** A claims request (JSON or base64) to send; skips the cache. */
  readonly claims?: string;
  /** Correlation id sent to `/token`; generated when absent. */
  readonly correlationId?: string;
}

/**
 * Where a token came from (Microsoft.Identity.Web `TokenSource`).
 *
 * @example
 * ```ts
 * if (result.metadata.tokenSource === 'cache') metrics.increment('token.cache_hit');
 * ```
 */
export type TokenSource = 'cache' | 'identityProvider';

/**
 * Which cache level answered (`none` when the identity provider did).
 *
 * @example
 * ```ts
 * const level: CacheLevel = result.metadata.cacheLevel; // 'l1' | 'l2' | 'none'
 * ```
 */
export type CacheLevel = 'l1' | 'l2' | 'none';

/**
 * Why the identity provider was called (Microsoft.Identity.Web `CacheRefreshReason`).
 *
 * @example
 * ```ts
 * if (result.metadata.cacheRefreshReason === 'expired') logger.debug('renewed an expired token');
 * ```
 */
export type CacheRefreshReason = 'notApplicable' | 'forceRefreshOrClaims' | 'noCachedAccessToken' | 'expired';

/**
 * How a token was obtained (Microsoft.Identity.Web `TokenAcquisitionMetadata`).
 *
 * @example
 * ```ts
 * const { tokenSource, cacheLevel, durationTotalMs } = result.metadata;
 * ```
 */
export interface TokenAcquisitionMetadata {
  readonly tokenSource: TokenSource;
  readonly cacheLevel: CacheLevel;
  readonly cacheRefreshReason: CacheRefreshReason;
  /** True when this call joined an identical in-flight identity-provider request. */
  readonly coalesced: boolean;
  /** Whole call, in milliseconds. */
  readonly durationTotalMs: number;
  /** Time in cache lookups and writes. */
  readonly durationInCacheMs: number;
  /** Time in HTTP to the identity provider (0 on a cache hit). */
  readonly durationInHttpMs: number;
  /** Token endpoint called (absent on a cache hit). */
  readonly tokenEndpoint?: string;
  /** When the cache starts refreshing this token ahead of expiry. */
  readonly refreshOn: Date;
}

/**
 * A token and what is known about it.
 *
 * @example
 * ```ts
 * const r = await tokens.getAuthenticationResultForUser(['api://todolist-service/access_as_user']);
 * fetch(url, { headers: { authorization: `${r.tokenType} ${r.accessToken}` } });
 * ```
 */
export interface TokenAcquisitionResult {
  readonly accessToken: string;
  /** `Bearer`. */
  readonly tokenType: string;
  readonly expiresOn: Date;
  /** Scopes granted (as answered by the identity provider, else as requested). */
  readonly scopes: readonly string[];
  /** Tenant the token was issued in. */
  readonly tenantId: string;
  /** This call's correlation id, or the one of the identity-provider call that produced the cached token. */
  readonly correlationId: string;
  readonly metadata: TokenAcquisitionMetadata;
}
