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

/** Shared mutable state of one emulator instance. @internal */
export interface EmulatorState {
  baseUrl: string;
  readonly directory: ResolvedDirectory;
  readonly keys: SigningKeySet;
  readonly clock: EmulatorClock;
  tokenLifetimeSeconds: number;
  readonly refreshTokens: Map<string, RefreshGrant>;
  readonly authCodes: Map<string, CodeGrant>;
}

/** The issuer of tokens of `tid` in `version`. @internal */
export function issuerFor(baseUrl: string, tid: string, version: 1 | 2): string {
  return version === 2 ? `${baseUrl}/${tid}/v2.0` : `${baseUrl}/${tid}/`;
}
