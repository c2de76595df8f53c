import {
  type AuthenticationResult,
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  LogLevel,
  AuthError as MsalAuthError,
  ServerError,
} from '@azure/msal-node';
import type { Logger } from '@nestjs/common';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { AuthError } from '../errors/auth.error.js';
import { ClaimsChallengeError } from '../errors/claims-challenge.error.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import {
  TokenAcquisitionError,
  type TokenAcquisitionErrorDetails,
  type TokenAcquisitionFlow,
} from '../errors/token-acquisition.error.js';
import type { IdentityProviderTransport } from '../http/identity-provider-transport.interface.js';
import { retryAfterSeconds } from '../http/retry-after.util.js';
import type { OpenIdMetadataProvider as AuthorityMetadataProvider } from '../http/openid-metadata.provider.js';
import type { ClientCredentialProvider } from './client-credential.provider.js';
import { MsalNetworkAdapter } from './msal-network.adapter.js';
import type { TokenAcquisitionSettings } from './token-acquisition-options.normalize.js';

/** One token request to msal-node. @internal */
export interface MsalTokenRequest {
  readonly flow: TokenAcquisitionFlow;
  readonly tenant: string;
  readonly scopes: readonly string[];
  readonly assertion?: string;
  readonly claims?: string;
  readonly correlationId: string;
}

/** What came back, with timings. @internal */
export interface MsalTokenResponse {
  readonly result: AuthenticationResult;
  readonly httpMs: number;
  readonly tokenEndpoint: string;
}

/**
 * `invalid_client` answers after which Microsoft.Identity.Web reloads the certificate and retries
 * once: assertion signature invalid, outside its time range, certificate revoked or outside its
 * validity, unknown key. Any other `invalid_client` (a wrong secret, an unknown app) is final:
 * retrying on every `invalid_client` caused infinite loops in Microsoft.Identity.Web (#3652).
 * @internal
 */
export const CERTIFICATE_RELOAD_CODES = [
  'AADSTS700027',
  'AADSTS700024',
  'AADSTS7000214',
  'AADSTS1000502',
  'AADSTS7000274',
  'AADSTS7000277',
];

/** @internal */
export function shouldReloadCredential(errorCode: string | undefined, body: string | undefined): boolean {
  if (errorCode !== 'invalid_client' || !body) return false;
  const upper = body.toUpperCase();
  return CERTIFICATE_RELOAD_CODES.some((code) => upper.includes(code));
}

/**
 * Sends token requests through a short-lived msal-node `ConfidentialClientApplication` per
 * request, built with pre-fetched authority metadata and our network adapter. msal's own cache is
 * therefore always empty (O(1)), never shared between users, and never read: the library's cache
 * sits in front of this class. This is msal-node's guidance for web APIs.
 * @internal
 */
export class MsalClientFactory {
  constructor(
    private readonly settings: TokenAcquisitionSettings,
    private readonly credentials: ClientCredentialProvider,
    private readonly metadata: AuthorityMetadataProvider,
    private readonly transport: IdentityProviderTransport,
    private readonly logger: Logger,
  ) {}

  /** Acquires a token, reloading the credential and retrying once on the certificate codes. */
  async acquire(request: MsalTokenRequest, onIdpCall: () => void): Promise<MsalTokenResponse> {
    const details: TokenAcquisitionErrorDetails = {
      flow: request.flow,
      scopes: request.scopes,
      tenantId: request.tenant,
      correlationId: request.correlationId,
    };
    const metadata = await this.metadata.get(request.tenant);
    for (let attempt = 0; ; attempt++) {
      const network = new MsalNetworkAdapter(this.transport, this.settings.timeoutMs);
      try {
        const credential = await this.credentials.get();
        const app = new ConfidentialClientApplication({
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
            networkClient: network,
            loggerOptions: {
              logLevel: LogLevel.Warning,
              piiLoggingEnabled: false,
              loggerCallback: (_level, message, containsPii) => {
                if (!containsPii) this.logger.debug({ event: 'msal', message });
              },
            },
          },
        });
        onIdpCall();
        const base = { scopes: [...request.scopes], correlationId: request.correlationId, skipCache: true };
        const claims = request.claims ? { claims: request.claims } : {};
        const result =
          request.flow === 'onBehalfOf'
            ? await app.acquireTokenOnBehalfOf({ ...base, ...claims, oboAssertion: request.assertion ?? '' })
            : await app.acquireTokenByClientCredential({ ...base, ...claims });
        if (!result) {
          throw TokenAcquisitionError.create(
            AuthErrorCode.TokenRequestFailed,
            'msal-node returned no result.',
            ['Report this with the correlation id.'],
            details,
          );
        }
        return { result, httpMs: network.httpMs, tokenEndpoint: metadata.tokenEndpoint };
      } catch (error) {
        const msalCode = error instanceof MsalAuthError ? error.errorCode : undefined;
        const message = error instanceof MsalAuthError ? error.errorMessage : undefined;
        const code = aadstsOf(error, message);
        const body = `${message ?? ''}${code !== undefined ? ` AADSTS${code}` : ''}`;
        if (attempt === 0 && this.credentials.kind !== 'secret' && shouldReloadCredential(msalCode, body)) {
          this.logger.warn({
            event: 'credential_reload',
            reason: code !== undefined ? `AADSTS${code}` : msalCode,
            correlationId: request.correlationId,
          });
          this.credentials.reload();
          continue;
        }
        throw mapError(error, network, details, this.settings.instance);
      }
    }
  }
}

