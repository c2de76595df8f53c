import { importJWK, type JWK } from 'jose';
import type { IdentityProviderTransport } from './identity-provider-transport.interface.js';
import { IdpUnreachableError } from './idp-http-client.js';

/**
 * The outcome of fetching one JSON document (OpenID configuration or JWKS) from the identity
 * provider, before anyone decides what it means: validation and token acquisition report the same
 * failure with their own error codes (`NIW302x` and `NIW4008`/`NIW4011`).
 * @internal
 */
export type JsonDocumentResult =
  | { readonly kind: 'ok'; readonly document: Readonly<Record<string, unknown>> }
  /** No answer: DNS, TCP, TLS, timeout. `reason` is short and safe to log. */
  | { readonly kind: 'unreachable'; readonly reason: string; readonly cause: unknown }
  /** An answer other than 200. */
  | { readonly kind: 'status'; readonly status: number; readonly headers: Readonly<Record<string, string>> }
  /** A 200 whose body is not a JSON object (a proxy's HTML error page, say). */
  | { readonly kind: 'not-json' };

/**
 * GETs a JSON object. Never throws: every failure is a result, so a coalesced fetch can be shared
 * by callers that report failures differently.
 * @internal
 */
export async function fetchJsonDocument(
  transport: IdentityProviderTransport,
  url: string,
  timeoutMs: number,
): Promise<JsonDocumentResult> {
  let response;
  try {
    response = await transport.request(url, { method: 'GET', timeoutMs });
  } catch (cause) {
    return { kind: 'unreachable', reason: unreachableReason(cause), cause };
  }
  if (response.status !== 200) return { kind: 'status', status: response.status, headers: response.headers };
  try {
    const parsed: unknown = JSON.parse(response.body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return { kind: 'ok', document: parsed as Record<string, unknown> };
    }
  } catch {
    // reported below: a proxy's HTML error page must not crash the process (passport-azure-ad does)
  }
  return { kind: 'not-json' };
}

function unreachableReason(cause: unknown): string {
  if (cause instanceof IdpUnreachableError) return cause.reason;
  return cause instanceof Error ? cause.name : 'request failed';
}

/** An imported public key, as `jose` returns it. @internal */
export type ImportedKey = Exclude<Awaited<ReturnType<typeof importJWK>>, Uint8Array>;

/** A signing key of the tenant, imported once. @internal */
export interface EntraSigningKey {
  readonly kid: string;
  readonly key: ImportedKey;
  /** The JWK as published (`issuer`, `cloud_instance_name`…), for the signing-key issuer check. */
  readonly jwk: Readonly<JWK & { issuer?: unknown; cloud_instance_name?: unknown }>;
}

/** Imports an RSA signing key of a JWKS; `undefined` for anything else (encryption keys, EC, junk). @internal */
export async function importSigningKey(value: unknown): Promise<EntraSigningKey | undefined> {
  if (!value || typeof value !== 'object') return undefined;
  const jwk = value as JWK & { issuer?: unknown; cloud_instance_name?: unknown };
  if (jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) return undefined;
  const kid = jwk.kid ?? (jwk as { x5t?: string }).x5t;
  if (typeof kid !== 'string' || !kid || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') return undefined;
  try {
    const key = await importJWK({ kty: 'RSA', n: jwk.n, e: jwk.e }, 'RS256');
    return key instanceof Uint8Array ? undefined : { kid, key, jwk: Object.freeze({ ...jwk }) };
  } catch {
    return undefined;
  }
}

/** What msal-node needs to skip discovery for one authority. @internal */
export interface AuthorityMetadata {
  /** `https://<host>/<tenant>` as given to msal. */
  readonly authority: string;
  readonly tokenEndpoint: string;
  /** JSON string for msal `auth.authorityMetadata`. */
  readonly authorityMetadata: string;
  /** JSON string for msal `auth.cloudDiscoveryMetadata`. */
  readonly cloudDiscoveryMetadata: string;
  /** `[host]` for hosts msal does not know (the emulator, a sovereign or custom host). */
  readonly knownAuthorities: readonly string[];
}

const MICROSOFT_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
]);

const AUTHORITY_FIELDS = ['authorization_endpoint', 'token_endpoint', 'issuer', 'jwks_uri'] as const;

/**
 * msal-node's authority and cloud-discovery metadata from a tenant's OpenID configuration, or
 * `undefined` when a field msal needs is missing.
 * @internal
 */
export function toAuthorityMetadata(
  instance: string,
  authority: string,
  url: string,
  doc: Readonly<Record<string, unknown>>,
): AuthorityMetadata | undefined {
  if (AUTHORITY_FIELDS.some((f) => typeof doc[f] !== 'string')) return undefined;
  const host = new URL(instance).host;
  const metadata = {
    authorization_endpoint: doc.authorization_endpoint,
    token_endpoint: doc.token_endpoint,
    issuer: doc.issuer,
    jwks_uri: doc.jwks_uri,
    ...(typeof doc.end_session_endpoint === 'string' ? { end_session_endpoint: doc.end_session_endpoint } : {}),
  };
  return {
    authority,
    tokenEndpoint: doc.token_endpoint as string,
    authorityMetadata: JSON.stringify(metadata),
    cloudDiscoveryMetadata: JSON.stringify({
      tenant_discovery_endpoint: url,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    }),
    knownAuthorities: MICROSOFT_HOSTS.has(host.toLowerCase()) ? [] : [host],
  };
}
