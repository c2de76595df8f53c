import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenAcquisitionError } from '../errors/token-acquisition.error.js';
import { isMetaTenant, isTenantIdentifier } from '../tenant-id.util.js';

/** The kind of the configured authority, as token acquisition sees it. @internal */
export type AuthorityKindSetting = 'entra' | 'ciam' | 'b2c';

/**
 * Azure AD B2C has no on-behalf-of flow (AADB2C90086): refuse before asking it.
 * @throws TokenAcquisitionError NIW4023 for a B2C authority
 * @internal
 */
export function checkOnBehalfOfSupported(authorityKind: AuthorityKindSetting = 'entra'): void {
  if (authorityKind !== 'b2c') return;
  throw TokenAcquisitionError.create(
    AuthErrorCode.OnBehalfOfNotSupportedByB2C,
    'Azure AD B2C does not support the on-behalf-of flow, so no token can be acquired for the user.',
    [
      'Call the downstream API with an app token (getAccessTokenForApp with https://<tenant>.onmicrosoft.com/<api>/.default), passing what it needs about the user yourself.',
      'Or have the client request a token for the downstream API directly; or move to Microsoft Entra External ID, which supports on-behalf-of.',
    ],
    { flow: 'onBehalfOf' },
  );
}

/**
 * Validates a tenant given at call time (GUID or domain).
 * @throws TokenAcquisitionError NIW4011
 * @internal
 */
export function checkTenant(tenant: string, authorityKind: AuthorityKindSetting = 'entra'): string {
  if (authorityKind !== 'entra') {
    throw TokenAcquisitionError.create(
      AuthErrorCode.TenantOverrideNotSupported,
      `A tenant cannot be chosen at call time with an ${authorityKind === 'b2c' ? 'Azure AD B2C' : 'External ID'} authority.`,
      [
        'Remove the tenant option: the configured tenant is the only one (configure another AuthModule for another tenant).',
      ],
    );
  }
  if (!isTenantIdentifier(tenant)) {
    throw TokenAcquisitionError.create(AuthErrorCode.InvalidTenant, 'The tenant passed at call time is malformed.', [
      'Pass a tenant ID (GUID) or a verified domain such as contoso.onmicrosoft.com.',
    ]);
  }
  return tenant;
}

/**
 * The tenant of an app token, as Microsoft.Identity.Web's `ResolveTenant`: an explicit tenant
 * wins (but not a meta-tenant); a configured `common` / `organizations` falls back to the app's
 * home tenant; a meta-tenant that remains is an error (client credentials need a real tenant).
 * @throws TokenAcquisitionError NIW4004
 * @internal
 */
export function resolveAppTenant(
  override: string | undefined,
  configured: string | undefined,
  appHomeTenantId: string | undefined,
): string | undefined {
  if (override) {
    if (isMetaTenant(override)) throw metaTenant(override);
    return override;
  }
  if (!configured) return undefined;
  if (!isMetaTenant(configured)) return configured;
  if (appHomeTenantId) return appHomeTenantId;
  throw metaTenant(configured);
}

function metaTenant(tenant: string): TokenAcquisitionError {
  return TokenAcquisitionError.create(
    AuthErrorCode.MetaTenantNotAllowed,
    `App tokens cannot be requested for the '${tenant}' tenant.`,
    [
      'Pass a specific tenant: getAccessTokenForApp(scope, { tenant: "<tenant id or domain>" }).',
      'Or set appHomeTenantId (AzureAd__AppHomeTenantId) when tenantId is common or organizations.',
    ],
    { flow: 'clientCredentials', tenantId: tenant },
  );
}
