import { ConfidentialClientApplication, type INetworkModule, LogLevel } from '@azure/msal-node';
import type { Logger } from '@nestjs/common';
import type { AuthorityMetadata } from '../http/openid-metadata.provider.js';
import type { MsalCredential } from './client-credential.provider.js';

/** What {@link MsalClientFactory} reads from the settings. @internal */
export interface MsalClientSettings {
  readonly clientId: string;
  readonly clientCapabilities: readonly string[];
}

/**
 * Builds the short-lived msal-node `ConfidentialClientApplication` of one token request, with
 * pre-fetched authority metadata (no discovery I/O) and the request's own network adapter. msal's
 * cache is therefore always empty (O(1)), never shared between users, and never read: the
 * library's cache sits in front. This is msal-node's guidance for web APIs.
 * @internal
 */
export class MsalClientFactory {
  constructor(
    private readonly settings: MsalClientSettings,
    private readonly logger: Logger,
  ) {}

  /** A new client for one request. */
  create(
    metadata: AuthorityMetadata,
    credential: MsalCredential,
    networkClient: INetworkModule,
  ): ConfidentialClientApplication {
    return new ConfidentialClientApplication({
      auth: {
        clientId: this.settings.clientId,
        authority: metadata.authority,
        authorityMetadata: metadata.authorityMetadata,
        cloudDiscoveryMetadata: metadata.cloudDiscoveryMetadata,
        knownAuthorities: [...metadata.knownAuthorities],
        clientCapabilities: [...this.settings.clientCapabilities],
        ...credential,
      },
      system: {
        networkClient,
        loggerOptions: {
          logLevel: LogLevel.Warning,
          piiLoggingEnabled: false,
          loggerCallback: (_level, message, containsPii) => {
            if (!containsPii) this.logger.debug({ event: 'msal', message });
          },
        },
      },
    });
  }
}
