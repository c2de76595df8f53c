import { Errors } from '../errors.js';
import { forUser, type GrantRequest, type GrantResult } from './grant.types.js';
import { userTokens } from './user-tokens.js';

/**
 * `grant_type=refresh_token`: redeems a refresh token of the same client for the session's user.
 * @internal
 */
export function refreshTokenGrant(req: GrantRequest): GrantResult {
  const { state, app, form } = req;
  const rt = form.get('refresh_token');
  if (!rt) throw Errors.missingParameter('refresh_token');
  const grant = state.refreshTokens.get(rt);
  if (!grant) throw Errors.badGrant('The refresh token is not valid.');
  if (grant.clientId !== app.clientId) throw Errors.badGrant('The refresh token was issued to a different client.');
  if (grant.revoked) throw Errors.refreshTokenRevoked();
  if (grant.expiresAt <= state.clock.now()) throw Errors.refreshTokenExpired();
  const user = state.directory.userByOid(grant.oid);
  if (!user) throw Errors.badGrant('The user of the refresh token no longer exists.');
  return forUser(user.oid, () =>
    userTokens(state, app, req.auth, user, req.scope ?? grant.scope, req.claims, {
      amr: grant.amr,
      clientInfo: form.get('client_info') === '1',
      endpointVersion: req.endpointVersion,
    }),
  );
}
