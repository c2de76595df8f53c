/**
 * A client secret of an app registration. A plain string is a secret that never expires.
 *
 * @example
 * ```ts
 * const secret: ClientSecretInput = { value: 'dev-secret', expiresAt: '2030-01-01T00:00:00Z' };
 * ```
 */
export type ClientSecretInput = string | { readonly value: string; readonly expiresAt?: string | Date };

/**
 * An app role an app registration defines (`appRoles` in the Entra manifest).
 *
 * @example
 * ```ts
 * const role: AppRoleInput = { value: 'TodoList.ReadWrite.All', allowedMemberTypes: ['Application'] };
 * ```
 */
export interface AppRoleInput {
  /** The role value that appears in the `roles` claim. */
  readonly value: string;
  /** Who can be assigned the role. Default: `['User', 'Application']`. */
  readonly allowedMemberTypes?: readonly ('User' | 'Application')[];
  /** Stable id of the role. Default: derived from the app and the value. */
  readonly id?: string;
}

/**
 * An optional access-token claim an app registration (as a resource) can ask for.
 * - `idtyp`: as Entra's optional claim, adds `idtyp: "user"` to delegated tokens (app-only tokens
 *   always carry `idtyp: "app"`).
 * - `amr`: an emulator extension (Entra never puts `amr` in v2 access tokens; v1 tokens always have it),
 *   for APIs that still read it while moving from v1 to v2.
 *
 * @example
 * ```ts
 * const claims: AccessTokenOptionalClaim[] = ['idtyp'];
 * ```
 */
export type AccessTokenOptionalClaim = 'idtyp' | 'amr';

/**
 * Permissions an app holds on another app (a resource), named by the resource's `name`, client id or
 * App ID URI.
 *
 * @example
 * ```ts
 * const p: PermissionGrantInput = { resource: 'todolist-service', scopes: ['access_as_user'] };
 * ```
 */
export interface PermissionGrantInput {
  /** The resource app: its `name`, client id or an App ID URI. */
  readonly resource: string;
  /** Delegated scopes (for `delegatedPermissions`). */
  readonly scopes?: readonly string[];
  /** Application permissions, i.e. app roles (for `appPermissions`). */
  readonly roles?: readonly string[];
}

/**
 * An app registration (and its service principal in every tenant of the directory).
 *
 * @example
 * ```ts
 * const app: AppRegistrationInput = {
 *   name: 'my-api',
 *   clientId: '11111111-0000-4000-8000-0000000000a1',
 *   appIdUri: 'api://my-api',
 *   secrets: ['my-api-dev-secret'],
 *   scopes: ['access_as_user'],
 *   accessTokenAcceptedVersion: 2,
 * };
 * ```
 */
export interface AppRegistrationInput {
  /** Short name used in logs, policies and permission grants. */
  readonly name: string;
  /** Application (client) id, a GUID. */
  readonly clientId: string;
  /** Display name. Default: `name`. */
  readonly displayName?: string;
  /** App ID URI (`identifierUris[0]`), e.g. `api://my-api`. */
  readonly appIdUri?: string;
  /** More identifier URIs. */
  readonly identifierUris?: readonly string[];
  /** Public client (no credentials; ROPC and authorization code with PKCE only). */
  readonly publicClient?: boolean;
  /** Client secrets. */
  readonly secrets?: readonly ClientSecretInput[];
  /** Client certificates (PEM, public part) accepted for client assertions. */
  readonly certificates?: readonly string[];
  /** Delegated scopes the app exposes (`oauth2PermissionScopes`), e.g. `access_as_user`. */
  readonly scopes?: readonly string[];
  /** App roles the app defines. */
  readonly appRoles?: readonly AppRoleInput[];
  /** `accessTokenAcceptedVersion` of the app as a resource: `1` (or absent) → v1 tokens, `2` → v2 tokens. */
  readonly accessTokenAcceptedVersion?: 1 | 2;
  /** Application permissions granted (admin consented) to this app on other apps. */
  readonly appPermissions?: readonly PermissionGrantInput[];
  /** Delegated scopes pre-consented for this app on other apps. */
  readonly delegatedPermissions?: readonly PermissionGrantInput[];
  /** Whether the delegated consent is granted. Default `true`; `false` makes every delegated request answer 65001. */
  readonly consentGranted?: boolean;
  /** Redirect URIs for the authorization code flow. Loopback URIs match on any port. */
  readonly redirectUris?: readonly string[];
  /** Optional claims of the app's access tokens (`optionalClaims.accessToken` in the manifest). */
  readonly optionalClaims?: { readonly accessToken?: readonly AccessTokenOptionalClaim[] };
}

