import { AuthError as MsalAuthError } from '@azure/msal-node';
import { aadstsOf } from './msal-error.mapper.js';
import type { NetworkOutcome } from './msal-network.adapter.js';

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

/** One token request's outcome: msal's result, or its error with what the request met on the wire. @internal */
export type AttemptOutcome<T> =
  | { readonly ok: true; readonly result: T }
  | { readonly ok: false; readonly error: unknown; readonly network: NetworkOutcome };

/** Why the credential should be reloaded after `error` (an AADSTS code), or `undefined`. @internal */
export function credentialReloadReason(error: unknown): string | undefined {
  const msalCode = error instanceof MsalAuthError ? error.errorCode : undefined;
  const message = error instanceof MsalAuthError ? error.errorMessage : undefined;
  const code = aadstsOf(error, message);
  const body = `${message ?? ''}${code !== undefined ? ` AADSTS${code}` : ''}`;
  if (!shouldReloadCredential(msalCode, body)) return undefined;
  return code !== undefined ? `AADSTS${code}` : msalCode;
}

/**
 * Microsoft.Identity.Web's certificate policy: when the identity provider rejects a certificate or
 * client assertion for one of {@link CERTIFICATE_RELOAD_CODES}, reload the credential and try
 * exactly once more. Secrets are never retried (a reload reads the same value).
 * @internal
 */
export async function withCredentialReload<T>(
  attempt: () => Promise<AttemptOutcome<T>>,
  reloadable: boolean,
  reload: (reason: string) => void,
): Promise<AttemptOutcome<T>> {
  const first = await attempt();
  if (first.ok || !reloadable) return first;
  const reason = credentialReloadReason(first.error);
  if (reason === undefined) return first;
  reload(reason);
  return attempt();
}
