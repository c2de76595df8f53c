/**
 * Stable error codes of nest-identity-web, numbered by area like Microsoft.Identity.Web's IDW10xxx:
 *
 * - `NIW1xxx` configuration (fails the application at bootstrap),
 * - `NIW2xxx` authorization (scopes, app permissions),
 * - `NIW3xxx` incoming token validation,
 * - `NIW4xxx` token acquisition (on-behalf-of, client credentials, cache),
 * - `NIW6xxx` downstream APIs (`DownstreamApi`, `AuthorizationHeaderProvider`).
 *
 * Codes are never reused; a retired code stays reserved. Every error that fails the application at
 * bootstrap (an `AuthConfigurationError`) carries a `NIW1xxx` code: the validation and
 * token-acquisition option errors that were numbered `NIW3101`–`NIW3105`, `NIW4012` and `NIW4013`
 * moved to `NIW1004`–`NIW1011` under the same names (match on the name, e.g.
 * `AuthErrorCode.InvalidClockSkew`); the old numbers are reserved.
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
  /** `audience`/`audiences` contains an empty or malformed value (formerly NIW3101). */
  InvalidAudienceOption: 'NIW1004',
  /** `clockSkewSeconds` is not an integer between 0 and 3600 (formerly NIW3102). */
  InvalidClockSkew: 'NIW1005',
  /** `allowedTenants` contains an empty or malformed value, or is set for a single-tenant API (formerly NIW3103). */
  InvalidAllowedTenants: 'NIW1006',
  /** `strategy: 'passport-azure-ad'` is selected but the optional peer dependency is not installed (formerly NIW3104). */
  PassportAzureAdUnavailable: 'NIW1007',
  /**
   * Another incoming-validation option (`strategy`, `validIssuers`, cache sizes, intervals) or a
   * malformed numeric or boolean `AzureAd__*` setting is invalid (formerly NIW3105).
   */
  InvalidValidationOption: 'NIW1008',
  /**
   * The client credential configuration is invalid at bootstrap: several credentials, an unreadable
   * PEM or credential file, no usable `ClientCredentials` entry. (A credential that fails later, when
   * a token is requested, is `NIW4006`.)
   */
  InvalidClientCredentialOption: 'NIW1009',
  /** Token-cache options are invalid (formerly NIW4012). */
  InvalidTokenCacheOptions: 'NIW1010',
  /** Token-acquisition options are invalid: `clientCapabilities`, `appHomeTenantId`, `tokenRequestTimeoutMs` (formerly NIW4013). */
  InvalidTokenAcquisitionOption: 'NIW1011',
  /** A trusted CA file (`AzureAd__TrustedCaPath`) cannot be read or holds no PEM certificate. */
  InvalidTrustedCa: 'NIW1013',
  /** `tokenCache.store`, `tokenCache.redis` or an L2 timing option is invalid (distributed token cache). */
  InvalidDistributedCacheOptions: 'NIW1014',
  /** `tokenCache.store: 'redis'` with a URL, but the optional peer dependency `ioredis` is not installed. */
  RedisClientUnavailable: 'NIW1015',
  /** `tokenCache.encryption.keys` is empty, or a key is not 32 bytes (base64), or a key is repeated. */
  InvalidTokenCacheEncryptionKeys: 'NIW1016',
  /** `longRunningSessions` options are invalid (`maxAgeSeconds`). */
  InvalidLongRunningSessionOptions: 'NIW1017',
  /** The OpenAPI security scheme cannot be built: no tenant or client ID, or an instance, scope or app ID URI is malformed (`nest-identity-web/openapi`). */
  InvalidOpenApiOptions: 'NIW1018',
  /** An `IdentityHealthIndicator` check option is invalid, e.g. a negative threshold (`nest-identity-web/health`). */
  InvalidHealthCheckOptions: 'NIW1019',
  /** Two `AuthModule.forRoot({ scheme })` registrations use the same scheme name. */
  DuplicateAuthScheme: 'NIW1020',
  /** `@AuthScheme(...)` names a scheme no `AuthModule` registers (checked at bootstrap). */
  UnknownAuthScheme: 'NIW1021',
  /** A scheme name is empty, or not letters, digits, `-`, `_` or `.` (at most 64). */
  InvalidAuthSchemeName: 'NIW1022',
  /**
   * Azure AD B2C: `signUpSignInPolicyId` (or `resetPasswordPolicyId`, `editProfilePolicyId`) is
   * missing for a `*.b2clogin.com` instance, or is not a user flow / custom policy name (`B2C_1_…`,
   * `B2C_1A_…`).
   */
  InvalidB2CPolicy: 'NIW1025',
  /** Azure AD B2C: `domain` (the tenant, e.g. `contoso.onmicrosoft.com`) is missing or malformed. */
  InvalidB2CDomain: 'NIW1026',
  /**
   * `authority` is not an https URL, has no tenant, or contradicts `instance`, `tenantId`, `domain`
   * or the policy given beside it.
   */
  InvalidAuthority: 'NIW1027',
  // NIW1028: reserved.
  /**
   * Entra External ID (CIAM) and Azure AD B2C tenants are single tenants: `common`,
   * `organizations`, `allowedTenants` and `appHomeTenantId` do not apply to them.
   */
  MultiTenantSettingNotSupported: 'NIW1029',
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
  /**
   * Token acquisition of one scheme was asked to act on behalf of a caller another scheme
   * validated: a token is only ever exchanged with the credentials of the scheme that accepted it.
   */
  AuthSchemeMismatch: 'NIW2005',

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
  /** `nbf` is after `exp`: the token can never be valid (IDX10224). */
  InvalidLifetime: 'NIW3019',
  /** The identity provider (metadata/JWKS) is unreachable and no last-known-good keys exist (503). */
  IdentityProviderUnavailable: 'NIW3020',
  /** The identity provider answered with unusable metadata or JWKS (treated as unavailable, 503). */
  InvalidIdentityProviderMetadata: 'NIW3021',
  /**
   * Azure AD B2C: the token's issuer is a legacy `tfp` issuer (`https://…/tfp/{tenant}/{policy}/v2.0/`);
   * only the tenant-ID issuer is accepted (IDX40002).
   */
  B2CTrustFrameworkIssuer: 'NIW3022',
  /** Azure AD B2C: the token's policy claim (`tfp`, else `acr`) is missing or not one of the configured policies. */
  B2CPolicyMismatch: 'NIW3023',
  // NIW3101–NIW3105: reserved (moved to NIW1004–NIW1008).

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
  /**
   * The configured client credential failed when a token was requested: the certificate loader,
   * the `clientAssertion` callback or the signed assertion file. (Bootstrap errors are `NIW1009`.)
   */
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
  // NIW4012, NIW4013: reserved (moved to NIW1010, NIW1011).
  /**
   * A long-running session key is unknown: never issued, ended, removed from the store, or issued
   * to another application (the key is not bound to this client id).
   */
  LongRunningSessionNotFound: 'NIW4014',
  /** A long-running session is older than `longRunningSessions.maxAgeSeconds`; it was ended. */
  LongRunningSessionExpired: 'NIW4015',
  /**
   * The identity provider rejected the session's refresh token (expired, revoked, password change,
   * consent withdrawn: `invalid_grant`, AADSTS700082, 50173, 70043, 65001) or asked for user
   * interaction; the session was ended and the user must sign in again.
   */
  LongRunningSessionRevoked: 'NIW4016',
  /** A long-running session could not be started: the identity provider returned no refresh token. */
  LongRunningSessionNotStarted: 'NIW4017',
  /** The store holding long-running sessions failed (read or write); the session is kept, retry later. */
  LongRunningSessionStoreFailed: 'NIW4018',
  /**
   * Azure AD B2C does not support the on-behalf-of flow (it answers AADB2C90086): a B2C-protected
   * API cannot call a downstream API as the user.
   */
  OnBehalfOfNotSupportedByB2C: 'NIW4023',
  /** A tenant was passed at call time, but the configured Azure AD B2C or External ID authority is one fixed tenant. */
  TenantOverrideNotSupported: 'NIW4024',

  // 6xxx downstream APIs (DownstreamApi, AuthorizationHeaderProvider).
  /** No downstream API is configured under the name given to `DownstreamApi` (a programming error, 500). */
  UnknownDownstreamApi: 'NIW6001',
  /** The downstream API answered with a non-2xx status (502, or 503 + `Retry-After` when it asked to retry later). */
  DownstreamApiRefused: 'NIW6002',
  /** The downstream API did not answer (headers and body) within its timeout (504). */
  DownstreamApiTimeout: 'NIW6003',
  /** The downstream API could not be reached or broke off its answer: DNS, TCP, TLS, reset (502). */
  DownstreamApiUnreachable: 'NIW6004',
  /** The downstream API answered 2xx with a body that is not what was asked for (not JSON) (502). */
  DownstreamApiInvalidResponse: 'NIW6005',
  /** The downstream API still answered a claims challenge after one retry with its claims, on an app call (502). */
  DownstreamApiClaimsChallenge: 'NIW6006',
  /** A call's arguments are invalid: a relative path leaving the base URL, an unsupported body (500). */
  InvalidDownstreamApiRequest: 'NIW6007',
  /** A `downstreamApis` entry (`DownstreamApis__<Name>__*`) is invalid: base URL, scopes, timeout, headers. */
  InvalidDownstreamApiOptions: 'NIW1012',
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
