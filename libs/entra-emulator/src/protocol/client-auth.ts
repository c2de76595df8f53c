import { decodeJwt, MalformedJwtError, verifyRsaSignature, type DecodedJwt } from '../crypto/jwt.js';
import type { ResolvedApp, ResolvedTenant } from '../directory/directory.js';
import { Errors } from './errors.js';
import type { EmulatorState } from './state.js';
import type { ClientAuthClass } from './tokens.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How a client proved its identity at the token endpoint. @internal */
export type ClientAuthMethod = 'secret' | 'basic' | 'assertion' | 'none';

/** HTTP Basic client credentials, decoded. @internal */
export interface BasicCredentials {
  readonly id: string;
  readonly secret: string;
}

/** Where the client authenticated: the token URL it called and the tenant of that URL. @internal */
export interface ClientAuthTarget {
  readonly tokenUrl: string;
  readonly tenantSegment: string;
  readonly tenant: ResolvedTenant | undefined;
}

/**
 * The method a request uses to authenticate, known before any check (so the request log has it
 * even when the credential is refused).
 * @internal
 */
export function clientAuthMethod(
  app: ResolvedApp,
  form: ReadonlyMap<string, string>,
  basic: BasicCredentials | undefined,
): ClientAuthMethod | undefined {
  const secret = form.get('client_secret') ?? basic?.secret;
  const assertion = form.get('client_assertion');
  if (app.publicClient) return secret === undefined && assertion === undefined ? 'none' : undefined;
  if (secret !== undefined && assertion !== undefined) return undefined;
  if (secret !== undefined) return form.get('client_secret') !== undefined ? 'secret' : 'basic';
  if (assertion !== undefined) return 'assertion';
  return undefined;
}

/**
 * Checks the client credential (secret in the body, HTTP Basic, or a signed client assertion) and
 * returns the `azpacr` / `appidacr` class it earns.
 * @internal
 */
export function authenticateClient(
  state: EmulatorState,
  app: ResolvedApp,
  form: ReadonlyMap<string, string>,
  basic: BasicCredentials | undefined,
  target: ClientAuthTarget,
): ClientAuthClass {
  const secret = form.get('client_secret') ?? basic?.secret;
  const assertion = form.get('client_assertion');
  if (app.publicClient) {
    if (secret !== undefined || assertion !== undefined) throw Errors.publicClientSecret();
    return '0';
  }
  if (secret !== undefined && assertion !== undefined) {
    throw Errors.malformedRequest("send either 'client_secret' or 'client_assertion', not both.");
  }
  if (secret !== undefined) {
    const now = state.clock.now();
    const match = app.secrets.find((s) => timingSafeEqualString(s.value, secret));
    if (!match) throw Errors.badSecret(app.clientId);
    if (match.expiresAt !== undefined && match.expiresAt <= now) throw Errors.secretExpired(app.clientId);
    return '1';
  }
  if (assertion !== undefined) {
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
      throw Errors.malformedRequest(`'client_assertion_type' must be '${ASSERTION_TYPE}'.`);
    }
    verifyClientAssertion(state, app, assertion, target);
    return '2';
  }
  throw Errors.noCredential();
}

function verifyClientAssertion(
  state: EmulatorState,
  app: ResolvedApp,
  assertion: string,
  target: ClientAuthTarget,
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
  const { tokenUrl, tenantSegment, tenant } = target;
  const accepted = new Set<string>([tokenUrl.toLowerCase()]);
  for (const seg of [tenantSegment, tenant?.id, tenant?.name, tenant?.domain]) {
    if (!seg) continue;
    accepted.add(`${state.baseUrl}/${seg}/oauth2/v2.0/token`.toLowerCase());
    accepted.add(`${state.baseUrl}/${seg}/oauth2/token`.toLowerCase());
  }
  const auds = Array.isArray(payload['aud']) ? payload['aud'] : [payload['aud']];
  if (!auds.some((a) => typeof a === 'string' && accepted.has(a.toLowerCase()))) {
    throw Errors.badAssertion(`The 'aud' claim must be the token endpoint '${tokenUrl}'.`);
  }
  const now = state.clock.now();
  const exp = payload['exp'];
  const nbf = payload['nbf'];
  if (typeof exp !== 'number' || exp <= now || (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + 300))) {
    throw Errors.assertionTime(now, nbf, exp);
  }
}

/** Constant-time string comparison for secrets and passwords. @internal */
export function timingSafeEqualString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}
