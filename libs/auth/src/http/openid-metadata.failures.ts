import type { AuthError } from '../errors/auth.error.js';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import { TokenAcquisitionError } from '../errors/token-acquisition.error.js';
import type { JsonDocumentResult } from './openid-document.js';
import { retryAfterSeconds } from './retry-after.util.js';

/**
 * Incoming validation's reading of a fetch: anything but a JSON object means the identity provider
 * is unavailable (503): `NIW3020` without a usable answer, `NIW3021` for an unusable one.
 * @throws IdentityProviderUnavailableError
 * @internal
 */
export function documentForValidation(
  result: JsonDocumentResult,
  url: string,
  what: string,
): Readonly<Record<string, unknown>> {
  switch (result.kind) {
    case 'ok':
      return result.document;
    case 'unreachable':
      throw new IdentityProviderUnavailableError(
        `The identity provider ${what} at ${url} is unreachable (${result.reason})`,
        5,
        { code: AuthErrorCode.IdentityProviderUnavailable, cause: result.cause },
      );
    case 'status':
      throw new IdentityProviderUnavailableError(
        `The identity provider ${what} at ${url} answered HTTP ${result.status}`,
        retryAfterSeconds(result.headers, 5),
        { code: AuthErrorCode.IdentityProviderUnavailable },
      );
    case 'not-json':
      throw new IdentityProviderUnavailableError(`The identity provider ${what} at ${url} is not a JSON object`, 5, {
        code: AuthErrorCode.InvalidIdentityProviderMetadata,
      });
  }
}

/**
 * Token acquisition's reading of a failed or unusable metadata fetch for `tenant`: no answer,
 * 429 or 5xx is `NIW4008` (503, retry later); any other answer means there is no such tenant
 * (`NIW4011`).
 * @internal
 */
export function authorityFailure(result: JsonDocumentResult, url: string, tenant: string): AuthError {
  if (result.kind === 'unreachable') {
    const cause = result.cause;
    return new IdentityProviderUnavailableError(
      `metadata ${url} unreachable (${cause instanceof Error ? cause.message : String(cause)})`,
      10,
      { code: AuthErrorCode.TokenEndpointUnavailable, details: { tenantId: tenant }, cause },
    );
  }
  if (result.kind === 'status' && (result.status === 429 || result.status >= 500)) {
    return new IdentityProviderUnavailableError(
      `metadata ${url} answered HTTP ${result.status}`,
      retryAfterSeconds(result.headers, 10),
      { code: AuthErrorCode.TokenEndpointUnavailable, details: { tenantId: tenant, status: result.status } },
    );
  }
  const status = result.kind === 'status' ? result.status : 200;
  return TokenAcquisitionError.create(
    AuthErrorCode.InvalidTenant,
    `The identity provider has no usable OpenID configuration for tenant '${tenant}' (HTTP ${status} from ${url}).`,
    ['Check tenantId (or the tenant passed at call time) and instance.'],
    { tenantId: tenant, status },
  );
}
