import { createPrivateKey, type KeyObject } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { EmulatorClock } from './controls/clock.js';
import { FaultInjector, type FaultHandle, type FaultSpec } from './controls/faults.js';
import { RequestLog, type RequestLogEntry, type RequestLogFilter } from './controls/request-log.js';
import { createClientCertificateMaterial, defaultCertDir, loadCertStore } from './crypto/cert-store.js';
import { signJwt, type JsonObject } from './crypto/jwt.js';
import { SigningKeySet } from './crypto/signing-keys.js';
import { DEFAULT_DIRECTORY } from './directory/default-directory.js';
import { EmulatorConfigurationError, registerCertificate, ResolvedDirectory } from './directory/directory.js';
import type { DirectoryInput } from './directory/directory.types.js';
import { createFetch, createNetworkClient, type EmulatorNetworkClient } from './network/trusting-client.js';
import { EntraProtocolError, errorBody } from './protocol/errors.js';
import { issuerFor, type EmulatorState } from './protocol/state.js';
import { TokenService, type TokenResponse } from './protocol/token-service.js';
import { randomToken } from './util/encoding.js';
import { EmulatorHandler, type ControlRouteHandler } from './server/handler.js';

/**
 * Options of {@link startEntraEmulator}.
 *
 * @example
 * ```ts
 * const emu = await startEntraEmulator({ tokenLifetimeSeconds: 600, httpControls: true });
 * ```
 */
export interface EntraEmulatorOptions {
  /** The directory to serve. Default: {@link DEFAULT_DIRECTORY}. */
  readonly directory?: DirectoryInput;
  /** Port on 127.0.0.1. Default 0 (a free port). */
  readonly port?: number;
  /** Lifetime of issued tokens (`expires_in`). Default 3600. */
  readonly tokenLifetimeSeconds?: number;
  /** Serve the `/__emulator/*` control routes. Default false. */
  readonly httpControls?: boolean;
  /** Where the CA, the TLS leaf and the signing keys are cached. Default `$ENTRA_EMULATOR_CERT_DIR`, else a per-user cache folder. */
  readonly certDir?: string;
  /**
   * How long a client may take to send a whole request (headers and body). A slower one gets a JSON
   * 408 and its connection is closed, so a stalled client never holds the emulator. Default 30000.
   */
  readonly requestTimeoutMs?: number;
}

/**
 * Options of {@link EntraEmulator.issueToken}.
 *
 * @example
 * ```ts
 * emu.issueToken({ aud: clientId, scp: 'access_as_user' }, { version: 1, alg: 'none' });
 * ```
 */
export interface IssueTokenOptions {
  /** Tenant (name, id or domain) for the default `iss` and `tid`. Default: the first tenant. */
  readonly tenant?: string;
  /** Token version for `iss`, `ver` and the header (`x5t` for v1). Default 2. */
  readonly version?: 1 | 2;
  /** Header `kid`. A published key's kid signs with that key (e.g. a retired one); any other value is just written. */
  readonly kid?: string;
  /** Algorithm: RS256 (default), RS384/512, PS256/384/512, ES256/384/512 (with `key`), HS256/384/512 (with `key`) or `none`. */
  readonly alg?: string;
  /** Signing key instead of the emulator's (PEM private key, KeyObject, or an HMAC secret). */
  readonly key?: string | KeyObject | Buffer;
  /** Extra header members; `undefined` removes a default one (e.g. `{ typ: undefined }`). */
  readonly header?: Readonly<Record<string, unknown>>;
}

/**
 * Input of {@link EntraEmulator.signIn}.
 *
 * @example
 * ```ts
 * emu.signIn({ username: 'alice@contoso.onmicrosoft.com', clientId: DEFAULT_IDS.apps.demoClient.clientId, scopes: ['api://my-api/access_as_user'] });
 * ```
 */
export interface SignInInput {
  /** User principal name. */
  readonly username: string;
  /** Checked when given; omitted means "trust the test". */
  readonly password?: string;
  /** Client application. Default: the demo client (the first public client). */
  readonly clientId?: string;
  /** Scopes; `openid profile offline_access` are added. */
  readonly scopes: readonly string[];
  /** `claims` request (JSON string), e.g. the `claims` of a 50076 answer to sign in with MFA. */
  readonly claims?: string;
  /** Tenant to sign in to. Default: the user's tenant. */
  readonly tenant?: string;
}

