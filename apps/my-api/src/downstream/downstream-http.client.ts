import {
  BadGatewayException,
  BadRequestException,
  GatewayTimeoutException,
  HttpException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';

/** One call to a downstream API. */
export interface DownstreamRequest {
  /** Name used in errors and logs, e.g. `todolist-service`. */
  readonly api: string;
  /** Base URL of the API, without a trailing slash. */
  readonly baseUrl: string;
  /** Path and query, starting with `/`. */
  readonly path: string;
  readonly method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The access token for this API (never logged). */
  readonly accessToken: string;
  /** JSON body. */
  readonly body?: unknown;
}

/** How long a downstream call may take before my-api answers 504. */
export const DOWNSTREAM_TIMEOUT_MS = 10_000;

/**
 * The hand-written client of my-api's one explicit `ITokenAcquisition` example (the admin route):
 * what `DownstreamApi` does for the other routes. Calls a downstream web API with a bearer token
 * and maps its failures to answers that make sense to my-api's own caller:
 *
 * - 2xx: the parsed JSON body;
 * - 400 and 404: passed through with the downstream details (the caller's input was wrong);
 * - 401 and 403: 502, since the downstream API refused *my-api's* token, which the caller cannot fix
 *   (wrong scope or app permission in configuration, a missing grant);
 * - 5xx, unreachable, non-JSON: 502; no answer in time: 504.
 */
@Injectable()
export class DownstreamHttpClient {
  private readonly logger = new Logger(DownstreamHttpClient.name);

  /** Time allowed for a whole call: connecting, the answer's headers and its body. */
  timeoutMs = DOWNSTREAM_TIMEOUT_MS;

  async request<T>(req: DownstreamRequest): Promise<T> {
    const url = `${req.baseUrl}${req.path}`;
    const method = req.method ?? 'GET';
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${req.accessToken}`,
          accept: 'application/json',
          ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw this.transportFailure(req.api, method, url, cause, 'is unreachable');
    }

    let text: string;
    try {
      // The timeout covers the body too: an API that sends its headers and then stalls is not waited for.
      text = await res.text();
    } catch (cause) {
      throw this.transportFailure(req.api, method, url, cause, 'broke off its answer');
    }
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch (cause) {
        if (res.ok) throw new BadGatewayException(`${req.api} answered with a body that is not JSON.`, { cause });
        body = text.slice(0, 200);
      }
    }
    if (res.ok) return body as T;
    throw this.toException(req.api, method, url, res, body);
  }

  private transportFailure(api: string, method: string, url: string, cause: unknown, what: string): HttpException {
    // By name: fetch's DOMException may come from another realm (e.g. under a test runner's VM).
    if ((cause as { name?: unknown } | null)?.name === 'TimeoutError') {
      return new GatewayTimeoutException(`${api} did not answer within ${this.timeoutMs} ms.`, { cause });
    }
    this.logger.warn(`${method} ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    return new BadGatewayException(`${api} ${what}.`, { cause });
  }

  private toException(api: string, method: string, url: string, res: Response, body: unknown): HttpException {
    if (res.status === 400) return new BadRequestException(body ?? `${api} refused the request.`);
    if (res.status === 404) return new NotFoundException(body ?? `${api} has no such resource.`);
    if (res.status === 401 || res.status === 403) {
      // Only the RFC 6750 error code is logged: the header never carries the token itself.
      const challenge = /error="([^"]+)"/.exec(res.headers.get('www-authenticate') ?? '')?.[1];
      this.logger.error(`${method} ${url} → ${res.status}${challenge ? ` (${challenge})` : ''}`);
      return new BadGatewayException(
        `${api} refused my-api's token (${res.status}${challenge ? ` ${challenge}` : ''}). ` +
          'Check the downstream scopes, app permissions and admin consent in the configuration.',
      );
    }
    this.logger.warn(`${method} ${url} → ${res.status}`);
    return new BadGatewayException(`${api} failed with status ${res.status}.`);
  }
}
