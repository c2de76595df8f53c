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
  /** For the one resend after a keep-alive reset: same trust, never a pooled socket. */
  private readonly oneShotAgent: https.Agent;

  constructor(private readonly options: { readonly ca?: readonly string[]; readonly timeoutMs?: number } = {}) {
    // Extra CAs are added to Node's default roots, not instead of them.
    // One secure context, built once: given as `ca`, the ~150 certificates would be parsed again for
    // every new connection, and the agent would concatenate them all (about 200 KB) into its pool
    // key on every request and every socket release.
    const trust = options.ca?.length
      ? { secureContext: tls.createSecureContext({ ca: [...tlsRootCertificates(), ...options.ca] }) }
      : {};
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 64, ...trust });
    this.oneShotAgent = new https.Agent({ keepAlive: false, ...trust });
  }

  /**
   * Sends one request and reads the whole body. The timeout bounds the whole exchange (connect,
   * TLS, headers and body), not the silence between two packets: a server that drips its answer
   * byte by byte is cut off like one that never answers. A request written on a pooled keep-alive
   * socket that the server had just closed (a reset before any response) is sent once more on a
   * new connection, within the same deadline. Rejects only with {@link IdpUnreachableError}.
   */
  request(url: string, init: IdentityProviderRequest = {}): Promise<IdentityProviderResponse> {
    const target = new URL(url);
    const timeoutMs = init.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const transport = target.protocol === 'http:' ? http : https;
    return new Promise<IdentityProviderResponse>((resolve, reject) => {
      let settled = false;
      let current: http.ClientRequest | undefined;
      const deadline = setTimeout(() => {
        settle(new IdpUnreachableError(url, `timed out after ${timeoutMs} ms`));
        current?.destroy();
      }, timeoutMs);
      const settle = (error: IdpUnreachableError | undefined, response?: IdentityProviderResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (error) reject(error);
        else resolve(response!);
      };
      const send = (retried: boolean) => {
        let answered = false;
        const req = transport.request(
          target,
          {
            method: init.method ?? 'GET',
            headers: { accept: 'application/json', ...init.headers },
            // The retry opens a new connection: other pooled sockets may be just as stale.
            agent:
              target.protocol === 'https:' ? (retried ? this.oneShotAgent : this.agent) : retried ? false : undefined,
          },
          (res) => {
            answered = true;
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
        current = req;
        req.on('error', (cause: NodeJS.ErrnoException) => {
          // The keep-alive race: the server closed an idle socket as we reused it. Nothing was
          // answered, so nothing was processed; one more try on a fresh socket is safe.
          if (!retried && !settled && !answered && req.reusedSocket && RESET_CODES.has(cause.code ?? '')) {
            send(true);
            return;
          }
          settle(new IdpUnreachableError(url, describeNetworkError(cause), { cause }));
        });
        // Headers and body in one write: a separate body write can wait on Nagle and a delayed ACK.
        req.end(init.body);
      };
      send(false);
    });
  }

  /** Closes pooled sockets. */
  destroy(): void {
    this.agent.destroy();
    this.oneShotAgent.destroy();
  }
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

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
