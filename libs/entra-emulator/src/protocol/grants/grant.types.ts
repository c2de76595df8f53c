import type { ResolvedApp, ResolvedTenant } from '../../directory/directory.js';
import type { ClaimsRequest } from '../claims-request.js';
import { EntraProtocolError } from '../errors.js';
import type { EmulatorState } from '../state.js';
import type { ClientAuthClass } from '../tokens.js';

/**
 * A successful token response, as sent over HTTP.
 *
 * @example
 * ```ts
 * const res: TokenResponse = emu.signIn({ username, clientId, scopes: ['api://my-api/access_as_user'] });
 * await request(app).get('/me').set('Authorization', `Bearer ${res.access_token}`);
 * ```
 */
export interface TokenResponse {
  token_type: 'Bearer';
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
}

/** Everything a grant needs about one authenticated token request. @internal */
export interface GrantRequest {
  readonly state: EmulatorState;
  /** The tenant of the URL; undefined for `common` and `organizations`. */
  readonly tenant: ResolvedTenant | undefined;
  readonly tenantSegment: string;
  readonly app: ResolvedApp;
  readonly auth: ClientAuthClass;
  readonly form: ReadonlyMap<string, string>;
  /** `scope`, or the v1 `resource` turned into `<resource>/.default`. */
  readonly scope: string | undefined;
  readonly claims: ClaimsRequest;
  /** 1 for `/oauth2/token`, 2 for `/oauth2/v2.0/token`. */
  readonly endpointVersion: 1 | 2;
}

/** What a grant returns: the response and the user it was about (for the request log). @internal */
export interface GrantResult {
  readonly response: TokenResponse;
  readonly oid?: string;
}

/**
 * A grant's refusal once it knows the user, so the request log can still name the user.
 * @internal
 */
export class GrantRefusal extends Error {
  override readonly name = 'GrantRefusal';
  constructor(
    readonly error: EntraProtocolError,
    readonly oid: string,
  ) {
    super(error.message);
  }
}

/** Runs `issue` for a known user; a protocol error it throws is tagged with the user's oid. @internal */
export function forUser(oid: string, issue: () => TokenResponse): GrantResult {
  try {
    return { response: issue(), oid };
  } catch (e) {
    if (e instanceof EntraProtocolError) throw new GrantRefusal(e, oid);
    throw e;
  }
}