/**
 * A client certificate registered on an app, for client assertion tests.
 *
 * @example
 * ```ts
 * const cert = await emu.createClientCertificate(DEFAULT_IDS.apps.myApi.clientId);
 * new ConfidentialClientApplication({ auth: { clientId, authority, knownAuthorities: [emu.host],
 *   clientCertificate: { thumbprintSha256: cert.thumbprintSha256Hex, privateKey: cert.privateKeyPem } } });
 * ```
 */
export interface ClientCertificate {
  readonly privateKeyPem: string;
  readonly certificatePem: string;
  /** Hex SHA-1 thumbprint (msal `clientCertificate.thumbprint`, RS256 assertions). */
  readonly thumbprintSha1Hex: string;
  /** Hex SHA-256 thumbprint (msal `clientCertificate.thumbprintSha256`, PS256 assertions). */
  readonly thumbprintSha256Hex: string;
}

/**
 * A running emulator. Get one with {@link startEntraEmulator}; call {@link EntraEmulator.stop} when done.
 *
 * @example
 * ```ts
 * const emu = await startEntraEmulator();
 * try {
 *   const tokens = emu.signIn({ username: DEFAULT_IDS.users.alice.upn, scopes: [DEFAULT_IDS.apps.myApi.scopeUri] });
 * } finally {
 *   await emu.stop();
 * }
 * ```
 */
export class EntraEmulator {
  /** `https://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  /** `https://127.0.0.1:PORT/` (what `AzureAd__Instance` is set to). */
  readonly instance: string;
  /** `127.0.0.1:PORT` (msal `knownAuthorities`). */
  readonly host: string;
  /** Port. */
  readonly port: number;
  /** The CA certificate (PEM) that signed the emulator's TLS certificate. */
  readonly caCertPem: string;
  /** File with {@link caCertPem}. */
  readonly caCertPath: string;
  /** File with the CA plus the bundle NODE_EXTRA_CA_CERTS pointed at when it was written. */
  readonly caBundlePath: string;
  /** The folder holding the cached certificates and keys. */
  readonly certDir: string;
  /** The resolved directory. */
  readonly directory: ResolvedDirectory;
  /** The adjustable clock. */
  readonly clock: EmulatorClock;
  /** Milliseconds from the start call to listening. */
  readonly startupMs: number;

  private readonly agent: https.Agent;
  private stopped = false;

  /** @internal */
  constructor(
    private readonly server: https.Server,
    private readonly state: EmulatorState,
    private readonly tokens: TokenService,
    private readonly faults: FaultInjector,
    private readonly log: RequestLog,
    init: {
      caCertPem: string;
      caCertPath: string;
      caBundlePath: string;
      certDir: string;
      startupMs: number;
      port: number;
    },
  ) {
    this.port = init.port;
    this.host = `127.0.0.1:${init.port}`;
    this.baseUrl = `https://${this.host}`;
    this.instance = `${this.baseUrl}/`;
    this.caCertPem = init.caCertPem;
    this.caCertPath = init.caCertPath;
    this.caBundlePath = init.caBundlePath;
    this.certDir = init.certDir;
    this.startupMs = init.startupMs;
    this.directory = state.directory;
    this.clock = state.clock;
    this.agent = new https.Agent({ ca: [init.caCertPem], keepAlive: false });
  }

  /** Token lifetime in seconds for tokens issued from now on. */
  get tokenLifetimeSeconds(): number {
    return this.state.tokenLifetimeSeconds;
  }

  set tokenLifetimeSeconds(seconds: number) {
    if (!Number.isInteger(seconds) || seconds < 1)
      throw new RangeError('tokenLifetimeSeconds must be a positive integer');
    this.state.tokenLifetimeSeconds = seconds;
  }

  /** The `kid` of the active signing key. */
  get activeKid(): string {
    return this.state.keys.active.kid;
  }

  /**
   * The authority URL of a tenant: `https://127.0.0.1:PORT/<tid>`.
   * @param tenant name, id or domain; default the first tenant.
   */
  authority(tenant?: string): string {
    return `${this.baseUrl}/${this.tenantOf(tenant).id}`;
  }

  /** Issuer of tokens of `tenant` (`https://127.0.0.1:PORT/<tid>/v2.0`, or `.../<tid>/` for v1). */
  issuer(tenant?: string, version: 1 | 2 = 2): string {
    return issuerFor(this.baseUrl, this.tenantOf(tenant).id, version);
  }

  /** v2 OpenID configuration URL of `tenant` (passport-azure-ad `identityMetadata`). */
  metadataUrl(tenant?: string, version: 1 | 2 = 2): string {
    const t = this.tenantOf(tenant).id;
    return version === 2
      ? `${this.baseUrl}/${t}/v2.0/.well-known/openid-configuration`
      : `${this.baseUrl}/${t}/.well-known/openid-configuration`;
  }

