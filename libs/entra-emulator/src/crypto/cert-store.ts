import { X509Certificate } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generate } from 'selfsigned';

/**
 * TLS material of the emulator: a local CA and a leaf for 127.0.0.1/localhost signed by it.
 * @internal
 */
export interface TlsMaterial {
  readonly caCertPem: string;
  readonly caKeyPem: string;
  readonly leafCertPem: string;
  readonly leafKeyPem: string;
}

/** A token-signing key with its self-signed certificate (for `x5t` and `x5c`). @internal */
export interface SigningKeyMaterial {
  readonly privateKeyPem: string;
  readonly certificatePem: string;
}

/** @internal */
export interface CertStore {
  readonly dir: string;
  readonly tls: TlsMaterial;
  /** Cached signing keys: the first is active at start, the others are spares used by rotation. */
  readonly signingKeys: readonly SigningKeyMaterial[];
  readonly caCertPath: string;
  readonly caBundlePath: string;
}

const TLS_FILE = 'tls.json';
const KEYS_FILE = 'signing-keys.json';
const SPARE_SIGNING_KEYS = 3;
const DAY_MS = 86_400_000;

/**
 * Environment variable that pins the certificate folder (CLI `--cert-dir` and the `certDir` option
 * win over it).
 * @internal
 */
export const CERT_DIR_ENV = 'ENTRA_EMULATOR_CERT_DIR';

/** Where {@link defaultCertDir} looks: injectable for tests. @internal */
export interface CertDirEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly home: string;
  readonly tmp: string;
  readonly uid: number | undefined;
}

function currentEnvironment(): CertDirEnvironment {
  let home = '';
  try {
    home = homedir();
  } catch {
    // no home directory (some containers): the temp folder is used
  }
  return { env: process.env, platform: process.platform, home, tmp: tmpdir(), uid: process.getuid?.() };
}

/**
 * The per-user cache folder of the emulator, never inside a project: `$ENTRA_EMULATOR_CERT_DIR`
 * when set, else `$XDG_CACHE_HOME` or `~/.cache` (Linux), `~/Library/Caches` (macOS) or
 * `%LOCALAPPDATA%` (Windows), followed by `nest-identity-web/entra-emulator`; without a home
 * folder, `<temp>/nest-identity-web-entra-emulator-<uid>`.
 * @internal
 */
export function userCertDir(e: CertDirEnvironment = currentEnvironment()): string {
  const pinned = e.env[CERT_DIR_ENV]?.trim();
  if (pinned) return resolve(pinned);
  const sub = join('nest-identity-web', 'entra-emulator');
  if (e.platform === 'win32' && e.env['LOCALAPPDATA']) return join(e.env['LOCALAPPDATA'], sub);
  if (e.home) {
    if (e.platform === 'darwin') return join(e.home, 'Library', 'Caches', sub);
    const xdg = e.env['XDG_CACHE_HOME']?.trim();
    // XDG: a relative XDG_CACHE_HOME is invalid and must be ignored.
    return join(xdg && xdg.startsWith('/') ? xdg : join(e.home, '.cache'), sub);
  }
  return tempCertDir(e);
}

function tempCertDir(e: CertDirEnvironment): string {
  return join(e.tmp, `nest-identity-web-entra-emulator-${e.uid ?? 'user'}`);
}

/**
 * The certificate folder used when none is given: {@link userCertDir}, or the temp folder when that
 * cannot be created or written (a read-only home). Creates the folder.
 * @internal
 */
export function defaultCertDir(e: CertDirEnvironment = currentEnvironment()): string {
  const dir = userCertDir(e);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
    return dir;
  } catch (cause) {
    // A pinned folder that cannot be used is an error, not a silent fallback.
    if (e.env[CERT_DIR_ENV]?.trim()) throw cause;
    return tempCertDir(e);
  }
}