/**
 * A user of a tenant.
 *
 * @example
 * ```ts
 * const user: UserInput = {
 *   name: 'alice',
 *   oid: '22222222-0000-4000-8000-000000000001',
 *   upn: 'alice@contoso.onmicrosoft.com',
 *   displayName: 'Alice Smith',
 *   password: 'alice-password',
 *   appRoles: { 'my-api': ['Admin.All'] },
 * };
 * ```
 */
export interface UserInput {
  /** Short name used in policies and logs. */
  readonly name: string;
  /** Object id, a GUID. */
  readonly oid: string;
  /** User principal name, also `preferred_username`. */
  readonly upn: string;
  /** Display name (`name` claim). Default: `name`. */
  readonly displayName?: string;
  /** Given name (v1 `given_name`). */
  readonly givenName?: string;
  /** Family name (v1 `family_name`). */
  readonly familyName?: string;
  /** Password for development sign-in (ROPC and the sign-in page). */
  readonly password?: string;
  /** App roles assigned to the user, by resource app (name, client id or App ID URI). */
  readonly appRoles?: Readonly<Record<string, readonly string[]>>;
  /** Directory role template ids (`wids`). */
  readonly wids?: readonly string[];
}

/**
 * A Conditional Access policy. `mfa` answers AADSTS50076 with a `claims` challenge unless the user
 * signed in with MFA; `block` answers AADSTS53003.
 *
 * @example
 * ```ts
 * const policy: ConditionalAccessPolicyInput = {
 *   id: '33333333-0000-4000-8000-000000000001',
 *   users: ['carol'],
 *   resources: ['todolist-service'],
 *   grant: 'mfa',
 * };
 * ```
 */
export interface ConditionalAccessPolicyInput {
  /** Policy id (a GUID), sent in the `capolids` claims challenge. Default: derived. */
  readonly id?: string;
  /** Users (name, oid or upn) the policy applies to. Absent: all users. */
  readonly users?: readonly string[];
  /** Resources (name, client id or App ID URI) the policy applies to. Absent: all resources. */
  readonly resources?: readonly string[];
  /** Scopes (values such as `access_as_user`) the policy applies to. Absent: all scopes. */
  readonly scopes?: readonly string[];
  /** What the policy requires. */
  readonly grant: 'mfa' | 'block';
}

/**
 * A tenant: its users and policies.
 *
 * @example
 * ```ts
 * const tenant: TenantInput = {
 *   name: 'contoso',
 *   id: '72f988bf-0000-4000-8000-000000000001',
 *   domain: 'contoso.onmicrosoft.com',
 *   users: [],
 * };
 * ```
 */
export interface TenantInput {
  /** Short name; also accepted in URLs in place of the id. */
  readonly name: string;
  /** Tenant id (`tid`), a GUID. */
  readonly id: string;
  /** Primary domain, e.g. `contoso.onmicrosoft.com`; also accepted in URLs. */
  readonly domain: string;
  /** Users of the tenant. */
  readonly users?: readonly UserInput[];
  /** Conditional Access policies. */
  readonly policies?: readonly ConditionalAccessPolicyInput[];
  /**
   * What the tenant emulates (default `entra`):
   * - `ciam`: a Microsoft Entra External ID tenant: tokens and metadata carry the issuer
   *   `https://{tid}.ciamlogin.com/{tid}/v2.0` (a name only: nothing is served there);
   * - `b2c`: an Azure AD B2C tenant: endpoints under `/{tenant}/{userFlow}/` (or `?p={userFlow}`),
   *   issuer `{base}/{tid}/v2.0/`, access tokens `ver` 1.0 with `tfp` (or `acr`) and no `tid`;
   *   on-behalf-of answers AADB2C90086.
   */
  readonly kind?: 'entra' | 'ciam' | 'b2c';
  /** `b2c`: the user flows and custom policies served, e.g. `['B2C_1_susi']` (at least one). */
  readonly userFlows?: readonly string[];
  /** `b2c`: the claim that names the user flow in tokens. Default `tfp`. */
  readonly policyClaim?: 'tfp' | 'acr';
}

/**
 * The whole directory the emulator serves. App registrations are global: each has a service principal
 * in every tenant (as multi-tenant apps do).
 *
 * @example
 * ```ts
 * import { DEFAULT_DIRECTORY, type DirectoryInput } from '@nest-identity-web/entra-emulator';
 * const directory: DirectoryInput = { ...DEFAULT_DIRECTORY, apps: [...DEFAULT_DIRECTORY.apps] };
 * ```
 */
export interface DirectoryInput {
  /** Tenants. The first is the default. */
  readonly tenants: readonly TenantInput[];
  /** App registrations. */
  readonly apps: readonly AppRegistrationInput[];
}
