import { sha256 } from '../../util/encoding.js';
import { parseClaims } from '../claims-request.js';
import { Errors } from '../errors.js';
import { forUser, type GrantRequest, type GrantResult } from './grant.types.js';
import { userTokens } from './user-tokens.js';

/**
 * `grant_type=authorization_code`: redeems a code once, checking its client, redirect URI and PKCE verifier.
 * @internal
 */
export function authorizationCodeGrant(req: GrantRequest): GrantResult {
  const { state, app, form } = req;
  const code = form.get('code');
  if (!code) throw Errors.missingParameter('code');
  const redirectUri = form.get('redirect_uri');
  if (!redirectUri) throw Errors.missingParameter('redirect_uri');
  const grant = state.authCodes.get(code);
  if (!grant) throw Errors.badGrant('The authorization code is not valid.');
  if (grant.used) throw Errors.codeRedeemed();
  grant.used = true;
  if (grant.expiresAt <= state.clock.now()) throw Errors.codeExpired();
  if (grant.clientId !== app.clientId)
    throw Errors.badGrant('The authorization code was issued to a different client.');
  if (grant.redirectUri !== redirectUri) throw Errors.redirectMismatch(redirectUri, app.clientId);
  if (grant.codeChallenge) {
    const verifier = form.get('code_verifier');
    if (!verifier) throw Errors.missingParameter('code_verifier');
    const computed = grant.codeChallengeMethod === 'plain' ? verifier : sha256(verifier).toString('base64url');
    if (computed !== grant.codeChallenge) throw Errors.pkce();
  }
  const user = state.directory.userByOid(grant.oid);
  if (!user) throw Errors.badGrant('The user no longer exists.');
  const requestClaims = form.get('claims') ? req.claims : parseClaims(grant.claims);
  return forUser(user.oid, () =>
    userTokens(state, app, req.auth, user, req.scope ?? grant.scope, requestClaims, {
      amr: grant.amr,
      clientInfo: form.get('client_info') === '1',
      ...(grant.nonce ? { nonce: grant.nonce } : {}),
      endpointVersion: req.endpointVersion,
    }),
  );
}
