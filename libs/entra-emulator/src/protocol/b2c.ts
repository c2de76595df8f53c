import { decodeJwt, type JsonObject } from '../crypto/jwt.js';
import type { SigningKey } from '../crypto/signing-keys.js';
import type { ResolvedTenant } from '../directory/directory.js';
import type { TokenResponse } from './grants/grant.types.js';
import { EntraProtocolError } from './protocol-error.js';
import { signToken } from './tokens.js';
import type { EmulatorState } from './state.js';

/**
 * Azure AD B2C on the emulator: user flows under `/{tenant}/{userFlow}/` (or `?p={userFlow}`),
 * B2C-shaped metadata, JWKS and tokens. Entra-shaped tokens minted by the grants are reshaped here,
 * so every grant works the same on B2C tenants (except on-behalf-of, which B2C does not have).
 * @internal
 */

/** The configured user flow named `name` (any letter case), as configured. @internal */
export function b2cUserFlow(tenant: ResolvedTenant, name: string | null | undefined): string | undefined {
  const n = name?.toLowerCase();
  return n ? tenant.userFlows.find((f) => f.toLowerCase() === n) : undefined;
}

/** B2C's error for an unknown user flow (`AADB2C90008`-style, with the B2C prefix). @internal */
export function unknownUserFlow(name: string): EntraProtocolError {
  return new EntraProtocolError(400, 'invalid_request', 90091, `The policy '${name}' does not exist in the tenant.`, {
    prefix: 'AADB2C',
  });
}

/** What B2C answers to the on-behalf-of grant. @internal */
export function b2cOnBehalfOfRefused(): EntraProtocolError {
  return new EntraProtocolError(
    400,
    'unsupported_grant_type',
    90086,
    'The supplied grant_type [urn:ietf:params:oauth:grant-type:jwt-bearer] is not supported.',
    { prefix: 'AADB2C' },
  );
}

/** The B2C issuer: the tenant ID, `/v2.0/` with a trailing slash. @internal */
export function b2cIssuer(base: string, tid: string): string {
  return `${base}/${tid}/v2.0/`;
}

/** The v2 OpenID configuration of a user flow, in B2C's shape (endpoints under the domain and flow). @internal */
export function b2cMetadata(state: EmulatorState, tenant: ResolvedTenant, flow: string): Record<string, unknown> {
  const t = `${state.baseUrl}/${tenant.domain.toLowerCase()}/${flow.toLowerCase()}`;
  return {
    issuer: b2cIssuer(state.baseUrl, tenant.id),
    authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
    token_endpoint: `${t}/oauth2/v2.0/token`,
    end_session_endpoint: `${t}/oauth2/v2.0/logout`,
    jwks_uri: `${t}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    response_types_supported: [
      'code',
      'code id_token',
      'code token',
      'code id_token token',
      'id_token',
      'id_token token',
      'token',
      'token id_token',
    ],
    scopes_supported: ['openid'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    claims_supported: [
      'name',
      'emails',
      'oid',
      'sub',
      'idp',
      'tfp',
      'iss',
      'iat',
      'exp',
      'aud',
      'acr',
      'nonce',
      'auth_time',
    ],
  };
}

/** B2C's JWKS: no `issuer`, no `cloud_instance_name`, no `x5c`. @internal */
export function b2cJwks(keys: readonly SigningKey[]): { keys: Record<string, unknown>[] } {
  return { keys: keys.map((k) => ({ kid: k.kid, use: 'sig', kty: 'RSA', e: k.e, n: k.n })) };
}

/**
 * Rewrites the tokens of a response minted for a B2C tenant: B2C issuer, `ver` 1.0, the user flow in
 * `tfp` (or `acr`), `aud` = the resource's client ID, `sub` = the object ID, and none of Entra's
 * `tid`, `aio`, `rh`, `uti`, `sid`, `idtyp`, `azpacr`, `xms_cc`, `appid`.
 * @internal
 */
export function b2cTokenResponse<R extends TokenResponse>(
  state: EmulatorState,
  tenant: ResolvedTenant,
  flow: string,
  response: R,
): R {
  const reshape = (token: string | undefined, idToken: boolean): string | undefined => {
    if (!token) return token;
    const p = decodeJwt(token).payload;
    const resource = typeof p.aud === 'string' ? state.directory.app(p.aud) : undefined;
    const out: JsonObject = {
      iss: b2cIssuer(state.baseUrl, tenant.id),
      exp: p.exp,
      nbf: p.nbf,
      aud: idToken ? p.aud : (resource?.clientId ?? p.aud),
      oid: p.oid,
      sub: p.oid,
      name: p.name,
      ...(p.preferred_username ? { emails: [p.preferred_username] } : {}),
      [tenant.policyClaim]: flow,
      nonce: p.nonce,
      scp: p.scp,
      roles: p.roles,
      azp: p.azp ?? p.appid,
      ver: '1.0',
      iat: p.iat,
    };
    for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
    return signToken(state, out, 2);
  };
  const access = reshape(response.access_token, false)!;
  const id = reshape(response.id_token, true);
  return { ...response, access_token: access, ...(id ? { id_token: id } : {}) };
}