  /**
   * Mints a token with any claims, for negative tests. Defaults `iss`, `iat`, `nbf`, `exp`, `tid`,
   * `ver`, `uti` are added unless given; a claim set to `undefined` is removed.
   */
  issueToken(claims: Readonly<Record<string, unknown>> = {}, options: IssueTokenOptions = {}): string {
    const version = options.version ?? 2;
    const tenant = this.tenantOf(options.tenant);
    const now = this.clock.now();
    const payload: JsonObject = {
      iss: issuerFor(this.baseUrl, tenant.id, version),
      iat: now,
      nbf: now,
      exp: now + this.state.tokenLifetimeSeconds,
      tid: tenant.id,
      uti: randomToken(16),
      ver: version === 2 ? '2.0' : '1.0',
      ...claims,
    };
    const alg = options.alg ?? 'RS256';
    const published = options.kid ? this.state.keys.find(options.kid) : undefined;
    const signer = published ?? this.state.keys.active;
    const kid = options.kid ?? signer.kid;
    const header: JsonObject = {
      typ: 'JWT',
      alg,
      ...(version === 1 ? { x5t: kid } : {}),
      kid,
      ...(options.header ?? {}),
    };
    for (const o of [payload, header]) for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
    let key: KeyObject | string | Buffer | undefined = options.key ?? signer.privateKey;
    if (typeof key === 'string' && key.includes('PRIVATE KEY')) key = createPrivateKey(key);
    return signJwt(header, payload, alg, alg === 'none' ? undefined : key);
  }

  /**
   * Signs a user in without HTTP (ROPC semantics, policies included) and returns the token response.
   * @throws EntraProtocolError with the AADSTS code (e.g. 53003 for a blocked user, 50076 for MFA).
   */
  signIn(input: SignInInput): TokenResponse {
    const clientId = input.clientId ?? this.directory.apps.find((a) => a.publicClient)?.clientId;
    if (!clientId)
      throw new EmulatorConfigurationError('EMU1010: signIn needs a clientId (the directory has no public client).');
    try {
      return this.tokens.signIn({ ...input, clientId });
    } catch (e) {
      if (e instanceof EntraProtocolError)
        e.body = errorBody(e, { baseUrl: this.baseUrl, nowSeconds: this.clock.now() });
      throw e;
    }
  }

  /**
   * Makes a new signing key active. Old keys stay in the JWKS. Takes effect synchronously (a spare
   * key is ready); the promise resolves with the new `kid`.
   */
  rotateKeys(): Promise<string> {
    return this.state.keys.rotate().then((k) => k.kid);
  }

  /** Injects a fault (status, body, delay, drop) on a route, optionally for a number of requests. */
  injectFault(spec: FaultSpec): FaultHandle {
    return this.faults.add(spec);
  }

  /** Removes every injected fault. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** The request log (no secrets, assertions, passwords or tokens), oldest first. */
  requests(filter?: RequestLogFilter): RequestLogEntry[] {
    return this.log.list(filter);
  }

  /**
   * Generates an RSA client certificate, registers it on the app and returns it with both thumbprints.
   * @param clientId client id (or name) of a confidential app.
   */
  async createClientCertificate(clientId: string): Promise<ClientCertificate> {
    const app = this.directory.app(clientId);
    if (!app) throw new EmulatorConfigurationError(`EMU1011: no app '${clientId}' in the directory.`);
    const m = await createClientCertificateMaterial(`${app.name} client certificate`);
    const reg = registerCertificate(m.certificatePem);
    app.certificates.push(reg);
    return {
      privateKeyPem: m.privateKeyPem,
      certificatePem: reg.certificatePem,
      thumbprintSha1Hex: reg.thumbprintSha1Hex,
      thumbprintSha256Hex: reg.thumbprintSha256Hex,
    };
  }

  /** Registers an existing certificate (PEM) on an app for client assertions. */
  addClientCertificate(clientId: string, certificatePem: string): void {
    const app = this.directory.app(clientId);
    if (!app) throw new EmulatorConfigurationError(`EMU1011: no app '${clientId}' in the directory.`);
    app.certificates.push(registerCertificate(certificatePem));
  }

  /**
   * An msal-node `INetworkModule` that trusts the emulator CA: pass it as `system.networkClient`.
   * Only for authorities on the emulator (it trusts nothing else).
   */
  msalNetworkClient(): EmulatorNetworkClient {
    return createNetworkClient(this.agent);
  }

  /** An https Agent that trusts the emulator CA (for node:https callers). */
  httpsAgent(): https.Agent {
    return new https.Agent({ ca: [this.caCertPem] });
  }