function aadstsOf(error: unknown, message: string | undefined): number | undefined {
  const no = (error as { errorNo?: unknown }).errorNo;
  if (typeof no === 'string' && /^\d+$/.test(no)) return Number(no);
  if (typeof no === 'number') return no;
  const m = /AADSTS(\d+)/.exec(message ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Entra's description without the trace/correlation/timestamp noise, bounded. */
function describeServerError(message: string | undefined): string {
  if (!message) return '';
  const m = /Description:\s*([\s\S]*?)(?:\s*-\s*Correlation ID:|\s*Trace ID:|$)/.exec(message);
  const text = (m?.[1] ?? message).replace(/\s*Trace ID:[\s\S]*$/, '').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

const HINTS: Record<number, string> = {
  500133: 'The incoming access token expired before it could be exchanged: the client must send a fresh token.',
  50013:
    "The incoming token's audience is not this API's client ID: check clientId and that the client requests a token for this API.",
  7000114: 'An app-only token cannot be exchanged on behalf of a user: use getAccessTokenForApp for app callers.',
  7000215: 'The client secret is wrong: check clientSecret (AzureAd__ClientSecret).',
  7000222: 'The client secret expired: create a new secret for the app registration.',
  700016: 'The application was not found in the tenant: check clientId and tenantId.',
  1002012: 'App tokens need a single scope ending in /.default.',
  65001: 'Consent is missing: grant admin consent or let the user consent to the downstream scopes.',
  500011: 'The resource is not registered in the tenant: check the scope (App ID URI).',
  90002: 'The tenant does not exist: check tenantId or the tenant override.',
};

/**
 * Turns an msal-node error into ours. Never includes the assertion, the secret or the client
 * assertion: only codes and Entra's description.
 * @internal
 */
export function mapError(
  error: unknown,
  network: MsalNetworkAdapter,
  base: TokenAcquisitionErrorDetails,
  instance: string,
): AuthError {
  if (error instanceof AuthError) return error;
  const msalCode = error instanceof MsalAuthError ? error.errorCode : undefined;
  const message = error instanceof MsalAuthError ? error.errorMessage : undefined;
  const subError = error instanceof MsalAuthError && error.subError ? error.subError : undefined;
  const aadstsCode = aadstsOf(error, message);
  const details: TokenAcquisitionErrorDetails = {
    ...base,
    ...(aadstsCode !== undefined ? { aadstsCode } : {}),
    ...(msalCode ? { msalErrorCode: msalCode } : {}),
    ...(subError ? { subError } : {}),
    ...(network.lastStatus !== undefined ? { status: network.lastStatus } : {}),
  };
  if (network.unreachable) {
    return new IdentityProviderUnavailableError(network.unreachable.message.replace(/\s+/g, ' ').slice(0, 300), 10, {
      code: AuthErrorCode.TokenEndpointUnavailable,
      details,
      cause: network.unreachable,
    });
  }
  if (network.lastStatus !== undefined && (network.lastStatus === 429 || network.lastStatus >= 500)) {
    return new IdentityProviderUnavailableError(
      `the token endpoint answered HTTP ${network.lastStatus}`,
      retryAfterSeconds(network.lastHeaders, network.lastStatus === 429 ? 30 : 10),
      { code: AuthErrorCode.TokenEndpointUnavailable, details, cause: error },
    );
  }
  if (error instanceof InteractionRequiredAuthError) {
    const tenant = base.tenantId ?? 'common';
    return new ClaimsChallengeError(details, error.claims || undefined, `${instance}${tenant}/oauth2/v2.0/authorize`, {
      cause: error,
    });
  }
  if (error instanceof ServerError || (error instanceof MsalAuthError && network.lastStatus !== undefined)) {
    const description = describeServerError(message);
    const hint = aadstsCode !== undefined ? HINTS[aadstsCode] : undefined;
    return TokenAcquisitionError.create(
      AuthErrorCode.TokenRequestFailed,
      `The identity provider refused the ${base.flow === 'onBehalfOf' ? 'on-behalf-of' : 'client credentials'} token request: ${msalCode ?? 'error'}${description ? ` (${description})` : ''}.`,
      [hint ?? 'Look up the AADSTS code at https://login.microsoftonline.com/error and check the app registration.'],
      details,
      { cause: error },
    );
  }
  return TokenAcquisitionError.create(
    AuthErrorCode.TokenRequestFailed,
    `msal-node failed before reaching the identity provider: ${msalCode ?? (error instanceof Error ? error.name : 'error')}.`,
    ['Check instance, tenantId and the credential configuration.'],
    details,
    { cause: error },
  );
}
