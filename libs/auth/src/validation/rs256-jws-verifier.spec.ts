import { describe, expect, it } from '@jest/globals';
import { constants, createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { AuthErrorCode, TokenValidationError } from 'nest-identity-web';
import { checkLifetime, readRs256Header, rs256KeyFor, verifyRs256 } from './rs256-jws-verifier.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = publicKey.export({ format: 'jwk' });
const key = rs256KeyFor(jwk)!;
const NOW = 1_800_000_000;
const lifetime = { clockSkewSeconds: 300, nowSeconds: NOW };
const claims = { aud: 'api', exp: NOW + 3600, nbf: NOW - 60, iat: NOW - 60, tid: 't' };

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64url');
const json = (value: unknown) => b64(JSON.stringify(value));

/** Signs raw header and payload segments (already base64url) with RSASSA-PKCS1-v1_5 / SHA-256. */
function signed(header: string, payload: string, signer: KeyObject = privateKey, pss = false): string {
  const input = `${header}.${payload}`;
  const signature = sign(
    'sha256',
    Buffer.from(input),
    pss ? { key: signer, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : signer,
  );
  return `${input}.${signature.toString('base64url')}`;
}

const token = (header: object = { alg: 'RS256', typ: 'JWT', kid: 'k1' }, payload: object = claims) =>
  signed(json(header), json(payload));

function refusal(fn: () => unknown): TokenValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenValidationError);
    const e = error as TokenValidationError;
    expect(e.description).not.toContain('eyJ');
    return e;
  }
  throw new Error('expected a refusal');
}

/** The whole path: header, then signature and claims. */
const validate = (t: string) => {
  readRs256Header(t);
  return verifyRs256(t, key, lifetime);
};

