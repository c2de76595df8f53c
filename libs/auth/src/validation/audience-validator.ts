import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenValidationError } from '../errors/token-validation.error.js';

/**
 * The audiences accepted for a token of version `ver` (Microsoft.Identity.Web's
 * `RegisterValidAudience`), plus the configured ones:
 *
 * | `ver` | accepted `aud` |
 * |---|---|
 * | `"2.0"` | `clientId` ∪ configured |
 * | `"1.0"` | `api://{clientId}` ∪ configured |
 *
 * @example
 * ```ts
 * validAudiences('1.0', 'abc', ['api://my-api']); // ['api://abc', 'api://my-api']
 * ```
 * @internal
 */
export function validAudiences(ver: '1.0' | '2.0', clientId: string, configured: readonly string[]): string[] {
  return [ver === '2.0' ? clientId : `api://${clientId}`, ...configured];
}

/**
 * Checks `ver` and `aud`. A token must name exactly one audience.
 *
 * @throws TokenValidationError NIW3014 for another version, NIW3006 for another audience
 * @internal
 */
export function validateAudience(
  claims: Readonly<Record<string, unknown>>,
  clientId: string,
  configured: readonly string[],
): '1.0' | '2.0' {
  const ver = claims.ver;
  if (ver !== '1.0' && ver !== '2.0') {
    throw TokenValidationError.create(
      AuthErrorCode.UnsupportedTokenVersion,
      'The token version (ver) is not supported.',
      'Only Microsoft Entra ID access tokens of version 1.0 and 2.0 are accepted.',
    );
  }
  const aud = Array.isArray(claims.aud) && claims.aud.length === 1 ? (claims.aud[0] as unknown) : claims.aud;
  if (typeof aud !== 'string' || !validAudiences(ver, clientId, configured).includes(aud)) {
    throw TokenValidationError.create(
      AuthErrorCode.InvalidAudience,
      'The audience is invalid.',
      ver === '2.0'
        ? `v2.0 tokens must be issued for this API's client ID; request a scope of this API (not Microsoft Graph), or add the audience to 'audiences'.`
        : `v1.0 tokens must have the audience api://{clientId}; if this API uses another App ID URI, add it to 'audiences' (or set accessTokenAcceptedVersion: 2).`,
    );
  }
  return ver;
}
