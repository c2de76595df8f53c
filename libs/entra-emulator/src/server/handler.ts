import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultInjector, FaultSpec } from '../controls/faults.js';
import type { EmulatorRoute, RequestLog } from '../controls/request-log.js';
import { EntraProtocolError, Errors, errorBody } from '../protocol/errors.js';
import { instanceDiscovery, jwks, v1Metadata, v2Metadata } from '../protocol/metadata.js';
import { issuerFor, type EmulatorState } from '../protocol/state.js';
import type { TokenRequestFacts, TokenService } from '../protocol/token-service.js';
import { isGuid, newGuid } from '../util/encoding.js';
import { authorize } from './authorize.js';
import { basicCredentials, parseForm, readBody, sendJson, sendRaw } from './http-util.js';

/** Handles `/__emulator/*` control routes. @internal */
export type ControlRouteHandler = (
  method: string,
  path: string,
  body: unknown,
) => Promise<{ status: number; body: unknown }>;

const MULTI = new Set(['common', 'organizations']);

/** Classifies a path for faults and the request log. @internal */
export function classify(path: string): EmulatorRoute {
  const p = path.toLowerCase();
  if (p.endsWith('/.well-known/openid-configuration')) return 'metadata';
  if (/\/discovery\/(v2\.0\/)?keys$/.test(p)) return 'jwks';
  if (/\/oauth2\/(v2\.0\/)?token$/.test(p)) return 'token';
  if (/\/oauth2\/(v2\.0\/)?authorize$/.test(p)) return 'authorize';
  if (/\/oauth2\/(v2\.0\/)?logout$/.test(p)) return 'logout';
  if (p.endsWith('/discovery/instance')) return 'instance';
  return 'other';
}

/**
 * The emulator's request handler: faults, routing, the request log, and Entra-shaped JSON errors.
 * @internal
 */
export class EmulatorHandler {
  constructor(
    private readonly state: EmulatorState,
    private readonly tokens: TokenService,
    private readonly faults: FaultInjector,
    private readonly log: RequestLog,
    private readonly controls: ControlRouteHandler | undefined,
  ) {}

  handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.serve(req, res).catch(() => {
      // Never crash: a bug answers a JSON 500 and, should even that fail, the connection is closed.
      try {
        this.sendError(res, Errors.internal(), undefined);
      } catch {
        res.destroy();
      }
    });
  };

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'https://emulator.invalid');
    } catch {
      req.resume();
      this.sendError(res, Errors.malformedRequest('the request target is not a valid URL.'), undefined);
      return;
    }
    const path = url.pathname;
    if (path.startsWith('/__emulator/') || path === '/__emulator') {
      return this.serveControl(req, res, method, path);
    }
    const route = classify(path);
    const segments = path.split('/').filter(Boolean);
    const tenantSegment = segments[0] ? safeDecode(segments[0]).toLowerCase() : undefined;
    const headerCorr = req.headers['client-request-id'];
    const queryCorr = url.searchParams.get('client-request-id');
    const correlationId = [queryCorr, typeof headerCorr === 'string' ? headerCorr : undefined].find(isGuid);
    const facts: TokenRequestFacts = {};
    const record = (status: number, extra: { errorCode?: number; faulted?: boolean } = {}) => {
      this.log.add({
        method,
        path,
        route,
        ...(tenantSegment && route !== 'other' ? { tenant: tenantSegment } : {}),
        ...facts,
        status,
        ...extra,
        ...(correlationId ? { correlationId } : {}),
        at: started,
        durationMs: Date.now() - started,
      });
    };

    const fault = this.faults.take(route, path, method);
    if (fault) {
      const handled = await this.applyFault(req, res, fault, correlationId);
      if (handled !== undefined) {
        record(handled, { faulted: true });
        return;
      }
    }

    try {
      const status = await this.route(req, res, method, url, route, segments, tenantSegment, facts, correlationId);
      record(status);
    } catch (e) {
      const err = e instanceof EntraProtocolError ? e : Errors.internal();
      this.sendError(res, err, correlationId);
      record(err.status, { errorCode: err.code });
    }
  }

  /** Returns the status sent, or undefined when the request continues normally. */
  private async applyFault(
    req: IncomingMessage,
    res: ServerResponse,
    f: FaultSpec,
    correlationId: string | undefined,
  ): Promise<number | undefined> {
    if (f.delayMs && f.delayMs > 0) await sleep(f.delayMs);
    if (f.drop) {
      req.socket.destroy();
      return 0;
    }
    if (f.status === undefined) return undefined;
    // Drain the request so the client sees the answer rather than a reset.
    req.resume();
    const headers = { ...(f.headers ?? {}) };
    if (f.body === undefined) {
      const err =
        f.status === 429
          ? new EntraProtocolError(
              429,
              'temporarily_unavailable',
              90033,
              'The server is temporarily throttling requests. Please try again.',
            )
          : f.status >= 500
            ? new EntraProtocolError(
                f.status,
                'temporarily_unavailable',
                90033,
                'A transient error has occurred. Please try again.',
              )
            : new EntraProtocolError(f.status, 'invalid_request', 90100, 'Injected fault.');
      sendJson(res, f.status, errorBody(err, this.errorCtx(correlationId)), headers);
    } else if (typeof f.body === 'string') {
      sendRaw(res, f.status, f.body, { 'content-type': 'application/json; charset=utf-8', ...headers });
    } else {
      sendJson(res, f.status, f.body, headers);
    }
    return f.status;
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
    route: EmulatorRoute,
    segments: string[],
    tenantSegment: string | undefined,
    facts: TokenRequestFacts,
    correlationId: string | undefined,
  ): Promise<number> {
    const base = this.state.baseUrl;
    const dir = this.state.directory;
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
    if (route === 'token') {
      if (method !== 'POST') throw Errors.postOnly();
      return this.token(req, res, url, tenantSegment!, facts, correlationId);
    }
    if (route === 'authorize') return this.authorizeRoute(req, res, method, url, tenantSegment!, facts);
    if (route === 'logout') {
      const t = tenantSegment!;
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
    const t = tenantSegment!;
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
      const keys = this.state.keys.published;
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

  private async token(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    tenantSegment: string,
    facts: TokenRequestFacts,
    correlationId: string | undefined,
  ): Promise<number> {
    const body = await readBody(req);
    if (body.kind === 'aborted') return 0;
    if (body.kind === 'too-large') {
      res.setHeader('connection', 'close');
      throw Errors.malformedRequest('the request body is too large.');
    }
    const ct = (req.headers['content-type'] ?? '').toLowerCase();
    if (ct && !ct.startsWith('application/x-www-form-urlencoded')) {
      throw Errors.malformedRequest("the content type must be 'application/x-www-form-urlencoded'.");
    }
    const parsed = parseForm(body.text);
    if ('duplicate' in parsed)
      throw Errors.malformedRequest(`the parameter '${parsed.duplicate}' appears more than once.`);
    const basic = basicCredentials(req.headers.authorization);
    if (basic === 'invalid')
      throw Errors.malformedRequest('the Authorization header is not valid Basic client authentication.');
    const tokenUrl = `${this.state.baseUrl}${url.pathname}`;
    const result = this.tokens.handle(tenantSegment, parsed.form, tokenUrl, basic, facts);
    sendJson(res, 200, result, correlationId ? { 'client-request-id': correlationId } : {});
    return 200;
  }

  private async authorizeRoute(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
    tenantSegment: string,
    facts: TokenRequestFacts,
  ): Promise<number> {
    let params = url.searchParams;
    let submitted: URLSearchParams | undefined;
    if (method === 'POST') {
      const body = await readBody(req);
      if (body.kind !== 'ok') throw Errors.malformedRequest('the request body is too large or was aborted.');
      submitted = new URLSearchParams(body.text);
      params = new URLSearchParams([...submitted].filter(([k]) => k !== 'username' && k !== 'mfa'));
    } else if (method !== 'GET') {
      throw Errors.methodNotAllowed();
    }
    const clientId = params.get('client_id');
    if (clientId) facts.clientId = clientId.toLowerCase();
    const scope = params.get('scope');
    if (scope) facts.scope = scope;
    const out = authorize(this.state, tenantSegment, params, submitted);
    switch (out.kind) {
      case 'redirect':
        res.writeHead(302, { location: out.location, 'cache-control': 'no-store' }).end();
        return 302;
      case 'page':
      case 'form_post':
        sendRaw(res, 200, out.html, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy':
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action *",
          'x-frame-options': 'DENY',
        });
        return 200;
      case 'json':
        sendJson(res, out.status, out.body);
        return out.status;
    }
  }

  private async serveControl(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
    if (!this.controls) {
      this.sendError(res, Errors.notFound(path), undefined);
      return;
    }
    let body: unknown;
    if (method === 'POST' || method === 'PUT' || method === 'DELETE') {
      const r = await readBody(req);
      if (r.kind !== 'ok') {
        sendJson(res, 400, { error: 'invalid_request', error_description: 'body too large or aborted' });
        return;
      }
      if (r.text.trim()) {
        try {
          body = JSON.parse(r.text);
        } catch {
          sendJson(res, 400, { error: 'invalid_request', error_description: 'the body is not JSON' });
          return;
        }
      }
    }
    try {
      const out = await this.controls(method, path, body);
      sendJson(res, out.status, out.body);
    } catch (e) {
      sendJson(res, 400, {
        error: 'invalid_request',
        error_description: e instanceof Error ? e.message : 'invalid control request',
      });
    }
  }

  private errorCtx(correlationId: string | undefined) {
    return {
      baseUrl: this.state.baseUrl,
      nowSeconds: this.state.clock.now(),
      ...(correlationId ? { correlationId } : {}),
      traceId: newGuid(),
    };
  }

  private sendError(res: ServerResponse, err: EntraProtocolError, correlationId: string | undefined): void {
    const body = errorBody(err, this.errorCtx(correlationId));
    sendJson(res, err.status, body, { 'x-ms-request-id': body.trace_id, ...(err.extra.headers ?? {}) });
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
