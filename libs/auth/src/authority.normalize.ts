import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { AuthErrorCode, type AuthErrorCodeValue } from './errors/auth-error-codes.js';
import { AuthConfigurationError } from './errors/auth.error.js';
import { isMetaTenant, isTenantIdentifier } from './tenant-id.util.js';

/**
 * The kind of identity provider an authority names:
 * - `entra`: Microsoft Entra ID (workforce), `https://login.microsoftonline.com/{tenant}`;
 * - `ciam`: Microsoft Entra External ID for customers, `https://{tenant}.ciamlogin.com/{tenant}`;
 * - `b2c`: Azure AD B2C, `https://{tenant}.b2clogin.com/{domain}/{policy}` (or a custom domain).
 * @internal
 */
export type AuthorityKind = 'entra' | 'ciam' | 'b2c';

/**
 * The authority after validation. Everything that builds a URL (metadata, msal-node's authority)
 * appends `tenantPath` to `instance`.
 * @internal
 */
export interface NormalizedAuthority {
  readonly kind: AuthorityKind;
  /** The login host (and any path prefix), with a trailing slash. */
  readonly instance: string;
  /** The tenant as configured: a tenant ID, a domain or a meta-tenant; the B2C `domain`. */
  readonly tenant: string;
  /** The authority's path after `instance`: the tenant, or `{domain}/{policy}` for B2C. */
  readonly tenantPath: string;
  /** B2C: the sign-up/sign-in policy, the one of the authority (as configured). */
  readonly policy: string | undefined;
  /** B2C: every accepted policy (sign-up/sign-in, reset password, edit profile), lower-cased. */
  readonly policies: readonly string[];
  /** `{instance}{tenantPath}`: msal-node's authority, and the base of the v2 metadata URL. */
  readonly authority: string;
}

/** Azure AD B2C user flows (`B2C_1_`) and custom policies (`B2C_1A_`), as passport-azure-ad checks them. */
const B2C_POLICY = /^b2c_1a?_[0-9a-z._-]+$/i;
const CIAM_HOST = /^([a-z0-9-]+)\.ciamlogin\.com$/i;
const B2C_HOST = /\.b2clogin\.com$/i;

/**
 * Builds the authority like Microsoft.Identity.Web's `BuildAuthority` (`{instance}{tenant}`;
 * B2C `{instance}{domain}/{policy}`) and `BuildCiamAuthorityIfNeeded` (an External ID instance
 * `https://contoso.ciamlogin.com/` without a tenant stands for `contoso.onmicrosoft.com`).
 *
 * B2C is selected by a policy (`signUpSignInPolicyId`, or the second path segment of `authority`),
 * External ID by a `*.ciamlogin.com` host; a custom domain in front of either works with the same
 * options. `authority` (Microsoft.Identity.Web's `Authority`) may replace `instance` + `tenantId`
 * (+ policy); given together they must agree. A trailing `/v2.0` is ignored.
 *
 * @throws AuthConfigurationError NIW1002/NIW1003 (instance, tenant), NIW1025 (B2C policy),
 *   NIW1026 (B2C domain), NIW1027 (authority), NIW1029 (a multi-tenant setting on CIAM/B2C)
 * @internal
 */
