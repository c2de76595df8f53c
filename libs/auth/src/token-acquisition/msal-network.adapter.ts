import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { IdentityProviderTransport } from '../http/identity-provider-transport.interface.js';

/**
 * What one token request met on the wire, which msal's error objects hide: whether the identity
 * provider was reachable, its last HTTP status and headers (`Retry-After`), and the time in HTTP.
 * An immutable snapshot, handed explicitly to whoever maps the outcome.
 * @internal
 */
export interface NetworkOutcome {
  /** Set when the transport rejected (DNS, TCP, TLS, timeout). */
  readonly unreachable?: Error;
  /** Status of the last answer, when there was one. */
  readonly status?: number;
  /** Headers of the last answer, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Time spent in HTTP, in milliseconds. */
  readonly httpMs: number;
}

/**
 * msal-node's `system.networkClient` on top of our identity-provider transport, so msal gets
 * timeouts and `trustedCa` without process-wide settings. One instance per token request; its
 * {@link outcome} is read once the request is over.
 * @internal
 */
export class MsalNetworkAdapter implements INetworkModule {
  private unreachable: Error | undefined;
  private lastStatus: number | undefined;
  private lastHeaders: Readonly<Record<string, string>> = {};
  private httpMs = 0;
  private lastRefreshToken: string | undefined;

  constructor(
    private readonly transport: IdentityProviderTransport,
    private readonly timeoutMs: number,
  ) {}

  /** A snapshot of what the request met so far. */
  outcome(): NetworkOutcome {
    return {
      ...(this.unreachable ? { unreachable: this.unreachable } : {}),
      ...(this.lastStatus !== undefined ? { status: this.lastStatus } : {}),
      headers: this.lastHeaders,
      httpMs: this.httpMs,
    };
  }

  /**
   * The `refresh_token` of the last token answer, which msal's `AuthenticationResult` does not
   * expose. Kept apart from {@link outcome}, which is handed to error mapping and logs.
   */
  refreshToken(): string | undefined {
    return this.lastRefreshToken;
  }

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'GET', options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'POST', options);
  }

  private async send<T>(
    url: string,
    method: 'GET' | 'POST',
    options: NetworkRequestOptions | undefined,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const started = performance.now();
    try {
      const res = await this.transport.request(url, {
        method,
        headers: options?.headers ?? {},
        ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
        timeoutMs: timeout ?? this.timeoutMs,
      });
      this.lastStatus = res.status;
      this.lastHeaders = lowerCaseKeys(res.headers);
      let body: unknown;
      try {
        body = JSON.parse(res.body);
      } catch {
        // msal requires JSON; give it an OAuth-shaped error instead of a parse failure.
        body = { error: 'invalid_response', error_description: `non-JSON answer with HTTP ${res.status}` };
      }
      const rt = (body as { refresh_token?: unknown } | null)?.refresh_token;
      if (method === 'POST' && typeof rt === 'string' && rt) this.lastRefreshToken = rt;
      return { status: res.status, headers: { ...this.lastHeaders }, body: body as T };
    } catch (error) {
      this.unreachable = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      this.httpMs += performance.now() - started;
    }
  }
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}
