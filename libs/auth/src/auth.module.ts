import { Module } from '@nestjs/common';
import { AUTH_MODULE_OPTIONS, ConfigurableModuleClass } from './auth.module-definition.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { normalizeAuthOptions } from './auth-options.normalize.js';
import { NORMALIZED_AUTH_OPTIONS } from './auth.internal-constants.js';
import { validationExports, validationProviders } from './validation/validation.providers.js';

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
export class AuthModule extends ConfigurableModuleClass {}
