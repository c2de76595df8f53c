import type { ServerResponse } from 'node:http';
import type { EmulatorRoute } from '../controls/request-log.js';
import { Errors } from '../protocol/errors.js';
import { instanceDiscovery, jwks, v1Metadata, v2Metadata } from '../protocol/metadata.js';
import { tokenIssuer, type EmulatorState } from '../protocol/state.js';
import { serveB2CDocument } from './b2c-routes.js';
import { sendJson } from './http-util.js';
import { isUserInfoPath, serveUserInfo } from './userinfo.js';

const MULTI = new Set(['common', 'organizations']);

/** The parts of a request path the routes look at. @internal */
export interface RoutedPath {
  readonly url: URL;
  readonly route: EmulatorRoute;
  /** Path segments as sent. */
  readonly segments: readonly string[];
  /** First segment, decoded and lowercased. */
  readonly tenantSegment: string | undefined;
  /** The `Authorization` header (UserInfo reads a bearer token). */
  readonly authorization?: string;
}

/**
 * The read-only routes: health, the error page, logout, discovery documents, JWKS and instance
 * discovery. Returns the status sent; throws an `EntraProtocolError` for anything else.
 * @internal
 */
export function serveDocument(state: EmulatorState, res: ServerResponse, method: string, p: RoutedPath): number {
  const base = state.baseUrl;
  const dir = state.directory;
  const { url, route, segments } = p;
  const lower = segments.map((s) => s.toLowerCase());
  const rest = lower.slice(1).join('/');
  const cacheable = { 'cache-control': 'max-age=86400, private', 'access-control-allow-origin': '*' };
  if (segments.length === 0 || (segments.length === 1 && lower[0] === 'health')) {
    sendJson(res, 200, {
      status: 'ok',
      service: 'entra-emulator',
      tenants: dir.tenants.map((t) => ({ name: t.name, id: t.id })),
    });
    return 200;
  }
  if (lower[0] === 'error' && segments.length === 1) {
    sendJson(res, 200, {
      code: url.searchParams.get('code'),
      see: 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes',
    });
    return 200;
  }
  if (route === 'other' && isUserInfoPath(segments)) {
    if (method !== 'GET') throw Errors.methodNotAllowed();
    return serveUserInfo(state, res, p.authorization);
  }
  // An unknown path is a 404 whatever its first segment, as documented.
  if (route === 'other') throw Errors.notFound(url.pathname);
  const t = p.tenantSegment!;
  if (route === 'logout') {
    if (!MULTI.has(t) && !dir.tenant(t)) throw Errors.tenantNotFound(segments[0] ?? '');
    const target = url.searchParams.get('post_logout_redirect_uri');
    if (target && /^https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//i.test(target)) {
      res.writeHead(302, { location: target, 'cache-control': 'no-store' }).end();
      return 302;
    }
    sendJson(res, 200, { status: 'signed_out' });
    return 200;
  }
  if (method !== 'GET' && method !== 'HEAD') throw Errors.methodNotAllowed();
  const tenant = MULTI.has(t) ? undefined : dir.tenant(t);
  if (!MULTI.has(t) && !tenant && t !== 'common') throw Errors.tenantNotFound(segments[0] ?? '', 'invalid_tenant');
  if (tenant?.kind === 'b2c') return serveB2CDocument(state, res, p, tenant);
  if (route === 'metadata') {
    const version = rest === 'v2.0/.well-known/openid-configuration' ? 2 : 1;
    if (version === 2 || rest === '.well-known/openid-configuration') {
      const spec = {
        base,
        pathTenant: tenant ? tenant.id : t,
        issuer: tenant ? tokenIssuer(state, tenant.id, version) : tokenIssuer(state, '{tenantid}', version),
        extensions: state.behaviour.metadataExtensions,
      };
      sendJson(res, 200, version === 2 ? v2Metadata(spec) : v1Metadata(spec), cacheable);
      return 200;
    }
  }
  if (route === 'jwks') {
    const keys = state.keys.published;
    if (rest === 'discovery/v2.0/keys') {
      sendJson(res, 200, jwks(keys, tenant ? tokenIssuer(state, tenant.id, 2) : `${base}/{tenantid}/v2.0`), cacheable);
      return 200;
    }
    if (rest === 'discovery/keys') {
      sendJson(res, 200, jwks(keys), cacheable);
      return 200;
    }
  }
  if (route === 'instance' && rest === 'discovery/instance') {
    const host = new URL(base).host;
    sendJson(res, 200, instanceDiscovery(base, host, ...discoveryTarget(url, tenant?.id ?? t)), cacheable);
    return 200;
  }
  throw Errors.notFound(url.pathname);
}

/**
 * The tenant and endpoint version of instance discovery: those of the `authorization_endpoint` query
 * parameter (what msal sends), else the path's tenant and v2.
 */
function discoveryTarget(url: URL, fallback: string): [string, 1 | 2] {
  const endpoint = url.searchParams.get('authorization_endpoint');
  if (!endpoint) return [fallback, 2];
  try {
    const path = new URL(endpoint).pathname.toLowerCase();
    const first = path.split('/').find(Boolean);
    return [first && /^[a-z0-9.-]+$/.test(first) ? first : fallback, path.includes('/v2.0/') ? 2 : 1];
  } catch {
    return [fallback, 2];
  }
}
