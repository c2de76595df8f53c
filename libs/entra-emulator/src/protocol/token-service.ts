import type { ResolvedTenant } from '../directory/directory.js';
import { b2cOnBehalfOfRefused, b2cTokenResponse, b2cUserFlow, unknownUserFlow } from './b2c.js';
import { parseClaims } from './claims-request.js';
import { authenticateClient, clientAuthMethod, type BasicCredentials, type ClientAuthMethod } from './client-auth.js';
import { EntraProtocolError, Errors } from './errors.js';
import { authorizationCodeGrant } from './grants/authorization-code.grant.js';
import { clientCredentialsGrant } from './grants/client-credentials.grant.js';
import { GrantRefusal, type GrantRequest, type GrantResult, type TokenResponse } from './grants/grant.types.js';
import { onBehalfOfGrant } from './grants/on-behalf-of.grant.js';
import { passwordGrant } from './grants/password.grant.js';
import { refreshTokenGrant } from './grants/refresh-token.grant.js';
import { userTokens } from './grants/user-tokens.js';
import type { EmulatorState } from './state.js';
import { v1Shape, type V1TokenResponse } from './v1-response.js';

export type { TokenResponse } from './grants/grant.types.js';

/** What the request log may record about a token request (never secrets). @internal */
export interface TokenRequestFacts {
  readonly grantType?: string;
  readonly clientId?: string;
  readonly clientAuth?: ClientAuthMethod;
  readonly oid?: string;
  readonly scope?: string;
}

/** The answer to one token request: a response or a protocol error, with what the log may keep. @internal */
export type TokenOutcome =
  | { readonly response: TokenResponse | V1TokenResponse; readonly facts: TokenRequestFacts }
  | { readonly error: EntraProtocolError; readonly facts: TokenRequestFacts };

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const MULTI_TENANT = new Set(['common', 'organizations']);
const GRANTS: Readonly<Record<string, (req: GrantRequest) => GrantResult>> = {
  client_credentials: clientCredentialsGrant,
  [JWT_BEARER]: onBehalfOfGrant,
  password: passwordGrant,
  refresh_token: refreshTokenGrant,
  authorization_code: authorizationCodeGrant,
};

/**
 * The token endpoint, independent of HTTP: validates the request, authenticates the client and
 * hands over to the grant.
 * @internal
 */
export class TokenService {
  constructor(private readonly state: EmulatorState) {}

