import type { EmulatorClock } from '../controls/clock.js';
import type { SigningKeySet } from '../crypto/signing-keys.js';
import type { ResolvedDirectory } from '../directory/directory.js';

/** What a user sign-in established; kept behind refresh tokens and authorization codes. @internal */
export interface UserSession {
  readonly clientId: string;
  readonly oid: string;
  readonly tid: string;
  readonly amr: readonly string[];
  readonly scope: string;
}

/** @internal */
export interface RefreshGrant extends UserSession {
  readonly expiresAt: number;
  /** Set by `revokeRefreshTokens`: redeeming answers AADSTS50173. */
  readonly revoked?: boolean;
}

/** @internal */
export interface CodeGrant extends UserSession {
  readonly redirectUri: string;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: string;
  readonly nonce?: string;
  readonly claims?: string;
  readonly expiresAt: number;
  used: boolean;
}

/** A sign-in on the page that still owes its second factor (Entra's `flowToken`). @internal */
export interface PendingSignIn {
  readonly oid: string;
  /** The authorize request parameters, as first sent. */
  readonly params: string;
  readonly expiresAt: number;
}

/** Fidelity switches fixed at start-up. @internal */
export interface EmulatorBehaviour {
  /** Also advertise `grant_types_supported` and `code_challenge_methods_supported` (Entra does not). */
  readonly metadataExtensions: boolean;
  /** Issue v1 tokens with `https://sts.windows.net/{tid}/` as Entra does, instead of the emulator's host. */
  readonly stsV1Issuer: boolean;
}

/** Shared mutable state of one emulator instance. @internal */
export interface EmulatorState {
  baseUrl: string;
  readonly behaviour: EmulatorBehaviour;
  readonly pendingSignIns: Map<string, PendingSignIn>;
  readonly directory: ResolvedDirectory;
  readonly keys: SigningKeySet;
  readonly clock: EmulatorClock;
  tokenLifetimeSeconds: number;
  /** Lifetime of refresh tokens issued from now on, in seconds (on the emulator's clock). */
  refreshTokenLifetimeSeconds: number;
  readonly refreshTokens: Map<string, RefreshGrant>;
  readonly authCodes: Map<string, CodeGrant>;
}

/** Entra's v1 issuer host. @internal */
export const STS_V1_BASE = 'https://sts.windows.net';

/** The issuer of tokens of `tid` in `version` on the emulator's host. @internal */
export function issuerFor(baseUrl: string, tid: string, version: 1 | 2): string {
  return version === 2 ? `${baseUrl}/${tid}/v2.0` : `${baseUrl}/${tid}/`;
}

/**
 * The issuer this emulator writes into tokens of `tid` (honours the `stsV1Issuer` option; External
 * ID and B2C tenants have their own shapes).
 * @internal
 */
export function tokenIssuer(state: EmulatorState, tid: string, version: 1 | 2): string {
  const kind = state.directory.tenant(tid)?.kind;
  // External ID: the production issuer host is the tenant ID under ciamlogin.com (a name, never contacted).
  if (kind === 'ciam') return issuerFor(`https://${tid}.ciamlogin.com`, tid, version);
  // Azure AD B2C: one issuer for every user flow and token version, with a trailing slash.
  if (kind === 'b2c') return `${state.baseUrl}/${tid}/v2.0/`;
  return issuerFor(version === 1 && state.behaviour.stsV1Issuer ? STS_V1_BASE : state.baseUrl, tid, version);
}
