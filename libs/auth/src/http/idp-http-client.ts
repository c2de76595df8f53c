import https from 'node:https';
import http from 'node:http';
import tls from 'node:tls';
import type {
  IdentityProviderRequest,
  IdentityProviderResponse,
  IdentityProviderTransport,
} from './identity-provider-transport.interface.js';

/**
 * Raised when the identity provider cannot be reached (DNS, TCP, TLS, timeout): never an HTTP status.
 * @internal
 */
export class IdpUnreachableError extends Error {
  override readonly name = 'IdpUnreachableError';
  constructor(
    readonly url: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`identity provider unreachable at ${url}: ${reason}`, options);
  }
}

/**
 * The one HTTP client the library uses for the identity provider (metadata, JWKS and, through an
 * msal `INetworkModule` adapter, the token endpoint). Keep-alive, timeouts on every request, and
 * optional extra trusted CA certificates (for the local emulator or a TLS-inspecting proxy)
 * without touching process-wide settings.
 * @internal
 */
export class IdpHttpClient implements IdentityProviderTransport {
  private readonly agent: https.Agent;

  constructor(private readonly options: { readonly ca?: readonly string[]; readonly timeoutMs?: number } = {}) {
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 64,
      // Extra CAs are added to Node's default roots, not instead of them.
      ...(options.ca?.length ? { ca: [...tlsRootCertificates(), ...options.ca] } : {}),
    });
  }

  /** Sends one request and reads the whole body. Rejects only with {@link IdpUnreachableError}. */
  request(url: string, init: IdentityProviderRequest = {}): Promise<IdentityProviderResponse> {
    const target = new URL(url);
    const timeoutMs = init.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const transport = target.protocol === 'http:' ? http : https;
    return new Promise<IdentityProviderResponse>((resolve, reject) => {
      const req = transport.request(
        target,
        {
          method: init.method ?? 'GET',
          headers: { accept: 'application/json', ...init.headers },
          ...(target.protocol === 'https:' ? { agent: this.agent } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (cause) => reject(new IdpUnreachableError(url, 'response aborted', { cause })));
          res.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
            }
            resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      req.on('error', (cause: NodeJS.ErrnoException) =>
        reject(new IdpUnreachableError(url, describeNetworkError(cause), { cause })),
      );
      if (init.body !== undefined) req.write(init.body);
      req.end();
    });
  }

  /** Closes pooled sockets. */
  destroy(): void {
    this.agent.destroy();
  }
}

function tlsRootCertificates(): readonly string[] {
  return tls.rootCertificates;
}

function describeNetworkError(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL/i.test(code)) {
    return `TLS certificate not trusted (${code}); pass the CA with the 'trustedCa' option or NODE_EXTRA_CA_CERTS`;
  }
  return code ? `${code} ${error.message}` : error.message;
}
