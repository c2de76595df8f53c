import {
  decodeJwt,
  MalformedJwtError,
  verifyRsaSignature,
  type DecodedJwt,
  type JsonObject,
} from '../../crypto/jwt.js';
import type { ResolvedTenant } from '../../directory/directory.js';
import { Errors } from '../errors.js';
import { assertExposed, parseScopes } from '../scopes.js';
import { tokenIssuer, type EmulatorState } from '../state.js';
import { amrFromAio, type TokenUser } from '../tokens.js';
import { forUser, type GrantRequest, type GrantResult } from './grant.types.js';
import { applyPolicies, consentedScopes, finishUserResponse, tokenUser } from './user-tokens.js';

/**
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` with `requested_token_use=on_behalf_of`:
 * exchanges a user's access token for this app for one to a downstream API.
 * @internal
 */
export function onBehalfOfGrant(req: GrantRequest): GrantResult {
  const { state, app, form, scope } = req;
  const dir = state.directory;
  if (form.get('requested_token_use') !== 'on_behalf_of') {
    if (form.get('requested_token_use') === undefined) throw Errors.missingParameter('requested_token_use');
    throw Errors.malformedRequest("'requested_token_use' must be 'on_behalf_of'.");
  }
  const raw = form.get('assertion');
  if (!raw) throw Errors.missingParameter('assertion');
  if (scope === undefined) throw Errors.missingParameter('scope');
  const { payload: p, tenant: tokenTenant } = verifyAssertion(state, raw);
  // 3. Audience: this app's client id or one of its App ID URIs.
  const aud = typeof p['aud'] === 'string' ? p['aud'] : '';
  const audOk =
    aud.toLowerCase() === app.clientId || app.identifiers.some((i) => i.toLowerCase() === aud.toLowerCase());
  if (!audOk) throw Errors.assertionAudience(aud, app.clientId);
  // 4. A user token.
  if (typeof p['scp'] !== 'string' || p['idtyp'] === 'app') throw Errors.appOnlyObo(app.clientId);
  const oid = typeof p['oid'] === 'string' ? p['oid'].toLowerCase() : '';
  const issue = () => {
    const tenant = req.tenant ?? tokenTenant;
    const dirUser = dir.userByOid(oid);
    const amr = Array.isArray(p['amr'])
      ? p['amr'].filter((x): x is string => typeof x === 'string')
      : amrFromAio(p['aio']);
    const parsed = parseScopes(scope, dir, tenant.name);
    if (!parsed.resource) throw Errors.invalidScope(scope);
    assertExposed(parsed);
    // 5. Consent, MFA, Conditional Access.
    const scp = consentedScopes(app, parsed);
    // The user's MFA must come from the assertion: a middle tier cannot claim it on the user's behalf.
    applyPolicies(tokenTenant, oid, parsed, amr, { ...req.claims, mfa: false });
    const user: TokenUser = dirUser
      ? tokenUser(dirUser, amr, parsed.resource)
      : assertionUser(p, oid, tokenTenant, amr);
    return finishUserResponse(state, {
      tenant,
      app,
      auth: req.auth,
      user,
      parsed,
      scp,
      claims: req.claims,
      clientInfo: form.get('client_info') === '1',
      endpointVersion: req.endpointVersion,
      session: { clientId: app.clientId, oid, tid: tokenTenant.id, amr, scope },
    });
  };
  if (!oid) return { response: issue() };
  return forUser(oid, issue);
}

/** Checks the incoming assertion's signature, issuer, kind and expiry (steps 1 and 2). */
function verifyAssertion(state: EmulatorState, raw: string): { payload: JsonObject; tenant: ResolvedTenant } {
  let jwt: DecodedJwt;
  try {
    jwt = decodeJwt(raw);
  } catch (e) {
    throw Errors.malformedJwt(e instanceof MalformedJwtError ? e.message : 'unreadable');
  }
  const p = jwt.payload;
  // 1. Signature with the emulator's own keys (and an issuer of this emulator).
  const kid = typeof jwt.header['kid'] === 'string' ? jwt.header['kid'] : jwt.header['x5t'];
  const key = typeof kid === 'string' ? state.keys.find(kid) : undefined;
  if (!key) throw Errors.assertionInvalid('The key was not found.');
  if (jwt.header['alg'] !== 'RS256' || !verifyRsaSignature('RS256', jwt, key.publicKey)) {
    throw Errors.assertionInvalid('The signature is invalid.');
  }
  const tid = typeof p['tid'] === 'string' ? p['tid'].toLowerCase() : '';
  const tenant = state.directory.tenant(tid);
  if (!tenant || (p['iss'] !== tokenIssuer(state, tenant.id, 2) && p['iss'] !== tokenIssuer(state, tenant.id, 1))) {
    throw Errors.assertionInvalid('The issuer is not valid.');
  }
  if (p['scp'] === undefined && p['roles'] === undefined && p['azp'] === undefined && p['appid'] === undefined) {
    throw Errors.idTokenAssertion();
  }
  // 2. Expiry.
  const now = state.clock.now();
  if (typeof p['exp'] !== 'number') throw Errors.assertionInvalid("The 'exp' claim is missing.");
  if (p['exp'] <= now) throw Errors.assertionExpired(now, p['exp']);
  return { payload: p, tenant };
}

/** A user the directory does not know (a token minted with `issueToken`): taken from the assertion. */
function assertionUser(p: JsonObject, oid: string, tenant: ResolvedTenant, amr: readonly string[]): TokenUser {
  const upn = p['preferred_username'] ?? p['upn'];
  return {
    oid,
    tid: tenant.id,
    amr,
    ...(typeof p['name'] === 'string' ? { name: p['name'] } : {}),
    ...(typeof upn === 'string' ? { upn } : {}),
  };
}
