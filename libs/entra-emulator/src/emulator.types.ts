import type { KeyObject } from 'node:crypto';
import type { DirectoryInput } from './directory/directory.types.js';

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
  /** Lifetime of issued refresh tokens, in seconds (Entra: 90 days, sliding). Default 7776000. */
  readonly refreshTokenLifetimeSeconds?: number;
  /** Serve the `/__emulator/*` control routes. Default false. */
  readonly httpControls?: boolean;
  /** Where the CA, the TLS leaf and the signing keys are cached. Default `<repo root>/.cache/entra-emulator`. */
  readonly certDir?: string;
  /**
   * How long a client may take to send a whole request (headers and body). A slower one gets a JSON
   * 408 and its connection is closed, so a stalled client never holds the emulator. Default 30000.
   */
  readonly requestTimeoutMs?: number;
  /**
   * Also advertise `grant_types_supported` and `code_challenge_methods_supported` in the discovery
   * documents. Entra publishes neither, so a client that detects PKCE from metadata works against
   * the emulator only with this on, and fails in production. Default false (serve what Entra serves).
   */
  readonly metadataExtensions?: boolean;
  /**
   * Issue v1 tokens (and the v1 discovery `issuer`) as `https://sts.windows.net/{tid}/`, exactly as
   * Entra does, for validators that pin that issuer. Default false: `https://127.0.0.1:PORT/{tid}/`.
   */
  readonly stsV1Issuer?: boolean;
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
  /** Azure AD B2C tenants: the user flow signed in with. Default: the tenant's first user flow. */
  readonly userFlow?: string;
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
