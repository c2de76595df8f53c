import { createPrivateKey, type KeyObject } from 'node:crypto';
import { signJwt, type JsonObject } from '../crypto/jwt.js';
import type { IssueTokenOptions } from '../emulator.types.js';
import { randomToken } from '../util/encoding.js';
import { tokenIssuer, type EmulatorState } from './state.js';

/**
 * A token with any claims and header, for negative tests (`EntraEmulator.issueToken`): defaults for
 * `iss`, `iat`, `nbf`, `exp`, `tid`, `ver`, `uti` unless given (B2C tenants: `tfp`/`acr` with the
 * first user flow and `ver` 1.0 instead of `tid`, `uti`); a claim set to `undefined` is removed.
 * @internal
 */
export function mintToken(
  state: EmulatorState,
  tenantId: string,
  now: number,
  claims: Readonly<Record<string, unknown>>,
  options: IssueTokenOptions,
): string {
  const version = options.version ?? 2;
  const tenant = state.directory.tenant(tenantId);
  // Azure AD B2C: ver 1.0, the first user flow in tfp (or acr), no tid and no uti.
  const b2c = tenant?.kind === 'b2c' ? { [tenant.policyClaim]: tenant.userFlows[0], ver: '1.0' } : undefined;
  const payload: JsonObject = {
    iss: tokenIssuer(state, tenantId, version),
    iat: now,
    nbf: now,
    exp: now + state.tokenLifetimeSeconds,
    ...(b2c ?? { tid: tenantId, uti: randomToken(16), ver: version === 2 ? '2.0' : '1.0' }),
    ...claims,
  };
  const alg = options.alg ?? 'RS256';
  const published = options.kid ? state.keys.find(options.kid) : undefined;
  const signer = published ?? state.keys.active;
  const kid = options.kid ?? signer.kid;
  const header: JsonObject = {
    typ: 'JWT',
    alg,
    ...(version === 1 ? { x5t: kid } : {}),
    kid,
    ...(options.header ?? {}),
  };
  for (const o of [payload, header]) for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  let key: KeyObject | string | Buffer | undefined = options.key ?? signer.privateKey;
  if (typeof key === 'string' && key.includes('PRIVATE KEY')) key = createPrivateKey(key);
  return signJwt(header, payload, alg, alg === 'none' ? undefined : key);
}
