import { signJwt, type JsonObject } from '../crypto/jwt.js';
import type { ResolvedApp, ResolvedTenant } from '../directory/directory.js';
import { b64url, randomToken, sha256 } from '../util/encoding.js';
import { tokenIssuer, type EmulatorState } from './state.js';

/** Client authentication strength: `0` public, `1` secret, `2` certificate (`azpacr` / `appidacr`). @internal */
export type ClientAuthClass = '0' | '1' | '2';

/** The user an access token is about. @internal */
export interface TokenUser {
  readonly oid: string;
  readonly tid: string;
  readonly name?: string;
  readonly upn?: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly amr: readonly string[];
  readonly roles?: readonly string[];
  readonly wids?: readonly string[];
}

/** @internal */
export interface AccessTokenSpec {
  readonly tenant: ResolvedTenant;
  readonly resource: ResolvedApp;
  /** v1 `aud`: the identifier the client used. */
  readonly resourceIdentifier?: string;
  readonly client: ResolvedApp;
  readonly clientAuth: ClientAuthClass;
  readonly user?: TokenUser;
  readonly scp?: readonly string[];
  readonly roles?: readonly string[];
  readonly xmsCc?: boolean;
  readonly acrs?: readonly string[];
}

/** Pairwise subject: stable per user and application, different across applications. @internal */
export function pairwiseSub(oid: string, appId: string): string {
  return b64url(sha256(`${oid}|${appId}`)).slice(0, 43);
}

/** Service principal object id of `app` in `tid` (stable). @internal */
export function servicePrincipalOid(app: ResolvedApp, tid: string): string {
  const h = sha256(`sp|${tid}|${app.clientId}`).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** @internal */
export function signToken(state: EmulatorState, payload: JsonObject, version: 1 | 2): string {
  const key = state.keys.active;
  const header: JsonObject = { typ: 'JWT', alg: 'RS256', ...(version === 1 ? { x5t: key.kid } : {}), kid: key.kid };
  return signJwt(header, payload, 'RS256', key.privateKey);
}

/** Mints an access token following the resource's accepted token version. @internal */
export function mintAccessToken(
  state: EmulatorState,
  spec: AccessTokenSpec,
): { token: string; expiresIn: number; payload: JsonObject } {
  const now = state.clock.now();
  const lifetime = state.tokenLifetimeSeconds;
  const version = spec.resource.accessTokenAcceptedVersion;
  const tid = spec.tenant.id;
  const u = spec.user;
  const p: JsonObject = {
    aud:
      version === 2
        ? spec.resource.clientId
        : (spec.resourceIdentifier ?? spec.resource.identifiers[0] ?? spec.resource.clientId),
    iss: tokenIssuer(state, tid, version),
    iat: now,
    nbf: now,
    exp: now + lifetime,
  };
  const optional = spec.resource.accessTokenOptionalClaims;
  // `idtyp` is on app-only tokens; delegated tokens have it only when the resource asks for it.
  const idtyp = u ? (optional.has('idtyp') ? 'user' : undefined) : 'app';
  if (version === 1) {
    if (u) {
      p['acr'] = '1';
      p['amr'] = [...u.amr];
    }
    p['aio'] = u ? sessionAio(u.amr) : randomToken(48);
    p['appid'] = spec.client.clientId;
    p['appidacr'] = spec.clientAuth;
    if (u) {
      if (u.familyName) p['family_name'] = u.familyName;
      if (u.givenName) p['given_name'] = u.givenName;
      p['idtyp'] = idtyp;
      p['ipaddr'] = '127.0.0.1';
      if (u.name) p['name'] = u.name;
      p['oid'] = u.oid;
    } else {
      p['idp'] = tokenIssuer(state, tid, 1);
      p['idtyp'] = idtyp;
      p['oid'] = servicePrincipalOid(spec.client, tid);
    }
  } else {
    p['aio'] = u ? sessionAio(u.amr) : randomToken(48);
    // v2 access tokens carry no `amr`: the session's methods travel in the opaque `aio`, as in Entra.
    if (u && optional.has('amr')) p['amr'] = [...u.amr];
    p['azp'] = spec.client.clientId;
    p['azpacr'] = spec.clientAuth;
    p['idtyp'] = idtyp;
    if (u) {
      if (u.name) p['name'] = u.name;
      p['oid'] = u.oid;
      if (u.upn) p['preferred_username'] = u.upn;
    } else {
      p['oid'] = servicePrincipalOid(spec.client, tid);
    }
  }
  p['rh'] = `0.${randomToken(40)}.`;
  const roles = u ? u.roles : spec.roles;
  if (roles && roles.length) p['roles'] = [...roles];
  if (spec.scp && spec.scp.length) p['scp'] = spec.scp.join(' ');
  p['sid'] = u ? b64url(sha256(`sid|${u.oid}|${tid}`)).slice(0, 36) : undefined;
  p['sub'] = u ? pairwiseSub(u.oid, spec.resource.clientId) : p['oid'];
  p['tid'] = tid;
  if (version === 1 && u) {
    if (u.upn) p['unique_name'] = u.upn;
    if (u.upn) p['upn'] = u.upn;
  }
  p['uti'] = randomToken(16);
  p['ver'] = version === 2 ? '2.0' : '1.0';
  if (u?.wids && u.wids.length) p['wids'] = [...u.wids];
  if (spec.acrs && spec.acrs.length) p['acrs'] = [...spec.acrs];
  if (spec.xmsCc) p['xms_cc'] = ['cp1'];
  for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k];
  return { token: signToken(state, p, version), expiresIn: lifetime, payload: p };
}

