import { importJWK, type JWK } from 'jose';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import type { IdentityProviderTransport } from '../http/identity-provider-transport.interface.js';
import { IdpUnreachableError } from '../http/idp-http-client.js';
import { retryAfterSeconds } from '../http/retry-after.util.js';

/** An imported public key, as `jose` returns it. @internal */
export type ImportedKey = Exclude<Awaited<ReturnType<typeof importJWK>>, Uint8Array>;

/** A signing key of the tenant, imported once. @internal */
export interface EntraSigningKey {
  readonly kid: string;
  readonly key: ImportedKey;
  /** The JWK as published (`issuer`, `cloud_instance_name`…), for the signing-key issuer check. */
  readonly jwk: Readonly<JWK & { issuer?: unknown; cloud_instance_name?: unknown }>;
}

/** Metadata and keys as last fetched. @internal */
export interface EntraMetadataSnapshot {
  /** Issuer of the v2 metadata (may contain `{tenantid}` for common/organizations). */
  readonly issuer: string;
  /** Issuer of the v1 metadata, when it could be fetched. */
  readonly v1Issuer: string | undefined;
  readonly cloudInstanceName: string | undefined;
  readonly keys: ReadonlyMap<string, EntraSigningKey>;
  readonly fetchedAt: number;
}

/** Settings of {@link EntraMetadataProvider}. @internal */
export interface EntraMetadataProviderOptions {
  readonly instance: string;
  readonly tenantId: string;
  readonly refreshIntervalMs: number;
  readonly unknownKeyRefreshIntervalMs: number;
  /** After a failed fetch with nothing cached, answer 503 without refetching for this long. */
  readonly failureBackoffMs?: number;
  readonly timeoutMs?: number;
  /** Called with the `kid`s that disappeared from the JWKS on a refresh. */
  readonly onKeysRemoved?: (kids: ReadonlySet<string>) => void;
}

/**
 * Fetches the tenant's OpenID metadata (v2, and v1 for `sts.windows.net` issuers) and JWKS through
 * the module's identity-provider transport, keeps them as last-known-good, refreshes them in the background, and
 * refetches at most once per interval when a token names an unknown `kid` (key rotation).
 * Concurrent refreshes are coalesced into one request.
 * @internal
 */
export class EntraMetadataProvider {
  private snapshot: EntraMetadataSnapshot | undefined;
  private inflight: Promise<EntraMetadataSnapshot> | undefined;
  private lastUnknownKeyRefresh = 0;
  private lastFailure: { at: number; error: IdentityProviderUnavailableError } | undefined;
  private timer: NodeJS.Timeout | undefined;
  readonly metadataUrl: string;
  readonly v1MetadataUrl: string;

  constructor(
    private readonly http: IdentityProviderTransport,
    private readonly options: EntraMetadataProviderOptions,
  ) {
    this.metadataUrl = `${options.instance}${options.tenantId}/v2.0/.well-known/openid-configuration`;
    // Like AadIssuerValidator, `organizations` has no v1 document of its own: v1 uses `common`.
    const v1Tenant = options.tenantId.toLowerCase() === 'organizations' ? 'common' : options.tenantId;
    this.v1MetadataUrl = `${options.instance}${v1Tenant}/.well-known/openid-configuration`;
  }

