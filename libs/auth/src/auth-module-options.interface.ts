import type { DownstreamApiOptions } from './downstream-api/downstream-api-options.interface.js';
import type { IdentityProviderTransport } from './http/identity-provider-transport.interface.js';
import type {
  ClientAssertionCallback,
  ClientCertificateCredential,
  ClientCertificateLoader,
} from './token-acquisition/client-credentials.interface.js';
import type { LongRunningSessionOptions } from './token-acquisition/long-running/long-running-session-options.interface.js';
import type { TokenCacheOptions } from './token-cache/token-cache-options.interface.js';

/**
 * Options of {@link AuthModule}, in the shape of Microsoft.Identity.Web's `AzureAd` section
 * (camelCase).
 *
 * @example
 * ```ts
 * AuthModule.forRoot({
 *   instance: 'https://login.microsoftonline.com/',
 *   tenantId: 'contoso.onmicrosoft.com',
 *   clientId: '00000000-0000-0000-0000-000000000001',
 * });
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/scenario-protected-web-api-app-configuration
 */
export interface AuthModuleOptions {
  /**
   * The cloud instance, e.g. `https://login.microsoftonline.com/`. Must be https.
   * @default 'https://login.microsoftonline.com/'
   */
  instance?: string;
  /**
   * Tenant ID (GUID), domain, `common` or `organizations`. Microsoft Entra External ID: the tenant
   * GUID or `<tenant>.onmicrosoft.com`, or leave it empty with `instance`
   * `https://<tenant>.ciamlogin.com/`. Azure AD B2C: use `domain` instead.
   */
  tenantId: string;
  /**
   * The full authority, instead of `instance` + `tenantId` (Microsoft.Identity.Web's `Authority`),
   * e.g. `https://contoso.ciamlogin.com/contoso.onmicrosoft.com` or, for Azure AD B2C,
   * `https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi`. A trailing `/v2.0` is ignored.
   * Given together with `instance`, `tenantId`, `domain` or `signUpSignInPolicyId`, they must agree.
   * @example
   * ```ts
   * AuthModule.forRoot({ authority: 'https://contoso.ciamlogin.com/contoso.onmicrosoft.com', tenantId: '', clientId });
   * ```
   * @see https://learn.microsoft.com/entra/external-id/customers/concept-authentication-methods-customers
   */
  authority?: string;
  /**
   * Azure AD B2C: the tenant's domain, e.g. `contoso.onmicrosoft.com` (`AzureAdB2C__Domain`).
   * @example
   * ```ts
   * AuthModule.forRoot({
   *   instance: 'https://contoso.b2clogin.com/',
   *   domain: 'contoso.onmicrosoft.com',
   *   signUpSignInPolicyId: 'B2C_1_susi',
   *   tenantId: '',
   *   clientId,
   * });
   * ```
   */
  domain?: string;
  /**
   * Azure AD B2C: the sign-up/sign-in user flow or custom policy (`B2C_1_…`, `B2C_1A_…`). Setting it
   * selects B2C: the authority is `{instance}{domain}/{policy}`, access tokens must carry this policy
   * (or `resetPasswordPolicyId`, `editProfilePolicyId`) in `tfp` (else `acr`), their audience is
   * `clientId`, and on-behalf-of is refused (B2C does not support it).
   * @example
   * ```ts
   * AuthModule.forRoot({ ...b2cOptions, signUpSignInPolicyId: 'B2C_1_susi' });
   * ```
   * @see https://learn.microsoft.com/azure/active-directory-b2c/tokens-overview
   */
  signUpSignInPolicyId?: string;
  /**
   * Azure AD B2C: the password-reset policy; its tokens are accepted too.
   * @example
   * ```ts
   * AuthModule.forRoot({ ...b2cOptions, resetPasswordPolicyId: 'B2C_1_reset' });
   * ```
   */
  resetPasswordPolicyId?: string;
  /**
   * Azure AD B2C: the profile-editing policy; its tokens are accepted too.
   * @example
   * ```ts
   * AuthModule.forRoot({ ...b2cOptions, editProfilePolicyId: 'B2C_1_edit' });
   * ```
   */
  editProfilePolicyId?: string;
  /** Application (client) ID of this API's app registration. */
  clientId: string;
  /**
   * Extra CA certificates (PEM) to trust for the identity provider, on top of Node's roots, without
   * changing process-wide TLS settings. For the local emulator or a TLS-inspecting proxy.
   * @example
   * ```ts
   * AuthModule.forRoot({ ...options, trustedCa: [emulator.caCertPem] });
   * ```
   */
  trustedCa?: readonly string[];

  // --- incoming token validation (validation/, authorization/) ---

