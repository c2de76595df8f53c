import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { AuthConfigurationError } from '../errors/auth.error.js';
import type { L2FailureEvent, L2RecoveredEvent } from './l2-events.types.js';
import { RedisTokenCacheStore } from './redis-token-cache.store.js';
import { type TokenCacheEncryptionKey, TokenCacheEncryption } from './token-cache-encryption.js';
import type { TokenCacheOptions } from './token-cache-options.interface.js';
import type { TokenCacheStore } from './token-cache-store.interface.js';

/** L2 settings after validation, with defaults. @internal */
export interface DistributedCacheSettings {
  /** The store to use, unless `redisUrl` is set (then the store is created at bootstrap). */
  readonly store: TokenCacheStore | undefined;
  readonly redisUrl: string | undefined;
  readonly keyPrefix: string;
  /** Decoded keys, the encrypting one first; empty means no encryption. */
  readonly encryptionKeys: readonly TokenCacheEncryptionKey[];
  readonly timeoutMs: number;
  readonly probeIntervalMs: number;
  readonly onFailure: ((event: L2FailureEvent) => void) | undefined;
  readonly onRecovered: ((event: L2RecoveredEvent) => void) | undefined;
}

/** @internal */
export const DEFAULT_L2 = {
  timeoutMs: 50,
  probeIntervalMs: 1_000,
} as const;

/**
 * Validates the L2 part of `tokenCache` (store, redis, encryption, timeout, callbacks) once, at
 * bootstrap. `undefined` when there is no L2.
 * @throws AuthConfigurationError NIW1014 (store, redis, timeout, callbacks), NIW1016 (keys)
 * @internal
 */
export function normalizeDistributedCacheOptions(
  cache: TokenCacheOptions | undefined,
): DistributedCacheSettings | undefined {
  const options: TokenCacheOptions = cache ?? {};
  const store: unknown = options.store ?? (options.redis !== undefined ? 'redis' : 'memory');
  if (store === 'memory') {
    if (options.redis !== undefined) {
      throw invalid("tokenCache.redis is set but tokenCache.store is 'memory'.", [
        "Set tokenCache.store to 'redis' (or remove it), or remove tokenCache.redis.",
      ]);
    }
    if (options.encryption !== undefined) {
      throw invalid('tokenCache.encryption applies to an L2 store, and none is configured.', [
        "Set tokenCache.store to 'redis' with tokenCache.redis.url, or to your own TokenCacheStore.",
      ]);
    }
    return undefined;
  }

  let resolved: TokenCacheStore | undefined;
  let redisUrl: string | undefined;
  const keyPrefix = checkKeyPrefix(options.redis?.keyPrefix);
  if (store === 'redis') {
    const redis = options.redis;
    const hasUrl = redis?.url !== undefined;
    const hasClient = redis?.client !== undefined;
    if (hasUrl === hasClient) {
      throw invalid(
        hasUrl
          ? 'tokenCache.redis has both url and client; configure one.'
          : "tokenCache.store is 'redis' but tokenCache.redis has neither url nor client.",
        ['Set TokenCache__Redis__Url (or tokenCache.redis.url), e.g. redis://127.0.0.1:6379.'],
      );
    }
    if (hasUrl) redisUrl = checkUrl(redis.url);
    else {
      const client: unknown = redis!.client;
      if (!hasMethods(client, ['get', 'set', 'del'])) {
        throw invalid('tokenCache.redis.client has no get/set/del methods.', [
          'Pass an ioredis client (new Redis(...)), an ioredis Cluster or an iovalkey client.',
        ]);
      }
      resolved = new RedisTokenCacheStore({ client: redis!.client!, keyPrefix });
    }
  } else if (hasMethods(store, ['get', 'set', 'delete'])) {
    if (options.redis !== undefined) {
      throw invalid('tokenCache.redis is set together with a custom tokenCache.store.', [
        'Remove tokenCache.redis, or set tokenCache.store to "redis".',
      ]);
    }
    resolved = store as TokenCacheStore;
  } else {
    throw invalid(`tokenCache.store must be 'memory', 'redis' or a TokenCacheStore; got ${describe(store)}.`, [
      "Use 'redis' with tokenCache.redis.url, or an object with get, set and delete methods.",
    ]);
  }

  const timeoutMs = options.l2TimeoutMs ?? DEFAULT_L2.timeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 10_000) {
    throw invalid('tokenCache.l2TimeoutMs must be a whole number of milliseconds between 1 and 10000.', [
      'Keep it short (the default is 50): it bounds what a slow or hung store adds to a request.',
    ]);
  }
  for (const name of ['onL2Failure', 'onL2Recovered'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw invalid(`tokenCache.${name} must be a function.`, ['Pass a callback, e.g. (event) => logger.warn(event).']);
    }
  }
  return {
    store: resolved,
    redisUrl,
    keyPrefix,
    encryptionKeys: options.encryption === undefined ? [] : decodeKeys(options.encryption.keys),
    timeoutMs,
    probeIntervalMs: DEFAULT_L2.probeIntervalMs,
    onFailure: options.onL2Failure,
    onRecovered: options.onL2Recovered,
  };
}

