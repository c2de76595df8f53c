import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { AUTH_MODULE_OPTIONS, ConfigurableModuleClass } from './auth.module-definition.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { normalizeAuthOptions } from './auth-options.normalize.js';
import { NORMALIZED_AUTH_OPTIONS } from './auth.internal-constants.js';
import { validationExports, validationProviders } from './validation/validation.providers.js';
import { RequestContextMiddleware } from './request-context/request-context.middleware.js';

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
    ...validationProviders,
  ],
  exports: [NORMALIZED_AUTH_OPTIONS, ...validationExports],
})
export class AuthModule extends ConfigurableModuleClass implements NestModule {
  /** Opens the per-request context (AsyncLocalStorage) for every route, before guards run. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('{*path}');
  }
}
