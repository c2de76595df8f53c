import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ClaimsChallengeError } from '../errors/claims-challenge.error.js';
import { DownstreamApiError } from '../errors/downstream-api.error.js';
import { AuthorizationHeaderProvider } from './authorization-header-provider.js';
import type { DownstreamApiRequest, DownstreamApiResponseType } from './downstream-api-options.interface.js';
import type { NormalizedDownstreamApi } from './downstream-api-options.normalize.js';
import { DownstreamApi } from './downstream-api.js';
import { DOWNSTREAM_API_SETTINGS, type DownstreamApiSettings } from './downstream-api.internal-constants.js';
import {
  type DownstreamCall,
  type DownstreamCallMode,
  findDownstreamApi,
  prepareDownstreamCall,
} from './downstream-call.js';
import { appChallengedAgainError, invalidJsonError, refusedError, transportError } from './downstream-call.failures.js';
import { DownstreamFailureLog } from './downstream-failure-log.js';
import { claimsChallengeOf, discard, readBounded, retryAfterOf } from './downstream-response.util.js';

/** How long a downstream API whose 401s a fresh token did not cure gets no more fresh-token retries. */
const REFRESH_COOLDOWN_MS = 60_000;

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
    return findDownstreamApi(this.settings.apis, name);
  }

  private prepare(name: string, mode: DownstreamCallMode, request: DownstreamApiRequest): DownstreamCall {
    return prepareDownstreamCall(this.api(name), mode, request);
  }

  /** The request, then its claims-challenge retry or its fresh-token retry (never both, never a loop). */
  private async send(call: DownstreamCall): Promise<Response> {
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
  private challengedAgain(call: DownstreamCall, res: Response): void {
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
    const error = appChallengedAgainError(call);
    this.recordFailure(call.api, error);
    throw error;
  }

  /** One HTTP exchange, with a token got for this attempt. */
  private async attempt(call: DownstreamCall, token: { claims?: string; forceRefresh?: boolean }): Promise<Response> {
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

  private header(call: DownstreamCall, token: { claims?: string; forceRefresh?: boolean }): Promise<string> {
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
  private async typed<T>(call: DownstreamCall, responseType: DownstreamApiResponseType): Promise<T> {
    const res = await this.send(call);
    if (!res.ok) {
      let text = '';
      try {
        text = await readBounded(res);
      } catch {
        // The status is what matters; a body that breaks off adds nothing.
      }
      const retryAfterSeconds = res.status === 503 || res.status === 429 ? retryAfterOf(res.headers) : undefined;
      const error = refusedError(call, res.status, text, retryAfterSeconds);
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
        const error = invalidJsonError(call, res.status, res.headers.get('content-type'), cause);
        this.recordFailure(call.api, error);
        throw error;
      }
    } catch (cause) {
      if (cause instanceof DownstreamApiError) throw cause;
      throw this.transportFailure(call, cause, 'broke off its answer');
    }
  }

  private transportFailure(call: DownstreamCall, cause: unknown, what: string): unknown {
    // The caller's own cancellation is theirs: rethrow its reason untouched.
    if (call.request.signal?.aborted) return call.request.signal.reason;
    const error = transportError(call, cause, what);
    this.recordFailure(call.api, error);
    return error;
  }

  private recordFailure(api: NormalizedDownstreamApi, error: DownstreamApiError): void {
    const status = error.status !== undefined ? ` HTTP ${error.status}` : '';
    this.failures.record(api.name, `${error.code}${status}`, firstLine(error.message));
  }
}

function firstLine(message: string): string {
  const i = message.indexOf('\n');
  return i < 0 ? message : message.slice(0, i);
}
