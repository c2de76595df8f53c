import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Version tag of the envelope; also the first part of the associated data. */
const VERSION = 'niwe1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A decoded 256-bit key and its public identifier. @internal */
export interface TokenCacheEncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * AES-256-GCM for L2 entries, with rotation: encrypt with the first key, decrypt with the key the
 * envelope names. The envelope is `niwe1:<key id>:<tenant>:<iv>:<ciphertext>:<tag>` (base64url
 * parts, `:` separated so that no part of it can look like a dotted JWT).
 *
 * The key id, the tenant and the store key are the associated data: an entry copied under another
 * store key, relabelled with another tenant or key id, or altered in any byte fails authentication
 * and is read as a miss.
 * @internal
 */
export class TokenCacheEncryption {
  private readonly byId = new Map<string, Buffer>();
  private readonly current: TokenCacheEncryptionKey;

  constructor(keys: readonly TokenCacheEncryptionKey[]) {
    if (keys[0] === undefined) throw new Error('TokenCacheEncryption needs at least one key.');
    this.current = keys[0];
    for (const k of keys) this.byId.set(k.id, k.key);
  }

  /**
   * A key's identifier: the first 48 bits of a domain-separated SHA-256 of the key. Stable across
   * replicas and restarts, and it reveals nothing usable about a 256-bit key.
   */
  static keyId(key: Buffer): string {
    return createHash('sha256').update('niw-token-cache-key-id\0').update(key).digest('base64url').slice(0, 8);
  }

  /** Encrypts `plaintext` for `storeKey`, labelled with `tenant`. */
  encrypt(storeKey: string, tenant: string, plaintext: string): string {
    const { id, key } = this.current;
    const tenantPart = Buffer.from(tenant, 'utf8').toString('base64url');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(id, tenantPart, storeKey));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      id,
      tenantPart,
      iv.toString('base64url'),
      body.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join(':');
  }

  /**
   * The plaintext and the tenant it was labelled with, or `undefined` when `value` is not an
   * envelope, names an unknown key, or fails authentication. Never throws.
   */
  decrypt(storeKey: string, value: string): { readonly tenant: string; readonly plaintext: string } | undefined {
    const parts = value.split(':');
    if (parts.length !== 6 || parts[0] !== VERSION) return undefined;
    const [, id, tenantPart, ivPart, bodyPart, tagPart] = parts as [string, string, string, string, string, string];
    const key = this.byId.get(id);
    if (key === undefined) return undefined;
    try {
      const iv = Buffer.from(ivPart, 'base64url');
      const tag = Buffer.from(tagPart, 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return undefined;
      // authTagLength pins the tag size: GCM would otherwise accept a truncated tag.
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(id, tenantPart, storeKey));
      decipher.setAuthTag(tag);
      const plaintext = Buffer.concat([decipher.update(Buffer.from(bodyPart, 'base64url')), decipher.final()]);
      return { tenant: Buffer.from(tenantPart, 'base64url').toString('utf8'), plaintext: plaintext.toString('utf8') };
    } catch {
      return undefined;
    }
  }
}

function associatedData(keyId: string, tenantPart: string, storeKey: string): Buffer {
  return Buffer.from(`${VERSION}\u0000${keyId}\u0000${tenantPart}\u0000${storeKey}`, 'utf8');
}
