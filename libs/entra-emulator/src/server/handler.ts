import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultInjector } from '../controls/faults.js';
import type { EmulatorRoute, RequestLog } from '../controls/request-log.js';
import { EntraProtocolError, Errors, errorBody } from '../protocol/errors.js';
import type { EmulatorState } from '../protocol/state.js';
import type { TokenRequestFacts, TokenService } from '../protocol/token-service.js';
import { isGuid, newGuid } from '../util/encoding.js';
import { authorize } from './authorize.js';
import { applyTokenEndpointCors } from './cors.js';
import { serveControl, type ControlRouteHandler } from './control-server.js';
import { serveDocument, type RoutedPath } from './document-routes.js';
import { applyFault, type ErrorContext } from './fault-response.js';
import { basicCredentials, parseForm, readBody, sendJson, sendRaw } from './http-util.js';

export type { ControlRouteHandler } from './control-server.js';

/** Sign-in page fields that are not authorize request parameters (never logged, never echoed). */
const PAGE_FIELDS = new Set(['username', 'password', 'mfa', 'flowToken']);

/** What a route did, for the request log. @internal */
interface RouteResult {
  readonly status: number;
  readonly errorCode?: number;
  readonly facts?: TokenRequestFacts;
}

/** Classifies a path for faults and the request log. @internal */
export function classify(path: string): EmulatorRoute {
  // Entra answers discovery with or without a trailing slash.
  const p = path.toLowerCase().replace(/\/+$/, '');
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
      if (!this.controls) this.sendError(res, Errors.notFound(path), undefined);
      else await serveControl(this.controls, req, res, method, path);
      return;
    }
    const route = classify(path);
    const segments = path.split('/').filter(Boolean);
    const tenantSegment = segments[0] ? safeDecode(segments[0]).toLowerCase() : undefined;
    const headerCorr = req.headers['client-request-id'];
    const queryCorr = url.searchParams.get('client-request-id');
    const correlationId = [queryCorr, typeof headerCorr === 'string' ? headerCorr : undefined].find(isGuid);
    const record = (r: RouteResult & { faulted?: boolean }) => {
      this.log.add({
        method,
        path,
        route,
        ...(tenantSegment && route !== 'other' ? { tenant: tenantSegment } : {}),
        ...r.facts,
        status: r.status,
        ...(r.errorCode !== undefined ? { errorCode: r.errorCode } : {}),
        ...(r.faulted ? { faulted: true } : {}),
        ...(correlationId ? { correlationId } : {}),
        at: started,
        durationMs: Date.now() - started,
      });
    };

    if (route === 'token' && applyTokenEndpointCors(req, res, method)) {
      record({ status: 204 });
      return;
    }

    const fault = this.faults.take(route, path, method);
    if (fault) {
      const handled = await applyFault(req, res, fault, () => this.errorCtx(correlationId));
      if (handled !== undefined) {
        record({ status: handled, faulted: true });
        return;
      }
    }

    const authorization = req.headers.authorization;
    const routed: RoutedPath = { url, route, segments, tenantSegment, ...(authorization ? { authorization } : {}) };
    try {
      record(await this.route(req, res, method, routed, correlationId));
    } catch (e) {
      const err = e instanceof EntraProtocolError ? e : Errors.internal();
      this.sendError(res, err, correlationId);
      record({ status: err.status, errorCode: err.code });
    }
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    p: RoutedPath,
    correlationId: string | undefined,
  ): Promise<RouteResult> {
    if (p.route === 'token') {
      if (method !== 'POST') throw Errors.postOnly();
      return this.token(req, res, p, correlationId);
    }
    if (p.route === 'authorize') return this.authorizeRoute(req, res, method, p, correlationId);
    return { status: serveDocument(this.state, res, method, p) };
  }

  private async token(
    req: IncomingMessage,
    res: ServerResponse,
    p: RoutedPath,
    correlationId: string | undefined,
  ): Promise<RouteResult> {
    const body = await readBody(req);
    if (body.kind === 'aborted') return { status: 0 };
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
    const tokenUrl = `${this.state.baseUrl}${p.url.pathname}`;
    const outcome = this.tokens.handle(p.tenantSegment!, parsed.form, tokenUrl, basic);
    if ('error' in outcome) {
      this.sendError(res, outcome.error, correlationId);
      return { status: outcome.error.status, errorCode: outcome.error.code, facts: outcome.facts };
    }
    sendJson(res, 200, outcome.response, correlationId ? { 'client-request-id': correlationId } : {});
    return { status: 200, facts: outcome.facts };
  }

  private async authorizeRoute(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    p: RoutedPath,
    correlationId: string | undefined,
  ): Promise<RouteResult> {
    let params = p.url.searchParams;
    let submitted: URLSearchParams | undefined;
    if (method === 'POST') {
      const body = await readBody(req);
      if (body.kind !== 'ok') throw Errors.malformedRequest('the request body is too large or was aborted.');
      submitted = new URLSearchParams(body.text);
      params = new URLSearchParams([...submitted].filter(([k]) => !PAGE_FIELDS.has(k)));
    } else if (method !== 'GET') {
      throw Errors.methodNotAllowed();
    }
    const clientId = params.get('client_id');
    const scope = params.get('scope');
    const facts: TokenRequestFacts = {
      ...(clientId ? { clientId: clientId.toLowerCase() } : {}),
      ...(scope ? { scope } : {}),
    };
    try {
      return { status: this.sendAuthorize(res, authorize(this.state, p.tenantSegment!, params, submitted)), facts };
    } catch (e) {
      if (!(e instanceof EntraProtocolError)) throw e;
      this.sendError(res, e, correlationId);
      return { status: e.status, errorCode: e.code, facts };
    }
  }

  private sendAuthorize(res: ServerResponse, out: ReturnType<typeof authorize>): number {
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

  private errorCtx(correlationId: string | undefined): ErrorContext {
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
