import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { AuthConfigurationError } from '../errors/auth.error.js';
import type { DownstreamApiOptions } from './downstream-api-options.interface.js';

/** A downstream API, validated once at bootstrap. @internal */
export interface NormalizedDownstreamApi {
  /** The name as configured (for errors and logs). */
  readonly name: string;
  /** Base URL without a trailing slash. */
  readonly baseUrl: string;
  readonly origin: string;
  /** Path of the base URL with a trailing slash, e.g. `/v1.0/`: relative paths stay under it. */
  readonly basePath: string;
  readonly userScopes: readonly string[];
  /** The `/.default` scope of app calls; undefined when none can be derived. */
  readonly appScope: string | undefined;
  readonly requestAppToken: boolean;
  readonly relativePath: string;
  /** Default headers, names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/** The configured downstream APIs by lower-cased name (names match case-insensitively, as in .NET configuration). @internal */
export type NormalizedDownstreamApis = ReadonlyMap<string, NormalizedDownstreamApi>;

/** Default time allowed for a whole downstream call. @internal */
export const DEFAULT_DOWNSTREAM_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 600_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Validates `downstreamApis` once, at bootstrap.
 * @throws AuthConfigurationError NIW1012 naming the setting and the fix
 * @internal
 */
export function normalizeDownstreamApis(
  apis: Readonly<Record<string, DownstreamApiOptions>> | undefined,
): NormalizedDownstreamApis {
  const result = new Map<string, NormalizedDownstreamApi>();
  for (const [name, options] of Object.entries(apis ?? {})) {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
      throw invalid(name, 'name', `'${name}' is not a valid name`, 'Use letters, digits, "_", "-" or ".".');
    }
    const key = name.toLowerCase();
    if (result.has(key)) {
      throw invalid(name, 'name', `'${name}' is configured twice (names are case-insensitive)`, 'Keep one spelling.');
    }
    result.set(key, normalizeOne(name, options));
  }
  return result;
}

function normalizeOne(name: string, options: DownstreamApiOptions): NormalizedDownstreamApi {
  if (!options || typeof options !== 'object') {
    throw invalid(name, 'baseUrl', 'is not configured', `Set DownstreamApis__${name}__BaseUrl.`);
  }
  const base = parseBaseUrl(name, options);
  const userScopes = scopesOf(name, options.scopes);
  const appScope = appScopeOf(name, options.appScope, userScopes);
  if (options.requestAppToken === true && appScope === undefined) {
    throw invalid(
      name,
      'appScope',
      'is needed with requestAppToken but cannot be derived from scopes',
      `Set DownstreamApis__${name}__AppScope to the API's '<App ID URI>/.default' scope.`,
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOWNSTREAM_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw invalid(
      name,
      'timeoutMs',
      `must be a whole number of milliseconds between 1 and ${MAX_TIMEOUT_MS}`,
      `Set DownstreamApis__${name}__TimeoutMs, e.g. 10000.`,
    );
  }
  const headers: Record<string, string> = {};
  for (const [header, value] of Object.entries(options.extraHeaderParameters ?? {})) {
    if (!HEADER_NAME.test(header) || typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      throw invalid(
        name,
        'extraHeaderParameters',
        `has an invalid header '${header}'`,
        'Use token header names and single-line values.',
      );
    }
    if (header.toLowerCase() === 'authorization') {
      throw invalid(
        name,
        'extraHeaderParameters',
        'sets authorization, which the library owns',
        'Remove it: configure scopes (or an empty list for calls without a token).',
      );
    }
    headers[header.toLowerCase()] = value;
  }
  const query: Record<string, string> = {};
  for (const [param, value] of Object.entries(options.extraQueryParameters ?? {})) {
    if (!param || typeof value !== 'string') {
      throw invalid(name, 'extraQueryParameters', `has an invalid parameter '${param}'`, 'Use string values.');
    }
    query[param] = value;
  }
  const relativePath = options.relativePath ?? '';
  if (typeof relativePath !== 'string') {
    throw invalid(name, 'relativePath', 'must be a string', `Set DownstreamApis__${name}__RelativePath, e.g. 'me'.`);
  }
  return {
    name,
    ...base,
    userScopes,
    appScope,
    requestAppToken: options.requestAppToken === true,
    relativePath,
    headers,
    query,
    timeoutMs,
  };
}

function parseBaseUrl(
  name: string,
  options: DownstreamApiOptions,
): { baseUrl: string; origin: string; basePath: string } {
  const raw = options.baseUrl;
  const fix = `Set DownstreamApis__${name}__BaseUrl to an absolute https URL without query or fragment, e.g. https://graph.microsoft.com/v1.0.`;
  let url: URL | undefined;
  try {
    url = typeof raw === 'string' && raw ? new URL(raw) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash || url.username) {
    throw invalid(
      name,
      'baseUrl',
      `'${String(raw ?? '')}' is not an absolute http(s) URL without query or fragment`,
      fix,
    );
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname) && options.allowHttp !== true) {
    throw invalid(
      name,
      'baseUrl',
      `'${url.origin}' is plain http: the bearer token would travel in cleartext`,
      `Use https, or set DownstreamApis__${name}__AllowHttp=true if a proxy or mesh adds TLS.`,
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  return { baseUrl: `${url.origin}${path}`, origin: url.origin, basePath: `${path}/` };
}

function scopesOf(name: string, scopes: readonly string[] | undefined): readonly string[] {
  if (scopes === undefined) return [];
  const list: readonly unknown[] | undefined = Array.isArray(scopes) ? (scopes as readonly unknown[]) : undefined;
  if (!list || list.some((s) => typeof s !== 'string' || !s || /\s/.test(s))) {
    throw invalid(
      name,
      'scopes',
      'must be a list of scopes without spaces',
      `Set DownstreamApis__${name}__Scopes, e.g. 'api://todolist-service/access_as_user'.`,
    );
  }
  return Object.freeze([...(list as string[])]);
}

function appScopeOf(name: string, appScope: string | undefined, scopes: readonly string[]): string | undefined {
  if (appScope !== undefined) {
    if (typeof appScope !== 'string' || !appScope.endsWith('/.default') || /\s/.test(appScope)) {
      throw invalid(
        name,
        'appScope',
        `'${String(appScope)}' does not end in /.default`,
        `Set DownstreamApis__${name}__AppScope to '<App ID URI>/.default'.`,
      );
    }
    return appScope;
  }
  if (scopes.length === 1 && scopes[0]!.endsWith('/.default')) return scopes[0];
  // Every scope of one resource (`api://x/read api://x/write`) → `api://x/.default`.
  const resources = new Set(scopes.map(resourceOf));
  const [resource] = resources;
  return resources.size === 1 && resource ? `${resource}/.default` : undefined;
}

/** `api://x/access_as_user` → `api://x`; `https://management.azure.com//user_impersonation` → `https://management.azure.com/`. */
function resourceOf(scope: string): string | undefined {
  const slash = scope.lastIndexOf('/');
  return scope.includes('://') && slash > scope.indexOf('://') + 2 ? scope.slice(0, slash) : undefined;
}

function invalid(name: string, field: string, problem: string, solution: string): AuthConfigurationError {
  return AuthConfigurationError.create(
    AuthErrorCode.InvalidDownstreamApiOptions,
    `downstreamApis.${name}.${field} ${problem}.`,
    [solution],
  );
}
