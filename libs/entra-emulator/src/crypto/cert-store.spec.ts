import { describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CERT_DIR_ENV, defaultCertDir, loadCertStore, userCertDir, type CertDirEnvironment } from './cert-store.js';

describe('certificate store', () => {
  // Both starts may generate a CA, a leaf and three signing keys (RSA 2048): seconds on a busy machine.
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
  }, 60_000);

  describe('default folder', () => {
    const env = (over: Partial<CertDirEnvironment> = {}): CertDirEnvironment => ({
      env: {},
      platform: 'linux',
      home: '/home/u',
      tmp: '/tmp',
      uid: 1000,
      ...over,
    });

    it('is a per-user cache folder, never inside the project', () => {
      expect(userCertDir(env())).toBe('/home/u/.cache/nest-identity-web/entra-emulator');
      expect(userCertDir(env({ env: { XDG_CACHE_HOME: '/xdg' } }))).toBe('/xdg/nest-identity-web/entra-emulator');
      expect(userCertDir(env({ env: { XDG_CACHE_HOME: 'relative' } }))).toBe(
        '/home/u/.cache/nest-identity-web/entra-emulator',
      );
      expect(userCertDir(env({ platform: 'darwin' }))).toBe('/home/u/Library/Caches/nest-identity-web/entra-emulator');
      expect(userCertDir(env({ platform: 'win32', env: { LOCALAPPDATA: '/appdata' } }))).toBe(
        join('/appdata', 'nest-identity-web', 'entra-emulator'),
      );
      expect(userCertDir(env({ home: '' }))).toBe('/tmp/nest-identity-web-entra-emulator-1000');
    });

    it('is pinned by ENTRA_EMULATOR_CERT_DIR, resolved against the working directory', () => {
      expect(userCertDir(env({ env: { [CERT_DIR_ENV]: '.cache/entra-emulator' } }))).toBe(
        resolve('.cache/entra-emulator'),
      );
    });

    it('falls back to the temp folder when the user cache cannot be created, but not when pinned', () => {
      const root = mkdtempSync(join(tmpdir(), 'emu-home-'));
      try {
        writeFileSync(join(root, 'file'), '');
        // A home that is a file: its .cache cannot be created.
        const blocked = env({ home: join(root, 'file'), tmp: root });
        expect(defaultCertDir(blocked)).toBe(join(root, 'nest-identity-web-entra-emulator-1000'));
        expect(() => defaultCertDir({ ...blocked, env: { [CERT_DIR_ENV]: join(root, 'file', 'x') } })).toThrow();
        const ok = env({ home: root });
        expect(defaultCertDir(ok)).toBe(join(root, '.cache', 'nest-identity-web', 'entra-emulator'));
        expect(existsSync(defaultCertDir(ok))).toBe(true);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  });
});
