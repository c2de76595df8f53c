import { type DynamicModule, Inject, Module, type OnModuleDestroy, type Provider } from '@nestjs/common';
import { authCoreProviders } from './auth.core-providers.js';
import {
  AUTH_SCHEME_NAME,
  authSchemeToken,
  BEARER_AUTHENTICATOR,
  IDP_TRANSPORT,
  TOKEN_CACHE_L2,
} from './auth.internal-constants.js';
import { schemeAliasProviders } from './auth-scheme.tokens.js';
import { checkSchemeName } from './auth-options.normalize.js';
import type { IdentityProviderTransport } from './http/identity-provider-transport.interface.js';
import { IdpHttpClient } from './http/idp-http-client.js';
import type { DistributedTokenCache } from './token-cache/distributed-token-cache.js';
import type { AuthSchemeHandle, BearerAuthenticator } from './validation/bearer-authenticator.js';

/**
 * A named scheme's registration (`AuthModule.forRoot({ scheme: 'partner', ... })`): the same
 * validation and token-acquisition providers as the default's, kept private to this module, and
 * exported only under scheme-specific tokens. No guard, exception filter or middleware: the
 * default registration provides those once for the whole application.
 * @internal
 */
@Module({ providers: authCoreProviders })
export class AuthSchemeModule implements OnModuleDestroy {
  constructor(
    @Inject(IDP_TRANSPORT) private readonly idpTransport: IdentityProviderTransport,
    @Inject(TOKEN_CACHE_L2) private readonly l2: DistributedTokenCache | null,
  ) {}

  /**
   * Turns the definition `forRoot`/`forRootAsync` built (the options provider, the async imports)
   * into a named scheme's module.
   * @throws AuthConfigurationError NIW1022 when the scheme name is malformed
   */
  static define(definition: DynamicModule, scheme: string, global: boolean): DynamicModule {
    checkSchemeName(scheme);
    const aliases: Provider[] = [
      { provide: AUTH_SCHEME_NAME, useValue: scheme },
      {
        provide: authSchemeToken(scheme),
        inject: [BEARER_AUTHENTICATOR],
        useFactory: (authenticator: BearerAuthenticator): AuthSchemeHandle => ({ name: scheme, authenticator }),
      },
      ...schemeAliasProviders(scheme),
    ];
    return {
      ...definition,
      module: AuthSchemeModule,
      global,
      providers: [...(definition.providers ?? []), ...aliases],
      exports: aliases.slice(1).map((p) => (p as { provide: string }).provide),
    };
  }

  /** Closes this scheme's identity-provider connection pool, and its Redis client if the library created it. */
  async onModuleDestroy(): Promise<void> {
    if (this.idpTransport instanceof IdpHttpClient) this.idpTransport.destroy();
    await this.l2?.close();
  }
}
