import { Inject, type MiddlewareConsumer, Module, type NestModule, type OnModuleDestroy } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AUTH_MODULE_OPTIONS, ConfigurableModuleClass } from './auth.module-definition.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { type NormalizedAuthOptions, normalizeAuthOptions } from './auth-options.normalize.js';
import { validationExports, validationProviders } from './validation/validation.providers.js';
import {
  IDP_TRANSPORT,
  NORMALIZED_AUTH_OPTIONS,
  TOKEN_ACQUISITION_SETTINGS,
  TOKEN_CACHE_L2,
} from './auth.internal-constants.js';
import type { IdentityProviderTransport } from './http/identity-provider-transport.interface.js';
import { IdpHttpClient } from './http/idp-http-client.js';
import { TokenAcquisitionExceptionFilter } from './token-acquisition/claims-challenge.filter.js';
import { ITokenAcquisition } from './token-acquisition/token-acquisition.js';
import { normalizeTokenAcquisitionOptions } from './token-acquisition/token-acquisition-options.normalize.js';
import { TokenAcquisitionService } from './token-acquisition/token-acquisition.service.js';
import { TokenAcquisitionStatistics } from './token-acquisition/token-acquisition-statistics.js';
import { RequestContextMiddleware } from './request-context/request-context.middleware.js';
import { createDistributedTokenCache, type DistributedTokenCache } from './token-cache/distributed-token-cache.js';
import type { TokenAcquisitionSettings } from './token-acquisition/token-acquisition-options.normalize.js';

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
    {
      provide: NORMALIZED_AUTH_OPTIONS,
      inject: [AUTH_MODULE_OPTIONS],
      useFactory: (options: AuthModuleOptions) => normalizeAuthOptions(options),
    },
    {
      // One transport for metadata, JWKS and the token endpoint: one keep-alive pool, one CA list.
      provide: IDP_TRANSPORT,
      inject: [AUTH_MODULE_OPTIONS, NORMALIZED_AUTH_OPTIONS],
      useFactory: (options: AuthModuleOptions, normalized: NormalizedAuthOptions): IdentityProviderTransport =>
        options.identityProviderTransport ??
        new IdpHttpClient({ ca: normalized.trustedCa, timeoutMs: options.tokenRequestTimeoutMs }),
    },
    ...validationProviders,
    // --- token acquisition ---
    {
      provide: TOKEN_ACQUISITION_SETTINGS,
      inject: [AUTH_MODULE_OPTIONS, NORMALIZED_AUTH_OPTIONS],
      useFactory: (options: AuthModuleOptions, base: NormalizedAuthOptions) =>
        normalizeTokenAcquisitionOptions(options, base),
    },
    TokenAcquisitionStatistics,
    {
      // Async: a Redis URL imports the optional peer `ioredis` here, so a missing package fails bootstrap.
      provide: TOKEN_CACHE_L2,
      inject: [TOKEN_ACQUISITION_SETTINGS, TokenAcquisitionStatistics],
      useFactory: (settings: TokenAcquisitionSettings, stats: TokenAcquisitionStatistics) =>
        createDistributedTokenCache(settings.cache.l2, stats, settings.cache.now),
    },
    TokenAcquisitionService,
    { provide: ITokenAcquisition, useExisting: TokenAcquisitionService },
    { provide: APP_FILTER, useClass: TokenAcquisitionExceptionFilter },
  ],
  exports: [NORMALIZED_AUTH_OPTIONS, ...validationExports, ITokenAcquisition, TokenAcquisitionStatistics],
})
export class AuthModule extends ConfigurableModuleClass implements NestModule, OnModuleDestroy {
  constructor(
    @Inject(IDP_TRANSPORT) private readonly idpTransport: IdentityProviderTransport,
    @Inject(TOKEN_CACHE_L2) private readonly l2: DistributedTokenCache | null,
  ) {
    super();
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
