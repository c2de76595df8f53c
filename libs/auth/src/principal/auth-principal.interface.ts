/**
 * The authenticated caller of the current request, built from a validated Microsoft Entra ID access
 * token. It never carries the raw token: the assertion needed for on-behalf-of stays inside the
 * library's request context.
 *
 * @example
 * ```ts
 * @Get('me')
 * me(@CurrentUser() user: AuthPrincipal) {
 *   return { oid: user.oid, tid: user.tid, scopes: user.scopes, appOnly: user.isAppOnly };
 * }
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 */
export interface AuthPrincipal {
  /** Object ID of the user (or of the calling app's service principal for app-only tokens). */
  readonly oid: string | undefined;
  /** Tenant ID the token was issued in. */
  readonly tid: string | undefined;
  /** Subject (pairwise per application). */
  readonly sub: string | undefined;
  /** Display name, when the token carries it. */
  readonly name: string | undefined;
  /** `preferred_username` (v2) or `upn`/`unique_name` (v1). */
  readonly preferredUsername: string | undefined;
  /** Delegated scopes: `scp` split on single spaces. Empty for app-only tokens. */
  readonly scopes: readonly string[];
  /** App roles / application permissions from `roles`. */
  readonly roles: readonly string[];
  /** True for an app-only (client credentials) token: `idtyp === 'app'`, or no `scp` and `sub === oid`. */
  readonly isAppOnly: boolean;
  /** Client ID of the calling application (`azp` in v2, `appid` in v1). */
  readonly clientId: string | undefined;
  /** Token version, from `ver`. */
  readonly version: '1.0' | '2.0';
  /**
   * The authentication scheme whose registration validated the token (`'default'` for
   * `AuthModule.forRoot` without a `scheme`); on-behalf-of for this caller uses that scheme's
   * credentials only. `undefined` for a principal read from an assertion outside the guard.
   */
  readonly scheme?: string;
  /** Every claim of the validated token, read-only. */
  readonly claims: Readonly<Record<string, unknown>>;
}
