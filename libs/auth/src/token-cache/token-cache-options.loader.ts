import type { ConfigurationReader } from '../configuration-key.util.js';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { AuthConfigurationError } from '../errors/auth.error.js';
import type { TokenCacheOptions } from './token-cache-options.interface.js';

/**
 * Reads the `TokenCache` section (`TokenCache__Key` environment form, or `TokenCache:Key` through a
 * `ConfigService`) for {@link loadAzureAdOptions}: `Store` (`memory` | `redis`), `Redis__Url`,
 * `Redis__KeyPrefix`, `Encryption__Keys` (base64 keys, newest first: comma/space separated, a
 * JSON array, or `Encryption__Keys__0`…), `L2TimeoutMs`. `undefined` when none is set.
 * Values are validated by `AuthModule` at bootstrap.
 * @throws AuthConfigurationError NIW1014 when `L2TimeoutMs` is not a whole number
 * @internal
 */
export function loadTokenCacheOptions(
  lookup: ConfigurationReader,
  section = 'TokenCache',
): TokenCacheOptions | undefined {
  // The one configuration reader tries `TokenCache__Key` and `TokenCache:Key`.
  const raw = (key: string): unknown => lookup(`${section}__${key}`);
  const text = (key: string): string | undefined => {
    const v = raw(key);
    return typeof v === 'string' ? v.trim() || undefined : typeof v === 'number' ? String(v) : undefined;
  };
  const keys = (): string[] | undefined => {
    const v = raw('Encryption__Keys');
    let items: unknown[] | undefined;
    if (Array.isArray(v)) items = v;
    else if (typeof v === 'string') {
      const s = v.trim();
      items = s.startsWith('[') ? (JSON.parse(s) as unknown[]) : s.split(/[\s,;]+/);
    } else {
      const indexed: unknown[] = [];
      for (let i = 0; raw(`Encryption__Keys__${i}`) !== undefined; i++) indexed.push(raw(`Encryption__Keys__${i}`));
      items = indexed.length ? indexed : undefined;
    }
    return items?.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
  };

  const options: { -readonly [K in keyof TokenCacheOptions]: TokenCacheOptions[K] } = {};
  const store = text('Store')?.toLowerCase();
  if (store !== undefined) options.store = store as 'memory' | 'redis';
  const url = text('Redis__Url');
  const keyPrefix = text('Redis__KeyPrefix');
  if (url !== undefined || keyPrefix !== undefined) {
    options.redis = { ...(url !== undefined ? { url } : {}), ...(keyPrefix !== undefined ? { keyPrefix } : {}) };
  }
  const encryptionKeys = keys();
  if (encryptionKeys !== undefined) options.encryption = { keys: encryptionKeys };
  const timeout = text('L2TimeoutMs');
  if (timeout !== undefined) {
    if (!/^\d+$/.test(timeout)) {
      throw AuthConfigurationError.create(
        AuthErrorCode.InvalidDistributedCacheOptions,
        `${section}__L2TimeoutMs must be a whole number of milliseconds.`,
        [`Set ${section}__L2TimeoutMs=50, or remove it for the default.`],
      );
    }
    options.l2TimeoutMs = Number(timeout);
  }
  return Object.keys(options).length ? options : undefined;
}
