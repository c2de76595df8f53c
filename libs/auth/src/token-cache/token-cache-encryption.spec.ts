import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { TokenCacheEncryption } from './token-cache-encryption.js';

const key = (b = randomBytes(32)) => ({ id: TokenCacheEncryption.keyId(b), key: b });
const JWT = 'eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const plaintext = JSON.stringify({ accessToken: JWT, tenantId: 'contoso' });

describe('TokenCacheEncryption', () => {
  it('round-trips and leaves no JWT-looking text in the envelope', () => {
    const enc = new TokenCacheEncryption([key()]);
    for (let i = 0; i < 200; i++) {
      const sealed = enc.encrypt('niw:app:o|k', 'contoso', plaintext);
      expect(sealed).not.toMatch(/eyJ[\w-]*\.[\w-]+\./);
      expect(sealed).not.toContain('alice');
      expect(enc.decrypt('niw:app:o|k', sealed)).toEqual({ tenant: 'contoso', plaintext });
    }
  });

  it('decrypts with any configured key and encrypts with the first (rotation)', () => {
    const oldKey = key();
    const newKey = key();
    const before = new TokenCacheEncryption([oldKey]).encrypt('k', 't', plaintext);
    const rotated = new TokenCacheEncryption([newKey, oldKey]);
    expect(rotated.decrypt('k', before)?.plaintext).toBe(plaintext);
    const after = rotated.encrypt('k', 't', plaintext);
    expect(after.split(':')[1]).toBe(newKey.id);
    expect(new TokenCacheEncryption([newKey]).decrypt('k', after)?.plaintext).toBe(plaintext);
  });

  it('reads an entry sealed with an unknown key as undefined', () => {
    const sealed = new TokenCacheEncryption([key()]).encrypt('k', 't', plaintext);
    expect(new TokenCacheEncryption([key()]).decrypt('k', sealed)).toBeUndefined();
  });

  it('binds the store key, the tenant and the key id: a replayed or relabelled entry is undefined', () => {
    const k = key();
    const enc = new TokenCacheEncryption([k, key()]);
    const sealed = enc.encrypt('niw:app:o||scope|alice', 'contoso', plaintext);
    expect(enc.decrypt('niw:app:o||scope|mallory', sealed)).toBeUndefined();
    const parts = sealed.split(':');
    const relabelled = [...parts];
    relabelled[2] = Buffer.from('fabrikam').toString('base64url');
    expect(enc.decrypt('niw:app:o||scope|alice', relabelled.join(':'))).toBeUndefined();
  });

  it('reads tampered, truncated and foreign values as undefined, never throwing', () => {
    const enc = new TokenCacheEncryption([key()]);
    const sealed = enc.encrypt('k', 't', plaintext);
    const parts = sealed.split(':');
    const body = Buffer.from(parts[4]!, 'base64url');
    body[0] = body[0]! ^ 1;
    const tampered = [...parts.slice(0, 4), body.toString('base64url'), parts[5]].join(':');
    const shortTag = [...parts.slice(0, 5), parts[5]!.slice(0, 8)].join(':');
    for (const value of [tampered, shortTag, plaintext, '', 'niwe1:::::', 'niwe1:a:b:c:d:e', sealed.slice(0, -3)]) {
      expect(enc.decrypt('k', value)).toBeUndefined();
    }
  });
});
