import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'selfsigned';
import { AuthConfigurationError, AuthErrorCode, loadAzureAdOptions } from 'nest-identity-web';

const base = { AzureAd__TenantId: '72f988bf-0000-4000-8000-000000000001', AzureAd__ClientId: 'api' };

describe('loadAzureAdOptions (AzureAd__TrustedCaPath)', () => {
  let dir: string;
  let caA: string;
  let caB: string;
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'niw-trusted-ca-'));
    const ca = async (cn: string) =>
      (await generate([{ name: 'commonName', value: cn }], { keySize: 2048, algorithm: 'sha256' })).cert;
    [caA, caB] = await Promise.all([ca('ca-a'), ca('ca-b')]);
    await writeFile(file('a.pem'), caA);
    await writeFile(file('bundle.pem'), `# two roots\n${caA}\n${caB}\n`);
    await writeFile(file('not-pem.txt'), 'secret-looking content that must never be echoed');
    await writeFile(
      file('broken.pem'),
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const codeOf = (settings: Record<string, string>): unknown => {
    try {
      loadAzureAdOptions({ ...base, ...settings });
    } catch (e) {
      expect(e).toBeInstanceOf(AuthConfigurationError);
      expect((e as Error).message).not.toContain('secret-looking');
      return (e as AuthConfigurationError).code;
    }
    return 'no error';
  };

  it('reads the certificates of the file into trustedCa, one entry per certificate', () => {
    const options = loadAzureAdOptions({ ...base, AzureAd__TrustedCaPath: file('bundle.pem') });
    expect(options.trustedCa).toEqual([caA.trim(), caB.trim()]);
  });

  it('reads several files from a JSON array or indexed keys', () => {
    const fromJson = loadAzureAdOptions({
      ...base,
      AzureAd__TrustedCaPath: JSON.stringify([file('a.pem'), file('bundle.pem')]),
    });
    expect(fromJson.trustedCa).toHaveLength(3);
    const indexed = loadAzureAdOptions({
      ...base,
      AzureAd__TrustedCaPath__0: file('a.pem'),
      AzureAd__TrustedCaPath__1: file('a.pem'),
    });
    expect(indexed.trustedCa).toEqual([caA.trim(), caA.trim()]);
  });

  it('reads the ConfigService form (AzureAd:TrustedCaPath)', () => {
    const config = new Map<string, unknown>(Object.entries({ ...base, 'AzureAd:TrustedCaPath': file('a.pem') }));
    expect(loadAzureAdOptions({ get: (k: string) => config.get(k) }).trustedCa).toEqual([caA.trim()]);
  });

  it('leaves trustedCa unset without the setting', () => {
    expect(loadAzureAdOptions(base).trustedCa).toBeUndefined();
  });

  it('fails fast with NIW1013 on a missing file, a file without a certificate, or a corrupt certificate', () => {
    expect(AuthErrorCode.InvalidTrustedCa).toBe('NIW1013');
    expect(codeOf({ AzureAd__TrustedCaPath: file('missing.pem') })).toBe('NIW1013');
    expect(codeOf({ AzureAd__TrustedCaPath: file('not-pem.txt') })).toBe('NIW1013');
    expect(codeOf({ AzureAd__TrustedCaPath: file('broken.pem') })).toBe('NIW1013');
  });
});
