import { Injectable } from '@nestjs/common';
import { ITokenAcquisition } from '../token-acquisition/token-acquisition.js';
import type { AppTokenOptions, UserTokenOptions } from '../token-acquisition/token-acquisition.types.js';

/**
 * Creates the value of an `Authorization` header for a downstream API (Microsoft.Identity.Web's
 * `IAuthorizationHeaderProvider`), for applications that bring their own HTTP client (axios, got,
 * a generated SDK). Tokens come from {@link ITokenAcquisition}, with its cache. Inject it by type.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class ReportsClient {
 *   constructor(private readonly auth: AuthorizationHeaderProvider) {}
 *
 *   async list() {
 *     const authorization = await this.auth.createAuthorizationHeaderForUser(['api://reports/Reports.Read']);
 *     return axios.get('https://reports.contoso.com/reports', { headers: { authorization } });
 *   }
 * }
 * ```
 * @see https://learn.microsoft.com/entra/msal/dotnet/microsoft-identity-web/calling-downstream-apis
 */
export abstract class AuthorizationHeaderProvider {
  /**
   * `"Bearer <token>"` for `scopes`, on behalf of the caller of the current request (or of
   * `options.assertion`). Pass a downstream API's claims challenge as `options.claims`.
   *
   * @example
   * ```ts
   * const header = await auth.createAuthorizationHeaderForUser(['https://graph.microsoft.com/User.Read']);
   * ```
   * @throws TokenAcquisitionError, ClaimsChallengeError, IdentityProviderUnavailableError as {@link ITokenAcquisition.getAccessTokenForUser}
   */
  abstract createAuthorizationHeaderForUser(scopes: readonly string[], options?: UserTokenOptions): Promise<string>;

  /**
   * `"Bearer <token>"` for one `/.default` scope, as this app (client credentials).
   *
   * @example
   * ```ts
   * const header = await auth.createAuthorizationHeaderForApp('api://todolist-service/.default');
   * ```
   * @throws TokenAcquisitionError, IdentityProviderUnavailableError as {@link ITokenAcquisition.getAccessTokenForApp}
   */
  abstract createAuthorizationHeaderForApp(scope: string, options?: AppTokenOptions): Promise<string>;
}

/** The default {@link AuthorizationHeaderProvider}, on {@link ITokenAcquisition}. @internal */
@Injectable()
export class DefaultAuthorizationHeaderProvider extends AuthorizationHeaderProvider {
  constructor(private readonly tokens: ITokenAcquisition) {
    super();
  }

  override async createAuthorizationHeaderForUser(
    scopes: readonly string[],
    options?: UserTokenOptions,
  ): Promise<string> {
    // Entra issues Bearer tokens only (no PoP on these flows): no need for the whole result object.
    return `Bearer ${await this.tokens.getAccessTokenForUser(scopes, options)}`;
  }

  override async createAuthorizationHeaderForApp(scope: string, options?: AppTokenOptions): Promise<string> {
    return `Bearer ${await this.tokens.getAccessTokenForApp(scope, options)}`;
  }
}
