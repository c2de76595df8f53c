import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenAcquisitionError } from '../errors/token-acquisition.error.js';
import { isMetaTenant, isTenantIdentifier } from '../tenant-id.util.js';

/**
 * Validates a tenant given at call time (GUID or domain).
 * @throws TokenAcquisitionError NIW4011
 * @internal
 */
export function checkTenant(tenant: string): string {
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
