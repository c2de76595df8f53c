import type { InjectionToken, Provider } from '@nestjs/common';
import type { AuthModuleOptions } from '../auth-module-options.interface.js';
import { AuthorizationHeaderProvider, DefaultAuthorizationHeaderProvider } from './authorization-header-provider.js';
import { normalizeDownstreamApis } from './downstream-api-options.normalize.js';
import { DownstreamApi } from './downstream-api.js';
import { DOWNSTREAM_API_SETTINGS, type DownstreamApiSettings } from './downstream-api.internal-constants.js';
import { DefaultDownstreamApi } from './downstream-api.service.js';

/**
 * The providers of `DownstreamApi` and `AuthorizationHeaderProvider`; `optionsToken` is the
 * module's options token. `downstreamApis` is validated once, at bootstrap.
 * @internal
 */
export function downstreamApiProviders(optionsToken: InjectionToken): Provider[] {
  return [
    {
      provide: DOWNSTREAM_API_SETTINGS,
      inject: [optionsToken],
      useFactory: (options: AuthModuleOptions): DownstreamApiSettings => ({
        apis: normalizeDownstreamApis(options.downstreamApis),
        authorizeEndpoint: authorizeEndpoint(options),
      }),
    },
    DefaultAuthorizationHeaderProvider,
    { provide: AuthorizationHeaderProvider, useExisting: DefaultAuthorizationHeaderProvider },
    DefaultDownstreamApi,
    { provide: DownstreamApi, useExisting: DefaultDownstreamApi },
  ];
}

/** What `AuthModule` exports for downstream calls. @internal */
export const downstreamApiExports = [AuthorizationHeaderProvider, DownstreamApi];

/** The authorize endpoint of the configured authority (the instance is validated by the module). */
function authorizeEndpoint(options: AuthModuleOptions): string {
  const instance = (options.instance ?? 'https://login.microsoftonline.com/').replace(/\/*$/, '/');
  return `${instance}${options.tenantId}/oauth2/v2.0/authorize`;
}
