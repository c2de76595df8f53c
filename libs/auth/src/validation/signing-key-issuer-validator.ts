import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenValidationError } from '../errors/token-validation.error.js';
import type { JwtClaims } from '../principal/entra-claims.util.js';

/** The fields of a JWK that the signing-key issuer check reads. @internal */
export interface SigningKeyInfo {
  readonly issuer?: unknown;
  readonly cloud_instance_name?: unknown;
}

/**
 * Port of `AadTokenValidationParametersExtension.ValidateIssuerSigningKey` (IDX40004/5/9/11) plus the
 * cloud-instance check (IDX40012): a key that Entra published for one tenant or cloud must not
 * validate tokens that claim another.
 *
 * @param key the JWK that verified the token (may be undefined: nothing to check)
 * @param claims the token's claims
 * @param configurationIssuer the metadata issuer (may contain `{tenantid}`); covers v1 tokens
 *   validated with v2 keys
 * @param configurationCloudInstance the metadata's `cloud_instance_name`, if any
 * @throws TokenValidationError NIW3010, NIW3015, NIW3016, NIW3009 or NIW3017
 * @internal
 */
export function validateSigningKeyIssuer(
  key: SigningKeyInfo | undefined,
  claims: JwtClaims,
  configurationIssuer?: string,
  configurationCloudInstance?: string,
): void {
  if (!key) return;
  if (
    typeof key.cloud_instance_name === 'string' &&
    configurationCloudInstance &&
    key.cloud_instance_name !== configurationCloudInstance
  ) {
    throw TokenValidationError.create(
      AuthErrorCode.SigningKeyCloudMismatch,
      'The signing key belongs to another cloud instance.',
      'The JWKS mixes keys of several clouds; check the instance option.',
    );
  }
  if (typeof key.issuer !== 'string' || !key.issuer.trim()) return;
  const tidNames = Object.keys(claims).filter((k) => k.toLowerCase() === 'tid');
  if (tidNames.length > 1) {
    throw TokenValidationError.create(
      AuthErrorCode.DuplicateTenantIdClaim,
      'The token carries more than one tenant ID claim.',
    );
  }
  const tid = claims.tid;
  if (typeof tid !== 'string' || !tid) {
    throw TokenValidationError.create(AuthErrorCode.MissingTenantId, 'The token has no tenant ID (tid).');
  }
  const iss = typeof claims.iss === 'string' ? claims.iss : '';
  if (!iss.includes(tid)) {
    throw TokenValidationError.create(
      AuthErrorCode.IssuerTenantMismatch,
      "The issuer does not contain the token's tenant ID.",
    );
  }
  const effective = key.issuer.replace('{tenantid}', tid);
  if (effective === iss) return;
  if (configurationIssuer && effective === configurationIssuer.replace('{tenantid}', tid)) return;
  throw TokenValidationError.create(
    AuthErrorCode.SigningKeyIssuerMismatch,
    "The signing key's issuer does not match the token's issuer.",
    'The token was signed with a key that Microsoft Entra ID published for another tenant or cloud.',
  );
}
