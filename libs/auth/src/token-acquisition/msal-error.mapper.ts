import { InteractionRequiredAuthError, AuthError as MsalAuthError, ServerError } from '@azure/msal-node';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { AuthError } from '../errors/auth.error.js';
import { ClaimsChallengeError } from '../errors/claims-challenge.error.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import { TokenAcquisitionError, type TokenAcquisitionErrorDetails } from '../errors/token-acquisition.error.js';
import { retryAfterSeconds } from '../http/retry-after.util.js';
import type { NetworkOutcome } from './msal-network.adapter.js';

/** The AADSTS number of an msal error: its `errorNo`, else the first `AADSTSnnn` in its message. @internal */
export function aadstsOf(error: unknown, message: string | undefined): number | undefined {
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
 * Turns an msal-node error into ours, given what the request met on the wire. Never includes the
 * assertion, the secret or the client assertion: only codes and Entra's description.
 * @internal
 */
export function mapMsalError(
  error: unknown,
  network: NetworkOutcome,
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
    ...(network.status !== undefined ? { status: network.status } : {}),
  };
  if (network.unreachable) {
    return new IdentityProviderUnavailableError(network.unreachable.message.replace(/\s+/g, ' ').slice(0, 300), 10, {
      code: AuthErrorCode.TokenEndpointUnavailable,
      details,
      cause: network.unreachable,
    });
  }
  if (network.status !== undefined && (network.status === 429 || network.status >= 500)) {
    return new IdentityProviderUnavailableError(
      `the token endpoint answered HTTP ${network.status}`,
      retryAfterSeconds(network.headers, network.status === 429 ? 30 : 10),
      { code: AuthErrorCode.TokenEndpointUnavailable, details, cause: error },
    );
  }
  if (error instanceof InteractionRequiredAuthError) {
    const tenant = base.tenantId ?? 'common';
    return new ClaimsChallengeError(details, error.claims || undefined, `${instance}${tenant}/oauth2/v2.0/authorize`, {
      cause: error,
    });
  }
  if (error instanceof ServerError || (error instanceof MsalAuthError && network.status !== undefined)) {
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
