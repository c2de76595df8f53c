import { constants, createHmac, createPrivateKey, sign, verify, type KeyObject } from 'node:crypto';

/** JSON object of a JWT header or payload. @internal */
export type JsonObject = Record<string, unknown>;

/** A decoded (not verified) compact JWS. @internal */
export interface DecodedJwt {
  readonly header: JsonObject;
  readonly payload: JsonObject;
  readonly signingInput: string;
  readonly signature: Buffer;
}

/** Raised by {@link decodeJwt} for anything that is not a three-part JWT with JSON header and payload. @internal */
export class MalformedJwtError extends Error {
  override readonly name = 'MalformedJwtError';
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function parsePart(part: string, what: string): JsonObject {
  if (!B64URL.test(part)) throw new MalformedJwtError(`the ${what} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new MalformedJwtError(`the ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedJwtError(`the ${what} is not a JSON object`);
  }
  return value as JsonObject;
}

/** @internal */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3) throw new MalformedJwtError('a JWT has three parts');
  const [h, p, s] = parts as [string, string, string];
  if (!B64URL.test(s)) throw new MalformedJwtError('the signature is not base64url');
  return {
    header: parsePart(h, 'header'),
    payload: parsePart(p, 'payload'),
    signingInput: `${h}.${p}`,
    signature: Buffer.from(s, 'base64url'),
  };
}

function hashOf(alg: string): string | undefined {
  const m = /^(?:RS|PS|HS|ES)(256|384|512)$/.exec(alg);
  return m ? `sha${m[1]}` : undefined;
}

/**
 * Signs `header.payload` with `alg`: RS*, PS* (salt = hash length, as jsonwebtoken does), ES*,
 * HS* (key is the secret) or `none` (empty signature).
 * @internal
 */
export function signJwt(
  header: JsonObject,
  payload: JsonObject,
  alg: string,
  key?: KeyObject | string | Buffer,
): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  if (alg === 'none') return `${input}.`;
  const hash = hashOf(alg);
  if (!hash || key === undefined) throw new Error(`cannot sign with alg '${alg}'`);
  let sig: Buffer;
  const asymmetric = (): KeyObject => (typeof key === 'string' || Buffer.isBuffer(key) ? createPrivateKey(key) : key);
  if (alg.startsWith('HS')) {
    sig = createHmac(hash, key).update(input).digest();
  } else if (alg.startsWith('PS')) {
    sig = sign(hash, Buffer.from(input), {
      key: asymmetric(),
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
  } else if (alg.startsWith('ES')) {
    sig = sign(hash, Buffer.from(input), { key: asymmetric(), dsaEncoding: 'ieee-p1363' });
  } else {
    sig = sign(hash, Buffer.from(input), asymmetric());
  }
  return `${input}.${sig.toString('base64url')}`;
}

/**
 * Verifies an RS256/PS256 (or 384/512) signature with an RSA public key. PS* accepts the salt length
 * equal to the hash length (what jsonwebtoken/jwa produce) and, failing that, auto-detected.
 * @internal
 */
export function verifyRsaSignature(alg: string, jwt: DecodedJwt, publicKey: KeyObject): boolean {
  const hash = hashOf(alg);
  if (!hash || !(alg.startsWith('RS') || alg.startsWith('PS'))) return false;
  const data = Buffer.from(jwt.signingInput);
  try {
    if (alg.startsWith('RS')) return verify(hash, data, publicKey, jwt.signature);
    return (
      verify(
        hash,
        data,
        { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
        jwt.signature,
      ) ||
      verify(
        hash,
        data,
        { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
        jwt.signature,
      )
    );
  } catch {
    return false;
  }
}
