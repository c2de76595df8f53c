/**
 * Stable error codes of nest-identity-web, numbered by area like Microsoft.Identity.Web's IDW10xxx:
 *
 * - `NIW1xxx` configuration (fails the application at bootstrap),
 * - `NIW2xxx` authorization (scopes, app permissions),
 * - `NIW3xxx` incoming token validation,
 * - `NIW4xxx` token acquisition (on-behalf-of, client credentials, cache).
 *
 * Codes are never renumbered or reused; a retired code stays reserved.
 *
 * @example
 * ```ts
 * import { AuthError, AuthErrorCode } from 'nest-identity-web';
 *
 * try {
 *   AuthModule.forRoot({ clientId: '' });
 * } catch (e) {
 *   if (e instanceof AuthError && e.code === AuthErrorCode.MissingClientId) {
 *     // tell the operator to set AzureAd__ClientId
 *   }
 * }
 * ```
 */
export const AuthErrorCode = {
  /** `clientId` is missing or empty. */
  MissingClientId: 'NIW1001',
  /** `instance` or `authority` is not an absolute https URL. */
  InvalidInstance: 'NIW1002',
  /** `tenantId` is missing or malformed. */
  InvalidTenantId: 'NIW1003',
  // 1xxx configuration: add new codes above this line, numbered in order.

  // 2xxx authorization (scopes, app permissions, guard metadata).

  // 3xxx incoming token validation.

  // 4xxx token acquisition (on-behalf-of, client credentials, credentials, cache).
} as const;

/**
 * A stable error code from {@link AuthErrorCode}.
 *
 * @example
 * ```ts
 * const code: AuthErrorCodeValue = AuthErrorCode.MissingClientId; // 'NIW1001'
 * ```
 */
export type AuthErrorCodeValue = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];
