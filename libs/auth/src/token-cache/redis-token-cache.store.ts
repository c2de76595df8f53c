import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { AuthConfigurationError } from '../errors/auth.error.js';
import type { TokenCacheStore } from './token-cache-store.interface.js';

/**
 * The part of a Redis client the store uses: ioredis' command signatures. An ioredis `Redis` or
 * `Cluster`, and an iovalkey client, fit as they are.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const client: RedisTokenCacheClient = new Redis('redis://127.0.0.1:6379', { enableOfflineQueue: false });
 * ```
 */
export interface RedisTokenCacheClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, millisecondsToken: 'PX', milliseconds: number): Promise<unknown>;
  del(key: string): Promise<number>;
  /** Closes the connection gracefully (only called on clients the store created). */
  quit?(): Promise<unknown>;
  /** Closes the connection at once and stops reconnecting (only called on clients the store created). */
  disconnect?(): void;
}

/**
 * Options of {@link RedisTokenCacheStore}.
 *
 * @example
 * ```ts
 * const options: RedisTokenCacheStoreOptions = { client: new Redis(), keyPrefix: 'my-api:' };
 * ```
 */
export interface RedisTokenCacheStoreOptions {
  /** The client to use; you keep ownership (the store never closes it). */
  readonly client: RedisTokenCacheClient;
  /** Prepended to every key. Must not contain `{` or `}` (see the class notes on Cluster). @default '' */
  readonly keyPrefix?: string;
}

/**
 * A {@link TokenCacheStore} on Redis (or Valkey): one string key per token, written with
 * `SET key value PX <ms>` so that Redis drops the entry when the token can no longer be handed out;
 * on-behalf-of entries cannot pile up. Only single-key commands are used (`GET`, `SET`, `DEL`), so
 * it works unchanged on Redis Cluster: no two keys ever need to share a slot, hence no hash tag.
 * Braces in a key are percent-encoded and refused in the prefix, so an accidental hash tag can never
 * pin every entry to one slot.
 *
 * Prefer `tokenCache: { store: 'redis', redis: { url } }`: the module then adds the L2 timeout,
 * failure windows and optional encryption around this store. Build it yourself to pass a custom
 * client (a Cluster, TLS options, Sentinel).
 *
 * @example
 * ```ts
 * import { Cluster } from 'ioredis';
 * const cluster = new Cluster([{ host: '127.0.0.1', port: 7000 }], { enableOfflineQueue: false });
 * AuthModule.forRoot({ ...options, tokenCache: { store: new RedisTokenCacheStore({ client: cluster, keyPrefix: 'my-api:' }) } });
 * ```
 * @see https://redis.io/docs/latest/commands/set/
 */
export class RedisTokenCacheStore implements TokenCacheStore {
  private readonly client: RedisTokenCacheClient;
  private readonly keyPrefix: string;
  private ownsClient = false;

  constructor(options: RedisTokenCacheStoreOptions) {
    this.client = options.client;
    this.keyPrefix = options.keyPrefix ?? '';
    if (/[{}]/.test(this.keyPrefix)) {
      throw AuthConfigurationError.create(
        AuthErrorCode.InvalidDistributedCacheOptions,
        'tokenCache.redis.keyPrefix must not contain "{" or "}".',
        ['A hash tag in the prefix would put every token in one Redis Cluster slot; use e.g. "my-api:".'],
      );
    }
  }

  /**
   * Creates the store over a new `ioredis` client for `url`, tuned for a cache: commands fail at
   * once while disconnected (no offline queue), reconnection runs in the background forever
   * (100 ms → 2 s backoff), and connection errors are reported to `onError` instead of the console.
   * The store owns that client: {@link close} quits it.
   *
   * @example
   * ```ts
   * const store = await RedisTokenCacheStore.fromUrl('redis://127.0.0.1:6379', { keyPrefix: 'my-api:' });
   * ```
   * @throws AuthConfigurationError NIW1015 when `ioredis` is not installed
   */
  static async fromUrl(
    url: string,
    options: {
      readonly keyPrefix?: string;
      readonly onError?: (error: Error) => void;
      /** Longest wait for the first connection. @default 1000 */
      readonly readyTimeoutMs?: number;
    } = {},
  ): Promise<RedisTokenCacheStore> {
    let Redis: typeof import('ioredis').Redis;
    try {
      // Loaded only when Redis is chosen: ioredis is an optional peer dependency.
      ({ Redis } = await import('ioredis'));
    } catch (cause) {
      throw AuthConfigurationError.create(
        AuthErrorCode.RedisClientUnavailable,
        "tokenCache.store is 'redis' but the optional peer dependency 'ioredis' is not installed.",
        ['npm install ioredis', 'Or pass your own client: tokenCache.redis.client (ioredis, iovalkey or a Cluster).'],
        { cause },
      );
    }
    const client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      // Our own L2 timeout answers the caller; this one only clears commands a hung server never answers.
      commandTimeout: 2_000,
      retryStrategy: (attempt: number) => Math.min(attempt * 100, 2_000),
      lazyConnect: false,
    });
    // Without a listener ioredis prints every connection error; the L2 monitor counts them instead.
    client.on('error', (error: Error) => options.onError?.(error));
    // Without an offline queue, commands sent before the connection is ready fail; give the first
    // connection a moment so that a normal start does not begin with an outage window. A Redis that
    // is down delays bootstrap by this much at most, and never fails it.
    await waitUntilReady(client, options.readyTimeoutMs ?? 1_000);
    const store = new RedisTokenCacheStore({ client, keyPrefix: options.keyPrefix });
    store.ownsClient = true;
    return store;
  }

  /** The value under `key`, or `undefined`. */
  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(this.redisKey(key))) ?? undefined;
  }

  /** `SET key value PX ttl`: `ttlMs` when given (exact), else `ttlSeconds`. */
  async set(key: string, value: string, ttlSeconds: number, ttlMs?: number): Promise<void> {
    const px = Math.max(1, Math.round(ttlMs ?? ttlSeconds * 1000));
    await this.client.set(this.redisKey(key), value, 'PX', px);
  }

  /** `DEL key`. */
  async delete(key: string): Promise<void> {
    await this.client.del(this.redisKey(key));
  }

  /** Quits the client if this store created it ({@link fromUrl}); otherwise does nothing. */
  async close(): Promise<void> {
    if (!this.ownsClient) return;
    this.ownsClient = false;
    let timer: NodeJS.Timeout | undefined;
    try {
      // QUIT waits for the server; a down or hung server must not hold up shutdown.
      await Promise.race([
        this.client.quit?.(),
        new Promise((resolve) => {
          timer = setTimeout(resolve, 500);
        }),
      ]);
    } catch {
      // Already disconnected: nothing left to close.
    } finally {
      clearTimeout(timer);
      this.client.disconnect?.();
    }
  }

  /** The Redis key: prefix + key, with `%`, `{` and `}` percent-encoded (injective, no hash tag). */
  redisKey(key: string): string {
    if (!/[%{}]/.test(key)) return this.keyPrefix + key;
    return this.keyPrefix + key.replace(/[%{}]/g, (c) => (c === '%' ? '%25' : c === '{' ? '%7B' : '%7D'));
  }
}

function waitUntilReady(
  client: {
    status: string;
    once(event: 'ready', listener: () => void): unknown;
    off(event: 'ready', listener: () => void): unknown;
  },
  timeoutMs: number,
): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('ready', done);
  });
}
