import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import { TokenAcquisitionError } from '../errors/token-acquisition.error.js';
import type { IdentityProviderTransport } from '../http/identity-provider-transport.interface.js';
import { retryAfterSeconds } from '../http/retry-after.util.js';

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
const TTL_MS = 24 * 60 * 60 * 1000;
const MAX_AUTHORITIES = 1_000;

/**
 * Fetches each tenant's OpenID configuration once (24 h) and hands it to msal-node, so a token
 * request is a single POST: no discovery I/O per call, even with a short-lived msal client.
 * @internal
 */
export class AuthorityMetadataProvider {
  private readonly cache = new Map<string, { value: Promise<AuthorityMetadata>; at: number }>();

  constructor(
    private readonly instance: string,
    private readonly transport: IdentityProviderTransport,
    private readonly timeoutMs: number,
    private readonly now: () => number,
  ) {}

  get(tenant: string): Promise<AuthorityMetadata> {
    const key = tenant.toLowerCase();
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < TTL_MS) return hit.value;
    const value = this.fetch(key);
    value.catch(() => this.cache.delete(key));
    if (this.cache.size >= MAX_AUTHORITIES) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(key, { value, at: this.now() });
    return value;
  }

  private async fetch(tenant: string): Promise<AuthorityMetadata> {
    const authority = `${this.instance}${tenant}`;
    const url = `${authority}/v2.0/.well-known/openid-configuration`;
    let res;
    try {
      res = await this.transport.request(url, { method: 'GET', timeoutMs: this.timeoutMs });
    } catch (cause) {
      throw new IdentityProviderUnavailableError(
        `metadata ${url} unreachable (${cause instanceof Error ? cause.message : String(cause)})`,
        10,
        { code: AuthErrorCode.TokenEndpointUnavailable, details: { tenantId: tenant }, cause },
      );
    }
    if (res.status === 429 || res.status >= 500) {
      throw new IdentityProviderUnavailableError(
        `metadata ${url} answered HTTP ${res.status}`,
        retryAfterSeconds(res.headers, 10),
        { code: AuthErrorCode.TokenEndpointUnavailable, details: { tenantId: tenant, status: res.status } },
      );
    }
    let doc: Record<string, unknown> | undefined;
    try {
      doc = JSON.parse(res.body) as Record<string, unknown>;
    } catch {
      doc = undefined;
    }
    const required = ['authorization_endpoint', 'token_endpoint', 'issuer', 'jwks_uri'] as const;
    if (res.status !== 200 || !doc || required.some((f) => typeof doc[f] !== 'string')) {
      throw TokenAcquisitionError.create(
        AuthErrorCode.InvalidTenant,
        `The identity provider has no usable OpenID configuration for tenant '${tenant}' (HTTP ${res.status} from ${url}).`,
        ['Check tenantId (or the tenant passed at call time) and instance.'],
        { tenantId: tenant, status: res.status },
      );
    }
    const host = new URL(this.instance).host;
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
}
