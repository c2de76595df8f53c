import { describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCertDir, loadCertStore } from './cert-store.js';

describe('certificate store', () => {
  // Generating the CA, the leaf and the RSA signing keys takes seconds on a loaded machine.
  it('creates the material once, even when several starts race, and reuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-certs-'));
    try {
      const [a, b] = await Promise.all([loadCertStore(dir), loadCertStore(dir)]);
      expect(a.tls.caCertPem).toBe(b.tls.caCertPem);
      expect(a.signingKeys[0]!.certificatePem).toBe(b.signingKeys[0]!.certificatePem);
      const again = await loadCertStore(dir);
      expect(again.tls.leafCertPem).toBe(a.tls.leafCertPem);
      expect(readFileSync(a.caCertPath, 'utf8')).toBe(a.tls.caCertPem);
      expect(readFileSync(a.caBundlePath, 'utf8')).toContain(a.tls.caCertPem.trim());

      const ca = new X509Certificate(a.tls.caCertPem);
      const leaf = new X509Certificate(a.tls.leafCertPem);
      expect(ca.ca).toBe(true);
      expect(leaf.verify(ca.publicKey)).toBe(true);
      expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(leaf.checkHost('localhost')).toBe('localhost');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // RSA key generation for the CA, the TLS leaf and the signing keys: seconds on a loaded machine.
  }, 30_000);

  it('defaults to .cache/entra-emulator under the workspace root', () => {
    expect(defaultCertDir(join(process.cwd(), 'libs', 'entra-emulator', 'src'))).toBe(
      join(process.cwd(), '.cache', 'entra-emulator'),
    );
  });
});
