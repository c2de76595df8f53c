import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenAcquisitionError } from '../errors/token-acquisition.error.js';
import { checkCertificate, type CredentialSource } from './token-acquisition-options.normalize.js';

/** The credential part of msal-node's `auth` configuration. @internal */
export type MsalCredential =
  | { readonly clientSecret: string }
  | {
      readonly clientCertificate: {
        readonly thumbprintSha256: string;
        readonly privateKey: string;
        readonly x5c?: string;
      };
    }
  | { readonly clientAssertion: (config: { clientId: string; tokenEndpoint?: string }) => Promise<string> };

/** How long a signed-assertion file is trusted before it is read again (workload identity rotates it hourly). */
const FILE_TTL_MS = 5 * 60 * 1000;

/**
 * Loads the configured credential into msal-node's shape, caches it, and reloads it after the
 * identity provider rejected it (certificate rotated, expired or revoked; file rotated).
 * @internal
 */
export class ClientCredentialProvider {
  private cached: Promise<MsalCredential> | undefined;
  private fileCache: { value: string; readAt: number } | undefined;

  constructor(
    private readonly source: CredentialSource | undefined,
    private readonly now: () => number,
  ) {}

  get kind(): CredentialSource['kind'] | undefined {
    return this.source?.kind;
  }

  /** The credential for msal; loads it on first use. */
  get(): Promise<MsalCredential> {
    if (!this.cached) {
      const loading = this.load();
      // A failed load is retried on the next call, not cached.
      loading.catch(() => {
        if (this.cached === loading) this.cached = undefined;
      });
      this.cached = loading;
    }
    return this.cached;
  }

  /** Forgets the loaded credential so the next token request loads it again. */
  reload(): void {
    this.cached = undefined;
    this.fileCache = undefined;
  }

  private async load(): Promise<MsalCredential> {
    const source = this.source;
    if (!source) {
      throw TokenAcquisitionError.create(AuthErrorCode.NoClientCredential, 'No client credential is configured.', [
        'Set clientSecret, clientCertificate, clientAssertion or signedAssertionFilePath in AuthModule options (AzureAd__ClientSecret, ...).',
        'Token acquisition needs a confidential client; incoming token validation does not.',
      ]);
    }
    switch (source.kind) {
      case 'secret':
        return { clientSecret: source.secret };
      case 'certificate': {
        let cert;
        try {
          cert = await source.load();
          checkCertificate(cert);
        } catch (cause) {
          throw TokenAcquisitionError.create(
            AuthErrorCode.InvalidClientCredential,
            'The client certificate could not be loaded.',
            ['Check the certificate loader and that it returns PEM privateKeyPem and certificatePem.'],
            {},
            { cause },
          );
        }
        const x509 = new X509Certificate(cert.certificatePem);
        return {
          clientCertificate: {
            thumbprintSha256: x509.fingerprint256.replaceAll(':', '').toLowerCase(),
            privateKey: cert.privateKeyPem,
            ...(cert.sendX5c ? { x5c: cert.certificatePem } : {}),
          },
        };
      }
      case 'assertion': {
        const callback = source.callback;
        return {
          clientAssertion: async (c) => {
            try {
              return await callback({ clientId: c.clientId, tokenEndpoint: c.tokenEndpoint });
            } catch (cause) {
              throw TokenAcquisitionError.create(
                AuthErrorCode.InvalidClientCredential,
                'The clientAssertion callback failed.',
                ['Check the federated credential source behind the clientAssertion callback.'],
                {},
                { cause },
              );
            }
          },
        };
      }
      case 'file':
        return { clientAssertion: () => this.readAssertionFile(source.path) };
    }
  }

  private async readAssertionFile(path: string): Promise<string> {
    const now = this.now();
    if (this.fileCache && now - this.fileCache.readAt < FILE_TTL_MS) return this.fileCache.value;
    let value: string;
    try {
      value = (await readFile(path, 'utf8')).trim();
    } catch (cause) {
      throw TokenAcquisitionError.create(
        AuthErrorCode.InvalidClientCredential,
        `The signed assertion file '${path}' could not be read.`,
        [
          'Check signedAssertionFilePath (AZURE_FEDERATED_TOKEN_FILE with Kubernetes workload identity) and the file permissions.',
        ],
        {},
        { cause },
      );
    }
    if (!value) {
      throw TokenAcquisitionError.create(
        AuthErrorCode.InvalidClientCredential,
        `The signed assertion file '${path}' is empty.`,
        ['Check that the workload identity webhook mounted the projected service account token.'],
      );
    }
    this.fileCache = { value, readAt: now };
    return value;
  }
}
