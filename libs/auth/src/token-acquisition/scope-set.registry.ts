import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenAcquisitionError } from '../errors/token-acquisition.error.js';

/** Scopes msal adds or strips itself; never part of a downstream request or cache key. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access']);
const MAX_SCOPE_SETS = 1_000;

/** Requested scopes, normalised: the cache-key part and the scopes sent. @internal */
export interface ScopeSet {
  /** Lower-case, sorted, space-separated: the same for any order or letter case. */
  readonly key: string;
  /** What is sent to the identity provider (one shared frozen array). */
  readonly scopes: readonly string[];
}

/**
 * Validates and normalises requested scopes, and interns them: a handler asking for the same scopes
 * on every request costs one `Map` lookup, and every cache entry with the same scopes shares one
 * frozen array. Each map is bounded (cleared past 1,000 distinct lists).
 * @internal
 */
export class ScopeSetRegistry {
  private readonly userScopeSets = new Map<string, ScopeSet>();
  private readonly appScopeSets = new Map<string, ScopeSet>();
  private readonly scopeArrays = new Map<string, readonly string[]>();

  /**
   * Delegated scopes for on-behalf-of: openid/profile/offline_access dropped, duplicates removed
   * (case-insensitively), sorted.
   * @throws TokenAcquisitionError (NIW4010) when no downstream scope remains or one is malformed
   */
  userScopes(scopes: readonly string[]): ScopeSet {
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
    const set = { key: kept.join(' ').toLowerCase(), scopes: this.intern(kept) };
    if (this.userScopeSets.size >= MAX_SCOPE_SETS) this.userScopeSets.clear();
    this.userScopeSets.set(raw, set);
    return set;
  }

  /**
   * The one `…/.default` scope of a client-credentials request; its key is the resource.
   * @throws TokenAcquisitionError (NIW4003) for anything but one scope ending in `/.default`
   */
  appScope(scope: string): ScopeSet {
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
    const set = { key: s.slice(0, -'/.default'.length).toLowerCase(), scopes: this.intern([s]) };
    if (this.appScopeSets.size >= MAX_SCOPE_SETS) this.appScopeSets.clear();
    this.appScopeSets.set(scope, set);
    return set;
  }

  /** One frozen array per distinct scope list, shared by all cache entries. */
  intern(scopes: readonly string[]): readonly string[] {
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

function invalidScopes(problem: string): TokenAcquisitionError {
  return TokenAcquisitionError.create(
    AuthErrorCode.InvalidScopes,
    problem,
    ["Pass the downstream API's scopes, e.g. ['api://todolist-service/access_as_user']."],
    { flow: 'onBehalfOf' },
  );
}
