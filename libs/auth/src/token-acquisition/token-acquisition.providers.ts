import { Logger, type Provider } from '@nestjs/common';
import {
  CLIENT_CREDENTIAL_PROVIDER,
  IDP_TRANSPORT,
  MSAL_CLIENT_FACTORY,
  MSAL_TOKEN_REQUESTER,
  TOKEN_ACQUISITION_SETTINGS,
  OPENID_METADATA,
  TOKEN_CACHE,
  TOKEN_CACHE_L2,
} from '../auth.internal-constants.js';
import type { IdentityProviderTransport } from '../http/identity-provider-transport.interface.js';
import type { OpenIdMetadataProvider } from '../http/openid-metadata.provider.js';
import { createDistributedTokenCache, type DistributedTokenCache } from '../token-cache/distributed-token-cache.js';
import { TokenCache } from '../token-cache/token-cache.js';
import { ClientCredentialProvider } from './client-credential.provider.js';
import { MsalClientFactory } from './msal-client.factory.js';
import { MsalTokenRequester } from './msal-token.requester.js';
import type { TokenAcquisitionSettings } from './token-acquisition-options.normalize.js';
import { TokenAcquisitionStatistics } from './token-acquisition-statistics.js';

/** The logger context of token acquisition and its cache. */
const LOG_CONTEXT = 'TokenAcquisition';

/**
 * The singletons token acquisition is built from, each a factory provider derived from the
 * normalised settings (one per `AuthModule`).
 * @internal
 */
export const tokenAcquisitionProviders: Provider[] = [
  {
    // Async: a Redis URL imports the optional peer `ioredis` here, so a missing package fails
    // bootstrap (NIW1015). `null` without an L2.
    provide: TOKEN_CACHE_L2,
    inject: [TOKEN_ACQUISITION_SETTINGS, TokenAcquisitionStatistics],
    useFactory: (settings: TokenAcquisitionSettings, stats: TokenAcquisitionStatistics) =>
      createDistributedTokenCache(settings.cache.l2, stats, settings.cache.now),
  },
  {
    provide: TOKEN_CACHE,
    inject: [TOKEN_ACQUISITION_SETTINGS, TokenAcquisitionStatistics, TOKEN_CACHE_L2],
    useFactory: (
      settings: TokenAcquisitionSettings,
      stats: TokenAcquisitionStatistics,
      l2: DistributedTokenCache | null,
    ) =>
      new TokenCache(
        {
          namespace: settings.cacheNamespace,
          maxEntries: settings.cache.maxEntries,
          maxSizeBytes: settings.cache.maxSizeBytes,
          disableL1: settings.cache.disableL1,
          l2: l2 ?? undefined,
          now: settings.cache.now,
        },
        stats,
      ),
  },
  {
    provide: CLIENT_CREDENTIAL_PROVIDER,
    inject: [TOKEN_ACQUISITION_SETTINGS],
    useFactory: (settings: TokenAcquisitionSettings) =>
      new ClientCredentialProvider(settings.credential, settings.cache.now),
  },
  {
    provide: MSAL_CLIENT_FACTORY,
    inject: [TOKEN_ACQUISITION_SETTINGS],
    useFactory: (settings: TokenAcquisitionSettings) => new MsalClientFactory(settings, new Logger(LOG_CONTEXT)),
  },
  {
    provide: MSAL_TOKEN_REQUESTER,
    inject: [
      TOKEN_ACQUISITION_SETTINGS,
      CLIENT_CREDENTIAL_PROVIDER,
      OPENID_METADATA,
      MSAL_CLIENT_FACTORY,
      IDP_TRANSPORT,
    ],
    useFactory: (
      settings: TokenAcquisitionSettings,
      credentials: ClientCredentialProvider,
      metadata: OpenIdMetadataProvider,
      clients: MsalClientFactory,
      transport: IdentityProviderTransport,
    ) => new MsalTokenRequester(settings, credentials, metadata, clients, transport, new Logger(LOG_CONTEXT)),
  },
];
