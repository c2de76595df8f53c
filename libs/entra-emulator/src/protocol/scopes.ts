import type { ResolvedApp, ResolvedDirectory } from '../directory/directory.js';
import { Errors } from './errors.js';

/** Scopes that name no resource. @internal */
export const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'offline_access', 'email']);

const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** @internal */
export interface ParsedScopes {
  /** OIDC scopes requested (lowercase). */
  readonly oidc: readonly string[];
  /** The single resource the scopes address (absent when only OIDC scopes were sent). */
  readonly resource?: ResolvedApp;
  /** The resource identifier as the client wrote it (App ID URI or client id); a v1 `aud`. */
  readonly resourceIdentifier?: string;
  /** Scope values without the resource prefix, e.g. `access_as_user` or `.default`. */
  readonly values: readonly string[];
  /** The resource scopes exactly as sent. */
  readonly original: readonly string[];
}

/**
 * Splits a `scope` parameter into OIDC scopes and the scopes of one resource, as Entra does.
 * @internal
 */
export function parseScopes(scopeParam: string, dir: ResolvedDirectory, tenantName: string): ParsedScopes {
  const all = scopeParam.split(/\s+/).filter(Boolean);
  const oidc: string[] = [];
  const original: string[] = [];
  const values: string[] = [];
  let resource: ResolvedApp | undefined;
  let resourceIdentifier: string | undefined;
  for (const s of all) {
    if (OIDC_SCOPES.has(s.toLowerCase())) {
      oidc.push(s.toLowerCase());
      continue;
    }
    const hit = matchResource(s, dir, tenantName);
    if (resource && resource.clientId !== hit.app.clientId) throw Errors.multipleResources(scopeParam);
    resource = hit.app;
    resourceIdentifier ??= hit.identifier;
    values.push(hit.value);
    original.push(s);
  }
  return {
    oidc,
    values,
    original,
    ...(resource ? { resource } : {}),
    ...(resourceIdentifier ? { resourceIdentifier } : {}),
  };
}

function matchResource(
  scope: string,
  dir: ResolvedDirectory,
  tenantName: string,
): { app: ResolvedApp; identifier: string; value: string } {
  const lower = scope.toLowerCase();
  let best: { app: ResolvedApp; identifier: string; value: string; prefixLength: number } | undefined;
  for (const app of dir.apps) {
    for (const id of [...app.identifiers, app.clientId]) {
      const prefix = id.endsWith('/') ? id : `${id}/`;
      if (!lower.startsWith(prefix.toLowerCase())) continue;
      // Longest prefix wins; on a tie the first identifier (the App ID URI) is kept.
      if (best && best.prefixLength >= prefix.length) continue;
      let value = scope.slice(prefix.length);
      // ARM's App ID URI ends with '/', so its scopes are written `https://management.azure.com//x`.
      if (id.endsWith('/') && value.startsWith('/')) value = value.slice(1);
      best = { app, identifier: id, value, prefixLength: prefix.length };
    }
  }
  if (best && best.value) return best;
  if (!scope.includes('/') && !scope.includes(':')) {
    const graph = dir.app(GRAPH_APP_ID);
    if (graph) return { app: graph, identifier: graph.identifiers[0] ?? graph.clientId, value: scope };
  }
  const cut = scope.lastIndexOf('/');
  throw Errors.resourceNotFound(cut > 0 ? scope.slice(0, cut) : scope, tenantName);
}

/**
 * Checks that every value is a scope the resource exposes (or `.default`).
 * @internal
 */
export function assertExposed(parsed: ParsedScopes): void {
  const app = parsed.resource;
  if (!app) return;
  parsed.values.forEach((v, i) => {
    if (v === '.default') return;
    if (!app.scopes.some((s) => s.toLowerCase() === v.toLowerCase()))
      throw Errors.invalidScope(parsed.original[i] ?? v);
  });
}
