import { hash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuthenticationResult } from '@azure/msal-node';
import { TOKEN_ACQUISITION_SETTINGS, IDP_TRANSPORT, TOKEN_CACHE_L2 } from '../auth.internal-constants.js';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenAcquisitionError } from '../errors/token-acquisition.error.js';
import type { IdentityProviderTransport } from '../http/identity-provider-transport.interface.js';
import type { AuthPrincipal } from '../request-context/auth-principal.interface.js';
import { type AuthRequestContext, RequestContextStore } from '../request-context/request-context.js';
import type { CachedToken } from '../token-cache/cached-token.interface.js';
import type { DistributedTokenCache } from '../token-cache/distributed-token-cache.js';
import { TokenCache } from '../token-cache/token-cache.js';
import { createPrincipal } from '../validation/entra-claims.util.js';
import { AuthorityMetadataProvider } from './authority-metadata.provider.js';
import { ClientCredentialProvider } from './client-credential.provider.js';
import { MsalClientFactory, type MsalTokenRequest } from './msal-client.factory.js';
import { checkTenant, resolveAppTenant } from './tenant-resolution.util.js';
import { ITokenAcquisition } from './token-acquisition.js';
import type { TokenAcquisitionSettings } from './token-acquisition-options.normalize.js';
import { TokenAcquisitionStatistics } from './token-acquisition-statistics.js';
import type {
  AppTokenOptions,
  CacheLevel,
  CacheRefreshReason,
  TokenAcquisitionResult,
  UserTokenOptions,
} from './token-acquisition.types.js';

/** Scopes msal adds or strips itself; never part of a downstream request or cache key. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access']);
const MAX_SCOPE_SETS = 1_000;
/** After a failed background refresh, wait this long before trying again (the cached token is still served). */
const REFRESH_BACKOFF_MS = 30_000;

interface ScopeSet {
  readonly key: string;
  readonly scopes: readonly string[];
}

interface Acquired {
  readonly token: CachedToken;
  readonly httpMs: number;
  readonly tokenEndpoint: string;
}

interface CallOptions {
  readonly forceRefresh?: boolean;
  readonly claims?: string;
  readonly correlationId?: string;
}

/**
 * The `ITokenAcquisition` implementation: our cache (L1 → L2 → identity provider, single-flight,
 * refresh-ahead) in front of a short-lived msal-node client per identity-provider call.
 * @internal
 */
@Injectable()
export class TokenAcquisitionService extends ITokenAcquisition {
  private readonly logger = new Logger('TokenAcquisition');
  private readonly cache: TokenCache;
  private readonly msal: MsalClientFactory;
  private readonly now: () => number;
  private readonly hashes = new WeakMap<AuthRequestContext, string>();
  private readonly userScopeSets = new Map<string, ScopeSet>();
  private readonly appScopeSets = new Map<string, ScopeSet>();
  private readonly scopeArrays = new Map<string, readonly string[]>();

  constructor(
    @Inject(TOKEN_ACQUISITION_SETTINGS) private readonly settings: TokenAcquisitionSettings,
    @Inject(IDP_TRANSPORT) transport: IdentityProviderTransport,
    private readonly stats: TokenAcquisitionStatistics,
    @Inject(TOKEN_CACHE_L2) l2: DistributedTokenCache | null,
  ) {
    super();
    this.now = settings.cache.now;
    this.cache = new TokenCache(
      {
        namespace: `niw:${settings.clientId}:`,
        maxEntries: settings.cache.maxEntries,
        maxSizeBytes: settings.cache.maxSizeBytes,
        disableL1: settings.cache.disableL1,
        l2: l2 ?? undefined,
        now: this.now,
      },
      stats,
      this.logger,
    );
    const credentials = new ClientCredentialProvider(settings.credential, this.now);
    const metadata = new AuthorityMetadataProvider(settings.instance, transport, settings.timeoutMs, this.now);
    this.msal = new MsalClientFactory(settings, credentials, metadata, transport, this.logger);
  }

  override async getAccessTokenForUser(scopes: readonly string[], options?: UserTokenOptions): Promise<string> {
    return (await this.getAuthenticationResultForUser(scopes, options)).accessToken;
  }

  override async getAccessTokenForApp(scope: string, options?: AppTokenOptions): Promise<string> {
    return (await this.getAuthenticationResultForApp(scope, options)).accessToken;
  }

