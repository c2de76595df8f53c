import type { ServerResponse } from 'node:http';
import { decodeJwt, verifyRsaSignature, type JsonObject } from '../crypto/jwt.js';
import type { EmulatorState } from '../protocol/state.js';
import { pairwiseSub } from '../protocol/tokens.js';
import { sendJson } from './http-util.js';

const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const GRAPH_AUDIENCES = new Set([GRAPH_APP_ID, 'https://graph.microsoft.com', 'https://graph.microsoft.com/']);

/** Whether `path` is the OIDC UserInfo endpoint (v2 `/oidc/userinfo`, v1 `/{tenant}/openid/userinfo`). @internal */
export function isUserInfoPath(segments: readonly string[]): boolean {
  const lower = segments.map((s) => s.toLowerCase());
  return (
    (lower.length === 2 && lower[0] === 'oidc' && lower[1] === 'userinfo') ||
    (lower.length === 3 && lower[1] === 'openid' && lower[2] === 'userinfo')
  );
}

/**
 * The OIDC UserInfo endpoint Entra serves on Microsoft Graph: a Graph access token of a user in, the
 * user's `sub` (the same pairwise value as in the client's ID token), names and email out. A missing
 * or invalid token answers 401 with `WWW-Authenticate: Bearer error="invalid_token"`, as Graph does.
 * @internal
 */
export function serveUserInfo(state: EmulatorState, res: ServerResponse, authorization: string | undefined): number {
  const claims = graphUserClaims(state, authorization);
  if (!claims) {
    sendJson(
      res,
      401,
      { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or invalid.' } },
      { 'www-authenticate': 'Bearer error="invalid_token"' },
    );
    return 401;
  }
  const user = state.directory.userByOid(String(claims['oid']));
  const azp = claims['azp'] ?? claims['appid'];
  const client = typeof azp === 'string' ? azp : '';
  sendJson(res, 200, {
    sub: pairwiseSub(String(claims['oid']), client),
    ...(user?.displayName ? { name: user.displayName } : {}),
    ...(user?.familyName ? { family_name: user.familyName } : {}),
    ...(user?.givenName ? { given_name: user.givenName } : {}),
    ...(user ? { email: user.upn } : {}),
  });
  return 200;
}

/** The claims of a valid, unexpired Graph user token signed by the emulator, else undefined. */
function graphUserClaims(state: EmulatorState, authorization: string | undefined): JsonObject | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!m) return undefined;
  try {
    const jwt = decodeJwt(m[1]!);
    const kid = jwt.header['kid'];
    const key = typeof kid === 'string' ? state.keys.find(kid) : undefined;
    if (!key || jwt.header['alg'] !== 'RS256' || !verifyRsaSignature('RS256', jwt, key.publicKey)) return undefined;
    const p = jwt.payload;
    const now = state.clock.now();
    if (typeof p['exp'] !== 'number' || p['exp'] <= now) return undefined;
    if (typeof p['aud'] !== 'string' || !GRAPH_AUDIENCES.has(p['aud'].toLowerCase())) return undefined;
    if (typeof p['oid'] !== 'string' || typeof p['scp'] !== 'string') return undefined;
    return p;
  } catch {
    return undefined;
  }
}