  /**
   * Handles one token request. `form` is the decoded body, `tenantSegment` the first path segment
   * (lowercased), `tokenUrl` the URL the client called (no query), `basic` the decoded HTTP Basic credentials.
   */
  handle(
    tenantSegment: string,
    form: ReadonlyMap<string, string>,
    tokenUrl: string,
    basic: BasicCredentials | undefined,
  ): TokenOutcome {
    const grantType = form.get('grant_type');
    const endpointVersion = /\/oauth2\/token\/?$/i.test(new URL(tokenUrl).pathname) ? 1 : 2;
    const resource = form.get('resource');
    let scope = form.get('scope');
    // v1 endpoint: resource=... instead of scope.
    if (scope === undefined && resource) scope = `${resource.replace(/\/$/, '')}/.default`;
    // v1 returns a refresh token and an id token to every user grant without being asked.
    if (endpointVersion === 1 && scope !== undefined && grantType !== 'client_credentials')
      scope = `${scope} openid offline_access`;
    const clientId = (form.get('client_id') ?? basic?.id)?.toLowerCase();
    let facts: TokenRequestFacts = {
      ...(grantType !== undefined ? { grantType } : {}),
      ...(scope !== undefined ? { scope } : {}),
    };
    try {
      const multi = MULTI_TENANT.has(tenantSegment);
      const tenant = multi ? undefined : this.state.directory.tenant(tenantSegment);
      if (!multi && !tenant) throw Errors.tenantNotFound(tenantSegment);
      const flow = tenant?.kind === 'b2c' ? userFlowOfTokenUrl(tenant, tokenUrl) : undefined;
      if (!grantType) throw Errors.missingParameter('grant_type');
      if (flow && grantType === JWT_BEARER) throw b2cOnBehalfOfRefused();
      if (!clientId) throw Errors.missingParameter('client_id');
      facts = { ...facts, clientId };
      if (basic && form.get('client_id') && basic.id.toLowerCase() !== clientId) {
        throw Errors.malformedRequest('client_id in the body and in the Authorization header differ.');
      }
      const grant = GRANTS[grantType];
      if (!grant || !Object.hasOwn(GRANTS, grantType)) throw Errors.unsupportedGrant();
      const app = this.state.directory.app(clientId);
      if (!app || app.clientId !== clientId) throw Errors.appNotFound(clientId, tenant?.name ?? tenantSegment);
      const method = clientAuthMethod(app, form, basic);
      if (method) facts = { ...facts, clientAuth: method };
      const auth = authenticateClient(this.state, app, form, basic, { tokenUrl, tenantSegment, tenant });
      const claims = parseClaims(form.get('claims'));
      const req = {
        state: this.state,
        tenant,
        tenantSegment,
        app,
        auth,
        form,
        scope,
        claims,
        endpointVersion,
      } as const;
      const result = grant(req);
      const response =
        flow && tenant
          ? b2cTokenResponse(this.state, tenant, flow, result.response)
          : endpointVersion === 1
            ? v1Shape(result.response, resource, scope, this.state.clock.now())
            : result.response;
      return { response, facts: result.oid ? { ...facts, oid: result.oid } : facts };
    } catch (e) {
      if (e instanceof GrantRefusal) return { error: e.error, facts: { ...facts, oid: e.oid } };
      if (e instanceof EntraProtocolError) return { error: e, facts };
      throw e;
    }
  }

  /** In-process ROPC (no client authentication: the caller is trusted test code). */
  signIn(input: {
    username: string;
    password?: string;
    clientId: string;
    scopes: readonly string[];
    claims?: string;
    tenant?: string;
    userFlow?: string;
  }): TokenResponse {
    const dir = this.state.directory;
    const app = dir.app(input.clientId);
    if (!app) throw Errors.appNotFound(input.clientId, input.tenant ?? 'common');
    const tenant = input.tenant ? dir.tenant(input.tenant) : undefined;
    if (input.tenant && !tenant && !MULTI_TENANT.has(input.tenant.toLowerCase()))
      throw Errors.tenantNotFound(input.tenant);
    const user = tenant ? dir.userByUpn(input.username, tenant) : dir.userByUpn(input.username);
    if (!user) throw Errors.userNotFound(input.username, tenant?.name ?? 'common');
    if (input.password !== undefined && user.password !== input.password) throw Errors.badPassword();
    const scopes = input.scopes.join(' ');
    const oidc = ['openid', 'profile', 'offline_access'].filter((s) => !input.scopes.includes(s));
    const home = tenant ?? dir.tenant(user.tenantId);
    const flow = home?.kind === 'b2c' ? b2cUserFlow(home, input.userFlow ?? home.userFlows[0]) : undefined;
    if (home?.kind === 'b2c' && !flow) throw unknownUserFlow(input.userFlow ?? '');
    const response = userTokens(
      this.state,
      app,
      app.publicClient ? '0' : '1',
      user,
      [...input.scopes, ...oidc].join(' ') || scopes,
      parseClaims(input.claims),
      { amr: ['pwd'], clientInfo: true },
    );
    return flow && home ? b2cTokenResponse(this.state, home, flow, response) : response;
  }
}

/** B2C: the user flow of `/{tenant}/{flow}/oauth2/v2.0/token`. @throws EntraProtocolError for an unknown flow */
function userFlowOfTokenUrl(tenant: ResolvedTenant, tokenUrl: string): string {
  let segment = new URL(tokenUrl).pathname.split('/').filter(Boolean)[1] ?? '';
  try {
    segment = decodeURIComponent(segment);
  } catch {
    // kept as sent: an unknown flow
  }
  const flow = b2cUserFlow(tenant, segment);
  if (!flow) throw unknownUserFlow(segment);
  return flow;
}