describe('RS256 JWS verifier', () => {
  it('accepts a well-formed RS256 token and returns its claims', () => {
    const t = token();
    expect(readRs256Header(t)).toEqual({ alg: 'RS256', kid: 'k1' });
    expect(verifyRs256(t, key, lifetime)).toEqual(claims);
  });

  it('falls back from kid to x5t and refuses a header without either', () => {
    expect(readRs256Header(token({ alg: 'RS256', x5t: 'thumb' })).kid).toBe('thumb');
    expect(refusal(() => readRs256Header(token({ alg: 'RS256' }))).code).toBe(AuthErrorCode.MalformedToken);
    expect(refusal(() => readRs256Header(token({ alg: 'RS256', kid: 42 }))).code).toBe(AuthErrorCode.MalformedToken);
  });

  describe('shape and encoding', () => {
    const good = token();
    const [h, p, s] = good.split('.') as [string, string, string];
    it.each([
      ['one segment', h],
      ['two segments', `${h}.${p}`],
      ['four segments', `${good}.${s}`],
      ['five segments (JWE)', `${h}.${p}.${s}.${s}.${s}`],
      ['padding characters', `${h}=.${p}.${s}`],
      ['standard base64 characters', `${h}.${p.slice(0, -1)}+.${s}`],
      ['a space', `${h}.${p} .${s}`],
      ['an empty header', `.${p}.${s}`],
      ['an empty payload', `${h}..${s}`],
      ['a non-ASCII character', `${h}.${p}é.${s}`],
    ])('refuses %s as malformed', (_name, t) => {
      expect(refusal(() => validate(t)).code).toBe(AuthErrorCode.MalformedToken);
    });

    it.each([
      ['a header whose length is 1 modulo 4', `${h}${'A'.repeat((5 - (h.length % 4)) % 4)}`],
      ['a header that is not JSON', b64('{"alg":"RS256"')],
      ['a header that is a JSON array', json([{ alg: 'RS256', kid: 'k1' }])],
      ['a header that is JSON null', json(null)],
      ['a header that is a JSON string', json('RS256')],
      ['a header that is not UTF-8', b64(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
    ])('refuses %s', (_name, header) => {
      expect(refusal(() => readRs256Header(`${header}.${p}.${s}`)).code).toBe(AuthErrorCode.MalformedToken);
    });

    it('refuses a header over 1 KB before parsing it', () => {
      const huge = token({ alg: 'RS256', kid: 'k1', pad: 'x'.repeat(2000) });
      expect(refusal(() => readRs256Header(huge)).description).toBe('The token header is malformed.');
    });
  });

  describe('algorithm confusion', () => {
    it.each([
      ['none', { alg: 'none', kid: 'k1' }],
      ['None', { alg: 'None', kid: 'k1' }],
      ['HS256', { alg: 'HS256', kid: 'k1' }],
      ['PS256', { alg: 'PS256', kid: 'k1' }],
      ['RS512', { alg: 'RS512', kid: 'k1' }],
      ['ES256', { alg: 'ES256', kid: 'k1' }],
      ['rs256 (wrong case)', { alg: 'rs256', kid: 'k1' }],
      ['RS256 with a trailing space', { alg: 'RS256 ', kid: 'k1' }],
      ['an array', { alg: ['RS256'], kid: 'k1' }],
      ['missing', { kid: 'k1' }],
    ])('refuses alg %s', (_name, header) => {
      expect(refusal(() => readRs256Header(token(header))).code).toBe(AuthErrorCode.UnsupportedAlgorithm);
    });

    it('refuses an HS256 token keyed with the public key even under an RS256 header', () => {
      const header = json({ alg: 'RS256', kid: 'k1' });
      const input = `${header}.${json(claims)}`;
      const mac = createHmac('sha256', publicKey.export({ type: 'spki', format: 'pem' }))
        .update(input)
        .digest('base64url');
      expect(refusal(() => validate(`${input}.${mac}`)).code).toBe(AuthErrorCode.InvalidSignature);
    });

    it('refuses a PS256 signature presented as RS256 (same key, other padding)', () => {
      const pss = signed(json({ alg: 'RS256', kid: 'k1' }), json(claims), privateKey, true);
      expect(refusal(() => validate(pss)).code).toBe(AuthErrorCode.InvalidSignature);
    });

    it('refuses a token signed by another key', () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const forged = signed(json({ alg: 'RS256', kid: 'k1' }), json(claims), other);
      expect(refusal(() => validate(forged)).code).toBe(AuthErrorCode.InvalidSignature);
    });
  });

  it.each([
    ['an unknown extension', { crit: ['urn:example:ext'], 'urn:example:ext': 1 }],
    ['b64 (RFC 7797)', { crit: ['b64'], b64: false }],
    ['an empty list', { crit: [] }],
    ['a non-list', { crit: 'exp' }],
  ])('refuses crit with %s', (_name, extra) => {
    expect(refusal(() => readRs256Header(token({ alg: 'RS256', kid: 'k1', ...extra }))).code).toBe(
      AuthErrorCode.MalformedToken,
    );
  });

  describe('duplicate JSON member names resolve to the last one (RFC 7515 §5.2), consistently', () => {
    it('refuses a header whose last alg is none', () => {
      const header = b64('{"alg":"RS256","kid":"k1","alg":"none"}');
      expect(refusal(() => readRs256Header(signed(header, json(claims)))).code).toBe(
        AuthErrorCode.UnsupportedAlgorithm,
      );
    });

    it('reads the last kid', () => {
      expect(readRs256Header(signed(b64('{"alg":"RS256","kid":"a","kid":"b"}'), json(claims))).kid).toBe('b');
    });

    it('refuses a payload whose last exp is in the past, whatever the first says', () => {
      const payload = b64(`{"aud":"api","exp":${NOW + 3600},"nbf":${NOW - 9000},"exp":${NOW - 4000}}`);
      expect(refusal(() => validate(signed(json({ alg: 'RS256', kid: 'k1' }), payload))).code).toBe(
        AuthErrorCode.TokenExpired,
      );
    });
  });

  describe('signature encoding', () => {
    const good = token();
    const input = good.slice(0, good.lastIndexOf('.'));
    const signature = Buffer.from(good.slice(good.lastIndexOf('.') + 1), 'base64url');
    it.each([
      ['empty', ''],
      ['one byte short', signature.subarray(1).toString('base64url')],
      ['one byte long', Buffer.concat([signature, Buffer.from([0])]).toString('base64url')],
      ['twice as long', Buffer.concat([signature, signature]).toString('base64url')],
      ['all zeros', Buffer.alloc(256).toString('base64url')],
      ['the modulus itself', jwk.n!],
    ])('refuses a signature that is %s', (_name, sig) => {
      expect(refusal(() => validate(`${input}.${sig}`)).code).toBe(AuthErrorCode.InvalidSignature);
    });

    it('refuses a non-canonical base64url signature (unused bits set in the last character)', () => {
      const text = signature.toString('base64url');
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(text.at(-1)!);
      const tweaked = `${text.slice(0, -1)}${alphabet[last ^ 1]}`;
      expect(Buffer.from(tweaked, 'base64url').equals(signature)).toBe(true);
      expect(refusal(() => validate(`${input}.${tweaked}`)).code).toBe(AuthErrorCode.InvalidSignature);
    });
  });

  describe('claims', () => {
    const header = json({ alg: 'RS256', kid: 'k1' });
    it.each([
      ['a JSON array', json([claims])],
      ['JSON null', json(null)],
      ['a number', json(42)],
      ['not JSON', b64('{"exp":')],
      [
        'not UTF-8',
        b64(Buffer.concat([Buffer.from(`{"exp":${NOW + 60},"x":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])),
      ],
    ])('refuses a correctly signed payload that is %s', (_name, payload) => {
      expect(refusal(() => validate(signed(header, payload))).code).toBe(AuthErrorCode.MalformedToken);
    });

    it('does not parse the claims of a token whose signature fails', () => {
      const t = signed(header, b64('not json at all'));
      const tampered = `${t.slice(0, t.lastIndexOf('.'))}.${Buffer.alloc(256, 1).toString('base64url')}`;
      expect(refusal(() => validate(tampered)).code).toBe(AuthErrorCode.InvalidSignature);
    });
  });

  describe('lifetime', () => {
    const check = (c: Record<string, unknown>, skew = 300) =>
      checkLifetime(c, { clockSkewSeconds: skew, nowSeconds: NOW });
    it.each<[string, Record<string, unknown>, string]>([
      ['exp missing', { nbf: NOW }, AuthErrorCode.MalformedToken],
      ['exp a string', { exp: String(NOW + 60) }, AuthErrorCode.MalformedToken],
      ['exp null', { exp: null }, AuthErrorCode.MalformedToken],
      ['nbf a string', { exp: NOW + 60, nbf: '0' }, AuthErrorCode.MalformedToken],
      ['iat a string', { exp: NOW + 60, iat: 'now' }, AuthErrorCode.MalformedToken],
      [
        'nbf after exp (IDX10224), both within the skew',
        { exp: NOW + 10, nbf: NOW + 20 },
        AuthErrorCode.InvalidLifetime,
      ],
      ['nbf after exp, both in the past', { exp: NOW - 9000, nbf: NOW - 100 }, AuthErrorCode.InvalidLifetime],
      ['nbf beyond the skew', { exp: NOW + 3600, nbf: NOW + 301 }, AuthErrorCode.TokenNotYetValid],
      ['exp beyond the skew', { exp: NOW - 300 }, AuthErrorCode.TokenExpired],
    ])('refuses %s', (_name, c, code) => {
      expect(refusal(() => check(c)).code).toBe(code);
    });

    it('accepts nbf equal to exp, expiry and nbf within the skew, and a skew of 0', () => {
      expect(() => check({ exp: NOW + 60, nbf: NOW + 60 })).not.toThrow();
      expect(() => check({ exp: NOW - 299, nbf: NOW + 300 - 600 })).not.toThrow();
      expect(() => check({ exp: NOW + 1, nbf: NOW }, 0)).not.toThrow();
      expect(refusal(() => check({ exp: NOW }, 0)).code).toBe(AuthErrorCode.TokenExpired);
    });

    it('refuses an nbf-after-exp token end to end', () => {
      const t = token(undefined, { ...claims, nbf: NOW + 100, exp: NOW + 50 });
      expect(refusal(() => validate(t)).description).toBe('The token lifetime is invalid (nbf is after exp).');
    });
  });

  describe('keys', () => {
    it('builds one KeyObject per JWK object and reuses it', () => {
      const first = rs256KeyFor(jwk);
      expect(first).toBe(key);
      expect(first?.signatureBytes).toBe(256);
      expect(first?.signatureChars).toBe(342);
      expect(rs256KeyFor({ ...jwk })).not.toBe(first);
    });

    it.each([
      ['a 1024-bit RSA key', generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' })],
      ['an EC key', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' })],
      ['an RSA JWK without e', { kty: 'RSA', n: jwk.n }],
      ['an RSA JWK with garbage n', { kty: 'RSA', n: '!!', e: 'AQAB' }],
      ['an oct key', { kty: 'oct', k: 'c2VjcmV0' }],
    ])('cannot verify with %s', (_name, candidate) => {
      expect(rs256KeyFor(candidate)).toBeUndefined();
      expect(rs256KeyFor(candidate)).toBeUndefined();
    });

    it('verifies a 4096-bit key with its own signature length', () => {
      const big = generateKeyPairSync('rsa', { modulusLength: 4096 });
      const k = rs256KeyFor(big.publicKey.export({ format: 'jwk' }))!;
      expect(k.signatureBytes).toBe(512);
      const t = signed(json({ alg: 'RS256', kid: 'k' }), json(claims), big.privateKey);
      expect(verifyRs256(t, k, lifetime)).toEqual(claims);
      expect(refusal(() => verifyRs256(token(), k, lifetime)).code).toBe(AuthErrorCode.InvalidSignature);
    });
  });
});