  /** Starts the first fetch and the background refresh; never throws (the app boots even offline). */
  start(): void {
    this.refresh().catch(() => undefined);
    this.timer = setInterval(() => {
      this.refresh().catch(() => undefined);
    }, this.options.refreshIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The metadata as last fetched, without I/O. */
  current(): EntraMetadataSnapshot | undefined {
    return this.snapshot;
  }

  /**
   * The key named `kid`, refetching the JWKS once (rate-limited) when it is unknown.
   * @throws IdentityProviderUnavailableError when nothing was ever fetched and the fetch fails
   */
  async findKey(kid: string): Promise<{ snapshot: EntraMetadataSnapshot; key: EntraSigningKey | undefined }> {
    let snapshot = this.snapshot ?? (await this.load());
    let key = snapshot.keys.get(kid);
    if (key) return { snapshot, key };
    const now = Date.now();
    if (this.inflight || now - this.lastUnknownKeyRefresh >= this.options.unknownKeyRefreshIntervalMs) {
      if (!this.inflight) this.lastUnknownKeyRefresh = now;
      try {
        snapshot = await this.refresh();
      } catch {
        // Keep the last-known-good keys: the token is refused as "unknown key", not 503.
      }
      key = snapshot.keys.get(kid);
    }
    return { snapshot, key };
  }

  private load(): Promise<EntraMetadataSnapshot> {
    const failure = this.lastFailure;
    if (!this.inflight && failure && Date.now() - failure.at < (this.options.failureBackoffMs ?? 2000)) {
      return Promise.reject(failure.error);
    }
    return this.refresh();
  }

  /** Fetches metadata and keys now (coalesced with a fetch already under way). */
  refresh(): Promise<EntraMetadataSnapshot> {
    this.inflight ??= this.fetchSnapshot()
      .then(
        (next) => {
          const previous = this.snapshot;
          this.snapshot = next;
          this.lastFailure = undefined;
          if (previous && this.options.onKeysRemoved) {
            const removed = new Set([...previous.keys.keys()].filter((k) => !next.keys.has(k)));
            if (removed.size) this.options.onKeysRemoved(removed);
          }
          return next;
        },
        (error: unknown) => {
          const unavailable =
            error instanceof IdentityProviderUnavailableError
              ? error
              : new IdentityProviderUnavailableError('fetching the identity provider metadata failed', 5, {
                  cause: error,
                });
          this.lastFailure = { at: Date.now(), error: unavailable };
          throw unavailable;
        },
      )
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  private async fetchSnapshot(): Promise<EntraMetadataSnapshot> {
    const [metadata, v1] = await Promise.all([
      this.fetchJson(this.metadataUrl, 'metadata'),
      this.fetchJson(this.v1MetadataUrl, 'v1 metadata').catch(() => undefined),
    ]);
    const issuer = metadata.issuer;
    const jwksUri = metadata.jwks_uri;
    if (typeof issuer !== 'string' || !issuer || typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri)) {
      throw new IdentityProviderUnavailableError(
        `The OpenID metadata at ${this.metadataUrl} has no issuer or jwks_uri`,
        5,
        { code: AuthErrorCode.InvalidIdentityProviderMetadata },
      );
    }
    const jwks = await this.fetchJson(jwksUri, 'JWKS');
    const keys = new Map<string, EntraSigningKey>();
    for (const jwk of Array.isArray(jwks.keys) ? (jwks.keys as unknown[]) : []) {
      const imported = await importSigningKey(jwk);
      if (imported) keys.set(imported.kid, imported);
    }
    if (!keys.size) {
      throw new IdentityProviderUnavailableError(`The JWKS at ${jwksUri} has no usable RSA signing key`, 5, {
        code: AuthErrorCode.InvalidIdentityProviderMetadata,
      });
    }
    const previousV1 = this.snapshot?.v1Issuer;
    return {
      issuer,
      v1Issuer: typeof v1?.issuer === 'string' && v1.issuer ? v1.issuer : previousV1,
      cloudInstanceName: typeof metadata.cloud_instance_name === 'string' ? metadata.cloud_instance_name : undefined,
      keys,
      fetchedAt: Date.now(),
    };
  }

  private async fetchJson(url: string, what: string): Promise<Record<string, unknown>> {
    let response;
    try {
      response = await this.http.request(url, { timeoutMs: this.options.timeoutMs ?? 10_000 });
    } catch (cause) {
      const reason =
        cause instanceof IdpUnreachableError ? cause.reason : cause instanceof Error ? cause.name : 'request failed';
      throw new IdentityProviderUnavailableError(
        `The identity provider ${what} at ${url} is unreachable (${reason})`,
        5,
        { code: AuthErrorCode.IdentityProviderUnavailable, cause },
      );
    }
    if (response.status !== 200) {
      throw new IdentityProviderUnavailableError(
        `The identity provider ${what} at ${url} answered HTTP ${response.status}`,
        retryAfterSeconds(response.headers, 5),
        { code: AuthErrorCode.IdentityProviderUnavailable },
      );
    }
    try {
      const parsed: unknown = JSON.parse(response.body);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // reported below: a proxy's HTML error page must not crash the process (passport-azure-ad does)
    }
    throw new IdentityProviderUnavailableError(`The identity provider ${what} at ${url} is not a JSON object`, 5, {
      code: AuthErrorCode.InvalidIdentityProviderMetadata,
    });
  }
}

async function importSigningKey(value: unknown): Promise<EntraSigningKey | undefined> {
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
