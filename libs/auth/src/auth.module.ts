import {
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { APP_FILTER, ModulesContainer } from '@nestjs/core';
import { ConfigurableModuleClass } from './auth.module-definition.js';
import { authCoreProviders } from './auth.core-providers.js';
import { checkAuthSchemes } from './auth-schemes.check.js';
import { schemeAliasProviders } from './auth-scheme.tokens.js';
import { DEFAULT_AUTH_SCHEME } from './auth.constants.js';
import { validationExports } from './validation/validation.providers.js';
import { EntraJwtStrategy } from './validation/entra-jwt.strategy.js';
import { AuthGuard } from './authorization/auth.guard.js';
import {
  AUTH_MODULE_OPTIONS,
  IDP_TRANSPORT,
  NORMALIZED_AUTH_OPTIONS,
  TOKEN_CACHE_L2,
} from './auth.internal-constants.js';
import type { IdentityProviderTransport } from './http/identity-provider-transport.interface.js';
import { IdpHttpClient } from './http/idp-http-client.js';
import { AuthExceptionFilter } from './errors/auth-exception.filter.js';
import { ITokenAcquisition } from './token-acquisition/token-acquisition.js';
import { LongRunningSessions } from './token-acquisition/long-running/long-running-sessions.js';
import { TokenAcquisitionStatistics } from './token-acquisition/token-acquisition-statistics.js';
import { RequestContextMiddleware } from './request-context/request-context.middleware.js';
import { downstreamApiExports } from './downstream-api/downstream-api.providers.js';
import type { DistributedTokenCache } from './token-cache/distributed-token-cache.js';

/** `getTokenAcquisitionToken('default')`... as aliases of the default registration's providers. */
const defaultSchemeAliases = schemeAliasProviders(DEFAULT_AUTH_SCHEME);

/**
 * The nest-identity-web module: validates incoming Microsoft Entra ID bearer tokens and acquires
 * tokens for downstream APIs.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     AuthModule.forRoot({ tenantId: 'contoso.onmicrosoft.com', clientId: '...', isGlobal: true }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 * @throws AuthConfigurationError at bootstrap when options are invalid
 */
@Module({
  providers: [
    ...authCoreProviders,
    EntraJwtStrategy,
    AuthGuard,
    { provide: APP_FILTER, useClass: AuthExceptionFilter },
    ...defaultSchemeAliases,
  ],
  exports: [
    AUTH_MODULE_OPTIONS,
    NORMALIZED_AUTH_OPTIONS,
    ...validationExports,
    AuthGuard,
    ITokenAcquisition,
    LongRunningSessions,
    TokenAcquisitionStatistics,
    ...downstreamApiExports,
    ...defaultSchemeAliases.map((p) => p.provide),
  ],
})
export class AuthModule extends ConfigurableModuleClass implements NestModule, OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(IDP_TRANSPORT) private readonly idpTransport: IdentityProviderTransport,
    @Inject(TOKEN_CACHE_L2) private readonly l2: DistributedTokenCache | null,
    private readonly modules: ModulesContainer,
  ) {
    super();
  }

  /**
   * Checks the schemes once every module is built: no scheme name registered twice, and every
   * `@AuthScheme(...)` on a controller or provider names a registered scheme.
   * @throws AuthConfigurationError NIW1020 or NIW1021
   */
  onApplicationBootstrap(): void {
    checkAuthSchemes(this.modules);
  }

  /** Opens the per-request context (AsyncLocalStorage) for every route, before guards run. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('{*path}');
  }

  /** Closes the identity-provider connection pool, and the Redis client if the library created it. */
  async onModuleDestroy(): Promise<void> {
    if (this.idpTransport instanceof IdpHttpClient) this.idpTransport.destroy();
    await this.l2?.close();
  }
}