export function normalizeAuthority(options: AuthModuleOptions): NormalizedAuthority {
  const fromAuthority = options.authority !== undefined ? splitAuthority(options.authority) : undefined;
  if (fromAuthority && options.instance !== undefined && !sameInstance(options.instance, fromAuthority.instance)) {
    throw fail(
      AuthErrorCode.InvalidAuthority,
      `authority '${options.authority}' is not under instance '${options.instance}'.`,
      [
        'Set either authority, or instance with tenantId (B2C: domain and signUpSignInPolicyId), not conflicting values.',
      ],
    );
  }
  const instance = fromAuthority?.instance ?? checkInstance(options.instance ?? 'https://login.microsoftonline.com/');
  const host = new URL(instance).hostname;
  const configuredTenant = nonEmpty(options.tenantId);
  const configuredPolicy = nonEmpty(options.signUpSignInPolicyId);
  const authorityPolicy = fromAuthority?.segments[1];
  if (authorityPolicy && configuredPolicy && authorityPolicy.toLowerCase() !== configuredPolicy.toLowerCase()) {
    throw fail(
      AuthErrorCode.InvalidAuthority,
      `authority names policy '${authorityPolicy}' but signUpSignInPolicyId is '${configuredPolicy}'.`,
      ['Remove signUpSignInPolicyId, or use the same policy in both.'],
    );
  }
  const policy = authorityPolicy ?? configuredPolicy;

  if (policy !== undefined || B2C_HOST.test(host)) {
    const domain = fromAuthority?.segments[0] ?? nonEmpty(options.domain) ?? configuredTenant;
    if (
      fromAuthority &&
      options.domain !== undefined &&
      nonEmpty(options.domain)?.toLowerCase() !== domain?.toLowerCase()
    ) {
      throw fail(
        AuthErrorCode.InvalidAuthority,
        `authority names domain '${domain}' but domain is '${options.domain}'.`,
        ['Remove domain, or use the same tenant in both.'],
      );
    }
    if (!domain || !isTenantIdentifier(domain)) {
      throw fail(AuthErrorCode.InvalidB2CDomain, 'Azure AD B2C needs the tenant domain (domain).', [
        'Set AzureAdB2C__Domain (or options.domain) to the B2C tenant, e.g. contoso.onmicrosoft.com.',
      ]);
    }
    if (isMetaTenant(domain)) throw multiTenant(`domain '${domain}'`);
    if (!policy) {
      throw fail(
        AuthErrorCode.InvalidB2CPolicy,
        `instance '${instance}' is an Azure AD B2C host but no policy is set.`,
        ['Set AzureAdB2C__SignUpSignInPolicyId (or options.signUpSignInPolicyId) to the user flow, e.g. B2C_1_susi.'],
      );
    }
    const policies = [policy, nonEmpty(options.resetPasswordPolicyId), nonEmpty(options.editProfilePolicyId)];
    for (const p of policies) if (p !== undefined && !B2C_POLICY.test(p)) throw badPolicy(p);
    const accepted = [...new Set(policies.filter((p): p is string => !!p).map((p) => p.toLowerCase()))];
    return b2c(instance, domain, policy, accepted);
  }
  const ciam = CIAM_HOST.exec(host);
  const fromPath = fromAuthority?.segments[0];
  if (fromPath && configuredTenant && fromPath.toLowerCase() !== configuredTenant.toLowerCase()) {
    throw fail(
      AuthErrorCode.InvalidAuthority,
      `authority names tenant '${fromPath}' but tenantId is '${configuredTenant}'.`,
      ['Remove tenantId, or use the same tenant in both.'],
    );
  }
  // BuildCiamAuthorityIfNeeded: https://contoso.ciamlogin.com/ stands for contoso.onmicrosoft.com.
  const tenant = fromPath ?? configuredTenant ?? (ciam ? `${ciam[1]!.toLowerCase()}.onmicrosoft.com` : undefined);
  if (!isTenantIdentifier(tenant)) {
    throw fail(AuthErrorCode.InvalidTenantId, 'tenantId is missing or malformed.', [
      'Set AzureAd__TenantId to a tenant GUID, a verified domain, "organizations" or "common".',
      'Microsoft Entra External ID: the tenant GUID or <tenant>.onmicrosoft.com, or only instance https://<tenant>.ciamlogin.com/.',
    ]);
  }
  const kind: AuthorityKind = ciam ? 'ciam' : 'entra';
  if (kind === 'ciam' && isMetaTenant(tenant)) throw multiTenant(`tenantId '${tenant}'`);
  return {
    kind,
    instance,
    tenant,
    tenantPath: tenant,
    policy: undefined,
    policies: [],
    authority: `${instance}${tenant}`,
  };
}

