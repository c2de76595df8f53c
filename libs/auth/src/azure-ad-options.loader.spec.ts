import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { generate } from 'selfsigned';
import {
  AuthErrorCode,
  AuthModule,
  type ClientCertificateCredential,
  type ClientCertificateLoader,
  ITokenAcquisition,
  loadAzureAdOptions,
} from 'nest-identity-web';
import { entraError, FakeIdentityProvider } from './testing/fake-identity-provider.js';

const TID = '72f988bf-0000-4000-8000-000000000001';
const base = { AzureAd__TenantId: TID, AzureAd__ClientId: 'api' };

const x5tS256 = (pem: string) => new X509Certificate(pem).fingerprint256.replaceAll(':', '');
const headerOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, string>;

describe('loadAzureAdOptions (credentials and token acquisition settings)', () => {
  let dir: string;
  let a: { private: string; cert: string };
  let b: { private: string; cert: string };
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'niw-loader-'));
    const cert = (cn: string) => generate([{ name: 'commonName', value: cn }], { keySize: 2048, algorithm: 'sha256' });
    a = await cert('cert-a');
    b = await cert('cert-b');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const load = async (loader: AuthModuleCertificate) =>
    typeof loader === 'function' ? await loader() : (loader as ClientCertificateCredential);
  type AuthModuleCertificate = ClientCertificateCredential | ClientCertificateLoader | undefined;

  it('returns plain AuthModuleOptions: app home tenant, capabilities, secret', () => {
    expect(
      loadAzureAdOptions({
        ...base,
        AzureAd__AppHomeTenantId: TID,
        AzureAd__ClientSecret: 's3cret',
        AzureAd__ClientCapabilities__0: 'cp1',
      }),
    ).toEqual({
      tenantId: TID,
      clientId: 'api',
      appHomeTenantId: TID,
      clientSecret: 's3cret',
      clientCapabilities: ['cp1'],
    });
  });

  it('reads the maximum age of long-running sessions, and refuses a value that is not a number (NIW1008)', () => {
    expect(loadAzureAdOptions({ ...base, AzureAd__LongRunningSessions__MaxAgeSeconds: '86400' })).toMatchObject({
      longRunningSessions: { maxAgeSeconds: 86400 },
    });
    expect(() => loadAzureAdOptions({ ...base, AzureAd__LongRunningSessions__MaxAgeSeconds: '1d' })).toThrow(/NIW1008/);
  });

  it('turns certificate file paths into a loader that re-reads the files (rotation)', async () => {
    await writeFile(file('key.pem'), a.private);
    await writeFile(file('cert.pem'), a.cert);
    const options = loadAzureAdOptions({
      ...base,
      AzureAd__ClientCertificate__PrivateKeyPath: file('key.pem'),
      AzureAd__ClientCertificate__CertificatePath: file('cert.pem'),
      AzureAd__SendX5C: 'true',
    });
    expect(typeof options.clientCertificate).toBe('function');
    expect(await load(options.clientCertificate)).toEqual({
      privateKeyPem: a.private,
      certificatePem: a.cert,
      sendX5c: true,
    });
    await writeFile(file('key.pem'), b.private);
    await writeFile(file('cert.pem'), b.cert);
    expect(await load(options.clientCertificate)).toMatchObject({ privateKeyPem: b.private, certificatePem: b.cert });
  });

  it('refuses an unreadable certificate file at load time, without echoing any content', () => {
    let error: unknown;
    try {
      loadAzureAdOptions({
        ...base,
        AzureAd__ClientCertificate__PrivateKeyPath: file('missing.pem'),
        AzureAd__ClientCertificate__CertificatePath: file('missing.pem'),
      });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: AuthErrorCode.InvalidClientCredentialOption });
    expect(() => loadAzureAdOptions({ ...base, AzureAd__ClientCertificate__PrivateKeyPath: file('key.pem') })).toThrow(
      expect.objectContaining({ code: AuthErrorCode.InvalidClientCredentialOption }),
    );
  });

  it('refuses certificate files that are readable but not a key and a certificate, at load time', async () => {
    await writeFile(file('garbage.pem'), 'not a pem s3cr3t-content');
    await writeFile(file('good-key.pem'), a.private);
    await writeFile(file('good-cert.pem'), a.cert);
    const attempts = [
      { PrivateKeyPath: file('garbage.pem'), CertificatePath: file('good-cert.pem') },
      { PrivateKeyPath: file('good-key.pem'), CertificatePath: file('garbage.pem') },
      // swapped paths
      { PrivateKeyPath: file('good-cert.pem'), CertificatePath: file('good-key.pem') },
    ];
    for (const paths of attempts) {
      let error: unknown;
      try {
        loadAzureAdOptions({
          ...base,
          AzureAd__ClientCertificate__PrivateKeyPath: paths.PrivateKeyPath,
          AzureAd__ClientCertificate__CertificatePath: paths.CertificatePath,
        });
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: AuthErrorCode.InvalidClientCredentialOption });
      expect((error as Error).message).not.toContain('s3cr3t-content');
      expect((error as Error).message).not.toContain('PRIVATE KEY-----');
    }
    await writeFile(
      file('bad-bundle.pem'),
      `${a.cert}\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`,
    );
    expect(() =>
      loadAzureAdOptions({
        ...base,
        AzureAd__ClientCredentials__0__SourceType: 'Path',
        AzureAd__ClientCredentials__0__CertificateDiskPath: file('bad-bundle.pem'),
      }),
    ).toThrow(expect.objectContaining({ code: AuthErrorCode.InvalidClientCredentialOption }));
  });

  it('reads Microsoft.Identity.Web ClientCredentials: the first usable entry wins', async () => {
    await writeFile(file('bundle.pem'), `${a.cert}\n${a.private}`);
    const options = loadAzureAdOptions({
      ...base,
      AzureAd__ClientCredentials__0__SourceType: 'KeyVault',
      AzureAd__ClientCredentials__1__SourceType: 'ClientSecret',
      AzureAd__ClientCredentials__1__ClientSecret: 'skipped',
      AzureAd__ClientCredentials__1__Skip: 'true',
      AzureAd__ClientCredentials__2__SourceType: 'Path',
      AzureAd__ClientCredentials__2__CertificateDiskPath: file('bundle.pem'),
    });
    expect(options.clientSecret).toBeUndefined();
    const cert = await load(options.clientCertificate);
    expect(cert.privateKeyPem.trim()).toBe(a.private.trim());
    expect(cert.certificatePem.trim()).toBe(a.cert.trim());
    // Through a ConfigService, nested configuration arrives as objects.
    const config = new Map<string, unknown>([
      ['AzureAd:TenantId', TID],
      ['AzureAd:ClientId', 'api'],
      ['AzureAd:ClientCredentials', [{ SourceType: 6, ClientSecret: 'x' }]],
    ]);
    expect(loadAzureAdOptions({ get: (k: string) => config.get(k) })).toMatchObject({ clientSecret: 'x' });
  });

  it('uses AZURE_FEDERATED_TOKEN_FILE for a SignedAssertionFilePath credential without a path', () => {
    expect(
      loadAzureAdOptions({
        ...base,
        AzureAd__ClientCredentials__0__SourceType: 'SignedAssertionFilePath',
        AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token',
      }),
    ).toMatchObject({ signedAssertionFilePath: '/var/run/secrets/azure/tokens/azure-identity-token' });
  });

  it('fails with NIW1009 when no ClientCredentials entry is usable, and on a PKCS#12 file', async () => {
    expect(() =>
      loadAzureAdOptions({ ...base, AzureAd__ClientCredentials__0__SourceType: 'StoreWithThumbprint' }),
    ).toThrow(expect.objectContaining({ code: AuthErrorCode.InvalidClientCredentialOption }));
    await writeFile(file('cert.pfx'), Buffer.from([0x30, 0x82, 0x0a, 0x01, 0x02]));
    expect(() =>
      loadAzureAdOptions({
        ...base,
        AzureAd__ClientCredentials__0__SourceType: 'Path',
        AzureAd__ClientCredentials__0__CertificateDiskPath: file('cert.pfx'),
      }),
    ).toThrow(/PKCS#12/);
  });

  it('boots AuthModule.forRoot(loadAzureAdOptions(env)) and picks up a rotated certificate after AADSTS700027', async () => {
    await writeFile(file('key.pem'), a.private);
    await writeFile(file('cert.pem'), a.cert);
    const idp = new FakeIdentityProvider();
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          ...loadAzureAdOptions({
            ...base,
            AzureAd__ClientCertificate__PrivateKeyPath: file('key.pem'),
            AzureAd__ClientCertificate__CertificatePath: file('cert.pem'),
          }),
          identityProviderTransport: idp,
        }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    try {
      const tokens = moduleRef.get(ITokenAcquisition);
      await tokens.getAccessTokenForApp('api://todolist-service/.default');
      // The certificate is rotated on disk; the identity provider rejects the old one once.
      await writeFile(file('key.pem'), b.private);
      await writeFile(file('cert.pem'), b.cert);
      idp.responders.push((req) =>
        idp.tokenRequests.indexOf(req) === 1 ? entraError(401, 'invalid_client', 700027) : undefined,
      );
      await tokens.getAccessTokenForApp('api://todolist-service/.default', { forceRefresh: true });
      const thumbprints = idp.tokenRequests.map((r) =>
        Buffer.from(headerOf(r.form.get('client_assertion')!)['x5t#S256']!, 'base64url')
          .toString('hex')
          .toUpperCase(),
      );
      expect(thumbprints).toEqual([x5tS256(a.cert), x5tS256(a.cert), x5tS256(b.cert)]);
    } finally {
      await moduleRef.close();
    }
  });
});
