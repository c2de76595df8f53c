import type { AuthPrincipal } from '../principal/auth-principal.interface.js';

/** A bearer token the validator accepted. @internal */
export interface BearerAuthentication {
  readonly principal: AuthPrincipal;
  /** base64url(SHA-256(token)) when the validator computed it for its cache, so no one hashes it again. */
  readonly tokenHash?: string;
}

/**
 * What the guard needs from a validation strategy: turn a bearer token into a principal, or throw
 * `TokenValidationError` (401) / `IdentityProviderUnavailableError` (503).
 * @internal
 */
export interface BearerAuthenticator {
  authenticate(token: string, request: object): Promise<BearerAuthentication>;
}

/** A named scheme's authenticator, as the guard finds it. @internal */
export interface AuthSchemeHandle {
  readonly name: string;
  readonly authenticator: BearerAuthenticator;
}
