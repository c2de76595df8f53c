import type { Provider } from '@nestjs/common';
import { AUTH_MODULE_OPTIONS, AUTH_SCHEME_NAME } from './auth.internal-constants.js';
import {
  IDP_TRANSPORT,
  NORMALIZED_AUTH_OPTIONS,
  OPENID_METADATA,
  TOKEN_ACQUISITION_SETTINGS,
} from './auth.internal-constants.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { type NormalizedAuthOptions, normalizeAuthOptions } from './auth-options.normalize.js';
import type { IdentityProviderTransport } from './http/identity-provider-transport.interface.js';
import { IdpHttpClient } from './http/idp-http-client.js';
import { OpenIdMetadataProvider } from './http/openid-metadata.provider.js';
import { downstreamApiProviders } from './downstream-api/downstream-api.providers.js';
import { LongRunningSessions } from './token-acquisition/long-running/long-running-sessions.js';
import { ITokenAcquisition } from './token-acquisition/token-acquisition.js';
import { tokenAcquisitionProviders } from './token-acquisition/token-acquisition.providers.js';
import { TokenAcquisitionService } from './token-acquisition/token-acquisition.service.js';
import { TokenAcquisitionStatistics } from './token-acquisition/token-acquisition-statistics.js';
import { schemeValidationProviders } from './validation/validation.providers.js';

/**
 * The providers every `AuthModule` registration has, the default scheme's and each named
 * scheme's alike: the normalised options, one transport, one OpenID metadata provider, the bearer
 * authenticator, and token acquisition (its own credential, cache namespace and L2 client) with
 * `DownstreamApi`. A named scheme's module adds `AUTH_SCHEME_NAME`; the default's is `'default'`.
 * @internal
 */
export const authCoreProviders: Provider[] = [
  {
    // Every option is validated once, here; the rest of the module injects this object.
    provide: NORMALIZED_AUTH_OPTIONS,
    inject: [AUTH_MODULE_OPTIONS, { token: AUTH_SCHEME_NAME, optional: true }],
    useFactory: (options: AuthModuleOptions, scheme: string | undefined) => normalizeAuthOptions(options, scheme),
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
  ...schemeValidationProviders,
  // --- token acquisition ---
  TokenAcquisitionStatistics,
  ...tokenAcquisitionProviders,
  TokenAcquisitionService,
  { provide: ITokenAcquisition, useExisting: TokenAcquisitionService },
  LongRunningSessions,
  ...downstreamApiProviders(AUTH_MODULE_OPTIONS),
];
