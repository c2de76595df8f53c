import https from 'node:https';
import http from 'node:http';
import { readFileSync } from 'node:fs';
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
 * msal `INetworkModule` adapter, the token endpoint). Keep-alive, a deadline on every whole request, and
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

  /**
   * Sends one request and reads the whole body. The timeout bounds the whole exchange (connect,
   * TLS, headers and body), not the silence between two packets: a server that drips its answer
   * byte by byte is cut off like one that never answers. Rejects only with {@link IdpUnreachableError}.
   */
  request(url: string, init: IdentityProviderRequest = {}): Promise<IdentityProviderResponse> {
    const target = new URL(url);
    const timeoutMs = init.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const transport = target.protocol === 'http:' ? http : https;
    return new Promise<IdentityProviderResponse>((resolve, reject) => {
      let settled = false;
      const deadline = setTimeout(() => {
        settle(new IdpUnreachableError(url, `timed out after ${timeoutMs} ms`));
        req.destroy();
      }, timeoutMs);
      const settle = (error: IdpUnreachableError | undefined, response?: IdentityProviderResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (error) reject(error);
        else resolve(response!);
      };
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
          res.on('error', (cause) => settle(new IdpUnreachableError(url, 'response aborted', { cause })));
          res.on('aborted', () => settle(new IdpUnreachableError(url, 'response aborted')));
          res.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
            }
            settle(undefined, {
              status: res.statusCode ?? 0,
              headers,
              body: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      req.on('error', (cause: NodeJS.ErrnoException) =>
        settle(new IdpUnreachableError(url, describeNetworkError(cause), { cause })),
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

let defaultRoots: readonly string[] | undefined;

/**
 * What Node trusts by default: its bundled roots plus the file in NODE_EXTRA_CA_CERTS, which an
 * agent's own `ca` list would otherwise drop.
 */
function tlsRootCertificates(): readonly string[] {
  if (!defaultRoots) {
    const extra: string[] = [];
    const file = process.env.NODE_EXTRA_CA_CERTS;
    if (file) {
      try {
        extra.push(readFileSync(file, 'utf8'));
      } catch {
        // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; so do we (by ignoring it).
      }
    }
    defaultRoots = [...tls.rootCertificates, ...extra];
  }
  return defaultRoots;
}

function describeNetworkError(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL/i.test(code)) {
    return `TLS certificate not trusted (${code}); pass the CA with the 'trustedCa' option or NODE_EXTRA_CA_CERTS`;
  }
  return code ? `${code} ${error.message}` : error.message;
}
