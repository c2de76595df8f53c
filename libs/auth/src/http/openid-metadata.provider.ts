import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import type { IdentityProviderTransport } from './identity-provider-transport.interface.js';
import { authorityFailure, documentForValidation } from './openid-metadata.failures.js';
import {
  type AuthorityMetadata,
  type EntraSigningKey,
  fetchJsonDocument,
  importSigningKey,
  type JsonDocumentResult,
  toAuthorityMetadata,
} from './openid-document.js';

export type { AuthorityMetadata, EntraSigningKey, ImportedKey } from './openid-document.js';

/** The configured tenant's metadata and signing keys as last fetched. @internal */
export interface EntraMetadataSnapshot {
  /** Issuer of the v2 metadata (may contain `{tenantid}` for common/organizations). */
  readonly issuer: string;
  /** Issuer of the v1 metadata, when it could be fetched. */
  readonly v1Issuer: string | undefined;
  readonly cloudInstanceName: string | undefined;
  readonly keys: ReadonlyMap<string, EntraSigningKey>;
  readonly fetchedAt: number;
}

/** {@link OpenIdMetadataProvider.status}: epoch milliseconds; a good fetch clears `lastFailure`. @internal */
export interface OpenIdMetadataStatus {
  readonly metadataUrl: string;
  readonly fetchedAt: number | undefined;
  readonly keyCount: number;
  readonly lastFailure: { readonly at: number; readonly code: string } | undefined;
}

/** Settings of {@link OpenIdMetadataProvider}. @internal */
export interface OpenIdMetadataProviderOptions {
  readonly instance: string;
  /** The configured tenant: the one whose signing keys validate incoming tokens. */
  readonly tenantId: string;
  /** Background refresh of the configured tenant's metadata and keys. */
  readonly refreshIntervalMs: number;
  /** At most one JWKS refetch per interval when a token names an unknown `kid`. */
  readonly unknownKeyRefreshIntervalMs: number;
  /** After a failed fetch with no keys cached, answer 503 without refetching for this long. Default 2 s. */
  readonly failureBackoffMs?: number;
  /** Timeout of validation's fetches (metadata, JWKS). Default 10 s. */
  readonly timeoutMs?: number;
  /** Timeout of token acquisition's metadata fetches (`tokenRequestTimeoutMs`). Default 10 s. */
  readonly authorityTimeoutMs?: number;
  /** Clock of the authority cache (token acquisition's clock, so tests can move it). */
  readonly now?: () => number;
}

/** A tenant's v2 OpenID configuration is reused for msal this long, at most. */
const AUTHORITY_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_AUTHORITIES = 1_000;

/**
 * The library's one source of OpenID metadata, shared by incoming validation and token acquisition
 * through the module's identity-provider transport:
 *
 * - **Signing keys** of the configured tenant (`findKey`): the v2 metadata (and v1, for
 *   `sts.windows.net` issuers) and the JWKS, kept as last-known-good, refreshed in the background,
 *   refetched when a token names an unknown `kid` (key rotation), at most once per interval after
 *   a refetch that succeeded. Failures are `IdentityProviderUnavailableError` `NIW3020`/`NIW3021`
 *   (503), also for an unknown `kid` whose refetch failed.
 * - **Authority metadata** of any tenant for msal-node (`get`), cached 24 h so a token request is a
 *   single POST. Failures are `NIW4008` (unreachable, 429, 5xx) or `NIW4011` (no such tenant).
 *
 * The configured tenant's v2 document is fetched once for both: a fetch under way is joined, and
 * the document validation fetched serves msal too.
 * @internal
 */
