/**
 * Stable error codes of nest-identity-web, numbered by area like Microsoft.Identity.Web's IDW10xxx:
 *
 * - `NIW1xxx` configuration (fails the application at bootstrap),
 * - `NIW2xxx` authorization (scopes, app permissions),
 * - `NIW3xxx` incoming token validation,
 * - `NIW4xxx` token acquisition (on-behalf-of, client credentials, cache).
 *
 * Codes are never renumbered or reused; a retired code stays reserved.
 *
 * @example
 * ```ts
 * import { AuthError, AuthErrorCode } from 'nest-identity-web';
 *
 * try {
 *   AuthModule.forRoot({ clientId: '' });
 * } catch (e) {
 *   if (e instanceof AuthError && e.code === AuthErrorCode.MissingClientId) {
 *     // tell the operator to set AzureAd__ClientId
 *   }
 * }
 * ```
 */
export const AuthErrorCode = {
  /** `clientId` is missing or empty. */
  MissingClientId: 'NIW1001',
  /** `instance` or `authority` is not an absolute https URL. */
  InvalidInstance: 'NIW1002',
  /** `tenantId` is missing or malformed. */
  InvalidTenantId: 'NIW1003',
  // 1xxx configuration: add new codes above this line, numbered in order.

  // 2xxx authorization (scopes, app permissions, guard metadata).

  // 3xxx incoming token validation.

  // 4xxx token acquisition (on-behalf-of, client credentials, credentials, cache).
  /** `getAccessTokenForUser` was called with no caller: no validated request in context and no `options.assertion`. */
  NoCallerInContext: 'NIW4001',
  /** The on-behalf-of assertion is an app-only token; only user tokens can be exchanged. */
  AppOnlyAssertion: 'NIW4002',
  /** An app-token scope does not end in `/.default` (Microsoft.Identity.Web IDW10404). */
  InvalidAppScope: 'NIW4003',
  /** An app token was requested for `common` / `organizations` without a home tenant (IDW10405). */
  MetaTenantNotAllowed: 'NIW4004',
  /** No client credential is configured, so no token can be requested. */
  NoClientCredential: 'NIW4005',
  /** The client credential configuration is invalid (several credentials, unreadable PEM or file). */
  InvalidClientCredential: 'NIW4006',
  /** The identity provider requires user interaction (consent, MFA, Conditional Access): a claims challenge. */
  ClaimsChallenge: 'NIW4007',
  /** The identity provider is unreachable, timed out or answered 429/5xx. */
  IdentityProviderUnavailable: 'NIW4008',
  /** The identity provider refused the token request (see `aadstsCode` and `msalErrorCode`). */
  TokenRequestFailed: 'NIW4009',
  /** The requested scopes are missing or malformed. */
  InvalidScopes: 'NIW4010',
  /** A tenant given at call time is malformed. */
  InvalidTenant: 'NIW4011',
  /** Token-cache options are invalid. */
  InvalidTokenCacheOptions: 'NIW4012',
} as const;

/**
 * A stable error code from {@link AuthErrorCode}.
 *
 * @example
 * ```ts
 * const code: AuthErrorCodeValue = AuthErrorCode.MissingClientId; // 'NIW1001'
 * ```
 */
export type AuthErrorCodeValue = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];
