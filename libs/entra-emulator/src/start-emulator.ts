import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { EmulatorClock } from './controls/clock.js';
import { FaultInjector } from './controls/faults.js';
import { RequestLog } from './controls/request-log.js';
import { defaultCertDir, loadCertStore } from './crypto/cert-store.js';
import { SigningKeySet } from './crypto/signing-keys.js';
import { DEFAULT_DIRECTORY } from './directory/default-directory.js';
import { EmulatorConfigurationError, ResolvedDirectory } from './directory/directory.js';
import { EntraEmulator } from './emulator.js';
import type { EntraEmulatorOptions } from './emulator.types.js';
import { EntraProtocolError, errorBody } from './protocol/errors.js';
import type { EmulatorState } from './protocol/state.js';
import { TokenService } from './protocol/token-service.js';
import { createControlRoutes } from './server/control-routes.js';
import { EmulatorHandler } from './server/handler.js';

/**
 * Starts the emulator on 127.0.0.1 (port 0 by default) over HTTPS with a locally generated CA.
 *
 * @example
 * ```ts
 * import { startEntraEmulator, DEFAULT_IDS } from '@nest-identity-web/entra-emulator';
 * const emu = await startEntraEmulator();
 * console.log(emu.baseUrl, emu.caCertPath);
 * await emu.stop();
 * ```
 * @throws EmulatorConfigurationError when the directory or options are invalid.
 */
export async function startEntraEmulator(options: EntraEmulatorOptions = {}): Promise<EntraEmulator> {
  const started = performance.now();
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  if (!Number.isInteger(lifetime) || lifetime < 1)
    throw new EmulatorConfigurationError('EMU1013: tokenLifetimeSeconds must be a positive integer.');
  const refreshLifetime = options.refreshTokenLifetimeSeconds ?? 90 * 86400;
  if (!Number.isInteger(refreshLifetime) || refreshLifetime < 1)
    throw new EmulatorConfigurationError('EMU1033: refreshTokenLifetimeSeconds must be a positive integer.');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new EmulatorConfigurationError('EMU1014: port must be 0..65535.');
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  if (!Number.isInteger(requestTimeout) || requestTimeout < 1)
    throw new EmulatorConfigurationError('EMU1015: requestTimeoutMs must be a positive integer.');
  const directory = new ResolvedDirectory(options.directory ?? DEFAULT_DIRECTORY);
  const certDir = options.certDir ?? defaultCertDir();
  const store = await loadCertStore(certDir);
  const state: EmulatorState = {
    baseUrl: '',
    behaviour: { metadataExtensions: options.metadataExtensions === true, stsV1Issuer: options.stsV1Issuer === true },
    pendingSignIns: new Map(),
    directory,
    keys: new SigningKeySet(store.signingKeys),
    clock: new EmulatorClock(),
    tokenLifetimeSeconds: lifetime,
    refreshTokenLifetimeSeconds: refreshLifetime,
    refreshTokens: new Map(),
    authCodes: new Map(),
  };
  const tokens = new TokenService(state);
  const faults = new FaultInjector();
  const log = new RequestLog();
  const server = https.createServer({
    cert: store.tls.leafCertPem,
    key: store.tls.leafKeyPem,
    keepAliveTimeout: 5000,
    requestTimeout: requestTimeout,
    headersTimeout: requestTimeout,
    // How often stalled requests are looked for; the default (30 s) would let them live that long.
    connectionsCheckingInterval: Math.min(1000, requestTimeout),
  });
  const holder: { emulator?: EntraEmulator } = {};
  const handler = new EmulatorHandler(
    state,
    tokens,
    faults,
    log,
    options.httpControls ? (m, p, b) => createControlRoutes(holder.emulator!)(m, p, b) : undefined,
  );
  server.on('request', handler.handle);
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // Unparseable or stalled requests never reach the handler; answer them in Entra's shape too.
    const pending = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || pending?.headersSent) {
      socket.destroy();
      return;
    }
    const [status, reason, why] =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', `the request was not received within ${requestTimeout} ms.`]
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request Header Fields Too Large', 'the request headers are too large.']
          : [400, 'Bad Request', 'the HTTP request could not be parsed.'];
    const body = JSON.stringify(
      errorBody(new EntraProtocolError(status, 'invalid_request', 90004, `Request is not properly formatted: ${why}`), {
        baseUrl: state.baseUrl,
        nowSeconds: state.clock.now(),
      }),
    );
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncache-control: no-store\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  state.baseUrl = `https://127.0.0.1:${actualPort}`;
  const emulator = new EntraEmulator(server, state, tokens, faults, log, {
    caCertPem: store.tls.caCertPem,
    caCertPath: store.caCertPath,
    caBundlePath: store.caBundlePath,
    certDir,
    port: actualPort,
    startupMs: Math.round(performance.now() - started),
  });
  emulator.initialLifetime = lifetime;
  emulator.initialRefreshLifetime = refreshLifetime;
  holder.emulator = emulator;
  return emulator;
}
