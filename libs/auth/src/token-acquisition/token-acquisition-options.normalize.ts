import { createPrivateKey, X509Certificate } from 'node:crypto';
import { DEFAULT_AUTH_SCHEME } from '../auth.constants.js';
import type { AuthModuleOptions } from '../auth-module-options.interface.js';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { AuthConfigurationError } from '../errors/auth.error.js';
import { isTenantIdentifier } from '../tenant-id.util.js';
import {
  type DistributedCacheSettings,
  normalizeDistributedCacheOptions,
} from '../token-cache/token-cache-options.normalize.js';
import type {
  ClientAssertionCallback,
  ClientCertificateCredential,
  ClientCertificateLoader,
} from './client-credentials.interface.js';
import type { AuthorityKindSetting } from './tenant-resolution.util.js';

/** The configured credential, validated. @internal */
export type CredentialSource =
  | { readonly kind: 'secret'; readonly secret: string }
  | { readonly kind: 'certificate'; readonly load: ClientCertificateLoader }
  | { readonly kind: 'assertion'; readonly callback: ClientAssertionCallback }
  | { readonly kind: 'file'; readonly path: string };

/** Token-acquisition settings after validation, with defaults. @internal */
export interface TokenAcquisitionSettings {
  /** The scheme of this registration: on-behalf-of only for callers it validated. */
  readonly scheme: string;
  /** The token-cache key prefix: `niw:{clientId}:` (default scheme), `niw:{scheme}:{clientId}:` (named). */
  readonly cacheNamespace: string;
  readonly instance: string;
  readonly clientId: string;
  readonly tenantId: string;
  /** `b2c` refuses on-behalf-of (NIW4023); `ciam` and `b2c` refuse a tenant override (NIW4024). Default `entra`. */
  readonly authorityKind?: AuthorityKindSetting;
  readonly appHomeTenantId: string | undefined;
  readonly clientCapabilities: readonly string[];
  readonly credential: CredentialSource | undefined;
  readonly timeoutMs: number;
  readonly cache: {
    readonly maxEntries: number;
    readonly maxSizeBytes: number;
    readonly refreshMarginMs: number;
    readonly refreshAheadRatio: number;
    readonly disableL1: boolean;
    /** The L2 (`store`, `redis`, `encryption`, `l2TimeoutMs`, callbacks), validated; none when undefined. */
    readonly l2: DistributedCacheSettings | undefined;
    readonly now: () => number;
  };
}

/** @internal */
export const DEFAULT_TOKEN_CACHE = {
  maxEntries: 100_000,
  maxSizeBytes: 256 * 1024 * 1024,
  refreshMarginSeconds: 300,
  refreshAheadRatio: 0.8,
} as const;

/**
 * Validates the token-acquisition part of the options once, at bootstrap (called by
 * `normalizeAuthOptions` with the instance, tenant and client it already checked).
 * @throws AuthConfigurationError (NIW1009, NIW1010, NIW1011; NIW1014, NIW1016 for the L2)
 * @internal
 */