function checkKeyPrefix(prefix: unknown): string {
  if (prefix === undefined) return '';
  if (typeof prefix !== 'string' || prefix.length > 128 || /[{}\s]/.test(prefix)) {
    throw invalid('tokenCache.redis.keyPrefix must be a string of at most 128 characters without "{", "}" or spaces.', [
      'Use something like "my-api:". A hash tag in the prefix would put every token in one Redis Cluster slot.',
    ]);
  }
  return prefix;
}

function checkUrl(url: unknown): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || !parsed.hostname) {
    // The URL may hold a password: never echo it.
    throw invalid('tokenCache.redis.url is not a redis:// or rediss:// URL.', [
      'Use redis://host:6379, redis://:password@host:6379/0, or rediss://host:6380 for TLS.',
    ]);
  }
  return url as string;
}

function decodeKeys(keys: unknown): TokenCacheEncryptionKey[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw badKeys('tokenCache.encryption.keys must be a non-empty list of 256-bit keys.');
  }
  const decoded: TokenCacheEncryptionKey[] = [];
  keys.forEach((k: unknown, i) => {
    let key: Buffer | undefined;
    if (typeof k === 'string' && /^[A-Za-z0-9+/_-]+={0,2}$/.test(k.trim())) key = Buffer.from(k.trim(), 'base64');
    else if (k instanceof Uint8Array) key = Buffer.from(k);
    // Never echo the key: only its position and its length.
    if (key?.length !== 32) {
      throw badKeys(
        `tokenCache.encryption.keys[${i}] is not a 256-bit key (${key ? `${key.length} bytes` : 'not base64'}).`,
      );
    }
    const id = TokenCacheEncryption.keyId(key);
    if (decoded.some((d) => d.id === id)) throw badKeys(`tokenCache.encryption.keys[${i}] repeats an earlier key.`);
    decoded.push({ id, key });
  });
  return decoded;
}

function hasMethods(value: unknown, names: readonly string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    names.every((n) => typeof (value as Record<string, unknown>)[n] === 'function')
  );
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value.slice(0, 40)}'` : typeof value;
}

function invalid(problem: string, solutions: string[]): AuthConfigurationError {
  return AuthConfigurationError.create(AuthErrorCode.InvalidDistributedCacheOptions, problem, solutions);
}

function badKeys(problem: string): AuthConfigurationError {
  return AuthConfigurationError.create(AuthErrorCode.InvalidTokenCacheEncryptionKeys, problem, [
    'Generate a key with `openssl rand -base64 32` and set TokenCache__Encryption__Keys (comma-separated, newest first).',
    'During a rotation keep the old key after the new one until the tokens it encrypted have expired.',
  ]);
}