export class OpenIdMetadataProvider {
  private snapshot: EntraMetadataSnapshot | undefined;
  private refreshing: Promise<EntraMetadataSnapshot> | undefined;
  private lastUnknownKeyRefresh = 0;
  private lastFailure: { at: number; error: IdentityProviderUnavailableError } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly keysRemovedListeners: ((kids: ReadonlySet<string>) => void)[] = [];
  /** Fetches under way, by URL: concurrent callers share one request. */
  private readonly fetching = new Map<string, Promise<JsonDocumentResult>>();
  /** The configured tenant's last good v2 document, shared by both sides (other tenants: msal only). */
  private configuredDocument: { document: Readonly<Record<string, unknown>>; at: number } | undefined;
  private readonly configuredKey: string;
  private readonly authorities = new Map<string, { value: Promise<AuthorityMetadata>; at: number }>();
  private readonly now: () => number;
  readonly metadataUrl: string;
  readonly v1MetadataUrl: string;

  constructor(
    private readonly transport: IdentityProviderTransport,
    private readonly options: OpenIdMetadataProviderOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.configuredKey = options.tenantId.toLowerCase();
    this.metadataUrl = this.v2Url(options.tenantId);
    // Like AadIssuerValidator, `organizations` has no v1 document of its own: v1 uses `common`.
    const v1Tenant = options.tenantId.toLowerCase() === 'organizations' ? 'common' : options.tenantId;
    this.v1MetadataUrl = `${options.instance}${v1Tenant}/.well-known/openid-configuration`;
  }

  /** Calls `listener` with the `kid`s that disappeared from the JWKS on a refresh. */
  onKeysRemoved(listener: (kids: ReadonlySet<string>) => void): void {
    this.keysRemovedListeners.push(listener);
  }

