import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenValidationError } from '../errors/token-validation.error.js';
import type { JwtClaims } from '../principal/entra-claims.util.js';

/**
 * The tenant of an Azure AD B2C token: `tid` if present (B2C access tokens have none), else the
 * issuer's single tenant segment, `https://{host}/{tenant}/v2.0/` (the path of exactly three
 * `Uri.Segments`, as `AadIssuerValidator.GetTenantIdFromIss`). A legacy `tfp` issuer,
 * `https://{host}/tfp/{tenant}/{policy}/v2.0/`, is refused (IDX40002).
 *
 * @example
 * ```ts
 * b2cTenantIdOf({ iss: 'https://fabrikamb2c.b2clogin.com/775527ff-9a37-4307-8b3d-cc311f58d925/v2.0/' });
 * // '775527ff-9a37-4307-8b3d-cc311f58d925'
 * ```
 * @throws TokenValidationError NIW3022 for a `tfp` issuer, NIW3010 when no tenant can be read
 * @internal
 */
export function b2cTenantIdOf(claims: JwtClaims): string {
  const tid = claims.tid;
  if (typeof tid === 'string' && tid) return tid;
  let segments: string[] = [];
  try {
    if (typeof claims.iss === 'string') segments = new URL(claims.iss).pathname.split('/').filter(Boolean);
  } catch {
    segments = [];
  }
  if (segments.length === 4 && segments[0]!.toLowerCase() === 'tfp') {
    throw TokenValidationError.create(
      AuthErrorCode.B2CTrustFrameworkIssuer,
      'The token has a tfp issuer, which is not supported.',
      "In the B2C user flow's token settings, set the issuer (iss) claim to the format https://<domain>/<tenant-id>/v2.0/.",
    );
  }
  if (segments.length === 2 && segments[0] && segments[1]?.toLowerCase() === 'v2.0') return segments[0];
  throw TokenValidationError.create(
    AuthErrorCode.MissingTenantId,
    'Neither the tid claim nor the issuer gives the token a tenant.',
    'Azure AD B2C issuers have the form https://<domain>/<tenant-id>/v2.0/; this token was not issued by Azure AD B2C.',
  );
}

/**
 * The B2C rules Microsoft.Identity.Web applies beside the issuer: the audience is the client ID
 * (whatever `ver`, B2C access tokens are `1.0`) or a configured audience, and the policy claim —
 * `tfp`, else `acr` (B2C writes the user flow into one of them, as set in the user flow) — names
 * one of the configured policies (case-insensitive, as B2C policy names are).
 *
 * @example
 * ```ts
 * validateB2CClaims(claims, clientId, [], ['b2c_1_susi']); // the tenant ID from the issuer
 * ```
 * @throws TokenValidationError NIW3006 (audience), NIW3023 (policy), NIW3022/NIW3010 (tenant)
 * @internal
 */
export function validateB2CClaims(
  claims: JwtClaims,
  clientId: string,
  audiences: readonly string[],
  policies: readonly string[],
): string {
  const aud = Array.isArray(claims.aud) && claims.aud.length === 1 ? (claims.aud[0] as unknown) : claims.aud;
  if (typeof aud !== 'string' || (aud !== clientId && !audiences.includes(aud))) {
    throw TokenValidationError.create(
      AuthErrorCode.InvalidAudience,
      'The audience is invalid.',
      "Azure AD B2C access tokens must be issued for this API's client ID: the client must request a scope of this API (https://<tenant>.onmicrosoft.com/<api>/<scope>).",
    );
  }
  const policy = typeof claims.tfp === 'string' ? claims.tfp : claims.acr;
  if (typeof policy !== 'string' || !policies.includes(policy.toLowerCase())) {
    throw TokenValidationError.create(
      AuthErrorCode.B2CPolicyMismatch,
      'The token was not issued by a configured user flow or policy.',
      'Accept the policy with signUpSignInPolicyId, resetPasswordPolicyId or editProfilePolicyId, or have the client sign in with the configured user flow.',
    );
  }
  return b2cTenantIdOf(claims);
}
