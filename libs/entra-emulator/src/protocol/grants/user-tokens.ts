import type { ResolvedApp, ResolvedDirectory, ResolvedTenant, ResolvedUser } from '../../directory/directory.js';
import { randomToken } from '../../util/encoding.js';
import type { ClaimsRequest } from '../claims-request.js';
import { Errors } from '../errors.js';
import { assertExposed, parseScopes, type ParsedScopes } from '../scopes.js';
import type { EmulatorState, UserSession } from '../state.js';
import { clientInfo, mintAccessToken, mintIdToken, type ClientAuthClass, type TokenUser } from '../tokens.js';
import type { TokenResponse } from './grant.types.js';

const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** Consent check; returns the scopes to put in `scp`. @internal */
export function consentedScopes(app: ResolvedApp, parsed: ParsedScopes): string[] {
  const resource = parsed.resource!;
  const granted =
    resource.clientId === app.clientId ? resource.scopes : (app.delegatedPermissions.get(resource.clientId) ?? []);
  const has = (v: string) => granted.some((g) => g.toLowerCase() === v.toLowerCase());
  if (!app.consentGranted && resource.clientId !== app.clientId)
    throw Errors.consentRequired(app.clientId, app.displayName);
  const wanted = parsed.values.filter((v) => v !== '.default');
  if (wanted.some((v) => !has(v))) throw Errors.consentRequired(app.clientId, app.displayName);
  if (parsed.values.includes('.default')) {
    if (granted.length === 0) throw Errors.consentRequired(app.clientId, app.displayName);
    return [...new Set([...granted, ...wanted])];
  }
  return wanted.map((v) => resource.scopes.find((s) => s.toLowerCase() === v.toLowerCase()) ?? v);
}

/** Conditional Access: MFA (50076) and block (53003) policies that apply to this request. @internal */
export function applyPolicies(
  tenant: ResolvedTenant,
  oid: string,
  parsed: ParsedScopes,
  amr: readonly string[],
  claims: ClaimsRequest,
): void {
  const resource = parsed.resource;
  const applies = (p: (typeof tenant.policies)[number]) =>
    (!p.users || p.users.has(oid)) &&
    (!p.resources || (resource !== undefined && p.resources.has(resource.clientId))) &&
    (!p.scopes || parsed.values.some((v) => p.scopes!.has(v.toLowerCase())));
  const hasMfa = amr.includes('mfa') || claims.mfa;
  const mfa = tenant.policies.find((p) => p.grant === 'mfa' && applies(p));
  if (mfa && !hasMfa) throw Errors.mfaRequired(resource?.clientId ?? '', mfa.id);
  if (tenant.policies.some((p) => p.grant === 'block' && applies(p))) throw Errors.blockedByCa();
}

/** The token view of a directory user for `resource`. @internal */
export function tokenUser(u: ResolvedUser, amr: readonly string[], resource: ResolvedApp | undefined): TokenUser {
  return {
    oid: u.oid,
    tid: u.tenantId,
    name: u.displayName,
    upn: u.upn,
    ...(u.givenName ? { givenName: u.givenName } : {}),
    ...(u.familyName ? { familyName: u.familyName } : {}),
    amr,
    roles: resource ? (u.appRoles.get(resource.clientId) ?? []) : [],
    wids: u.wids,
  };
}

/** Only OIDC scopes: Entra issues a Microsoft Graph token. @internal */
export function withGraphFallback(parsed: ParsedScopes, dir: ResolvedDirectory, client: ResolvedApp): ParsedScopes {
  if (parsed.resource) return parsed;
  const graph = dir.app(GRAPH_APP_ID) ?? client;
  return { ...parsed, resource: graph, resourceIdentifier: graph.identifiers[0] ?? graph.clientId, values: [] };
}

/** Options of {@link userTokens}. @internal */
export interface UserTokenOptions {
  readonly amr: readonly string[];
  readonly clientInfo: boolean;
  readonly nonce?: string;
  /** The token endpoint's version: 1 shapes the id token as v1 does. Default 2. */
  readonly endpointVersion?: 1 | 2;
}