const AIO_PREFIX = 'amr=';

/**
 * An `aio` that carries the session's authentication methods. Entra's `aio` is an opaque internal
 * claim holding such session data; the emulator's OBO reads the methods back from it, since v2
 * access tokens have no `amr`.
 * @internal
 */
export function sessionAio(amr: readonly string[]): string {
  return `${b64url(AIO_PREFIX + amr.join(' '))}.${randomToken(32)}`;
}

/** The authentication methods kept in an emulator `aio`, or `[]`. @internal */
export function amrFromAio(aio: unknown): string[] {
  if (typeof aio !== 'string') return [];
  const text = Buffer.from(aio.split('.')[0] ?? '', 'base64url').toString('utf8');
  return text.startsWith(AIO_PREFIX) ? text.slice(AIO_PREFIX.length).split(' ').filter(Boolean) : [];
}

/** Mints an id token for `client`, shaped as the endpoint `version` (v1: `/oauth2/token`) issues it. @internal */
export function mintIdToken(
  state: EmulatorState,
  spec: { tenant: ResolvedTenant; client: ResolvedApp; user: TokenUser; nonce?: string; version?: 1 | 2 },
): string {
  const now = state.clock.now();
  const v1 = spec.version === 1;
  const u = spec.user;
  const p: JsonObject = {
    aud: spec.client.clientId,
    iss: tokenIssuer(state, spec.tenant.id, v1 ? 1 : 2),
    iat: now,
    nbf: now,
    exp: now + state.tokenLifetimeSeconds,
    ...(v1 ? { amr: [...u.amr] } : { aio: randomToken(48) }),
    ...(v1 && u.familyName ? { family_name: u.familyName } : {}),
    ...(v1 && u.givenName ? { given_name: u.givenName } : {}),
    ...(v1 ? { ipaddr: '127.0.0.1' } : {}),
    ...(spec.nonce ? { nonce: spec.nonce } : {}),
    ...(u.name ? { name: u.name } : {}),
    oid: u.oid,
    ...(!v1 && u.upn ? { preferred_username: u.upn } : {}),
    rh: `0.${randomToken(40)}.`,
    sid: b64url(sha256(`sid|${u.oid}|${spec.tenant.id}`)).slice(0, 36),
    sub: pairwiseSub(u.oid, spec.client.clientId),
    tid: spec.tenant.id,
    ...(v1 && u.upn ? { unique_name: u.upn, upn: u.upn } : {}),
    uti: randomToken(16),
    ver: v1 ? '1.0' : '2.0',
  };
  return signToken(state, p, 2);
}

/** `client_info`: base64url of `{"uid":oid,"utid":tid}`. @internal */
export function clientInfo(oid: string, tid: string): string {
  return b64url(JSON.stringify({ uid: oid, utid: tid }));
}