  override async getAuthenticationResultForUser(
    scopes: readonly string[],
    options: UserTokenOptions = {},
  ): Promise<TokenAcquisitionResult> {
    const started = performance.now();
    let caller: { assertion: string; hash: string; principal: AuthPrincipal | undefined };
    let scopeSet: ScopeSet;
    let tenantOverride: string;
    try {
      caller = this.caller(options);
      scopeSet = this.userScopes(scopes);
      tenantOverride = options.tenant === undefined ? '' : checkTenant(options.tenant);
    } catch (error) {
      this.stats.errors++;
      throw error;
    }
    // The caller's tenant is a function of the assertion, so the assertion hash already
    // partitions by it; only an explicit tenant override needs its own key component.
    const key = `o|${tenantOverride.toLowerCase()}|${scopeSet.key}|${caller.hash}`;
    return this.resolve(key, options, started, () => {
      const principal = caller.principal ?? principalFromAssertion(caller.assertion);
      if (principal.isAppOnly) {
        throw TokenAcquisitionError.create(
          AuthErrorCode.AppOnlyAssertion,
          'The caller is an application (app-only token); on-behalf-of needs a user token.',
          [
            'Use getAccessTokenForApp for app callers, or check principal.isAppOnly before calling getAccessTokenForUser.',
          ],
          { flow: 'onBehalfOf', scopes: scopeSet.scopes },
        );
      }
      return {
        flow: 'onBehalfOf',
        tenant: tenantOverride || principal.tid || this.settings.tenantId,
        scopes: scopeSet.scopes,
        assertion: caller.assertion,
      };
    });
  }

  override async getAuthenticationResultForApp(
    scope: string,
    options: AppTokenOptions = {},
  ): Promise<TokenAcquisitionResult> {
    const started = performance.now();
    let scopeSet: ScopeSet;
    let tenant: string;
    try {
      scopeSet = this.appScope(scope);
      const override = options.tenant === undefined ? undefined : checkTenant(options.tenant);
      tenant =
        resolveAppTenant(override, this.settings.tenantId, this.settings.appHomeTenantId) ?? this.settings.tenantId;
    } catch (error) {
      this.stats.errors++;
      throw error;
    }
    // Partitioned by resource (Microsoft.Identity.Web's PartitionAppTokenCacheByAudience, on by default).
    const key = `a|${tenant.toLowerCase()}|${scopeSet.key}`;
    return this.resolve(key, options, started, () => ({ flow: 'clientCredentials', tenant, scopes: scopeSet.scopes }));
  }

  /** Cache lookups, then one identity-provider call per key. */
  private async resolve(
    key: string,
    options: CallOptions,
    started: number,
    prepare: () => Omit<MsalTokenRequest, 'correlationId' | 'claims'>,
  ): Promise<TokenAcquisitionResult> {
    const claims = options.claims ? normalizeClaims(options.claims) : undefined;
    const bypass = options.forceRefresh === true || claims !== undefined;
    let expired = false;
    if (!bypass) {
      const now = this.now();
      const l1 = this.cache.getL1(key, now);
      if (l1 !== undefined) {
        this.stats.l1Hits++;
        if (now >= l1.refreshOn) this.refreshAhead(key, l1, prepare);
        return this.result(l1, 'l1', 'notApplicable', options.correlationId, started, performance.now() - started);
      }
      expired = this.cache.l1?.lastMissExpired ?? false;
      const l2 = await this.cache.getL2(key);
      if (l2 !== undefined) {
        this.stats.l2Hits++;
        return this.result(l2, 'l2', 'notApplicable', options.correlationId, started, performance.now() - started);
      }
    }
    const cacheMs = performance.now() - started;
    this.stats.misses++;
    const reason: CacheRefreshReason = bypass ? 'forceRefreshOrClaims' : expired ? 'expired' : 'noCachedAccessToken';
    const flightKey = claims ? `${key}\u0000${claims}` : key;
    try {
      const { promise, joined } = this.cache.singleFlight(flightKey, key, () =>
        this.acquire({
          ...prepare(),
          correlationId: options.correlationId ?? randomUUID(),
          ...(claims ? { claims } : {}),
        }),
      );
      const acquired = await promise;
      return this.result(acquired.token, 'none', reason, options.correlationId, started, cacheMs, acquired, joined);
    } catch (error) {
      this.stats.errors++;
      if (error instanceof TokenAcquisitionError) {
        this.logger.warn({
          event: 'token_acquisition_failed',
          code: error.code,
          flow: error.flow,
          tenant: error.tenantId,
          scopes: error.scopes.join(' '),
          aadsts: error.aadstsCode,
          msalErrorCode: error.msalErrorCode,
          correlationId: error.correlationId,
        });
      }
      throw error;
    }
  }

