// The credential and CA-file parts of loadAzureAdOptions: files are read (and certificates parsed)
// when settings are loaded, so a wrong file fails at startup with a coded error.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import type {
  ClientCertificateCredential,
  ClientCertificateLoader,
} from './token-acquisition/client-credentials.interface.js';
import { AuthErrorCode } from './errors/auth-error-codes.js';
import { AuthConfigurationError } from './errors/auth.error.js';
import { checkCertificate } from './token-acquisition/token-acquisition-options.normalize.js';

type CredentialOptions = Pick<AuthModuleOptions, 'clientSecret' | 'clientCertificate' | 'signedAssertionFilePath'>;

/**
 * Microsoft.Identity.Web's `ClientCredentials` (`CredentialDescription[]`): the first usable entry.
 * `SourceType` is a name or the enum's number. @internal
 */
export function clientCredentials(
  section: string,
  raw: (key: string) => unknown,
  lookup: (name: string) => unknown,
  sendX5c: boolean | undefined,
): CredentialOptions | undefined {
  const entries: Record<string, unknown>[] = [];
  const whole = raw('ClientCredentials');
  if (Array.isArray(whole)) {
    for (const e of whole) if (e && typeof e === 'object') entries.push(e as Record<string, unknown>);
  } else {
    for (let i = 0; raw(`ClientCredentials__${i}__SourceType`) !== undefined; i++) {
      const entry: Record<string, unknown> = {};
      for (const field of [
        'SourceType',
        'Skip',
        'ClientSecret',
        'CertificateDiskPath',
        'SignedAssertionFileDiskPath',
      ]) {
        entry[field] = raw(`ClientCredentials__${i}__${field}`);
      }
      entries.push(entry);
    }
  }
  if (!entries.length) return undefined;
  const skipped: string[] = [];
  for (const entry of entries) {
    const type = SOURCE_TYPES[String(scalar(entry.SourceType) ?? '').toLowerCase()];
    if (/^(true|1)$/i.test(scalar(entry.Skip) ?? '')) continue;
    const field = (name: string) => scalar(entry[name]);
    if (type === 'ClientSecret' && field('ClientSecret')) return { clientSecret: field('ClientSecret') };
    if (type === 'Path' && field('CertificateDiskPath')) {
      return { clientCertificate: certificateBundle(field('CertificateDiskPath')!, sendX5c) };
    }
    if (type === 'SignedAssertionFilePath') {
      const path = field('SignedAssertionFileDiskPath') ?? scalar(lookup('AZURE_FEDERATED_TOKEN_FILE'));
      if (path) return { signedAssertionFilePath: path };
    }
    skipped.push(String(scalar(entry.SourceType) ?? 'no SourceType'));
  }
  throw credentialError(
    `None of ${section}__ClientCredentials is usable (${skipped.join(', ') || 'all skipped'}).`,
    'Supported: SourceType ClientSecret (ClientSecret), Path (CertificateDiskPath, a PEM file with the private key and the certificate), SignedAssertionFilePath (SignedAssertionFileDiskPath or AZURE_FEDERATED_TOKEN_FILE). Key Vault, certificate stores and managed identity are not read by this loader: pass clientCertificate (a loader) or clientAssertion in code.',
  );
}

/** Microsoft.Identity.Web `CredentialSource` names and numbers this loader understands. */
const SOURCE_TYPES: Readonly<Record<string, 'ClientSecret' | 'Path' | 'SignedAssertionFilePath'>> = {
  clientsecret: 'ClientSecret',
  '6': 'ClientSecret',
  path: 'Path',
  '3': 'Path',
  signedassertionfilepath: 'SignedAssertionFilePath',
  '8': 'SignedAssertionFilePath',
};

/** A loader over two PEM files, read now (fail fast) and again on every reload (rotation). @internal */
export function certificateFiles(
  keyPath: string,
  certPath: string,
  sendX5c: boolean | undefined,
): ClientCertificateLoader {
  parseOrFail(
    { privateKeyPem: readOrFail(keyPath, 'private key'), certificatePem: readOrFail(certPath, 'certificate') },
    `${keyPath}' and '${certPath}`,
  );
  return async () => ({
    privateKeyPem: await readFile(keyPath, 'utf8'),
    certificatePem: await readFile(certPath, 'utf8'),
    ...x5c(sendX5c),
  });
}

/** A loader over one PEM file holding the private key and the certificate (chain). */
function certificateBundle(path: string, sendX5c: boolean | undefined): ClientCertificateLoader {
  parseOrFail(splitPem(readOrFail(path, 'certificate'), path), path);
  return async () => ({ ...splitPem(await readFile(path, 'utf8'), path), ...x5c(sendX5c) });
}

function splitPem(pem: string, path: string): Omit<ClientCertificateCredential, 'sendX5c'> {
  const key = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/.exec(pem);
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!key || !certs) {
    throw credentialError(
      `The certificate file '${path}' must be PEM with a private key and a certificate.`,
      'PKCS#12 (.pfx/.p12) is not read; convert it: openssl pkcs12 -in cert.pfx -out cert.pem -nodes.',
    );
  }
  return { privateKeyPem: key[0], certificatePem: certs.join('\n') };
}

/** Parses the PEM now so a wrong or corrupt file fails at startup, not at the first token request. */
function parseOrFail(cert: Omit<ClientCertificateCredential, 'sendX5c'>, where: string): void {
  try {
    checkCertificate(cert);
  } catch (cause) {
    throw credentialError(
      `The certificate file(s) '${where}' do not hold a readable PEM private key and certificate.`,
      'Check that the private key path points to the key and the certificate path to the certificate, both PEM.',
      cause,
    );
  }
}

function readOrFail(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw credentialError(`The ${what} file '${path}' cannot be read.`, 'Check the path and file permissions.', cause);
  }
}

/** The certificates of a PEM file, each parsed now so a wrong file fails at startup (NIW1013). @internal */
export function trustedCaFile(path: string, key: string): string[] {
  const fail = (problem: string, cause?: unknown) =>
    AuthConfigurationError.create(
      AuthErrorCode.InvalidTrustedCa,
      problem,
      [`Point ${key} at a PEM file holding the CA certificate(s) to trust, readable by this process.`],
      cause === undefined ? undefined : { cause },
    );
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (cause) {
    throw fail(`The trusted CA file '${path}' (${key}) cannot be read.`, cause);
  }
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  try {
    for (const cert of certs) new X509Certificate(cert);
  } catch (cause) {
    throw fail(`The trusted CA file '${path}' (${key}) holds a certificate that cannot be parsed.`, cause);
  }
  if (!certs.length) throw fail(`The trusted CA file '${path}' (${key}) holds no PEM certificate.`);
  return certs;
}

/** `sendX5c` when set, for spreading into a credential. @internal */
export function x5c(sendX5c: boolean | undefined): { sendX5c?: boolean } {
  return sendX5c === undefined ? {} : { sendX5c };
}

/** A NIW1009 error naming the credential setting to fix. @internal */
export function credentialError(problem: string, solution: string, cause?: unknown): AuthConfigurationError {
  return AuthConfigurationError.create(
    AuthErrorCode.InvalidClientCredentialOption,
    problem,
    [solution],
    cause === undefined ? undefined : { cause },
  );
}

/** A setting's value as trimmed text; `undefined` when empty or not a scalar. @internal */
export function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
