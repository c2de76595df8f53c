import type { ResolvedTenant, ResolvedUser } from '../../directory/directory.js';
import { timingSafeEqualString } from '../client-auth.js';
import { Errors } from '../errors.js';
import type { EmulatorState } from '../state.js';
import { forUser, type GrantRequest, type GrantResult } from './grant.types.js';
import { userTokens } from './user-tokens.js';

/**
 * `grant_type=password` (ROPC): checks the user's password, then applies consent and policies.
 * @internal
 */
export function passwordGrant(req: GrantRequest): GrantResult {
  const { form, scope } = req;
  const username = form.get('username');
  const password = form.get('password');
  if (!username) throw Errors.missingParameter('username');
  if (password === undefined) throw Errors.missingParameter('password');
  if (scope === undefined) throw Errors.missingParameter('scope');
  const user = passwordUser(req.state, username, password, req.tenant, req.tenantSegment);
  return forUser(user.oid, () =>
    userTokens(req.state, req.app, req.auth, user, scope, req.claims, {
      amr: ['pwd'],
      clientInfo: form.get('client_info') === '1',
      endpointVersion: req.endpointVersion,
    }),
  );
}

/** Finds the user and checks the password (50034 unknown user, 50126 wrong password). @internal */
export function passwordUser(
  state: EmulatorState,
  username: string,
  password: string,
  tenant: ResolvedTenant | undefined,
  tenantSegment: string,
): ResolvedUser {
  const user = state.directory.userByUpn(username, tenant);
  if (!user) throw Errors.userNotFound(username, tenant?.name ?? tenantSegment);
  if (user.password === undefined || !timingSafeEqualString(user.password, password)) throw Errors.badPassword();
  return user;
}
