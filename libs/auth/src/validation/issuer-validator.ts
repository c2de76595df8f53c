import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenValidationError } from '../errors/token-validation.error.js';

import { isTenantIdentifier } from '../tenant-id.util.js';

const TENANT_PLACEHOLDER = '{tenantid}';

/**
 * Port of `AadIssuerValidator.IsValidIssuer`: does `issuer` match `template` for tenant `tenantId`?
 *
 * With `{tenantid}` in the template, the token's issuer must equal the template with the tenant ID
 * substituted, checked piecewise so a literal `{tenantid}` in the token never matches (template
 * injection), and a tenant ID that is not a GUID or domain (`{tenantid}` itself, a path) never
 * matches either. Without it, exact ordinal equality. Case-sensitive; trailing slashes are significant.
 *
 * @example
 * ```ts
 * isValidIssuer('https://login.microsoftonline.com/{tenantid}/v2.0', tid, `https://login.microsoftonline.com/${tid}/v2.0`); // true
 * ```
 * @internal
 */
export function isValidIssuer(template: string, tenantId: string, issuer: string): boolean {
  if (!template || !issuer || !isTenantIdentifier(tenantId)) return false;
  const p = template.indexOf(TENANT_PLACEHOLDER);
  if (p < 0) return template === issuer;
  if (issuer.length <= p + tenantId.length) return false;
  if (!issuer.startsWith(template.slice(0, p))) return false;
  if (issuer.slice(p, p + tenantId.length) !== tenantId) return false;
  return issuer.slice(p + tenantId.length) === template.slice(p + TENANT_PLACEHOLDER.length);
}

/**
 * Validates a token's `iss` against the valid issuer templates (configured `validIssuers`, then the
 * v2 and v1 metadata issuers), like `AadIssuerValidator.Validate`.
 *
 * @throws TokenValidationError NIW3010 without a tenant ID, NIW3007 when nothing matches
 * @internal
 */
export function validateIssuer(issuer: unknown, tenantId: string | undefined, templates: readonly string[]): string {
  if (!tenantId) {
    throw TokenValidationError.create(
      AuthErrorCode.MissingTenantId,
      'The token has no tenant ID (tid).',
      'Entra ID access tokens always carry tid; this token was not issued by Microsoft Entra ID.',
    );
  }
  if (typeof issuer === 'string') {
    for (const template of templates) if (isValidIssuer(template, tenantId, issuer)) return issuer;
  }
  throw TokenValidationError.create(
    AuthErrorCode.InvalidIssuer,
    'The issuer is invalid.',
    'The token was issued by another tenant or cloud than this API is configured for. Check tenantId/instance, or add the issuer to validIssuers (v1 tokens: https://sts.windows.net/{tenantid}/).',
  );
}
