import type { Logger } from '@nestjs/common';
import type { AuthenticationResult } from '@azure/msal-node';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import {
  TokenAcquisitionError,
  type TokenAcquisitionErrorDetails,
  type TokenAcquisitionFlow,
} from '../errors/token-acquisition.error.js';
import type { IdentityProviderTransport } from '../http/identity-provider-transport.interface.js';
import type {
  AuthorityMetadata,
  OpenIdMetadataProvider as AuthorityMetadataProvider,
} from '../http/openid-metadata.provider.js';
import type { ClientCredentialProvider } from './client-credential.provider.js';
import { type AttemptOutcome, withCredentialReload } from './credential-reload.policy.js';
import type { MsalClientFactory } from './msal-client.factory.js';
import { mapMsalError } from './msal-error.mapper.js';
import { MsalNetworkAdapter } from './msal-network.adapter.js';

/** One token request to msal-node. @internal */
export interface MsalTokenRequest {
  readonly flow: TokenAcquisitionFlow;
  readonly tenant: string;
  readonly scopes: readonly string[];
  readonly assertion?: string;
  /**
   * A long-running session's refresh token: redeemed (`grant_type=refresh_token`) instead of the
   * assertion. Never logged.
   */
  readonly refreshToken?: string;
  readonly claims?: string;
  readonly correlationId: string;
}

/** What came back, with timings. @internal */
export interface MsalTokenResponse {
  readonly result: AuthenticationResult;
  readonly httpMs: number;
  readonly tokenEndpoint: string;
  /** The refresh token of the raw answer (on-behalf-of asks for `offline_access`), when there was one. */
  readonly refreshToken?: string;
}

/** What {@link MsalTokenRequester} reads from the settings. @internal */
export interface MsalTokenRequesterSettings {
  readonly instance: string;
  readonly timeoutMs: number;
}

/**
 * Sends one token request to the identity provider through msal-node: the tenant's metadata, the
 * credential, a fresh msal client, the certificate-reload policy, and our coded errors.
 * @internal
 */
export class MsalTokenRequester {
  constructor(
    private readonly settings: MsalTokenRequesterSettings,
    private readonly credentials: ClientCredentialProvider,
    private readonly metadata: AuthorityMetadataProvider,
    private readonly clients: MsalClientFactory,
    private readonly transport: IdentityProviderTransport,
    private readonly logger: Logger,
  ) {}

  /**
   * Acquires a token; `onIdpCall` runs before each request sent (a retry counts twice).
   * @throws TokenAcquisitionError, ClaimsChallengeError or IdentityProviderUnavailableError
   */
  async acquire(request: MsalTokenRequest, onIdpCall: () => void): Promise<MsalTokenResponse> {
    const details: TokenAcquisitionErrorDetails = {
      flow: request.flow,
      scopes: request.scopes,
      tenantId: request.tenant,
      correlationId: request.correlationId,
    };
    const metadata = await this.metadata.get(request.tenant);
    const outcome = await withCredentialReload(
      () => this.attempt(request, metadata, details, onIdpCall),
      this.credentials.kind !== 'secret',
      (reason) => {
        this.logger.warn({ event: 'credential_reload', reason, correlationId: request.correlationId });
        this.credentials.reload();
      },
    );
    if (outcome.ok) return outcome.result;
    throw mapMsalError(outcome.error, outcome.network, details, this.settings.instance);
  }

  private async attempt(
    request: MsalTokenRequest,
    metadata: AuthorityMetadata,
    details: TokenAcquisitionErrorDetails,
    onIdpCall: () => void,
  ): Promise<AttemptOutcome<MsalTokenResponse>> {
    const network = new MsalNetworkAdapter(this.transport, this.settings.timeoutMs);
    try {
      const app = this.clients.create(metadata, await this.credentials.get(), network);
      onIdpCall();
      const base = { scopes: [...request.scopes], correlationId: request.correlationId, skipCache: true };
      const claims = request.claims ? { claims: request.claims } : {};
      const result =
        request.flow === 'clientCredentials'
          ? await app.acquireTokenByClientCredential({ ...base, ...claims })
          : request.refreshToken !== undefined
            ? await app.acquireTokenByRefreshToken({
                scopes: [...request.scopes],
                correlationId: request.correlationId,
                refreshToken: request.refreshToken,
                ...claims,
              })
            : await app.acquireTokenOnBehalfOf({ ...base, ...claims, oboAssertion: request.assertion ?? '' });
      if (!result) {
        throw TokenAcquisitionError.create(
          AuthErrorCode.TokenRequestFailed,
          'msal-node returned no result.',
          ['Report this with the correlation id.'],
          details,
        );
      }
      const refreshToken = network.refreshToken();
      return {
        ok: true,
        result: {
          result,
          httpMs: network.outcome().httpMs,
          tokenEndpoint: metadata.tokenEndpoint,
          ...(refreshToken ? { refreshToken } : {}),
        },
      };
    } catch (error) {
      return { ok: false, error, network: network.outcome() };
    }
  }
}
