import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { createSigningKey, type SigningKeyMaterial } from './cert-store.js';

/**
 * A token-signing key as published in the JWKS.
 * @internal
 */
export interface SigningKey {
  /** `kid` == `x5t` == base64url(SHA-1(DER of the certificate)). */
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** base64 DER of the certificate (`x5c[0]`). */
  readonly x5c: string;
  readonly n: string;
  readonly e: string;
}

function toSigningKey(m: SigningKeyMaterial): SigningKey {
  const cert = new X509Certificate(m.certificatePem);
  const jwk = cert.publicKey.export({ format: 'jwk' });
  return {
    kid: createHash('sha1').update(cert.raw).digest('base64url'),
    privateKey: createPrivateKey(m.privateKeyPem),
    publicKey: cert.publicKey,
    x5c: cert.raw.toString('base64'),
    n: jwk.n ?? '',
    e: jwk.e ?? 'AQAB',
  };
}

/**
 * The emulator's signing keys: one active, older ones kept in the JWKS after rotation (as Entra does).
 * Rotation promotes a pre-generated spare so it takes effect synchronously.
 * @internal
 */
export class SigningKeySet {
  private readonly keys: SigningKey[];
  private readonly spares: SigningKey[];
  private activeKey: SigningKey;
  private refill: Promise<void> | undefined;

  constructor(material: readonly SigningKeyMaterial[]) {
    const all = material.map(toSigningKey);
    this.activeKey = all[0]!;
    this.keys = [this.activeKey];
    this.spares = all.slice(1);
  }

  get active(): SigningKey {
    return this.activeKey;
  }

  /**
   * Published keys: the active one first, then the retired ones, then the upcoming spares. Entra
   * publishes a key before it signs with it, so validators that cache the JWKS survive a rotation.
   */
  get published(): readonly SigningKey[] {
    return [this.activeKey, ...this.keys.filter((k) => k !== this.activeKey), ...this.spares];
  }

  /** A published key by `kid`. */
  find(kid: string): SigningKey | undefined {
    return this.keys.find((k) => k.kid === kid) ?? this.spares.find((k) => k.kid === kid);
  }

  /** Makes a new key active; the previous ones stay published. */
  async rotate(): Promise<SigningKey> {
    let next = this.spares.shift();
    if (!next) {
      next = toSigningKey(await createSigningKey());
    }
    this.keys.push(next);
    this.activeKey = next;
    if (this.spares.length === 0) this.startRefill();
    return next;
  }

  /** Promise of any background spare generation (awaited by stop()). */
  idle(): Promise<void> {
    return this.refill ?? Promise.resolve();
  }

  private startRefill(): void {
    this.refill ??= createSigningKey()
      .then((m) => {
        this.spares.push(toSigningKey(m));
      })
      .catch(() => undefined)
      .finally(() => {
        this.refill = undefined;
      });
  }
}
