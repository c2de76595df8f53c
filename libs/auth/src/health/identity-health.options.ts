import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { AuthConfigurationError } from '../errors/auth.error.js';

/**
 * The default of {@link IdentityProviderCheckOptions.maxStaleSeconds}: one hour.
 *
 * @example
 * ```ts
 * this.identity.identityProvider("identityProvider", { maxStaleSeconds: DEFAULT_MAX_STALE_SECONDS / 4 });
 * ```
 */
export const DEFAULT_MAX_STALE_SECONDS = 3600;

/**
 * Options of `IdentityHealthIndicator.identityProvider`.
 *
 * @example
 * ```ts
 * () => this.identity.identityProvider('identityProvider', { maxStaleSeconds: 900 })
 * ```
 */
export interface IdentityProviderCheckOptions {
  /**
   * While metadata refreshes fail, how old the last good signing keys may be before the check is
   * `down` (until then it is `degraded`: tokens are still validated with them).
   * @default 3600
   */
  readonly maxStaleSeconds?: number;
}

/**
 * Options of `IdentityHealthIndicator.tokenCache`.
 *
 * @example
 * ```ts
 * () => this.identity.tokenCache('tokenCache', { l2Outage: 'down' })
 * ```
 */
export interface TokenCacheCheckOptions {
  /**
   * The status during an L2 outage. `degraded` (HTTP 200) by default: requests go on with L1 and
   * the identity provider, and taking every replica out of rotation for a cache would be worse.
   * @default 'degraded'
   */
  readonly l2Outage?: 'degraded' | 'down';
}

/**
 * Options of `IdentityHealthIndicator.tokenAcquisition`.
 *
 * @example
 * ```ts
 * () => this.identity.tokenAcquisition('tokenAcquisition', { outage: 'down' })
 * ```
 */
export interface TokenAcquisitionCheckOptions {
  /**
   * The status while the identity provider's token endpoint is unreachable (the last token request
   * failed with an outage and none succeeded since). Caller errors (consent, bad scopes) never
   * change the status; they show as `lastFailure`.
   * @default 'degraded'
   */
  readonly outage?: 'degraded' | 'down';
}

function invalid(problem: string, solution: string): AuthConfigurationError {
  return AuthConfigurationError.create(AuthErrorCode.InvalidHealthCheckOptions, problem, [solution]);
}

/** @internal */
export function checkMaxStaleSeconds(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_STALE_SECONDS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(
      `maxStaleSeconds must be a number of seconds ≥ 0, not ${JSON.stringify(value) ?? typeof value}.`,
      'Pass e.g. { maxStaleSeconds: 3600 }, or leave it out for one hour.',
    );
  }
  return value;
}

/** @internal */
export function checkStatus(name: string, value: unknown): 'degraded' | 'down' {
  if (value === undefined) return 'degraded';
  if (value !== 'degraded' && value !== 'down') {
    throw invalid(
      `${name} must be 'degraded' or 'down', not ${JSON.stringify(value) ?? typeof value}.`,
      `Pass { ${name}: 'down' } to fail the health check, or leave it out.`,
    );
  }
  return value;
}
