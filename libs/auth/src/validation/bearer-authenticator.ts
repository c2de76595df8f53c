import type { AuthPrincipal } from '../principal/auth-principal.interface.js';

/**
 * What the guard needs from a validation strategy: turn a bearer token into a principal, or throw
 * `TokenValidationError` (401) / `IdentityProviderUnavailableError` (503).
 * @internal
 */
export interface BearerAuthenticator {
  authenticate(token: string, request: object): Promise<AuthPrincipal>;
}