function tmpName(file: string): string {
  return `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
}

/** Creates `file` with `content` only if it does not exist yet (atomic; first writer wins). */
function createExclusive(file: string, content: string): void {
  const tmp = tmpName(file);
  writeFileSync(tmp, content, { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Replaces `file` atomically. */
function replaceAtomic(file: string, content: string, mode = 0o600): void {
  const tmp = tmpName(file);
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, file);
}

function validFor(certPem: string, ms: number): boolean {
  try {
    return new Date(new X509Certificate(certPem).validTo).getTime() > Date.now() + ms;
  } catch {
    return false;
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function createCa(): Promise<{ cert: string; key: string }> {
  const now = new Date(Date.now() - DAY_MS);
  const r = await generate([{ name: 'commonName', value: 'Entra Emulator Local CA' }], {
    algorithm: 'sha256',
    keySize: 2048,
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 3650 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: r.cert, key: r.private };
}

async function createLeaf(ca: { cert: string; key: string }): Promise<{ cert: string; key: string }> {
  const now = new Date(Date.now() - DAY_MS);
  const r = await generate([{ name: 'commonName', value: 'localhost' }], {
    algorithm: 'sha256',
    keySize: 2048,
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 730 * DAY_MS),
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: r.cert, key: r.private };
}

/**
 * Generates a token-signing key (RSA 2048) with a self-signed certificate.
 * @internal
 */
export async function createSigningKey(): Promise<SigningKeyMaterial> {
  const now = new Date(Date.now() - DAY_MS);
  const r = await generate([{ name: 'commonName', value: 'Entra Emulator token signing' }], {
    algorithm: 'sha256',
    keySize: 2048,
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 3650 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
    ],
  });
  return { privateKeyPem: r.private, certificatePem: r.cert };
}

/**
 * Generates an RSA client certificate (self-signed) for client assertions.
 * @internal
 */
export async function createClientCertificateMaterial(
  commonName: string,
): Promise<{ privateKeyPem: string; certificatePem: string }> {
  const now = new Date(Date.now() - DAY_MS);
  const r = await generate([{ name: 'commonName', value: commonName }], {
    algorithm: 'sha256',
    keySize: 2048,
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 365 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return { privateKeyPem: r.private, certificatePem: r.cert };
}

/**
 * Loads the CA, the TLS leaf and the signing keys from `dir`, creating what is missing or about to
 * expire. Safe when several processes start at once: files are created with an exclusive link, so
 * every process ends up using the first writer's material.
 * @internal
 */
export async function loadCertStore(dir: string): Promise<CertStore> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tlsFile = join(dir, TLS_FILE);
  let tls = readJson<TlsMaterial>(tlsFile);
  if (!tls || !validFor(tls.caCertPem, 30 * DAY_MS)) {
    const ca = await createCa();
    const leaf = await createLeaf(ca);
    const created: TlsMaterial = { caCertPem: ca.cert, caKeyPem: ca.key, leafCertPem: leaf.cert, leafKeyPem: leaf.key };
    if (tls) replaceAtomic(tlsFile, JSON.stringify(created));
    else createExclusive(tlsFile, JSON.stringify(created));
    tls = readJson<TlsMaterial>(tlsFile) ?? created;
  } else if (!validFor(tls.leafCertPem, DAY_MS)) {
    const leaf = await createLeaf({ cert: tls.caCertPem, key: tls.caKeyPem });
    tls = { ...tls, leafCertPem: leaf.cert, leafKeyPem: leaf.key };
    replaceAtomic(tlsFile, JSON.stringify(tls));
  }

  const keysFile = join(dir, KEYS_FILE);
  let keys = readJson<SigningKeyMaterial[]>(keysFile);
  if (
    !Array.isArray(keys) ||
    keys.length < SPARE_SIGNING_KEYS ||
    !keys.every((k) => validFor(k.certificatePem, DAY_MS))
  ) {
    const created = await Promise.all(Array.from({ length: SPARE_SIGNING_KEYS }, () => createSigningKey()));
    if (Array.isArray(keys)) replaceAtomic(keysFile, JSON.stringify(created));
    else createExclusive(keysFile, JSON.stringify(created));
    keys = readJson<SigningKeyMaterial[]>(keysFile) ?? created;
  }

  const caCertPath = join(dir, 'ca.pem');
  if (!existsSync(caCertPath) || readFileSync(caCertPath, 'utf8') !== tls.caCertPem) {
    replaceAtomic(caCertPath, tls.caCertPem, 0o644);
  }
  const caBundlePath = join(dir, 'ca-bundle.pem');
  replaceAtomic(caBundlePath, caBundle(tls.caCertPem, caBundlePath), 0o644);
  return { dir, tls, signingKeys: keys, caCertPath, caBundlePath };
}

/** The emulator CA plus the bundle NODE_EXTRA_CA_CERTS points at (Node reads only one file). */
function caBundle(caCertPem: string, bundlePath: string): string {
  const extra = process.env['NODE_EXTRA_CA_CERTS'];
  let existing = '';
  // When NODE_EXTRA_CA_CERTS already points at this bundle, it already holds the system roots.
  if (extra || existsSync(bundlePath)) {
    try {
      existing = readFileSync(extra ?? bundlePath, 'utf8');
    } catch {
      existing = '';
    }
  }
  const ours = caCertPem.trim();
  return existing.includes(ours) ? existing : `${existing.trim() ? `${existing.trim()}\n` : ''}${ours}\n`;
}
