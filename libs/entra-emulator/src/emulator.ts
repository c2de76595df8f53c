import https from 'node:https';
import type { EmulatorClock } from './controls/clock.js';
import type { FaultHandle, FaultInjector, FaultSpec } from './controls/faults.js';
import type { RequestLog, RequestLogEntry, RequestLogFilter } from './controls/request-log.js';
import { createClientCertificateMaterial } from './crypto/cert-store.js';
import { mintToken } from './protocol/mint-token.js';
import { EmulatorConfigurationError, registerCertificate, type ResolvedDirectory } from './directory/directory.js';
import type { ClientCertificate, IssueTokenOptions, SignInInput } from './emulator.types.js';
import { createFetch, createNetworkClient, type EmulatorNetworkClient } from './network/trusting-client.js';
import { EntraProtocolError, errorBody } from './protocol/errors.js';
import { tokenIssuer, type EmulatorState } from './protocol/state.js';
import type { TokenResponse, TokenService } from './protocol/token-service.js';

export type { EntraEmulatorOptions, IssueTokenOptions, SignInInput, ClientCertificate } from './emulator.types.js';

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

  /** Lifetime in seconds of refresh tokens issued from now on (existing ones keep theirs). */
  get refreshTokenLifetimeSeconds(): number {
    return this.state.refreshTokenLifetimeSeconds;
  }

  set refreshTokenLifetimeSeconds(seconds: number) {
    if (!Number.isInteger(seconds) || seconds < 1)
      throw new RangeError('refreshTokenLifetimeSeconds must be a positive integer');
    this.state.refreshTokenLifetimeSeconds = seconds;
  }

  /**
   * Revokes every refresh token issued to a user (as a password reset or "revoke sessions" does in
   * Entra): redeeming one answers `invalid_grant` with AADSTS50173. Returns how many were revoked.
   * @param user the user's object id, UPN or name in the directory
   * @throws EmulatorConfigurationError EMU1034 when the user is not in the directory
   */
  revokeRefreshTokens(user: string): number {
    const found = this.directory.user(user);
    if (!found) throw new EmulatorConfigurationError(`EMU1034: no user '${user}' in the directory.`);
    let count = 0;
    for (const [rt, grant] of this.state.refreshTokens) {
      if (grant.oid === found.oid && !grant.revoked) {
        this.state.refreshTokens.set(rt, { ...grant, revoked: true });
        count++;
      }
    }
    return count;
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

  /** Issuer of tokens of `tenant` (`https://127.0.0.1:PORT/<tid>/v2.0`; v1 `.../<tid>/`, or `https://sts.windows.net/<tid>/` with `stsV1Issuer`). */
  issuer(tenant?: string, version: 1 | 2 = 2): string {
    return tokenIssuer(this.state, this.tenantOf(tenant).id, version);
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
    return mintToken(this.state, this.tenantOf(options.tenant).id, this.clock.now(), claims, options);
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
    this.state.pendingSignIns.clear();
    this.state.tokenLifetimeSeconds = this.initialLifetime;
    this.state.refreshTokenLifetimeSeconds = this.initialRefreshLifetime;
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

  /** @internal */
  initialRefreshLifetime = 90 * 86400;

  private tenantOf(ref: string | undefined) {
    if (ref === undefined) return this.directory.defaultTenant;
    const t = this.directory.tenant(ref);
    if (!t) throw new EmulatorConfigurationError(`EMU1012: no tenant '${ref}' in the directory.`);
    return t;
  }
}