  /**
   * The one audience this API accepts besides the defaults (`clientId` for v2 tokens,
   * `api://{clientId}` for v1 tokens), e.g. a custom App ID URI.
   * @example
   * ```ts
   * AuthModule.forRoot({ ...options, audience: 'api://my-api' });
   * ```
   * @see https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference#payload-claims
   */
  audience?: string;
  /**
   * Audiences accepted in addition to `audience` and the defaults by token version.
   * @example
   * ```ts
   * AuthModule.forRoot({ ...options, audiences: ['api://my-api', 'https://contoso.com/my-api'] });
   * ```
   */
  audiences?: readonly string[];
  /**
   * Multi-tenant APIs (`tenantId` `common` or `organizations`): the tenant IDs (GUIDs, the `tid`
   * claim) allowed to call. Unset means every tenant whose token passes the other rules.
   * @example
   * ```ts
   * AuthModule.forRoot({ ...options, tenantId: 'organizations', allowedTenants: ['72f988bf-...'] });
   * ```
   */
  allowedTenants?: readonly string[];
  /**
   * Extra valid issuers, exact or with a `{tenantid}` placeholder, accepted besides the issuers of
   * the tenant's v2 and v1 metadata.
   * @example
   * ```ts
   * AuthModule.forRoot({ ...options, validIssuers: ['https://sts.windows.net/{tenantid}/'] });
   * ```
   */
  validIssuers?: readonly string[];
  /**
   * Allowed clock difference with the identity provider for `exp` and `nbf`, in seconds.
   * @default 300
   */
  clockSkewSeconds?: number;
  /**
   * How incoming tokens are validated: `'entra'` (default; our validator on `jose`) or
   * `'passport-azure-ad'` (its `BearerStrategy`, an optional peer dependency, for migrations).
   * @default 'entra'
   */
  strategy?: 'entra' | 'passport-azure-ad';
  /**
   * Accept tokens that carry neither `scp` nor `roles` (Microsoft.Identity.Web's
   * `AllowWebApiToBeAuthorizedByACL`). Off by default: such tokens usually come from a tenant where
   * the API was never consented.
   * @default false
   */
  allowWebApiToBeAuthorizedByACL?: boolean;
  /**
   * Maximum number of already-validated tokens remembered (keyed by a SHA-256 of the token, until
   * `exp`), so a repeated token costs a hash and a map lookup. `0` disables the cache.
   * @default 10000
   */
  validatedTokenCacheSize?: number;
  /**
   * How often the metadata and JWKS are refreshed in the background, in seconds.
   * @default 43200 (12 hours)
   */
  metadataRefreshIntervalSeconds?: number;
  /**
   * Minimum interval between two JWKS refetches caused by a token with an unknown `kid`, in seconds.
   * @default 30
   */
  unknownKeyRefreshIntervalSeconds?: number;
  /**
   * Where `@RequiredScopes({ configKey })` and similar look keys up: `process.env` (default), a plain
   * record, or anything with `get(key)` such as `ConfigService`.
   * @default process.env
   */
  configuration?: Readonly<Record<string, string | undefined>> | { get(key: string): unknown };

  // --- token acquisition (token-acquisition/, token-cache/) ---

  /**
   * Client secret of this API's app registration. Configure exactly one credential among
   * `clientSecret`, `clientCertificate`, `clientAssertion` and `signedAssertionFilePath`.
   * @see https://learn.microsoft.com/entra/identity-platform/howto-create-service-principal-portal
   */
  clientSecret?: string;
  /**
   * Certificate credential (PEM key + certificate), or a loader that is called again after the
   * identity provider rejects the certificate (rotation).
   * @example
   * ```ts
   * clientCertificate: { privateKeyPem, certificatePem, sendX5c: true }
   * ```
   */
  clientCertificate?: ClientCertificateCredential | ClientCertificateLoader;
  /** Callback returning a signed client assertion (federated credential). */
  clientAssertion?: ClientAssertionCallback;
  /**
   * Path of a file holding a signed client assertion, re-read every 5 minutes and after a rejection:
   * Kubernetes workload identity mounts it at `AZURE_FEDERATED_TOKEN_FILE`.
   * @example
   * ```ts
   * signedAssertionFilePath: process.env.AZURE_FEDERATED_TOKEN_FILE
   * ```
   */
  signedAssertionFilePath?: string;
  /**
   * Client capabilities sent with every token request (`xms_cc`); `cp1` declares that this API handles
   * claims challenges, so Entra can issue CAE (long-lived, revocable) tokens.
   * @default ['cp1']
   */
  clientCapabilities?: readonly string[];
  /**
   * Home tenant of the app, used for app tokens when `tenantId` is `common` or `organizations`.
   */
  appHomeTenantId?: string;
  /** Token cache: L1 bounds, refresh margin, refresh-ahead, optional L2 store. */
  tokenCache?: TokenCacheOptions;
  /** Timeout of each identity-provider request made for token acquisition, in ms. @default 10000 */
  tokenRequestTimeoutMs?: number;
  /** Long-running on-behalf-of sessions (`LongRunningSessions`): maximum age. */
  longRunningSessions?: LongRunningSessionOptions;
  /**
   * Transport to the identity provider, for everything the library fetches: OpenID metadata and
   * JWKS (incoming validation with the `entra` strategy) and the token endpoint (token acquisition).
   * Default: a keep-alive HTTPS client with timeouts that trusts `trustedCa`. Replace it to route
   * through a proxy, to trace, or to stub the identity provider.
   * @example
   * ```ts
   * AuthModule.forRoot({ ...options, identityProviderTransport: new TracingTransport(inner) });
   * ```
   */
  identityProviderTransport?: IdentityProviderTransport;

  // --- downstream APIs (downstream-api/) ---

  /**
   * Named downstream APIs for `DownstreamApi` (Microsoft.Identity.Web's `DownstreamApis` section;
   * `loadAzureAdOptions` reads `DownstreamApis__<Name>__*` settings into it). Names are
   * case-insensitive. Validated at bootstrap (NIW1012).
   * @example
   * ```ts
   * AuthModule.forRoot({
   *   ...options,
   *   downstreamApis: { Graph: { baseUrl: 'https://graph.microsoft.com/v1.0', scopes: ['https://graph.microsoft.com/.default'] } },
   * });
   * ```
   */
  downstreamApis?: Readonly<Record<string, DownstreamApiOptions>>;
}
