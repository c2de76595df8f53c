import { Inject, type MiddlewareConsumer, Module, type NestModule, type OnModuleDestroy } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AUTH_MODULE_OPTIONS, ConfigurableModuleClass } from './auth.module-definition.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { type NormalizedAuthOptions, normalizeAuthOptions } from './auth-options.normalize.js';
import { validationExports, validationProviders } from './validation/validation.providers.js';
import { AuthGuard } from './authorization/auth.guard.js';
import {
  IDP_TRANSPORT,
  NORMALIZED_AUTH_OPTIONS,
  OPENID_METADATA,
  TOKEN_ACQUISITION_SETTINGS,
  TOKEN_CACHE_L2,
} from './auth.internal-constants.js';
import type { IdentityProviderTransport } from './http/identity-provider-transport.interface.js';
import { IdpHttpClient } from './http/idp-http-client.js';
import { OpenIdMetadataProvider } from './http/openid-metadata.provider.js';
import { AuthExceptionFilter } from './errors/auth-exception.filter.js';
import { ITokenAcquisition } from './token-acquisition/token-acquisition.js';
import { LongRunningSessions } from './token-acquisition/long-running/long-running-sessions.js';
import { TokenAcquisitionService } from './token-acquisition/token-acquisition.service.js';
import { tokenAcquisitionProviders } from './token-acquisition/token-acquisition.providers.js';
import { TokenAcquisitionStatistics } from './token-acquisition/token-acquisition-statistics.js';
import { RequestContextMiddleware } from './request-context/request-context.middleware.js';
import { downstreamApiExports, downstreamApiProviders } from './downstream-api/downstream-api.providers.js';
import type { DistributedTokenCache } from './token-cache/distributed-token-cache.js';

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
      // Every option is validated once, here; the rest of the module injects this object.
      provide: NORMALIZED_AUTH_OPTIONS,
      inject: [AUTH_MODULE_OPTIONS],
      useFactory: (options: AuthModuleOptions) => normalizeAuthOptions(options),
    },
    {
      provide: TOKEN_ACQUISITION_SETTINGS,
      inject: [NORMALIZED_AUTH_OPTIONS],
      useFactory: (settings: NormalizedAuthOptions) => settings.acquisition,
    },
    {
      // One transport for metadata, JWKS and the token endpoint: one keep-alive pool, one CA list.
      provide: IDP_TRANSPORT,
      inject: [NORMALIZED_AUTH_OPTIONS],
      useFactory: (settings: NormalizedAuthOptions): IdentityProviderTransport =>
        settings.identityProviderTransport ??
        new IdpHttpClient({ ca: settings.trustedCa, timeoutMs: settings.acquisition.timeoutMs }),
    },
    {
      // One OpenID metadata provider for validation (signing keys) and acquisition (msal authority).
      provide: OPENID_METADATA,
      inject: [NORMALIZED_AUTH_OPTIONS, IDP_TRANSPORT],
      useFactory: (settings: NormalizedAuthOptions, transport: IdentityProviderTransport) =>
        new OpenIdMetadataProvider(transport, {
          instance: settings.instance,
          tenantId: settings.tenantId,
          refreshIntervalMs: settings.validation.metadataRefreshIntervalMs,
          unknownKeyRefreshIntervalMs: settings.validation.unknownKeyRefreshIntervalMs,
          authorityTimeoutMs: settings.acquisition.timeoutMs,
          now: settings.acquisition.cache.now,
        }),
    },
    ...validationProviders,
    AuthGuard,
    // --- token acquisition ---
    TokenAcquisitionStatistics,
    ...tokenAcquisitionProviders,
    TokenAcquisitionService,
    { provide: ITokenAcquisition, useExisting: TokenAcquisitionService },
    LongRunningSessions,
    { provide: APP_FILTER, useClass: AuthExceptionFilter },
    ...downstreamApiProviders(AUTH_MODULE_OPTIONS),
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
  ],
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
