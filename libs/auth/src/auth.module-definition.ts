import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULT_AUTH_SCHEME } from './auth.constants.js';
import { AUTH_MODULE_OPTIONS } from './auth.internal-constants.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { AuthSchemeModule } from './auth-scheme.module.js';

/** @internal */
export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<AuthModuleOptions>({
    moduleName: 'Auth',
    optionsInjectionToken: AUTH_MODULE_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .setExtras<{ isGlobal?: boolean; scheme?: string }>({ isGlobal: false, scheme: undefined }, (definition, extras) =>
      extras.scheme === undefined || extras.scheme === DEFAULT_AUTH_SCHEME
        ? { ...definition, global: extras.isGlobal }
        : AuthSchemeModule.define(definition, extras.scheme, extras.isGlobal === true),
    )
    .build();

/** The options token (`'AUTH_MODULE_OPTIONS'`). @internal */
export { AUTH_MODULE_OPTIONS };
