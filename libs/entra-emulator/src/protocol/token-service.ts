import { decodeJwt, MalformedJwtError, verifyRsaSignature, type DecodedJwt, type JsonObject } from '../crypto/jwt.js';
import type { ResolvedApp, ResolvedTenant, ResolvedUser } from '../directory/directory.js';
import { randomToken, sha256 } from '../util/encoding.js';
import { EntraProtocolError, Errors } from './errors.js';
import { assertExposed, parseScopes, type ParsedScopes } from './scopes.js';
import { issuerFor, type EmulatorState, type UserSession } from './state.js';
import { clientInfo, mintAccessToken, mintIdToken, type ClientAuthClass, type TokenUser } from './tokens.js';

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

/** What the request log may record about a token request (never secrets). @internal */
export interface TokenRequestFacts {
  grantType?: string;
  clientId?: string;
  clientAuth?: 'secret' | 'basic' | 'assertion' | 'none';
  oid?: string;
  scope?: string;
}

/** Parsed `claims` request parameter. @internal */
interface ClaimsRequest {
  readonly xmsCc: boolean;
  readonly mfa: boolean;
  readonly acrs: string[];
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MULTI_TENANT = new Set(['common', 'organizations']);
const REFRESH_LIFETIME = 90 * 86400;

/** @internal */
export function parseClaims(raw: string | undefined): ClaimsRequest {
  if (raw === undefined || raw === '') return { xmsCc: false, mfa: false, acrs: [] };
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw Errors.malformedRequest("the 'claims' parameter is not valid JSON.");
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw Errors.malformedRequest("the 'claims' parameter must be a JSON object.");
  const at = (v as JsonObject)['access_token'];
  if (typeof at !== 'object' || at === null || Array.isArray(at)) return { xmsCc: false, mfa: false, acrs: [] };
  const members = at as JsonObject;
  const cc = members['xms_cc'];
  const ccValues = typeof cc === 'object' && cc !== null ? (cc as JsonObject)['values'] : undefined;
  const xmsCc = Array.isArray(ccValues) && ccValues.some((x) => typeof x === 'string' && x.toLowerCase() === 'cp1');
  const acrsReq = members['acrs'];
  const acrs: string[] = [];
  if (typeof acrsReq === 'object' && acrsReq !== null) {
    const a = acrsReq as JsonObject;
    if (typeof a['value'] === 'string') acrs.push(a['value']);
    if (Array.isArray(a['values'])) for (const x of a['values']) if (typeof x === 'string') acrs.push(x);
  }
  // Any access_token claim other than client capabilities is a step-up request (capolids, acrs, amr...).
  const mfa = Object.keys(members).some((k) => k !== 'xms_cc');
  return { xmsCc, mfa, acrs };
}

/**
 * The token endpoint's grants, independent of HTTP.
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
    basic: { id: string; secret: string } | undefined,
    facts: TokenRequestFacts,
  ): TokenResponse {
    const dir = this.state.directory;
    const grantType = form.get('grant_type');
    if (grantType !== undefined) facts.grantType = grantType;
    const multi = MULTI_TENANT.has(tenantSegment);
    const tenant = multi ? undefined : dir.tenant(tenantSegment);
    if (!multi && !tenant) throw Errors.tenantNotFound(tenantSegment);
    let scope = form.get('scope');
    // v1 endpoint: resource=... instead of scope.
    if (scope === undefined && form.get('resource')) scope = `${form.get('resource')!.replace(/\/$/, '')}/.default`;
    if (scope !== undefined) facts.scope = scope;
    const clientId = (form.get('client_id') ?? basic?.id)?.toLowerCase();
    if (!grantType) throw Errors.missingParameter('grant_type');
    if (!clientId) throw Errors.missingParameter('client_id');
    facts.clientId = clientId;
    if (basic && form.get('client_id') && basic.id.toLowerCase() !== clientId) {
      throw Errors.malformedRequest('client_id in the body and in the Authorization header differ.');
    }
    const known = new Set(['client_credentials', JWT_BEARER, 'password', 'refresh_token', 'authorization_code']);
    if (!known.has(grantType)) throw Errors.unsupportedGrant();
    const app = dir.app(clientId);
    if (!app || app.clientId !== clientId) throw Errors.appNotFound(clientId, tenant?.name ?? tenantSegment);
    const auth = this.authenticateClient(app, form, basic, tokenUrl, tenantSegment, tenant, facts);
    const claims = parseClaims(form.get('claims'));

    switch (grantType) {
      case 'client_credentials': {
        if (!tenant) throw Errors.tenantNotFound(tenantSegment);
        if (app.publicClient) throw Errors.noCredential();
        return this.clientCredentials(tenant, app, auth, scope, claims);
      }
      case JWT_BEARER:
        return this.onBehalfOf(tenant, app, auth, form, scope, claims, facts);
      case 'password': {
        const username = form.get('username');
        const password = form.get('password');
        if (!username) throw Errors.missingParameter('username');
        if (password === undefined) throw Errors.missingParameter('password');
        if (scope === undefined) throw Errors.missingParameter('scope');
        const user = this.passwordUser(username, password, tenant, tenantSegment);
        facts.oid = user.oid;
        return this.userTokens(app, auth, user, scope, claims, {
          amr: ['pwd'],
          clientInfo: form.get('client_info') === '1',
        });
      }
      case 'refresh_token': {
        const rt = form.get('refresh_token');
        if (!rt) throw Errors.missingParameter('refresh_token');
        const grant = this.state.refreshTokens.get(rt);
        if (!grant) throw Errors.badGrant('The refresh token is not valid.');
        if (grant.clientId !== app.clientId)
          throw Errors.badGrant('The refresh token was issued to a different client.');
        if (grant.expiresAt <= this.state.clock.now()) throw Errors.codeExpired();
        const user = dir.userByOid(grant.oid);
        if (!user) throw Errors.badGrant('The user of the refresh token no longer exists.');
        facts.oid = user.oid;
        return this.userTokens(app, auth, user, scope ?? grant.scope, claims, {
          amr: grant.amr,
          clientInfo: form.get('client_info') === '1',
        });
      }
      case 'authorization_code': {
        const code = form.get('code');
        if (!code) throw Errors.missingParameter('code');
        const redirectUri = form.get('redirect_uri');
        if (!redirectUri) throw Errors.missingParameter('redirect_uri');
        const grant = this.state.authCodes.get(code);
        if (!grant) throw Errors.badGrant('The authorization code is not valid.');
        if (grant.used) throw Errors.codeRedeemed();
        grant.used = true;
        if (grant.expiresAt <= this.state.clock.now()) throw Errors.codeExpired();
        if (grant.clientId !== app.clientId)
          throw Errors.badGrant('The authorization code was issued to a different client.');
        if (grant.redirectUri !== redirectUri) throw Errors.redirectMismatch(redirectUri, app.clientId);
        if (grant.codeChallenge) {
          const verifier = form.get('code_verifier');
          if (!verifier) throw Errors.missingParameter('code_verifier');
          const computed = grant.codeChallengeMethod === 'plain' ? verifier : sha256(verifier).toString('base64url');
          if (computed !== grant.codeChallenge) throw Errors.pkce();
        }
        const user = dir.userByOid(grant.oid);
        if (!user) throw Errors.badGrant('The user no longer exists.');
        facts.oid = user.oid;
        const requestClaims = form.get('claims') ? claims : parseClaims(grant.claims);
        return this.userTokens(app, auth, user, scope ?? grant.scope, requestClaims, {
          amr: grant.amr,
          clientInfo: form.get('client_info') === '1',
          ...(grant.nonce ? { nonce: grant.nonce } : {}),
        });
      }
      default:
        throw Errors.unsupportedGrant();
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
    return this.userTokens(
      app,
      app.publicClient ? '0' : '1',
      user,
      [...input.scopes, ...oidc].join(' ') || scopes,
      parseClaims(input.claims),
      {
        amr: ['pwd'],
        clientInfo: true,
      },
    );
  }

  private authenticateClient(
    app: ResolvedApp,
    form: ReadonlyMap<string, string>,
    basic: { id: string; secret: string } | undefined,
    tokenUrl: string,
    tenantSegment: string,
    tenant: ResolvedTenant | undefined,
    facts: TokenRequestFacts,
  ): ClientAuthClass {
    const secret = form.get('client_secret') ?? basic?.secret;
    const assertion = form.get('client_assertion');
    if (app.publicClient) {
      if (secret !== undefined || assertion !== undefined) throw Errors.publicClientSecret();
      facts.clientAuth = 'none';
      return '0';
    }
    if (secret !== undefined && assertion !== undefined) {
      throw Errors.malformedRequest("send either 'client_secret' or 'client_assertion', not both.");
    }
    if (secret !== undefined) {
      facts.clientAuth = form.get('client_secret') !== undefined ? 'secret' : 'basic';
      const now = this.state.clock.now();
      const match = app.secrets.find((s) => timingSafeEqualString(s.value, secret));
      if (!match) throw Errors.badSecret(app.clientId);
      if (match.expiresAt !== undefined && match.expiresAt <= now) throw Errors.secretExpired(app.clientId);
      return '1';
    }
    if (assertion !== undefined) {
      facts.clientAuth = 'assertion';
      if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
        throw Errors.malformedRequest(`'client_assertion_type' must be '${ASSERTION_TYPE}'.`);
      }
      this.verifyClientAssertion(app, assertion, tokenUrl, tenantSegment, tenant);
      return '2';
    }
    throw Errors.noCredential();
  }

  private verifyClientAssertion(
    app: ResolvedApp,
    assertion: string,
    tokenUrl: string,
    tenantSegment: string,
    tenant: ResolvedTenant | undefined,
  ): void {
    let jwt: DecodedJwt;
    try {
      jwt = decodeJwt(assertion);
    } catch (e) {
      throw Errors.malformedJwt(e instanceof MalformedJwtError ? e.message : 'unreadable');
    }
    const { header, payload } = jwt;
    const alg = header['alg'];
    if (alg !== 'RS256' && alg !== 'PS256')
      throw Errors.badAssertion(`The algorithm '${String(alg)}' is not supported; use PS256 or RS256.`);
    const s256 = header['x5t#S256'];
    const s1 = header['x5t'];
    const cert = app.certificates.find(
      (c) => (typeof s256 === 'string' && c.x5tS256 === s256) || (typeof s1 === 'string' && c.x5t === s1),
    );
    if (!cert) {
      throw Errors.badAssertion(
        `The key was not found: no certificate with thumbprint '${String(s256 ?? s1)}' is registered on application '${app.clientId}'.`,
      );
    }
    if (!verifyRsaSignature(alg, jwt, cert.publicKey)) throw Errors.badAssertion('The signature is invalid.');
    if (payload['iss'] !== app.clientId && String(payload['iss']).toLowerCase() !== app.clientId) {
      throw Errors.badAssertion("The 'iss' claim must be the client id.");
    }
    if (String(payload['sub']).toLowerCase() !== app.clientId)
      throw Errors.badAssertion("The 'sub' claim must be the client id.");
    const accepted = new Set<string>([tokenUrl.toLowerCase()]);
    for (const seg of [tenantSegment, tenant?.id, tenant?.name, tenant?.domain]) {
      if (!seg) continue;
      accepted.add(`${this.state.baseUrl}/${seg}/oauth2/v2.0/token`.toLowerCase());
      accepted.add(`${this.state.baseUrl}/${seg}/oauth2/token`.toLowerCase());
    }
    const auds = Array.isArray(payload['aud']) ? payload['aud'] : [payload['aud']];
    if (!auds.some((a) => typeof a === 'string' && accepted.has(a.toLowerCase()))) {
      throw Errors.badAssertion(`The 'aud' claim must be the token endpoint '${tokenUrl}'.`);
    }
    const now = this.state.clock.now();
    const exp = payload['exp'];
    const nbf = payload['nbf'];
    if (typeof exp !== 'number' || exp <= now || (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + 300))) {
      throw Errors.assertionTime(now, nbf, exp);
    }
  }

  private clientCredentials(
    tenant: ResolvedTenant,
    app: ResolvedApp,
    auth: ClientAuthClass,
    scope: string | undefined,
    claims: ClaimsRequest,
  ): TokenResponse {
    if (scope === undefined) throw Errors.missingParameter('scope');
    const parsed = parseScopes(scope, this.state.directory, tenant.name);
    if (!parsed.resource || parsed.values.length !== 1 || parsed.values[0] !== '.default')
      throw Errors.scopeNeedsDefault(scope);
    const roles = app.appPermissions.get(parsed.resource.clientId) ?? [];
    const { token, expiresIn } = mintAccessToken(this.state, {
      tenant,
      resource: parsed.resource,
      ...(parsed.resourceIdentifier ? { resourceIdentifier: parsed.resourceIdentifier } : {}),
      client: app,
      clientAuth: auth,
      roles,
      xmsCc: claims.xmsCc,
    });
    return { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token };
  }

  private onBehalfOf(
    requestTenant: ResolvedTenant | undefined,
    app: ResolvedApp,
    auth: ClientAuthClass,
    form: ReadonlyMap<string, string>,
    scope: string | undefined,
    claims: ClaimsRequest,
    facts: TokenRequestFacts,
  ): TokenResponse {
    const dir = this.state.directory;
    if (form.get('requested_token_use') !== 'on_behalf_of') {
      if (form.get('requested_token_use') === undefined) throw Errors.missingParameter('requested_token_use');
      throw Errors.malformedRequest("'requested_token_use' must be 'on_behalf_of'.");
    }
    const raw = form.get('assertion');
    if (!raw) throw Errors.missingParameter('assertion');
    if (scope === undefined) throw Errors.missingParameter('scope');
    let jwt: DecodedJwt;
    try {
      jwt = decodeJwt(raw);
    } catch (e) {
      throw Errors.malformedJwt(e instanceof MalformedJwtError ? e.message : 'unreadable');
    }
    const p = jwt.payload;
    // 1. Signature with the emulator's own keys (and an issuer of this emulator).
    const kid = typeof jwt.header['kid'] === 'string' ? jwt.header['kid'] : jwt.header['x5t'];
    const key = typeof kid === 'string' ? this.state.keys.find(kid) : undefined;
    if (!key) throw Errors.assertionInvalid('The key was not found.');
    if (jwt.header['alg'] !== 'RS256' || !verifyRsaSignature('RS256', jwt, key.publicKey)) {
      throw Errors.assertionInvalid('The signature is invalid.');
    }
    const tid = typeof p['tid'] === 'string' ? p['tid'].toLowerCase() : '';
    const tokenTenant = dir.tenant(tid);
    if (
      !tokenTenant ||
      (p['iss'] !== issuerFor(this.state.baseUrl, tokenTenant.id, 2) &&
        p['iss'] !== issuerFor(this.state.baseUrl, tokenTenant.id, 1))
    ) {
      throw Errors.assertionInvalid('The issuer is not valid.');
    }
    if (p['scp'] === undefined && p['roles'] === undefined && p['azp'] === undefined && p['appid'] === undefined) {
      throw Errors.idTokenAssertion();
    }
    // 2. Expiry.
    const now = this.state.clock.now();
    if (typeof p['exp'] !== 'number') throw Errors.assertionInvalid("The 'exp' claim is missing.");
    if (p['exp'] <= now) throw Errors.assertionExpired(now, p['exp']);
    // 3. Audience: this app's client id or one of its App ID URIs.
    const aud = typeof p['aud'] === 'string' ? p['aud'] : '';
    const audOk =
      aud.toLowerCase() === app.clientId || app.identifiers.some((i) => i.toLowerCase() === aud.toLowerCase());
    if (!audOk) throw Errors.assertionAudience(aud, app.clientId);
    // 4. A user token.
    if (typeof p['scp'] !== 'string' || p['idtyp'] === 'app') throw Errors.appOnlyObo(app.clientId);
    const oid = typeof p['oid'] === 'string' ? p['oid'].toLowerCase() : '';
    if (oid) facts.oid = oid;
    const tenant = requestTenant ?? tokenTenant;
    const dirUser = dir.userByOid(oid);
    const amr = Array.isArray(p['amr']) ? p['amr'].filter((x): x is string => typeof x === 'string') : [];
    const parsed = parseScopes(scope, dir, tenant.name);
    if (!parsed.resource) throw Errors.invalidScope(scope);
    assertExposed(parsed);
    // 5. Consent, MFA, Conditional Access.
    const scp = this.consentedScopes(app, parsed);
    this.applyPolicies(tokenTenant, oid, parsed, amr, claims);
    const user: TokenUser = dirUser
      ? this.tokenUser(dirUser, amr, parsed.resource)
      : {
          oid,
          tid: tokenTenant.id,
          amr,
          ...(typeof p['name'] === 'string' ? { name: p['name'] } : {}),
          ...(typeof (p['preferred_username'] ?? p['upn']) === 'string'
            ? { upn: String(p['preferred_username'] ?? p['upn']) }
            : {}),
        };
    return this.finishUserResponse(tenant, app, auth, user, parsed, scp, claims, {
      clientInfo: form.get('client_info') === '1',
      session: { clientId: app.clientId, oid, tid: tokenTenant.id, amr, scope },
    });
  }

  private passwordUser(
    username: string,
    password: string,
    tenant: ResolvedTenant | undefined,
    tenantSegment: string,
  ): ResolvedUser {
    const user = this.state.directory.userByUpn(username, tenant);
    if (!user) throw Errors.userNotFound(username, tenant?.name ?? tenantSegment);
    if (user.password === undefined || !timingSafeEqualString(user.password, password)) throw Errors.badPassword();
    return user;
  }

  /** Consent check; returns the scopes to put in `scp`. */
  private consentedScopes(app: ResolvedApp, parsed: ParsedScopes): string[] {
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

  private applyPolicies(
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

  private tokenUser(u: ResolvedUser, amr: readonly string[], resource: ResolvedApp | undefined): TokenUser {
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

  /** ROPC, authorization code and refresh token: a signed-in user asks for tokens. */
  private userTokens(
    app: ResolvedApp,
    auth: ClientAuthClass,
    user: ResolvedUser,
    scope: string,
    claims: ClaimsRequest,
    opts: { amr: readonly string[]; clientInfo: boolean; nonce?: string },
  ): TokenResponse {
    const dir = this.state.directory;
    const tenant = dir.tenant(user.tenantId)!;
    let parsed = parseScopes(scope, dir, tenant.name);
    const amr = claims.mfa && !opts.amr.includes('mfa') ? [...opts.amr, 'mfa'] : [...opts.amr];
    let scp: string[];
    if (!parsed.resource) {
      // Only OIDC scopes: Entra issues a Microsoft Graph token.
      const graph = dir.app('00000003-0000-0000-c000-000000000000') ?? app;
      parsed = { ...parsed, resource: graph, resourceIdentifier: graph.identifiers[0] ?? graph.clientId, values: [] };
      scp = graph.scopes.some((s) => s === 'User.Read')
        ? ['User.Read', ...parsed.oidc.filter((s) => s !== 'offline_access')]
        : [...parsed.oidc];
      this.applyPolicies(tenant, user.oid, parsed, amr, claims);
    } else {
      assertExposed(parsed);
      scp = this.consentedScopes(app, parsed);
      this.applyPolicies(tenant, user.oid, parsed, amr, claims);
    }
    return this.finishUserResponse(tenant, app, auth, this.tokenUser(user, amr, parsed.resource), parsed, scp, claims, {
      clientInfo: opts.clientInfo,
      ...(opts.nonce ? { nonce: opts.nonce } : {}),
      session: { clientId: app.clientId, oid: user.oid, tid: tenant.id, amr, scope },
    });
  }

  private finishUserResponse(
    tenant: ResolvedTenant,
    app: ResolvedApp,
    auth: ClientAuthClass,
    user: TokenUser,
    parsed: ParsedScopes,
    scp: string[],
    claims: ClaimsRequest,
    opts: { clientInfo: boolean; nonce?: string; session: UserSession },
  ): TokenResponse {
    const resource = parsed.resource!;
    const { token, expiresIn } = mintAccessToken(this.state, {
      tenant,
      resource,
      ...(parsed.resourceIdentifier ? { resourceIdentifier: parsed.resourceIdentifier } : {}),
      client: app,
      clientAuth: auth,
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
      this.state.refreshTokens.set(rt, { ...opts.session, expiresAt: this.state.clock.now() + REFRESH_LIFETIME });
      res.refresh_token = rt;
    }
    if (parsed.oidc.includes('openid')) {
      res.id_token = mintIdToken(this.state, {
        tenant,
        client: app,
        user,
        ...(opts.nonce ? { nonce: opts.nonce } : {}),
      });
    }
    if (opts.clientInfo) res.client_info = clientInfo(user.oid, user.tid);
    return res;
  }
}

function timingSafeEqualString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

export { EntraProtocolError };