export function normalizeTokenAcquisitionOptions(
  options: AuthModuleOptions,
  base: Pick<TokenAcquisitionSettings, 'instance' | 'clientId' | 'tenantId' | 'authorityKind'> & {
    readonly scheme?: string;
  },
): TokenAcquisitionSettings {
  const credentials: CredentialSource[] = [];
  if (options.clientSecret !== undefined) {
    if (typeof options.clientSecret !== 'string' || !options.clientSecret) {
      throw invalidCredential('clientSecret must be a non-empty string.');
    }
    credentials.push({ kind: 'secret', secret: options.clientSecret });
  }
  if (options.clientCertificate !== undefined) {
    const cert = options.clientCertificate;
    if (typeof cert === 'function') {
      credentials.push({ kind: 'certificate', load: cert });
    } else {
      checkCertificate(cert);
      credentials.push({ kind: 'certificate', load: () => cert });
    }
  }
  if (options.clientAssertion !== undefined) {
    if (typeof options.clientAssertion !== 'function') throw invalidCredential('clientAssertion must be a function.');
    credentials.push({ kind: 'assertion', callback: options.clientAssertion });
  }
  if (options.signedAssertionFilePath !== undefined) {
    if (!options.signedAssertionFilePath) throw invalidCredential('signedAssertionFilePath is empty.');
    credentials.push({ kind: 'file', path: options.signedAssertionFilePath });
  }
  if (credentials.length > 1) {
    throw invalidCredential(
      `${credentials.length} client credentials are configured (${credentials.map((c) => c.kind).join(', ')}); configure exactly one.`,
    );
  }

  const cache = options.tokenCache ?? {};
  const maxEntries = cache.maxEntries ?? DEFAULT_TOKEN_CACHE.maxEntries;
  const maxSizeBytes = cache.maxSizeBytes ?? DEFAULT_TOKEN_CACHE.maxSizeBytes;
  const refreshMarginSeconds = cache.refreshMarginSeconds ?? DEFAULT_TOKEN_CACHE.refreshMarginSeconds;
  const refreshAheadRatio = cache.refreshAheadRatio ?? DEFAULT_TOKEN_CACHE.refreshAheadRatio;
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw invalidCache('tokenCache.maxEntries must be an integer ≥ 1.');
  if (!Number.isFinite(maxSizeBytes) || maxSizeBytes < 1) throw invalidCache('tokenCache.maxSizeBytes must be ≥ 1.');
  if (!Number.isFinite(refreshMarginSeconds) || refreshMarginSeconds < 0) {
    throw invalidCache('tokenCache.refreshMarginSeconds must be ≥ 0.');
  }
  if (!(refreshAheadRatio > 0 && refreshAheadRatio <= 1)) {
    throw invalidCache('tokenCache.refreshAheadRatio must be in (0, 1].');
  }
  const capabilities: unknown = options.clientCapabilities ?? ['cp1'];
  // A bare 'cp1' would otherwise be spread into ['c', 'p', '1'].
  if (!Array.isArray(capabilities) || !capabilities.every((c) => typeof c === 'string' && /^\S+$/.test(c))) {
    throw invalidOption('clientCapabilities must be an array of capability names, e.g. ["cp1"].', [
      "Leave it unset for the default ['cp1'] (continuous access evaluation), or pass [] to declare none.",
    ]);
  }
  const appHomeTenantId: unknown = options.appHomeTenantId;
  if (
    appHomeTenantId !== undefined &&
    (typeof appHomeTenantId !== 'string' ||
      (appHomeTenantId.trim() !== '' && !isTenantIdentifier(appHomeTenantId.trim())))
  ) {
    throw invalidOption('appHomeTenantId is malformed.', [
      'Set AzureAd__AppHomeTenantId to the tenant ID (GUID) or a verified domain of the app registration.',
    ]);
  }
  const timeoutMs = options.tokenRequestTimeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw invalidCache('tokenRequestTimeoutMs must be > 0.');

  const scheme = base.scheme ?? DEFAULT_AUTH_SCHEME;
  return {
    scheme,
    cacheNamespace: scheme === DEFAULT_AUTH_SCHEME ? `niw:${base.clientId}:` : `niw:${scheme}:${base.clientId}:`,
    instance: base.instance,
    clientId: base.clientId,
    tenantId: base.tenantId,
    ...(base.authorityKind ? { authorityKind: base.authorityKind } : {}),
    appHomeTenantId: appHomeTenantId?.trim() || undefined,
    clientCapabilities: [...(capabilities as string[])],
    credential: credentials[0],
    timeoutMs,
    cache: {
      maxEntries,
      maxSizeBytes,
      refreshMarginMs: refreshMarginSeconds * 1000,
      refreshAheadRatio,
      disableL1: cache.disableL1 ?? false,
      l2: normalizeDistributedCacheOptions(options.tokenCache),
      now: cache.now ?? Date.now,
    },
  };
}

/** Fails fast on a PEM that cannot be parsed. Never echoes the PEM. @internal */
export function checkCertificate(cert: ClientCertificateCredential): void {
  try {
    createPrivateKey(cert.privateKeyPem);
  } catch (cause) {
    throw invalidCredential('clientCertificate.privateKeyPem is not a readable PEM private key.', cause);
  }
  try {
    new X509Certificate(cert.certificatePem);
  } catch (cause) {
    throw invalidCredential('clientCertificate.certificatePem is not a readable PEM certificate.', cause);
  }
}

function invalidCredential(problem: string, cause?: unknown): AuthConfigurationError {
  return AuthConfigurationError.create(
    AuthErrorCode.InvalidClientCredentialOption,
    problem,
    [
      'Configure exactly one of clientSecret, clientCertificate, clientAssertion or signedAssertionFilePath.',
      'A certificate needs privateKeyPem and certificatePem in PEM form (-----BEGIN ...-----).',
    ],
    cause === undefined ? undefined : { cause },
  );
}

function invalidOption(problem: string, solutions: string[]): AuthConfigurationError {
  return AuthConfigurationError.create(AuthErrorCode.InvalidTokenAcquisitionOption, problem, solutions);
}

function invalidCache(problem: string): AuthConfigurationError {
  return AuthConfigurationError.create(AuthErrorCode.InvalidTokenCacheOptions, problem, [
    'Fix the value or remove it to use the default.',
  ]);
}