/** ROPC, authorization code and refresh token: a signed-in user asks for tokens. @internal */
export function userTokens(
  state: EmulatorState,
  app: ResolvedApp,
  auth: ClientAuthClass,
  user: ResolvedUser,
  scope: string,
  claims: ClaimsRequest,
  opts: UserTokenOptions,
): TokenResponse {
  const dir = state.directory;
  const tenant = dir.tenant(user.tenantId)!;
  const requested = parseScopes(scope, dir, tenant.name);
  const parsed = withGraphFallback(requested, dir, app);
  const amr = claims.mfa && !opts.amr.includes('mfa') ? [...opts.amr, 'mfa'] : [...opts.amr];
  let scp: string[];
  if (!requested.resource) {
    const graph = parsed.resource!;
    scp = graph.scopes.some((s) => s === 'User.Read')
      ? ['User.Read', ...parsed.oidc.filter((s) => s !== 'offline_access')]
      : [...parsed.oidc];
    applyPolicies(tenant, user.oid, parsed, amr, claims);
  } else {
    assertExposed(parsed);
    scp = consentedScopes(app, parsed);
    applyPolicies(tenant, user.oid, parsed, amr, claims);
  }
  return finishUserResponse(state, {
    tenant,
    app,
    auth,
    user: tokenUser(user, amr, parsed.resource),
    parsed,
    scp,
    claims,
    clientInfo: opts.clientInfo,
    ...(opts.nonce ? { nonce: opts.nonce } : {}),
    ...(opts.endpointVersion ? { endpointVersion: opts.endpointVersion } : {}),
    session: { clientId: app.clientId, oid: user.oid, tid: tenant.id, amr, scope },
  });
}

/** Input of {@link finishUserResponse}. @internal */
export interface UserResponseSpec {
  readonly tenant: ResolvedTenant;
  readonly app: ResolvedApp;
  readonly auth: ClientAuthClass;
  readonly user: TokenUser;
  readonly parsed: ParsedScopes;
  readonly scp: readonly string[];
  readonly claims: ClaimsRequest;
  readonly clientInfo: boolean;
  readonly nonce?: string;
  readonly endpointVersion?: 1 | 2;
  readonly session: UserSession;
}

/** Mints the access token (and refresh and ID tokens when asked for) of a user response. @internal */
export function finishUserResponse(state: EmulatorState, spec: UserResponseSpec): TokenResponse {
  const { tenant, app, user, parsed, scp, claims } = spec;
  const resource = parsed.resource!;
  const { token, expiresIn } = mintAccessToken(state, {
    tenant,
    resource,
    ...(parsed.resourceIdentifier ? { resourceIdentifier: parsed.resourceIdentifier } : {}),
    client: app,
    clientAuth: spec.auth,
    user,
    scp,
    xmsCc: claims.xmsCc,
    acrs: claims.acrs,
  });
  const prefix = parsed.resourceIdentifier ? `${parsed.resourceIdentifier.replace(/\/$/, '')}/` : '';
  const expanded = parsed.values.includes('.default') ? scp.map((s) => `${prefix}${s}`) : [];
  const scopeOut = [...new Set([...parsed.original, ...expanded, ...parsed.oidc])].join(' ');
  const res: TokenResponse = {
    token_type: 'Bearer',
    scope: scopeOut,
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: token,
  };
  if (parsed.oidc.includes('offline_access')) {
    const rt = `1.${randomToken(48)}`;
    state.refreshTokens.set(rt, { ...spec.session, expiresAt: state.clock.now() + state.refreshTokenLifetimeSeconds });
    res.refresh_token = rt;
  }
  if (parsed.oidc.includes('openid')) {
    res.id_token = mintIdToken(state, {
      tenant,
      client: app,
      user,
      ...(spec.nonce ? { nonce: spec.nonce } : {}),
      ...(spec.endpointVersion ? { version: spec.endpointVersion } : {}),
    });
  }
  if (spec.clientInfo) res.client_info = clientInfo(user.oid, user.tid);
  return res;
}