  /** A fetch-compatible function that trusts the emulator CA (e.g. openid-client `customFetch`). */
  get fetch(): ReturnType<typeof createFetch> {
    return createFetch(this.agent);
  }

  /** Clears faults, the request log, the clock offset, refresh tokens and codes; restores the token lifetime. */
  reset(): void {
    this.faults.clear();
    this.log.clear();
    this.clock.reset();
    this.state.refreshTokens.clear();
    this.state.authCodes.clear();
    this.state.tokenLifetimeSeconds = this.initialLifetime;
  }

  /** Stops listening and closes every connection. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.faults.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.agent.destroy();
    await this.state.keys.idle();
  }

  /** @internal */
  initialLifetime = 3600;

  private tenantOf(ref: string | undefined) {
    if (ref === undefined) return this.directory.defaultTenant;
    const t = this.directory.tenant(ref);
    if (!t) throw new EmulatorConfigurationError(`EMU1012: no tenant '${ref}' in the directory.`);
    return t;
  }

  /** @internal */
  controlRoutes(): ControlRouteHandler {
    return async (method, path, body) => {
      const b = (body ?? {}) as Record<string, unknown>;
      const route = `${method} ${path.replace(/\/$/, '')}`;
      switch (route) {
        case 'POST /__emulator/tokens': {
          const opts = (b['options'] ?? {}) as IssueTokenOptions & { keyPem?: string };
          const { keyPem, ...rest } = opts;
          const token = this.issueToken((b['claims'] ?? {}) as Record<string, unknown>, {
            ...rest,
            ...(keyPem ? { key: keyPem } : {}),
          });
          return { status: 200, body: { token } };
        }
        case 'POST /__emulator/sign-in':
          if (typeof b['username'] !== 'string' || !Array.isArray(b['scopes']))
            throw new TypeError('sign-in needs { "username": string, "scopes": string[] }');
          try {
            return { status: 200, body: this.signIn(b as unknown as SignInInput) };
          } catch (e) {
            if (e instanceof EntraProtocolError) return { status: e.status, body: e.body };
            throw e;
          }
        case 'POST /__emulator/rotate-keys':
          return { status: 200, body: { kid: await this.rotateKeys() } };
        case 'POST /__emulator/faults': {
          const r = b['route'];
          const route_ =
            typeof r === 'object' && r !== null && typeof (r as { regex?: unknown }).regex === 'string'
              ? new RegExp((r as { regex: string }).regex)
              : typeof r === 'string' && r.startsWith('/')
                ? new RegExp(r)
                : (r as FaultSpec['route']);
          const handle = this.injectFault({ ...(b as unknown as FaultSpec), route: route_ });
          return { status: 201, body: { id: handle.id } };
        }
        case 'DELETE /__emulator/faults':
          this.clearFaults();
          return { status: 200, body: { cleared: true } };
        case 'GET /__emulator/requests':
          return { status: 200, body: { requests: this.requests() } };
        case 'POST /__emulator/reset':
          this.reset();
          return { status: 200, body: { reset: true } };
        case 'POST /__emulator/clock': {
          if (typeof b['advanceSeconds'] === 'number') this.clock.advance(b['advanceSeconds']);
          if (typeof b['set'] === 'number') this.clock.set(b['set']);
          if (b['reset'] === true) this.clock.reset();
          return { status: 200, body: { now: this.clock.now(), offsetSeconds: this.clock.offsetSeconds } };
        }
        case 'GET /__emulator/clock':
          return { status: 200, body: { now: this.clock.now(), offsetSeconds: this.clock.offsetSeconds } };
        case 'GET /__emulator/directory':
          return {
            status: 200,
            body: {
              tenants: this.directory.tenants.map((t) => ({
                name: t.name,
                id: t.id,
                domain: t.domain,
                users: t.users.map((u) => ({ name: u.name, oid: u.oid, upn: u.upn })),
              })),
              apps: this.directory.apps.map((a) => ({
                name: a.name,
                clientId: a.clientId,
                identifiers: a.identifiers,
                publicClient: a.publicClient,
              })),
            },
          };
        default:
          return { status: 404, body: { error: 'not_found', error_description: `no control route ${route}` } };
      }
    };
  }
}

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
    directory,
    keys: new SigningKeySet(store.signingKeys),
    clock: new EmulatorClock(),
    tokenLifetimeSeconds: lifetime,
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
    options.httpControls ? (m, p, b) => holder.emulator!.controlRoutes()(m, p, b) : undefined,
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
  holder.emulator = emulator;
  return emulator;
}
