import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenValidationError } from '../errors/token-validation.error.js';
import type { JwtClaims } from '../principal/entra-claims.util.js';

/** Three base64url segments; the signature may be empty (and is then refused by its length). */
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/**
 * Longest accepted header segment. Entra headers are about 100 characters (`typ`, `alg`, `kid`,
 * `x5t`, and `nonce` on Graph tokens); a larger one is an attack on the parser, not a token.
 */
const MAX_HEADER_CHARS = 1024;
/** RS256 keys shorter than this are refused (RFC 7518 §3.3; jose refuses them too). */
const MIN_MODULUS_BITS = 2048;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The protected header of a token, after the checks of {@link readRs256Header}. @internal */
export interface Rs256Header {
  readonly alg: 'RS256';
  /** `kid`, else `x5t`: the name of the signing key in the JWKS. */
  readonly kid: string;
}

/** A public key ready for `crypto.verify`, with the signature length it produces. @internal */
export interface Rs256VerificationKey {
  readonly key: KeyObject;
  /** The modulus length in bytes: an RS256 signature is exactly this long. */
  readonly signatureBytes: number;
  /** The length of that signature in unpadded base64url. */
  readonly signatureChars: number;
}

/** Lifetime rules: a clock skew in seconds and the current time in seconds since the epoch. @internal */
export interface LifetimeOptions {
  readonly clockSkewSeconds: number;
  readonly nowSeconds: number;
}

const keyObjects = new WeakMap<object, Rs256VerificationKey | null>();

/**
 * The `KeyObject` of an RSA JWK, built once per JWK object and then cached for as long as that
 * object lives (the metadata provider's snapshot holds it; a JWKS refresh brings new objects).
 * `undefined` for a key that cannot verify RS256 (not RSA, malformed, shorter than 2048 bits).
 * @internal
 */
export function rs256KeyFor(jwk: {
  readonly kty?: unknown;
  readonly n?: unknown;
  readonly e?: unknown;
}): Rs256VerificationKey | undefined {
  const known = keyObjects.get(jwk);
  if (known !== undefined) return known ?? undefined;
  let entry: Rs256VerificationKey | null = null;
  if (jwk.kty === 'RSA' && typeof jwk.n === 'string' && typeof jwk.e === 'string') {
    try {
      const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (key.asymmetricKeyType === 'rsa' && bits >= MIN_MODULUS_BITS) {
        const signatureBytes = Math.ceil(bits / 8);
        entry = { key, signatureBytes, signatureChars: Math.ceil((signatureBytes * 4) / 3) };
      }
    } catch {
      entry = null;
    }
  }
  keyObjects.set(jwk, entry);
  return entry ?? undefined;
}

/**
 * Reads and checks the protected header of a JWS compact token, before any key is looked up:
 * three base64url segments, a header of at most 1 KB that is a JSON object, `alg` exactly
 * `RS256` (never `none`, HMAC, PS256 or ECDSA), no `crit` (this verifier implements no
 * extension, so RFC 7515 §4.1.11 requires refusing any), and a `kid` (or `x5t`) string.
 *
 * Duplicate member names resolve to the last one, as RFC 7515 §5.2 allows and `jose` does; the
 * signature covers the raw bytes, so what is checked is what was signed.
 *
 * @throws TokenValidationError NIW3002 (malformed) or NIW3003 (algorithm)
 * @internal
 */
export function readRs256Header(token: string): Rs256Header {
  if (!JWS_COMPACT.test(token)) {
    throw TokenValidationError.create(
      AuthErrorCode.MalformedToken,
      'The token is malformed.',
      'A bearer token must be a JWS compact JWT (three base64url parts).',
    );
  }
  const end = token.indexOf('.');
  if (end > MAX_HEADER_CHARS) {
    throw TokenValidationError.create(AuthErrorCode.MalformedToken, 'The token header is malformed.');
  }
  const header = parseJsonObject(token.slice(0, end));
  if (!header) {
    throw TokenValidationError.create(AuthErrorCode.MalformedToken, 'The token header is malformed.');
  }
  if (header.alg !== 'RS256') {
    throw TokenValidationError.create(
      AuthErrorCode.UnsupportedAlgorithm,
      'The token signing algorithm is not allowed.',
      'Only RS256 is accepted; unsigned (alg none) and HMAC-signed tokens are always refused.',
    );
  }
  if (header.crit !== undefined) {
    throw TokenValidationError.create(
      AuthErrorCode.MalformedToken,
      'The token header is malformed.',
      "Critical header extensions ('crit') are not supported.",
    );
  }
  const kid = typeof header.kid === 'string' ? header.kid : typeof header.x5t === 'string' ? header.x5t : undefined;
  if (!kid) {
    throw TokenValidationError.create(AuthErrorCode.MalformedToken, 'The token header names no signing key (kid).');
  }
  return { alg: 'RS256', kid };
}

