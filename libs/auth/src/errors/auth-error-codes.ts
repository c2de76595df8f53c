/**
 * Stable error codes of nest-identity-web, numbered by area like Microsoft.Identity.Web's IDW10xxx:
 *
 * - `NIW1xxx` configuration (fails the application at bootstrap),
 * - `NIW2xxx` authorization (scopes, app permissions),
 * - `NIW3xxx` incoming token validation,
 * - `NIW4xxx` token acquisition (on-behalf-of, client credentials, cache),
 * - `NIW5xxx` distributed token cache (L2 store, Redis, encryption at rest).
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
  /** The caller is authenticated but holds none of the accepted scopes (403 `insufficient_scope`). */
  InsufficientScope: 'NIW2001',
  /** The caller is authenticated but holds none of the accepted app permissions (`roles`) (403). */
  InsufficientAppPermission: 'NIW2002',
  /** `@RequiredScopes`/`@RequiredAppPermissions` is present but resolves to no value: access is denied (fail-closed). */
  EmptyAuthorizationRequirement: 'NIW2003',
  /** An imperative scope/role check ran without an authenticated caller (401). */
  Unauthenticated: 'NIW2004',

  // 3xxx incoming token validation.
  /** No `Authorization: Bearer` token on a protected route (401, `WWW-Authenticate: Bearer`). */
  MissingBearerToken: 'NIW3001',
  /** The bearer token is not a well-formed JWS compact JWT. */
  MalformedToken: 'NIW3002',
  /** The token's `alg` is not RS256 (`none` and HMAC are always refused). */
  UnsupportedAlgorithm: 'NIW3003',
  /** The signature does not verify with the signing key named by the token. */
  InvalidSignature: 'NIW3004',
  /** No signing key of the tenant matches the token's `kid`, even after one refresh of the JWKS. */
  UnknownSigningKey: 'NIW3005',
  /** `aud` is not this API (see the audience rules by token version). */
  InvalidAudience: 'NIW3006',
  /** `iss` matches none of the valid issuers (metadata issuer, `{tenantid}` templates, `validIssuers`). */
  InvalidIssuer: 'NIW3007',
  /** The token's tenant (`tid`) is not in `allowedTenants`. */
  TenantNotAllowed: 'NIW3008',
  /** The signing key's `issuer` does not match the token's issuer (IDX40005). */
  SigningKeyIssuerMismatch: 'NIW3009',
  /** The token carries no tenant ID (`tid`) (IDX40003 / IDX40009). */
  MissingTenantId: 'NIW3010',
  /** `exp` is in the past, beyond the allowed clock skew. */
  TokenExpired: 'NIW3011',
  /** `nbf` is in the future, beyond the allowed clock skew. */
  TokenNotYetValid: 'NIW3012',
  /** The token has neither `scp` nor `roles` (IDW10201); see `allowWebApiToBeAuthorizedByACL`. */
  NoScopeOrRoleClaim: 'NIW3013',
  /** `ver` is neither "1.0" nor "2.0". */
  UnsupportedTokenVersion: 'NIW3014',
  /** The issuer does not contain the token's `tid` (IDX40004). */
  IssuerTenantMismatch: 'NIW3015',
  /** The token carries more than one tenant ID claim, e.g. `tid` and `TID` (IDX40011). */
  DuplicateTenantIdClaim: 'NIW3016',
  /** The signing key belongs to another cloud instance than the metadata (IDX40012). */
  SigningKeyCloudMismatch: 'NIW3017',
  /** passport-azure-ad refused the token (it reports no reason without PII logging). */
  RejectedByPassportAzureAd: 'NIW3018',
  /** The identity provider (metadata/JWKS) is unreachable and no last-known-good keys exist (503). */
  IdentityProviderUnavailable: 'NIW3020',
  /** The identity provider answered with unusable metadata or JWKS (treated as unavailable, 503). */
  InvalidIdentityProviderMetadata: 'NIW3021',
  // 31xx: configuration of incoming token validation (fails the application at bootstrap).
  /** `audience`/`audiences` contains an empty or malformed value. */
  InvalidAudienceOption: 'NIW3101',
  /** `clockSkewSeconds` is not an integer between 0 and 3600. */
  InvalidClockSkew: 'NIW3102',
  /** `allowedTenants` contains an empty or malformed value, or is set for a single-tenant API. */
  InvalidAllowedTenants: 'NIW3103',
  /** `strategy: 'passport-azure-ad'` is selected but the optional peer dependency is not installed. */
  PassportAzureAdUnavailable: 'NIW3104',
  /** Another incoming-validation option (`strategy`, `validIssuers`, cache sizes, intervals) is invalid. */
  InvalidValidationOption: 'NIW3105',

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
  /** The identity provider's metadata or token endpoint is unreachable, timed out or answered 429/5xx. */
  TokenEndpointUnavailable: 'NIW4008',
  /** The identity provider refused the token request (see `aadstsCode` and `msalErrorCode`). */
  TokenRequestFailed: 'NIW4009',
  /** The requested scopes are missing or malformed. */
  InvalidScopes: 'NIW4010',
  /** A tenant given at call time is malformed. */
  InvalidTenant: 'NIW4011',
  /** Token-cache options are invalid. */
  InvalidTokenCacheOptions: 'NIW4012',
  /** Token-acquisition options are invalid (`clientCapabilities`, `appHomeTenantId`, `tokenRequestTimeoutMs`). */
  InvalidTokenAcquisitionOption: 'NIW4013',

  // 5xxx distributed token cache (L2 store, Redis, encryption at rest); configuration fails bootstrap.
  /** `tokenCache.store`, `tokenCache.redis` or an L2 timing option is invalid. */
  InvalidDistributedCacheOptions: 'NIW5001',
  /** `tokenCache.store: 'redis'` with a URL, but the optional peer dependency `ioredis` is not installed. */
  RedisClientUnavailable: 'NIW5002',
  /** `tokenCache.encryption.keys` is empty, or a key is not 32 bytes (base64), or a key is repeated. */
  InvalidTokenCacheEncryptionKeys: 'NIW5003',
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
