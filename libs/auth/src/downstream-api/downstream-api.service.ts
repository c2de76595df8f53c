import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { ClaimsChallengeError } from '../errors/claims-challenge.error.js';
import { DownstreamApiError, type DownstreamApiErrorDetails } from '../errors/downstream-api.error.js';
import { AuthorizationHeaderProvider } from './authorization-header-provider.js';
import type {
  DownstreamApiRawBody,
  DownstreamApiRequest,
  DownstreamApiResponseType,
} from './downstream-api-options.interface.js';
import type { NormalizedDownstreamApi } from './downstream-api-options.normalize.js';
import { DownstreamApi } from './downstream-api.js';
import { DOWNSTREAM_API_SETTINGS, type DownstreamApiSettings } from './downstream-api.internal-constants.js';
import { DownstreamFailureLog } from './downstream-failure-log.js';
import {
  claimsChallengeOf,
  discard,
  excerpt,
  readBounded,
  redactedBody,
  retryAfterOf,
} from './downstream-response.util.js';

type Mode = 'user' | 'app';

/** One call in progress: what the retries and errors need. */
interface Call {
  readonly api: NormalizedDownstreamApi;
  readonly mode: Mode;
  readonly method: string;
  readonly url: string;
  /** Path without the query string: the query may carry signatures or keys. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: RequestInit['body'];
  readonly scopes: readonly string[] | undefined;
  readonly request: DownstreamApiRequest;
  readonly timeoutMs: number;
  /** Started with the first request (not before the token), so a slow identity provider is not counted as the API's. */
  readonly deadline: { timeout?: AbortSignal; signal?: AbortSignal };
}

/** How long a downstream API whose 401s a fresh token did not cure gets no more fresh-token retries. */
const REFRESH_COOLDOWN_MS = 60_000;

const isRawBody = (body: unknown): body is DownstreamApiRawBody =>
  typeof body === 'string' ||
  body instanceof Uint8Array ||
  body instanceof ArrayBuffer ||
  body instanceof URLSearchParams ||
  body instanceof Blob ||
  body instanceof FormData;

/** The default {@link DownstreamApi}, on the platform `fetch`. @internal */
@Injectable()
export class DefaultDownstreamApi extends DownstreamApi implements OnModuleDestroy {
  private readonly logger = new Logger('DownstreamApi');
  private readonly failures = new DownstreamFailureLog(this.logger);
  /** APIs whose last fresh-token retry was refused again, until when (ms). O(1) per API. */
  private readonly refreshCooldown = new Map<NormalizedDownstreamApi, number>();

  constructor(
    private readonly authorization: AuthorizationHeaderProvider,
    @Inject(DOWNSTREAM_API_SETTINGS) private readonly settings: DownstreamApiSettings,
  ) {
    super();
  }

  onModuleDestroy(): void {
    this.failures.flush();
  }

  override async callApiForUser(name: string, request: DownstreamApiRequest = {}): Promise<Response> {
    return this.send(this.prepare(name, 'user', request));
  }

  override async callApiForApp(name: string, request: DownstreamApiRequest = {}): Promise<Response> {
    return this.send(this.prepare(name, 'app', request));
  }

  override async callApi(name: string, request: DownstreamApiRequest = {}): Promise<Response> {
    return this.send(this.prepare(name, this.api(name).requestAppToken ? 'app' : 'user', request));
  }

  override async requestForUser<T>(
    name: string,
    request: DownstreamApiRequest & { readonly responseType?: DownstreamApiResponseType } = {},
  ): Promise<T> {
    return this.typed<T>(this.prepare(name, 'user', request), request.responseType ?? 'json');
  }

  override async requestForApp<T>(
    name: string,
    request: DownstreamApiRequest & { readonly responseType?: DownstreamApiResponseType } = {},
  ): Promise<T> {
    return this.typed<T>(this.prepare(name, 'app', request), request.responseType ?? 'json');
  }

  private api(name: string): NormalizedDownstreamApi {
    const api = typeof name === 'string' ? this.settings.apis.get(name.toLowerCase()) : undefined;
    if (!api) {
      const known = [...this.settings.apis.values()].map((a) => a.name).join(', ') || 'none';
      throw DownstreamApiError.create(
        AuthErrorCode.UnknownDownstreamApi,
        `No downstream API is named '${String(name)}' (configured: ${known}).`,
        [
          `Configure it: AuthModule.forRoot({ ..., downstreamApis: { ${String(name)}: { baseUrl, scopes } } }) or DownstreamApis__${String(name)}__BaseUrl and __Scopes.`,
          'Check the spelling of the name passed to DownstreamApi (names are case-insensitive).',
        ],
        { apiName: String(name) },
      );
    }
    return api;
  }

