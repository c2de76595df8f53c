import { Logger, type Provider } from '@nestjs/common';
import {
  CLIENT_CREDENTIAL_PROVIDER,
  IDP_TRANSPORT,
  MSAL_CLIENT_FACTORY,
  MSAL_TOKEN_REQUESTER,
  TOKEN_ACQUISITION_SETTINGS,
  OPENID_METADATA,
  TOKEN_CACHE,
} from '../auth.internal-constants.js';
import type { IdentityProviderTransport } from '../http/identity-provider-transport.interface.js';
import type { OpenIdMetadataProvider } from '../http/openid-metadata.provider.js';
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
    provide: TOKEN_CACHE,
    inject: [TOKEN_ACQUISITION_SETTINGS, TokenAcquisitionStatistics],
    useFactory: (settings: TokenAcquisitionSettings, stats: TokenAcquisitionStatistics) =>
      new TokenCache(
        {
          namespace: `niw:${settings.clientId}:`,
          maxEntries: settings.cache.maxEntries,
          maxSizeBytes: settings.cache.maxSizeBytes,
          disableL1: settings.cache.disableL1,
          store: settings.cache.store,
          now: settings.cache.now,
        },
        stats,
        new Logger(LOG_CONTEXT),
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
