import type { ServerResponse } from 'node:http';
import type { EmulatorRoute } from '../controls/request-log.js';
import { Errors } from '../protocol/errors.js';
import { instanceDiscovery, jwks, v1Metadata, v2Metadata } from '../protocol/metadata.js';
import { issuerFor, type EmulatorState } from '../protocol/state.js';
import { sendJson } from './http-util.js';

const MULTI = new Set(['common', 'organizations']);

/** The parts of a request path the routes look at. @internal */
export interface RoutedPath {
  readonly url: URL;
  readonly route: EmulatorRoute;
  /** Path segments as sent. */
  readonly segments: readonly string[];
  /** First segment, decoded and lowercased. */
  readonly tenantSegment: string | undefined;
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
  if (route === 'metadata') {
    if (rest === 'v2.0/.well-known/openid-configuration') {
      const body = tenant ? v2Metadata(base, tenant.id, tenant.id) : v2Metadata(base, t, '{tenantid}');
      sendJson(res, 200, body, cacheable);
      return 200;
    }
    if (rest === '.well-known/openid-configuration') {
      const body = tenant ? v1Metadata(base, tenant.id, tenant.id) : v1Metadata(base, t, '{tenantid}');
      sendJson(res, 200, body, cacheable);
      return 200;
    }
  }
  if (route === 'jwks') {
    const keys = state.keys.published;
    if (rest === 'discovery/v2.0/keys') {
      sendJson(res, 200, jwks(keys, tenant ? issuerFor(base, tenant.id, 2) : `${base}/{tenantid}/v2.0`), cacheable);
      return 200;
    }
    if (rest === 'discovery/keys') {
      sendJson(res, 200, jwks(keys), cacheable);
      return 200;
    }
  }
  if (route === 'instance' && rest === 'discovery/instance') {
    const host = new URL(base).host;
    sendJson(res, 200, instanceDiscovery(base, host, (tenant ?? dir.defaultTenant).id), cacheable);
    return 200;
  }
  throw Errors.notFound(url.pathname);
}
