import { Errors } from '../errors.js';
import { parseScopes } from '../scopes.js';
import { mintAccessToken } from '../tokens.js';
import type { GrantRequest, GrantResult } from './grant.types.js';

/**
 * `grant_type=client_credentials`: an app token with the app permissions granted on the resource.
 * @internal
 */
export function clientCredentialsGrant(req: GrantRequest): GrantResult {
  const { state, tenant, app, scope } = req;
  if (!tenant) throw Errors.tenantNotFound(req.tenantSegment);
  if (app.publicClient) throw Errors.noCredential();
  if (scope === undefined) throw Errors.missingParameter('scope');
  const parsed = parseScopes(scope, state.directory, tenant.name);
  if (!parsed.resource || parsed.values.length !== 1 || parsed.values[0] !== '.default')
    throw Errors.scopeNeedsDefault(scope);
  const roles = app.appPermissions.get(parsed.resource.clientId) ?? [];
  const { token, expiresIn } = mintAccessToken(state, {
    tenant,
    resource: parsed.resource,
    ...(parsed.resourceIdentifier ? { resourceIdentifier: parsed.resourceIdentifier } : {}),
    client: app,
    clientAuth: req.auth,
    roles,
    xmsCc: req.claims.xmsCc,
  });
  return {
    response: { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token },
  };
}
