import https from 'node:https';

/**
 * Structural copy of msal-common's `NetworkResponse` (so the emulator does not depend on msal).
 *
 * @example
 * ```ts
 * const r: EmulatorNetworkResponse<{ issuer: string }> = await client.sendGetRequestAsync(url);
 * ```
 */
export interface EmulatorNetworkResponse<T> {
  headers: Record<string, string>;
  body: T;
  status: number;
}

/**
 * Structural copy of msal-common's `INetworkModule`: pass it as msal-node's `system.networkClient`.
 *
 * @example
 * ```ts
 * const cca = new ConfidentialClientApplication({
 *   auth: { clientId, authority, knownAuthorities: [emu.host], clientSecret },
 *   system: { networkClient: emu.msalNetworkClient() },
 * });
 * ```
 */
export interface EmulatorNetworkClient {
  sendGetRequestAsync<T>(
    url: string,
    options?: { headers?: Record<string, string>; body?: string },
    timeout?: number,
  ): Promise<EmulatorNetworkResponse<T>>;
  sendPostRequestAsync<T>(
    url: string,
    options?: { headers?: Record<string, string>; body?: string },
  ): Promise<EmulatorNetworkResponse<T>>;
}

/** One request with a given agent; reads the whole body. @internal */
export function httpsRequest(
  agent: https.Agent,
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Uint8Array;
    timeoutMs?: number;
    signal?: AbortSignal;
  },
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: init.method ?? 'GET',
        headers: init.headers ?? {},
        agent,
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          }
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
        });
      },
    );
    req.on('error', reject);
    if (init.timeoutMs) {
      req.setTimeout(init.timeoutMs, () => req.destroy(new Error(`request timed out after ${init.timeoutMs} ms`)));
    }
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

/**
 * An msal-node network module that trusts the given CA certificates (on top of nothing else: use it
 * only for the emulator's authority).
 * @internal
 */
export function createNetworkClient(agent: https.Agent): EmulatorNetworkClient {
  const send = async <T>(
    method: string,
    url: string,
    options?: { headers?: Record<string, string>; body?: string },
    timeout?: number,
  ) => {
    const r = await httpsRequest(agent, url, {
      method,
      ...(options?.headers ? { headers: options.headers } : {}),
      ...(options?.body !== undefined ? { body: options.body } : {}),
      ...(timeout ? { timeoutMs: timeout } : {}),
    });
    // msal parses every answer as JSON, whatever the status (as fetch().json() does).
    const body = JSON.parse(r.body.toString('utf8')) as T;
    return { headers: r.headers, body, status: r.status };
  };
  return {
    sendGetRequestAsync: <T>(
      url: string,
      options?: { headers?: Record<string, string>; body?: string },
      timeout?: number,
    ) => send<T>('GET', url, options, timeout),
    sendPostRequestAsync: <T>(url: string, options?: { headers?: Record<string, string>; body?: string }) =>
      send<T>('POST', url, options),
  };
}

/**
 * A `fetch`-compatible function that trusts the emulator CA (e.g. openid-client's `customFetch`).
 * @internal
 */
export function createFetch(
  agent: https.Agent,
): (
  input: string | URL,
  init?: { method?: string; headers?: unknown; body?: unknown; signal?: AbortSignal | null },
) => Promise<Response> {
  return async (input, init = {}) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers as ConstructorParameters<typeof Headers>[0]).forEach((v, k) => {
      headers[k] = v;
    });
    let body: string | Uint8Array | undefined;
    if (typeof init.body === 'string') body = init.body;
    else if (init.body instanceof URLSearchParams) {
      body = init.body.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    } else if (init.body instanceof Uint8Array) body = init.body;
    else if (init.body instanceof ArrayBuffer) body = new Uint8Array(init.body);
    const r = await httpsRequest(agent, String(input), {
      method: init.method ?? 'GET',
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    });
    const noBody = r.status === 204 || r.status === 304 || (r.status >= 300 && r.status < 400 && r.body.length === 0);
    return new Response(noBody ? null : r.body, { status: r.status, headers: r.headers });
  };
}