/**
 * Refuses the multi-tenant settings on an External ID or B2C authority (single tenants).
 * @throws AuthConfigurationError NIW1029
 * @internal
 */
export function checkSingleTenantSettings(authority: NormalizedAuthority, options: AuthModuleOptions): void {
  if (authority.kind === 'entra') return;
  if (options.allowedTenants !== undefined) throw multiTenant('allowedTenants');
  if (nonEmpty(options.appHomeTenantId) !== undefined) throw multiTenant('appHomeTenantId');
}

function b2c(instance: string, domain: string, policy: string, policies: string[]): NormalizedAuthority {
  const tenantPath = `${domain}/${policy}`;
  return { kind: 'b2c', instance, tenant: domain, tenantPath, policy, policies, authority: `${instance}${tenantPath}` };
}

function splitAuthority(value: unknown): { instance: string; segments: string[] } {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || url.search || url.hash || url.username || url.password) {
    throw fail(AuthErrorCode.InvalidAuthority, 'authority must be an https URL without query, fragment or user info.', [
      'E.g. https://contoso.ciamlogin.com/contoso.onmicrosoft.com or https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi.',
    ]);
  }
  const segments = url.pathname.split('/').filter(Boolean);
  // EnsureAuthorityIsV2 appends /v2.0; the base authority is what msal-node and the metadata need.
  if (segments.length && segments[segments.length - 1]!.toLowerCase() === 'v2.0') segments.pop();
  // The tenant, then (B2C) the policy, checked with the other policies.
  if (segments.length > 2 || (segments[0] !== undefined && !isTenantIdentifier(segments[0]))) {
    throw fail(AuthErrorCode.InvalidAuthority, `authority '${url.href}' has a malformed path segment.`, [
      'Use https://{host}/{tenant} or, for Azure AD B2C, https://{host}/{domain}/{policy}.',
    ]);
  }
  if (segments.length === 0 && !CIAM_HOST.test(url.hostname)) {
    throw fail(AuthErrorCode.InvalidAuthority, `authority '${url.href}' names no tenant.`, [
      'Append the tenant: https://{host}/{tenant ID or domain}.',
    ]);
  }
  return { instance: `${url.origin}/`, segments };
}

function checkInstance(instance: string): string {
  let url: URL;
  try {
    url = new URL(instance);
  } catch (cause) {
    throw AuthConfigurationError.create(
      AuthErrorCode.InvalidInstance,
      `instance '${instance}' is not a URL.`,
      ["Use the cloud's login host, e.g. https://login.microsoftonline.com/."],
      { cause },
    );
  }
  if (url.protocol !== 'https:') {
    throw fail(AuthErrorCode.InvalidInstance, `instance '${instance}' must use https.`, [
      'Microsoft Entra ID and msal-node only accept https authorities; for local tests use the emulator, which serves https.',
    ]);
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

function sameInstance(instance: string, authorityInstance: string): boolean {
  try {
    return new URL(instance).origin === new URL(authorityInstance).origin;
  } catch {
    return false;
  }
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function badPolicy(policy: string): AuthConfigurationError {
  return fail(AuthErrorCode.InvalidB2CPolicy, `'${policy}' is not an Azure AD B2C policy name.`, [
    'Use the user flow or custom policy name as shown in the Azure portal: B2C_1_<name> or B2C_1A_<name>.',
  ]);
}

function multiTenant(setting: string): AuthConfigurationError {
  return fail(
    AuthErrorCode.MultiTenantSettingNotSupported,
    `${setting} does not apply to an External ID or B2C tenant.`,
    [
      'External ID (ciamlogin.com) and Azure AD B2C tenants are single tenants: use the tenant ID or domain, and remove allowedTenants / appHomeTenantId.',
    ],
  );
}

function fail(code: AuthErrorCodeValue, message: string, solutions: string[]): AuthConfigurationError {
  return AuthConfigurationError.create(code, message, solutions);
}
