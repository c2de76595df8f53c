import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Seals a session key while it waits in the queue: AES-256-GCM under the token cache's first
 * encryption key, bound to the job id (associated data), so a Redis dump holds no usable key and a
 * sealed key cannot be moved to another job. Any of the configured keys opens it (key rotation).
 * Without encryption keys the key is stored as is: configure `TokenCache__Encryption__Keys`.
 */
export class SessionKeySealer {
  private readonly keys: readonly Buffer[];

  constructor(keys: readonly (string | Uint8Array)[] = []) {
    this.keys = keys.map((k) => (typeof k === 'string' ? Buffer.from(k, 'base64') : Buffer.from(k)));
  }

  seal(sessionKey: string, jobId: string): string {
    const key = this.keys[0];
    if (!key) return `p:${sessionKey}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(jobId));
    const sealed = Buffer.concat([cipher.update(sessionKey, 'utf8'), cipher.final()]);
    return ['s1', iv, sealed, cipher.getAuthTag()]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join(':');
  }

  /** The session key, or `undefined` when the value is not one this sealer can open. */
  open(value: string, jobId: string): string | undefined {
    if (value.startsWith('p:')) return this.keys.length ? undefined : value.slice(2);
    const [version, iv, sealed, tag] = value.split(':');
    if (version !== 's1' || !iv || !sealed || !tag) return undefined;
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
          .setAAD(Buffer.from(jobId))
          .setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        // not this key: try the next one
      }
    }
    return undefined;
  }
}
