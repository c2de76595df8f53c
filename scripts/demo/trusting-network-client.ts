import { Agent, request } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * An msal-node network client that trusts one extra CA (the local emulator's) on top of Node's
 * roots, without touching process-wide TLS settings. Against real Microsoft Entra ID the default
 * network client is all you need.
 *
 * It has its own `https.Agent`: an agent's options win over a request's, so a `ca` passed per request
 * would be ignored whenever something in the process has set `https.globalAgent.options.ca`.
 */
export class TrustingNetworkClient implements INetworkModule {
  private readonly agent: Agent;

  constructor(extraCaPem: string) {
    this.agent = new Agent({ ca: [...rootCertificates, extraCaPem] });
  }

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    timeout = 10_000,
  ): Promise<NetworkResponse<T>> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers: options?.headers, agent: this.agent, timeout }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = String(v);
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, headers, body: (text ? JSON.parse(text) : {}) as T });
          } catch (e) {
            reject(
              new Error(`${method} ${url}: the identity provider answered with a body that is not JSON`, { cause: e }),
            );
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within ${timeout} ms`)));
      req.on('error', reject);
      if (options?.body) req.write(options.body);
      req.end();
    });
  }
}
