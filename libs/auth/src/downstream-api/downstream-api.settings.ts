import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { AuthConfigurationError } from '../errors/auth.error.js';
import type { DownstreamApiOptions } from './downstream-api-options.interface.js';

type Tree = Record<string, unknown>;

/**
 * Reads Microsoft.Identity.Web's `DownstreamApis` section: `DownstreamApis__<Name>__<Key>` (or
 * `DownstreamApis:<Name>:<Key>`) entries of a plain record such as `process.env`, or a nested
 * `DownstreamApis` object returned by `get('DownstreamApis')` (e.g. `ConfigService` over a config
 * file). Keys, case-insensitive: `BaseUrl`, `Scopes` (JSON array, space/comma-separated, or
 * `Scopes__0`…), `AppScope`, `RequestAppToken`, `RelativePath`, `TimeoutMs`, `AllowHttp`,
 * `ExtraHeaderParameters__<Header>`, `ExtraQueryParameters__<Name>`. Other keys are ignored.
 * Values are validated by `AuthModule` at bootstrap.
 *
 * @throws AuthConfigurationError NIW1012 when a boolean or number is malformed
 * @internal
 */
export function readDownstreamApiSettings(
  source: Readonly<Record<string, unknown>> | { get(key: string): unknown },
): Record<string, DownstreamApiOptions> | undefined {
  let section: unknown;
  if (typeof source.get === 'function') {
    section = (source as { get(key: string): unknown }).get('DownstreamApis');
  } else {
    const tree: Tree = {};
    for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
      const match = /^downstreamapis(?:__|:)(.+)$/i.exec(key);
      if (!match || value === undefined || value === null || value === '') continue;
      const path = match[1]!.split(/__|:/);
      let node = tree;
      for (const part of path.slice(0, -1)) {
        const next = node[part];
        node = (next && typeof next === 'object' ? next : (node[part] = {})) as Tree;
      }
      node[path[path.length - 1]!] = value;
    }
    section = tree;
  }
  if (!section || typeof section !== 'object') return undefined;
  const apis: Record<string, DownstreamApiOptions> = {};
  for (const [name, entry] of Object.entries(section as Tree)) {
    if (entry && typeof entry === 'object') apis[name] = apiOptions(name, entry as Tree);
  }
  return Object.keys(apis).length ? apis : undefined;
}

function apiOptions(name: string, entry: Tree): DownstreamApiOptions {
  const field = (key: string): unknown => {
    const found = Object.keys(entry).find((k) => k.toLowerCase() === key.toLowerCase());
    return found === undefined ? undefined : entry[found];
  };
  const options: DownstreamApiOptions = { baseUrl: scalar(field('BaseUrl')) ?? '' };
  const scopes = list(name, field('Scopes'));
  if (scopes) options.scopes = scopes;
  const appScope = scalar(field('AppScope'));
  if (appScope) options.appScope = appScope;
  const relativePath = scalar(field('RelativePath'));
  if (relativePath) options.relativePath = relativePath;
  const requestAppToken = bool(name, 'RequestAppToken', field('RequestAppToken'));
  if (requestAppToken !== undefined) options.requestAppToken = requestAppToken;
  const allowHttp = bool(name, 'AllowHttp', field('AllowHttp'));
  if (allowHttp !== undefined) options.allowHttp = allowHttp;
  const timeout = scalar(field('TimeoutMs'));
  if (timeout !== undefined) {
    if (!/^\d+$/.test(timeout)) {
      throw AuthConfigurationError.create(
        AuthErrorCode.InvalidDownstreamApiOptions,
        `DownstreamApis__${name}__TimeoutMs must be a whole number of milliseconds.`,
        [`Set DownstreamApis__${name}__TimeoutMs, e.g. 10000.`],
      );
    }
    options.timeoutMs = Number(timeout);
  }
  const headers = record(field('ExtraHeaderParameters'));
  if (headers) options.extraHeaderParameters = headers;
  const query = record(field('ExtraQueryParameters'));
  if (query) options.extraQueryParameters = query;
  return options;
}

function list(name: string, value: unknown): string[] | undefined {
  let items: unknown[] | undefined;
  if (Array.isArray(value)) items = value;
  else if (typeof value === 'string') {
    const s = value.trim();
    items = s.startsWith('[') ? jsonArray(name, s) : s.split(/[\s,;]+/);
  } else if (value && typeof value === 'object') {
    // Indexed keys: Scopes__0, Scopes__1…
    items = Object.entries(value)
      .filter(([k]) => /^\d+$/.test(k))
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, v]) => v as unknown);
  }
  return items?.map(scalar).filter((x): x is string => !!x);
}

function jsonArray(name: string, text: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed)) {
    throw AuthConfigurationError.create(
      AuthErrorCode.InvalidDownstreamApiOptions,
      `DownstreamApis__${name}__Scopes starts with '[' but is not a JSON array.`,
      [`Set DownstreamApis__${name}__Scopes to '["api://x/read"]' or to space-separated scopes.`],
    );
  }
  return parsed as unknown[];
}

function record(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    const s = scalar(v);
    if (s !== undefined) out[k] = s;
  }
  return Object.keys(out).length ? out : undefined;
}

function bool(name: string, key: string, value: unknown): boolean | undefined {
  const s = scalar(value);
  if (s === undefined) return undefined;
  if (/^(true|1|yes)$/i.test(s)) return true;
  if (/^(false|0|no)$/i.test(s)) return false;
  throw AuthConfigurationError.create(
    AuthErrorCode.InvalidDownstreamApiOptions,
    `DownstreamApis__${name}__${key} must be true or false.`,
    [`Set DownstreamApis__${name}__${key}=true or false.`],
  );
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
