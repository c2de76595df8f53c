import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenAcquisitionError } from '../errors/token-acquisition.error.js';
import type { TokenCaller } from '../request-context/caller.js';

/**
 * A token is only exchanged (on-behalf-of) with the credentials of the scheme that validated it:
 * a caller another scheme accepted is refused before any cache lookup or identity-provider call.
 * A caller without a recorded scheme (an assertion given explicitly, without `user`) is exchanged
 * as given: the identity provider checks its audience.
 * @throws TokenAcquisitionError NIW2005
 * @internal
 */
export function checkCallerScheme(caller: TokenCaller, scheme: string): void {
  const validatedBy = caller.principal?.scheme;
  if (validatedBy === undefined || validatedBy === scheme) return;
  throw TokenAcquisitionError.create(
    AuthErrorCode.AuthSchemeMismatch,
    `The caller was authenticated by the scheme '${validatedBy}'; the token acquisition of the scheme '${scheme}' does not act on its behalf.`,
    [
      `Inject the token acquisition of the caller's scheme: @InjectTokenAcquisition('${validatedBy}').`,
      "Or restrict the route to this scheme's tokens: @AuthScheme('" + scheme + "').",
    ],
    { flow: 'onBehalfOf' },
  );
}
