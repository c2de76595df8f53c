import { ENTRA_STRATEGY_NAME } from '../auth.constants.js';
import { AuthError } from '../errors/auth.error.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import { TokenValidationError } from '../errors/token-validation.error.js';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';
import { extractBearerToken } from './bearer-token.util.js';

/** The verify callback of {@link EntraBearerStrategy}. @internal */
export type EntraBearerVerify = (
  request: object,
  token: string,
  done: (error: unknown, user?: AuthPrincipal | false, info?: unknown) => void,
) => void;

/**
 * A minimal passport strategy for `Authorization: Bearer` tokens: extracts the token and hands it
 * to the verify callback. Refused tokens become `fail()` with an RFC 6750 challenge; an unreachable
 * identity provider becomes `error()` (5xx), never a 401.
 *
 * Passport augments each attempt with `success`, `fail` and `error` (the fields declared below).
 * @internal
 */
export class EntraBearerStrategy {
  name = ENTRA_STRATEGY_NAME;
  declare success: (user: AuthPrincipal, info?: unknown) => void;
  declare fail: (challenge?: unknown, status?: number) => void;
  declare error: (error: unknown) => void;

  constructor(private readonly verify: EntraBearerVerify) {}

  authenticate(request: { headers?: Record<string, unknown> }): void {
    const token = extractBearerToken(request);
    if (token === undefined) return this.fail('Bearer', 401);
    if (token === null) return this.fail('Bearer error="invalid_token"', 401);
    this.verify(request, token, (error, user, info) => {
      if (error instanceof TokenValidationError) {
        return this.fail(`Bearer error="invalid_token", error_description="${error.description}"`, 401);
      }
      if (error instanceof IdentityProviderUnavailableError || (error && !(error instanceof AuthError))) {
        return this.error(error);
      }
      if (error || !user) return this.fail('Bearer error="invalid_token"', 401);
      return this.success(user, info);
    });
  }
}