  private async acquire(request: MsalTokenRequest): Promise<Acquired> {
    const { result, httpMs, tokenEndpoint } = await this.msal.acquire(request, () => {
      this.stats.identityProviderCalls++;
    });
    const token = this.toCachedToken(result, request);
    this.logger.debug({
      event: 'token_acquired',
      flow: request.flow,
      tenant: token.tenantId,
      scopes: token.scopes.join(' '),
      httpMs: Math.round(httpMs),
      correlationId: request.correlationId,
    });
    return { token, httpMs, tokenEndpoint };
  }

  /** Serves the cached token and renews it once in the background. */
  private refreshAhead(
    key: string,
    cached: CachedToken,
    prepare: () => Omit<MsalTokenRequest, 'correlationId' | 'claims'>,
  ) {
    if (this.cache.isInFlight(key)) return;
    this.stats.backgroundRefreshes++;
    let request: MsalTokenRequest;
    try {
      request = { ...prepare(), correlationId: randomUUID() };
    } catch {
      return;
    }
    const { promise } = this.cache.singleFlight(key, key, () => this.acquire(request));
    promise.catch((error: unknown) => {
      this.stats.errors++;
      // Keep serving the cached token until its margin; try again later, not on every hit.
      this.cache.l1?.set(
        key,
        { ...cached, refreshOn: Math.min(cached.staleOn, this.now() + REFRESH_BACKOFF_MS) },
        this.now(),
      );
      this.logger.warn({
        event: 'background_refresh_failed',
        code: error instanceof TokenAcquisitionError ? error.code : undefined,
        aadsts: error instanceof TokenAcquisitionError ? error.aadstsCode : undefined,
        correlationId: request.correlationId,
      });
    });
  }

  private toCachedToken(result: AuthenticationResult, request: MsalTokenRequest): CachedToken {
    const now = this.now();
    const wall = Date.now();
    // msal computes expiresOn from the wall clock; keep the lifetime, on our clock.
    const lifetime = Math.max(0, (result.expiresOn?.getTime() ?? wall) - wall);
    const refreshIn = result.refreshOn ? Math.max(0, result.refreshOn.getTime() - wall) : Infinity;
    const margin = Math.min(this.settings.cache.refreshMarginMs, lifetime / 2);
    const expiresOn = now + lifetime;
    const staleOn = expiresOn - margin;
    const refreshOn = Math.min(staleOn, now + Math.min(refreshIn, lifetime * this.settings.cache.refreshAheadRatio));
    return {
      accessToken: result.accessToken,
      tokenType: result.tokenType || 'Bearer',
      expiresOn,
      refreshOn,
      staleOn,
      scopes: this.internScopes(result.scopes?.length ? result.scopes : request.scopes),
      tenantId: result.tenantId || request.tenant,
      correlationId: result.correlationId || request.correlationId,
    };
  }

  private result(
    token: CachedToken,
    level: CacheLevel,
    reason: CacheRefreshReason,
    correlationId: string | undefined,
    started: number,
    cacheMs: number,
    acquired?: Acquired,
    coalesced = false,
  ): TokenAcquisitionResult {
    return {
      accessToken: token.accessToken,
      tokenType: token.tokenType,
      expiresOn: new Date(token.expiresOn),
      scopes: token.scopes,
      tenantId: token.tenantId,
      correlationId: acquired ? token.correlationId : (correlationId ?? token.correlationId),
      metadata: {
        tokenSource: acquired ? 'identityProvider' : 'cache',
        cacheLevel: level,
        cacheRefreshReason: reason,
        coalesced,
        durationTotalMs: performance.now() - started,
        durationInCacheMs: cacheMs,
        durationInHttpMs: acquired && !coalesced ? acquired.httpMs : 0,
        ...(acquired ? { tokenEndpoint: acquired.tokenEndpoint } : {}),
        refreshOn: new Date(token.refreshOn),
      },
    };
  }

  private caller(options: UserTokenOptions): {
    assertion: string;
    hash: string;
    principal: AuthPrincipal | undefined;
  } {
    if (options.assertion !== undefined) {
      if (typeof options.assertion !== 'string' || !options.assertion) throw noCaller('options.assertion is empty.');
      return { assertion: options.assertion, hash: hashAssertion(options.assertion), principal: options.user };
    }
    if (options.user !== undefined) {
      throw noCaller('options.user was given without options.assertion.');
    }
    const context = RequestContextStore.get();
    if (!context) throw noCaller('There is no authenticated caller in the current request context.');
    // One SHA-256 per request, not per call: a handler often asks for several tokens.
    let h = this.hashes.get(context);
    if (h === undefined) {
      h = hashAssertion(context.assertion);
      this.hashes.set(context, h);
    }
    return { assertion: context.assertion, hash: h, principal: context.principal };
  }

