/**
 * Name under which the default Entra validator is registered with passport, for use with
 * `@nestjs/passport`'s `AuthGuard(ENTRA_STRATEGY_NAME)` (e.g. in a GraphQL or RPC guard).
 *
 * @example
 * ```ts
 * import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
 * @UseGuards(PassportAuthGuard(ENTRA_STRATEGY_NAME))
 * ```
 */
export const ENTRA_STRATEGY_NAME = 'nest-identity-web';

/**
 * Name under which the passport-azure-ad `BearerStrategy` adapter is registered with passport.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ ...options, strategy: 'passport-azure-ad' }); // registers PASSPORT_AZURE_AD_STRATEGY_NAME
 * ```
 */
export const PASSPORT_AZURE_AD_STRATEGY_NAME = 'nest-identity-web-azure-ad';

/**
 * The name of the scheme `AuthModule.forRoot(...)` registers when no `scheme` is given: the one
 * `AuthGuard` uses on routes without `@AuthScheme(...)`, and the one `ITokenAcquisition` serves.
 *
 * @example
 * ```ts
 * @AuthScheme(DEFAULT_AUTH_SCHEME, 'partner') // either registration's tokens are accepted
 * @Controller('shared') export class SharedController {}
 * ```
 */
export const DEFAULT_AUTH_SCHEME = 'default';

/**
 * Long-form claim types that Microsoft.Identity.Web reads besides `scp`, `roles` and `tid`
 * (they appear when tokens pass through WS-Federation-era claim mapping).
 *
 * @example
 * ```ts
 * const scopes = principal.claims[ClaimTypes.Scope] ?? principal.claims.scp;
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 */
export const ClaimTypes = {
  /** Delegated scopes (`scp`). */
  Scp: 'scp',
  /** Long form of `scp`. */
  Scope: 'http://schemas.microsoft.com/identity/claims/scope',
  /** App roles / application permissions. */
  Roles: 'roles',
  /** Long form of `roles`. */
  Role: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
  /** Tenant ID. */
  Tid: 'tid',
  /** Long form of `tid`. */
  TenantId: 'http://schemas.microsoft.com/identity/claims/tenantid',
} as const;
