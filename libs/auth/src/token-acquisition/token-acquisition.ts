import type { AppTokenOptions, TokenAcquisitionResult, UserTokenOptions } from './token-acquisition.types.js';

/**
 * Acquires tokens to call downstream web APIs: on behalf of the caller of the current request
 * (OBO) or as this app (client credentials). The Node counterpart of Microsoft.Identity.Web's
 * `ITokenAcquisition`; inject it by type, without `@Inject`.
 *
 * Tokens come from the library's cache (O(1) per lookup, single-flight per key, refreshed ahead of
 * expiry) and only on a miss from msal-node.
 *
 * @example
 * ```ts
 * @Controller('todos')
 * @UseGuards(AuthGuard)
 * export class TodosController {
 *   constructor(private readonly tokens: ITokenAcquisition) {}
 *
 *   @Get()
 *   async list() {
 *     const token = await this.tokens.getAccessTokenForUser(['api://todolist-service/access_as_user']);
 *     return fetch('https://todolist.example/todos', { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
 *   }
 * }
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/scenario-web-api-call-api-overview
 */
export abstract class ITokenAcquisition {
  /**
   * An access token for `scopes` on behalf of the current caller (the bearer token the guard
   * validated), from the cache or through OBO. `openid`, `profile` and `offline_access` are
   * ignored.
   *
   * @example
   * ```ts
   * const token = await tokens.getAccessTokenForUser(['https://graph.microsoft.com/User.Read']);
   * ```
   * @throws TokenAcquisitionError NIW4001 outside a request without `options.assertion`; NIW4002 for an app-only caller; NIW4010 for bad scopes
   * @throws ClaimsChallengeError when consent, MFA or Conditional Access requires the user (→ 401 challenge)
   * @throws IdentityProviderUnavailableError when Entra is unreachable (→ 503)
   * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow
   */
  abstract getAccessTokenForUser(scopes: readonly string[], options?: UserTokenOptions): Promise<string>;

  /**
   * An app token for one resource. The scope must end in `/.default`.
   *
   * @example
   * ```ts
   * const token = await tokens.getAccessTokenForApp('api://todolist-service/.default');
   * ```
   * @throws TokenAcquisitionError NIW4003 when the scope does not end in `/.default`; NIW4004 for a `common`/`organizations` tenant without `appHomeTenantId`
   * @throws IdentityProviderUnavailableError when Entra is unreachable (→ 503)
   * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
   */
  abstract getAccessTokenForApp(scope: string, options?: AppTokenOptions): Promise<string>;

  /**
   * Like {@link ITokenAcquisition.getAccessTokenForUser}, with expiry, scopes, tenant, correlation id and metadata.
   *
   * @example
   * ```ts
   * const r = await tokens.getAuthenticationResultForUser(['api://todolist-service/access_as_user']);
   * console.log(r.metadata.tokenSource, r.expiresOn);
   * ```
   */
  abstract getAuthenticationResultForUser(
    scopes: readonly string[],
    options?: UserTokenOptions,
  ): Promise<TokenAcquisitionResult>;

  /**
   * Like {@link ITokenAcquisition.getAccessTokenForApp}, with expiry, scopes, tenant, correlation id and metadata.
   *
   * @example
   * ```ts
   * const r = await tokens.getAuthenticationResultForApp('https://graph.microsoft.com/.default');
   * console.log(r.metadata.cacheLevel);
   * ```
   */
  abstract getAuthenticationResultForApp(scope: string, options?: AppTokenOptions): Promise<TokenAcquisitionResult>;
}