  private userScopes(scopes: readonly string[]): ScopeSet {
    if (!Array.isArray(scopes)) throw invalidScopes('scopes must be an array of strings.');
    const raw = scopes.join(' ');
    const known = this.userScopeSets.get(raw);
    if (known !== undefined) return known;
    const kept: string[] = [];
    for (const scope of scopes as unknown[]) {
      if (typeof scope !== 'string' || !scope.trim() || /\s/.test(scope.trim())) {
        throw invalidScopes('Each scope must be a non-empty string without spaces.');
      }
      const s = scope.trim();
      if (!OIDC_SCOPES.has(s.toLowerCase()) && !kept.some((k) => k.toLowerCase() === s.toLowerCase())) kept.push(s);
    }
    if (kept.length === 0) {
      throw invalidScopes('No downstream scope was requested (openid, profile and offline_access are ignored).');
    }
    kept.sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
    const set = { key: kept.join(' ').toLowerCase(), scopes: this.internScopes(kept) };
    if (this.userScopeSets.size >= MAX_SCOPE_SETS) this.userScopeSets.clear();
    this.userScopeSets.set(raw, set);
    return set;
  }

  private appScope(scope: string): ScopeSet {
    const known = typeof scope === 'string' ? this.appScopeSets.get(scope) : undefined;
    if (known !== undefined) return known;
    const s = typeof scope === 'string' ? scope.trim() : '';
    if (!s || /\s/.test(s) || !s.toLowerCase().endsWith('/.default') || s.length === '/.default'.length) {
      throw TokenAcquisitionError.create(
        AuthErrorCode.InvalidAppScope,
        `App tokens need exactly one scope ending in '/.default'; got '${typeof scope === 'string' ? scope.slice(0, 200) : typeof scope}'.`,
        [
          "Use the resource's App ID URI followed by /.default, e.g. 'api://todolist-service/.default' or 'https://graph.microsoft.com/.default'.",
          'Application permissions are granted to the app registration; they are not requested one by one.',
        ],
        { flow: 'clientCredentials' },
      );
    }
    const set = { key: s.slice(0, -'/.default'.length).toLowerCase(), scopes: this.internScopes([s]) };
    if (this.appScopeSets.size >= MAX_SCOPE_SETS) this.appScopeSets.clear();
    this.appScopeSets.set(scope, set);
    return set;
  }

  /** One frozen array per distinct scope list, shared by all cache entries. */
  private internScopes(scopes: readonly string[]): readonly string[] {
    const k = scopes.join(' ');
    let s = this.scopeArrays.get(k);
    if (s === undefined) {
      s = Object.freeze([...scopes]);
      if (this.scopeArrays.size >= MAX_SCOPE_SETS) this.scopeArrays.clear();
      this.scopeArrays.set(k, s);
    }
    return s;
  }
}

/** base64url(SHA-256(assertion)), the partition key msal and MSAL.NET use for OBO. @internal */
export function hashAssertion(assertion: string): string {
  return hash('sha256', assertion, 'base64url');
}

/** A claims request given as JSON or base64 (as in a `WWW-Authenticate` challenge) → JSON. */
function normalizeClaims(claims: string): string {
  const trimmed = claims.trim();
  if (trimmed.startsWith('{')) return trimmed;
  const decoded = Buffer.from(trimmed, 'base64').toString('utf8');
  return decoded.trim().startsWith('{') ? decoded.trim() : trimmed;
}

/**
 * Tenant and app-only flag from an assertion passed explicitly, by the same rules as a validated
 * principal. Its signature is not checked here: the identity provider checks it; we only route
 * and fail early on app tokens.
 */
function principalFromAssertion(assertion: string): { tid: string | undefined; isAppOnly: boolean } {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return { tid: undefined, isAppOnly: false };
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) return { tid: undefined, isAppOnly: false };
  return createPrincipal(claims as Record<string, unknown>);
}

function noCaller(problem: string): TokenAcquisitionError {
  return TokenAcquisitionError.create(
    AuthErrorCode.NoCallerInContext,
    `Cannot acquire a token on behalf of a user: ${problem}`,
    [
      'Call getAccessTokenForUser from a controller (or a service it calls) protected by AuthGuard, which records the caller.',
      'Outside a request (queue consumer, gateway), pass the validated incoming token: getAccessTokenForUser(scopes, { assertion }).',
      'For calls as the application itself, use getAccessTokenForApp.',
    ],
    { flow: 'onBehalfOf' },
  );
}

function invalidScopes(problem: string): TokenAcquisitionError {
  return TokenAcquisitionError.create(
    AuthErrorCode.InvalidScopes,
    problem,
    ["Pass the downstream API's scopes, e.g. ['api://todolist-service/access_as_user']."],
    { flow: 'onBehalfOf' },
  );
}