  /** Starts the first fetch of the signing keys and the background refresh; never throws (the app boots even offline). */
  start(): void {
    if (this.timer) return;
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

  /** The configured tenant's metadata and keys as last fetched, without I/O. */
  current(): EntraMetadataSnapshot | undefined {
    return this.snapshot;
  }

  /** What health checks read, without I/O: last good fetch, key count, and a failure since then. */
  status(): OpenIdMetadataStatus {
    const failure = this.lastFailure;
    return {
      metadataUrl: this.metadataUrl,
      fetchedAt: this.snapshot?.fetchedAt,
      keyCount: this.snapshot?.keys.size ?? 0,
      lastFailure: failure && { at: failure.at, code: failure.error.code },
    };
  }

  /**
   * The key named `kid`, refetching the JWKS once (rate-limited) when it is unknown.
   *
   * Only a successful refetch that lacks the `kid` starts the rate limit (and the token is refused
   * as an unknown key, 401). A failed refetch means nothing is known about the `kid`: the caller gets
   * the 503 and the next request after the failure backoff refetches again, so a key rotated during
   * an outage is accepted as soon as the identity provider is back.
   * @throws IdentityProviderUnavailableError when the keys cannot be fetched and are needed (nothing
   *   fetched yet, or an unknown `kid` whose refetch failed)
   */
  async findKey(kid: string): Promise<{ snapshot: EntraMetadataSnapshot; key: EntraSigningKey | undefined }> {
    let snapshot = this.snapshot ?? (await this.load());
    const key = snapshot.keys.get(kid);
    if (key) return { snapshot, key };
    if (!this.refreshing && Date.now() - this.lastUnknownKeyRefresh < this.options.unknownKeyRefreshIntervalMs) {
      return { snapshot, key };
    }
    const joined = this.refreshing !== undefined;
    // Within the failure backoff, joins a refresh under way or answers the last failure (503).
    snapshot = await this.load();
    // Joining a background refresh costs nothing: only a refetch started here counts.
    if (!joined) this.lastUnknownKeyRefresh = Date.now();
    return { snapshot, key: snapshot.keys.get(kid) };
  }

  /** Fetches the configured tenant's metadata and keys now (joined with a refresh under way). */
  refresh(): Promise<EntraMetadataSnapshot> {
    this.refreshing ??= this.fetchSnapshot()
      .then(
        (next) => {
          const previous = this.snapshot;
          this.snapshot = next;
          this.lastFailure = undefined;
          if (previous && this.keysRemovedListeners.length) {
            const removed = new Set([...previous.keys.keys()].filter((k) => !next.keys.has(k)));
            if (removed.size) for (const listener of this.keysRemovedListeners) listener(removed);
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
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /**
   * msal-node's authority metadata for `tenant` (cached 24 h per tenant, any letter case).
   * @throws IdentityProviderUnavailableError `NIW4008` when the metadata is unreachable or answers 429/5xx
   * @throws TokenAcquisitionError `NIW4011` when the tenant has no usable OpenID configuration
   */
  get(tenant: string): Promise<AuthorityMetadata> {
    const key = tenant.toLowerCase();
    const hit = this.authorities.get(key);
    if (hit && this.now() - hit.at < AUTHORITY_TTL_MS) return hit.value;
    const value = this.fetchAuthority(key);
    value.catch(() => this.authorities.delete(key));
    if (this.authorities.size >= MAX_AUTHORITIES) {
      const oldest = this.authorities.keys().next();
      if (!oldest.done) this.authorities.delete(oldest.value);
    }
    this.authorities.set(key, { value, at: this.now() });
    return value;
  }

  private load(): Promise<EntraMetadataSnapshot> {
    const failure = this.lastFailure;
    if (!this.refreshing && failure && Date.now() - failure.at < (this.options.failureBackoffMs ?? 2000)) {
      return Promise.reject(failure.error);
    }
    return this.refresh();
  }

  private v2Url(tenant: string): string {
    return `${this.options.instance}${tenant}/v2.0/.well-known/openid-configuration`;
  }

  /** One request per URL at a time; the configured tenant's good v2 document is remembered for the other side. */
  private fetchDocument(url: string, timeoutMs: number, tenant?: string): Promise<JsonDocumentResult> {
    let pending = this.fetching.get(url);
    if (!pending) {
      pending = fetchJsonDocument(this.transport, url, timeoutMs).then((result) => {
        if (tenant?.toLowerCase() === this.configuredKey && result.kind === 'ok') {
          this.configuredDocument = { document: result.document, at: this.now() };
        }
        return result;
      });
      this.fetching.set(url, pending);
      void pending.finally(() => this.fetching.delete(url));
    }
    return pending;
  }

  private async fetchSnapshot(): Promise<EntraMetadataSnapshot> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const [metadata, v1] = await Promise.all([
      this.fetchDocument(this.metadataUrl, timeoutMs, this.options.tenantId).then((r) =>
        documentForValidation(r, this.metadataUrl, 'metadata'),
      ),
      this.fetchDocument(this.v1MetadataUrl, timeoutMs)
        .then((r) => documentForValidation(r, this.v1MetadataUrl, 'v1 metadata'))
        .catch(() => undefined),
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
    const jwks = documentForValidation(await this.fetchDocument(jwksUri, timeoutMs), jwksUri, 'JWKS');
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
    return {
      issuer,
      v1Issuer: typeof v1?.issuer === 'string' && v1.issuer ? v1.issuer : this.snapshot?.v1Issuer,
      cloudInstanceName: typeof metadata.cloud_instance_name === 'string' ? metadata.cloud_instance_name : undefined,
      keys,
      fetchedAt: Date.now(),
    };
  }

  /** msal's metadata for one tenant: the document validation fetched when fresh, else a fetch (see authorityFailure). */
  private async fetchAuthority(tenant: string): Promise<AuthorityMetadata> {
    const authority = `${this.options.instance}${tenant}`;
    const url = this.v2Url(tenant);
    const known = tenant === this.configuredKey ? this.configuredDocument : undefined;
    const result: JsonDocumentResult =
      known && this.now() - known.at < AUTHORITY_TTL_MS
        ? { kind: 'ok', document: known.document }
        : await this.fetchDocument(url, this.options.authorityTimeoutMs ?? 10_000, tenant);
    const metadata =
      result.kind === 'ok' ? toAuthorityMetadata(this.options.instance, authority, url, result.document) : undefined;
    if (!metadata) throw authorityFailure(result, url, tenant);
    return metadata;
  }
}