  /** Validates the call and builds everything that does not depend on the token. */
  private prepare(name: string, mode: Mode, request: DownstreamApiRequest): Call {
    const api = this.api(name);
    const method = (request.method ?? 'GET').toUpperCase();
    const relative = request.relativePath ?? api.relativePath;
    const url = new URL(`${api.baseUrl}/${relative.replace(/^\/+/, '')}`);
    // A relative path must not take the token elsewhere: `//evil.example`, `../`, `http://…`.
    if (url.origin !== api.origin || !`${url.pathname}/`.startsWith(api.basePath) || url.username || url.password) {
      throw this.badRequest(api, `the relative path '${relative}' leaves the base URL ${api.baseUrl}`, [
        'Pass a path under the base URL, e.g. api/todolist/42; encode user input with encodeURIComponent.',
      ]);
    }
    for (const [k, v] of Object.entries(api.query)) if (!url.searchParams.has(k)) url.searchParams.set(k, v);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));

    const headers: Record<string, string> = { accept: 'application/json', ...api.headers };
    for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = v;
    delete headers.authorization;
    let body: RequestInit['body'];
    if (request.body !== undefined) {
      if (isRawBody(request.body)) body = request.body as RequestInit['body'];
      else if (request.body instanceof ReadableStream) {
        throw this.badRequest(api, 'a stream body cannot be sent again after a claims challenge', [
          'Pass a string, bytes, Blob, FormData or a JSON value.',
        ]);
      } else {
        body = JSON.stringify(request.body);
        headers['content-type'] ??= 'application/json';
      }
    }

    let scopes: readonly string[] | undefined;
    if (mode === 'app') {
      if (api.appScope === undefined) {
        throw this.badRequest(api, 'app calls need an app scope, and none is configured or derivable', [
          `Set DownstreamApis__${api.name}__AppScope (or appScope) to '<App ID URI>/.default'.`,
        ]);
      }
      scopes = [api.appScope];
    } else {
      // No scopes: the API is called without a token (Microsoft.Identity.Web does the same).
      scopes = api.userScopes.length ? api.userScopes : undefined;
    }
    const timeoutMs = request.timeoutMs ?? api.timeoutMs;
    return {
      api,
      mode,
      method,
      url: url.href,
      path: url.pathname,
      headers,
      body,
      scopes,
      request,
      timeoutMs,
      deadline: {},
    };
  }

  /** The request, then its claims-challenge retry or its fresh-token retry (never both, never a loop). */
  private async send(call: Call): Promise<Response> {
    const first = await this.attempt(call, {});
    if (first.status !== 401 || !call.scopes) return first;
    const claims = claimsChallengeOf(first);
    if (claims === undefined) {
      const until = this.refreshCooldown.get(call.api);
      if (until !== undefined && until > Date.now()) return first;
      discard(first);
      // A 401 without a claims challenge: most often a token the API stopped trusting (signing-key
      // rollover, a revoked session without CAE). One fresh token tells that apart from a setup
      // error; if it does not help, the API gets no fresh-token retries for a while, so a
      // misconfiguration does not double every call's token requests.
      const second = await this.attempt(call, { forceRefresh: true });
      if (second.status === 401) {
        this.refreshCooldown.set(call.api, Date.now() + REFRESH_COOLDOWN_MS);
        this.challengedAgain(call, second);
      } else this.refreshCooldown.delete(call.api);
      return second;
    }
    discard(first);
    const second = await this.attempt(call, { claims });
    if (second.status === 401) this.challengedAgain(call, second);
    return second;
  }

  /** A retried call answered with a claims challenge again: stop, and let the client act. */
  private challengedAgain(call: Call, res: Response): void {
    const claims = claimsChallengeOf(res);
    if (claims === undefined) return;
    discard(res);
    if (call.mode === 'user') {
      throw new ClaimsChallengeError(
        { flow: 'onBehalfOf', scopes: call.scopes ?? [], status: 401 },
        claims,
        this.settings.authorizeEndpoint,
      );
    }
    const error = DownstreamApiError.create(
      AuthErrorCode.DownstreamApiClaimsChallenge,
      `Downstream API '${call.api.name}' still answers a claims challenge to ${call.method} ${call.path} after one retry with its claims, for an app token.`,
      [
        'An app cannot satisfy user claims (MFA, Conditional Access): check the policies that apply to this workload identity.',
        'Check that this app declares the client capabilities the API expects (clientCapabilities, default cp1).',
      ],
      this.details(call, { status: 401 }),
    );
    this.recordFailure(call.api, error);
    throw error;
  }

  /** One HTTP exchange, with a token got for this attempt. */
  private async attempt(call: Call, token: { claims?: string; forceRefresh?: boolean }): Promise<Response> {
    const headers = call.scopes ? { ...call.headers, authorization: await this.header(call, token) } : call.headers;
    const { deadline, request } = call;
    if (!deadline.signal) {
      deadline.timeout = AbortSignal.timeout(call.timeoutMs);
      deadline.signal = request.signal ? AbortSignal.any([deadline.timeout, request.signal]) : deadline.timeout;
    }
    try {
      return await fetch(call.url, { method: call.method, headers, body: call.body ?? null, signal: deadline.signal });
    } catch (cause) {
      throw this.transportFailure(call, cause, 'is unreachable');
    }
  }

  private header(call: Call, token: { claims?: string; forceRefresh?: boolean }): Promise<string> {
    if (call.mode === 'app') {
      return this.authorization.createAuthorizationHeaderForApp(call.scopes![0]!, {
        ...call.request.appTokenOptions,
        ...token,
      });
    }
    return this.authorization.createAuthorizationHeaderForUser(call.scopes!, {
      ...call.request.userTokenOptions,
      ...token,
    });
  }

  /** Sends the call and reads a 2xx answer; anything else is a coded error. */
  private async typed<T>(call: Call, responseType: DownstreamApiResponseType): Promise<T> {
    const res = await this.send(call);
    if (!res.ok) {
      let text = '';
      try {
        text = await readBounded(res);
      } catch {
        // The status is what matters; a body that breaks off adds nothing.
      }
      const retryAfterSeconds = res.status === 503 || res.status === 429 ? retryAfterOf(res.headers) : undefined;
      const shown = excerpt(text);
      const error = DownstreamApiError.create(
        AuthErrorCode.DownstreamApiRefused,
        `Downstream API '${call.api.name}' answered ${call.method} ${call.path} with HTTP ${res.status}${shown ? `: ${shown}` : ''}.`,
        res.status === 401 || res.status === 403
          ? [
              `The API refused this app's token: check DownstreamApis__${call.api.name}__Scopes, the app permissions and admin consent.`,
            ]
          : [`Check the request and the health of '${call.api.name}'.`],
        this.details(call, {
          status: res.status,
          ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
          ...(shown !== undefined ? { bodyExcerpt: shown } : {}),
          responseBody: redactedBody(text),
        }),
      );
      // A 4xx other than 401/403 is usually the caller's request; applications may pass it on.
      if (res.status >= 500 || [401, 403, 408, 429].includes(res.status)) {
        this.recordFailure(call.api, error);
      }
      throw error;
    }
    try {
      if (responseType === 'arrayBuffer') return (await res.arrayBuffer()) as T;
      const text = await res.text();
      if (responseType === 'text') return text as T;
      if (!text) return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch (cause) {
        const error = DownstreamApiError.create(
          AuthErrorCode.DownstreamApiInvalidResponse,
          `Downstream API '${call.api.name}' answered ${call.method} ${call.path} with a body that is not JSON (${res.headers.get('content-type') ?? 'no content-type'}).`,
          ["Pass responseType: 'text' or 'arrayBuffer' for non-JSON answers, or check the relative path."],
          this.details(call, { status: res.status }),
          { cause },
        );
        this.recordFailure(call.api, error);
        throw error;
      }
    } catch (cause) {
      if (cause instanceof DownstreamApiError) throw cause;
      throw this.transportFailure(call, cause, 'broke off its answer');
    }
  }

  private transportFailure(call: Call, cause: unknown, what: string): unknown {
    // The caller's own cancellation is theirs: rethrow its reason untouched.
    if (call.request.signal?.aborted) return call.request.signal.reason;
    if (call.deadline.timeout?.aborted) {
      const error = DownstreamApiError.create(
        AuthErrorCode.DownstreamApiTimeout,
        `Downstream API '${call.api.name}' did not answer ${call.method} ${call.path} within ${call.timeoutMs} ms.`,
        [`Check the health of '${call.api.name}', or raise DownstreamApis__${call.api.name}__TimeoutMs.`],
        this.details(call, { timeoutMs: call.timeoutMs }),
        { cause },
      );
      this.recordFailure(call.api, error);
      return error;
    }
    const reason = networkReason(cause);
    const error = DownstreamApiError.create(
      AuthErrorCode.DownstreamApiUnreachable,
      `Downstream API '${call.api.name}' ${what} (${call.method} ${call.path}${reason ? `: ${reason}` : ''}).`,
      [`Check DownstreamApis__${call.api.name}__BaseUrl, DNS, TLS trust and that the API is running.`],
      this.details(call, {}),
      { cause },
    );
    this.recordFailure(call.api, error);
    return error;
  }

  private badRequest(api: NormalizedDownstreamApi, problem: string, solutions: readonly string[]) {
    return DownstreamApiError.create(
      AuthErrorCode.InvalidDownstreamApiRequest,
      `Invalid call to downstream API '${api.name}': ${problem}.`,
      solutions,
      { apiName: api.name },
    );
  }

  private details(call: Call, extra: Partial<DownstreamApiErrorDetails>): DownstreamApiErrorDetails {
    return { apiName: call.api.name, method: call.method, path: call.path, ...extra };
  }

  private recordFailure(api: NormalizedDownstreamApi, error: DownstreamApiError): void {
    const status = error.status !== undefined ? ` HTTP ${error.status}` : '';
    this.failures.record(api.name, `${error.code}${status}`, firstLine(error.message));
  }
}

/** `ECONNREFUSED`, `ENOTFOUND`, a TLS code…: fetch wraps them in `cause`. Never a URL with a query. */
function networkReason(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const message = (cause as { message?: unknown } | null)?.message;
  if (typeof message === 'string' && message) return message.replace(/\s+/g, ' ').slice(0, 100);
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== 'TypeError' ? name : undefined;
}

function firstLine(message: string): string {
  const i = message.indexOf('\n');
  return i < 0 ? message : message.slice(0, i);
}
