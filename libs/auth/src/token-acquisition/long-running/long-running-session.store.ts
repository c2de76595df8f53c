import { hash, randomBytes } from 'node:crypto';
import { AuthErrorCode } from '../../errors/auth-error-codes.js';
import { LongRunningSessionError } from '../../errors/long-running-session.error.js';
import type { TokenCacheStore } from '../../token-cache/token-cache-store.interface.js';

/** Session keys start with this prefix, so that a leaked key is recognisable in a secret scanner. */
const KEY_PREFIX = 'lrs_';
/** 32 random bytes (256 bits) → 43 base64url characters. */
const KEY_PATTERN = /^lrs_[A-Za-z0-9_-]{43}$/;

/**
 * What the store keeps per session. Bound to the app (`clientId`), the user (`oid`, `tid`), the
 * tenant the tokens are requested in, and the scopes. Holds the refresh token: the store must be
 * protected like a secret store (and encrypted when the cache's encryption is on, which wraps the
 * store).
 * @internal
 */
export interface LongRunningSessionRecord {
  readonly v: 1;
  readonly clientId: string;
  readonly oid: string;
  readonly tid: string;
  readonly tenant: string;
  readonly scopes: readonly string[];
  readonly refreshToken: string;
  /** Epoch ms (the cache's clock). */
  readonly createdAt: number;
  /** Epoch ms after which the session is over (`createdAt` + `maxAgeSeconds`). */
  readonly expiresAt: number;
}

/** A new session key: 256 bits from the CSPRNG. @internal */
export function newSessionKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * base64url(SHA-256(key)): the store and cache partition of a session. A store dump therefore holds
 * no usable key. `undefined` when `key` is not shaped like a session key (nothing to look up).
 * @internal
 */
export function hashSessionKey(key: unknown): string | undefined {
  return typeof key === 'string' && KEY_PATTERN.test(key) ? hash('sha256', key, 'base64url') : undefined;
}

/**
 * The in-process store of sessions when no `tokenCache.store` is configured: one Map (O(1)), with
 * expired entries dropped when read and swept every 1 000 writes.
 * @internal
 */
export class InProcessSessionStore implements TokenCacheStore {
  private readonly map = new Map<string, { value: string; expiresAt: number }>();
  private writes = 0;

  constructor(private readonly now: () => number) {}

  get(key: string): Promise<string | undefined> {
    const e = this.map.get(key);
    if (e && e.expiresAt <= this.now()) this.map.delete(key);
    return Promise.resolve(e && e.expiresAt > this.now() ? e.value : undefined);
  }

  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (++this.writes % 1000 === 0) this.sweep();
    this.map.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.map.delete(key);
    return Promise.resolve();
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, e] of this.map) if (e.expiresAt <= now) this.map.delete(k);
  }
}

/**
 * Session records in a {@link TokenCacheStore} (the configured L2, shared by replicas and workers,
 * or an in-process one), under `<namespace>lrs:<hash of the key>`. Store errors are thrown as
 * `NIW4018` (retryable) rather than read as "no session", which would end a job for nothing.
 * @internal
 */
export class LongRunningSessionStore {
  constructor(
    private readonly store: TokenCacheStore,
    private readonly namespace: string,
    private readonly now: () => number,
  ) {}

  async get(keyHash: string): Promise<LongRunningSessionRecord | undefined> {
    let value: string | undefined;
    try {
      value = await this.store.get(this.storeKey(keyHash));
    } catch (cause) {
      throw storeFailed('read', cause);
    }
    return value === undefined ? undefined : parseRecord(value);
  }

  async set(keyHash: string, record: LongRunningSessionRecord): Promise<void> {
    const ttlSeconds = Math.max(1, Math.ceil((record.expiresAt - this.now()) / 1000));
    try {
      await this.store.set(this.storeKey(keyHash), JSON.stringify(record), ttlSeconds);
    } catch (cause) {
      throw storeFailed('write', cause);
    }
  }

  async delete(keyHash: string): Promise<void> {
    try {
      await this.store.delete(this.storeKey(keyHash));
    } catch (cause) {
      throw storeFailed('delete', cause);
    }
  }

  private storeKey(keyHash: string): string {
    return `${this.namespace}lrs:${keyHash}`;
  }
}

function parseRecord(value: string): LongRunningSessionRecord | undefined {
  try {
    const r = JSON.parse(value) as Partial<LongRunningSessionRecord>;
    if (
      r.v === 1 &&
      typeof r.clientId === 'string' &&
      typeof r.oid === 'string' &&
      typeof r.tid === 'string' &&
      typeof r.tenant === 'string' &&
      Array.isArray(r.scopes) &&
      typeof r.refreshToken === 'string' &&
      typeof r.createdAt === 'number' &&
      typeof r.expiresAt === 'number'
    ) {
      return r as LongRunningSessionRecord;
    }
  } catch {
    // A corrupt or foreign value is no session.
  }
  return undefined;
}

function storeFailed(what: string, cause: unknown): LongRunningSessionError {
  const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : 'unknown error';
  return LongRunningSessionError.create(
    AuthErrorCode.LongRunningSessionStoreFailed,
    `The long-running session store failed to ${what} a session (${reason}).`,
    ['Check the token cache store (e.g. Redis) and retry the job later: the session is not lost.'],
    { flow: 'onBehalfOf' },
    { cause },
  );
}