/**
 * Verifies the RS256 signature of a token whose header passed {@link readRs256Header} with
 * Node's synchronous `crypto.verify` (RSASSA-PKCS1-v1_5 with SHA-256) and a cached `KeyObject`,
 * then decodes the claims (strict UTF-8, a JSON object) and checks the lifetime. The signature
 * must be the canonical base64url of exactly the modulus length: a short, long or re-encoded
 * signature never reaches OpenSSL. The claims are parsed only after the signature verifies.
 *
 * @throws TokenValidationError NIW3004 (signature), NIW3002 (claims), or a lifetime code from
 *   {@link checkLifetime}
 * @internal
 */
export function verifyRs256(token: string, key: Rs256VerificationKey, lifetime: LifetimeOptions): JwtClaims {
  const dot = token.lastIndexOf('.');
  const signature = token.slice(dot + 1);
  let valid = false;
  if (signature.length === key.signatureChars) {
    const bytes = Buffer.from(signature, 'base64url');
    // Canonical encoding only: the unused low bits of the last character must be zero.
    if (bytes.length === key.signatureBytes && bytes.toString('base64url') === signature) {
      try {
        valid = verify('sha256', Buffer.from(token.slice(0, dot), 'latin1'), key.key, bytes);
      } catch {
        valid = false;
      }
    }
  }
  if (!valid) {
    throw TokenValidationError.create(AuthErrorCode.InvalidSignature, 'The token signature is invalid.');
  }
  const claims = parseJsonObject(token.slice(token.indexOf('.') + 1, dot));
  if (!claims) {
    throw TokenValidationError.create(AuthErrorCode.MalformedToken, 'The token is malformed or lacks required claims.');
  }
  checkLifetime(claims, lifetime);
  return claims;
}

/**
 * The lifetime rules of Microsoft.Identity.Web's `ValidateLifetime`, in its order: `exp` is
 * required and, like `nbf` and `iat`, must be a number; `nbf` after `exp` is refused (IDX10224);
 * then `nbf` in the future and `exp` in the past, each with the clock skew.
 *
 * @throws TokenValidationError NIW3002, NIW3019, NIW3012 or NIW3011
 * @internal
 */
export function checkLifetime(claims: JwtClaims, { clockSkewSeconds, nowSeconds }: LifetimeOptions): void {
  const { exp, nbf, iat } = claims;
  if (
    typeof exp !== 'number' ||
    (nbf !== undefined && typeof nbf !== 'number') ||
    (iat !== undefined && typeof iat !== 'number')
  ) {
    throw TokenValidationError.create(AuthErrorCode.MalformedToken, 'The token is malformed or lacks required claims.');
  }
  if (typeof nbf === 'number' && nbf > exp) {
    throw TokenValidationError.create(
      AuthErrorCode.InvalidLifetime,
      'The token lifetime is invalid (nbf is after exp).',
      'The token was not issued by Microsoft Entra ID, or was forged.',
    );
  }
  if (typeof nbf === 'number' && nbf > nowSeconds + clockSkewSeconds) {
    throw TokenValidationError.create(
      AuthErrorCode.TokenNotYetValid,
      'The token is not yet valid (nbf).',
      'Check the clocks of the client and this server.',
    );
  }
  if (exp <= nowSeconds - clockSkewSeconds) {
    throw TokenValidationError.create(
      AuthErrorCode.TokenExpired,
      'The token is expired.',
      'Acquire a new access token.',
    );
  }
}

/** A base64url segment decoded as strict UTF-8 JSON, if it is a plain object. */
function parseJsonObject(segment: string): Record<string, unknown> | undefined {
  // A length of 1 modulo 4 is no base64url at all; Buffer would silently drop the last character.
  if (segment.length % 4 === 1) return undefined;
  try {
    const value: unknown = JSON.parse(utf8.decode(Buffer.from(segment, 'base64url')));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
