import { Logger } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import type { MyApiConfig } from '../config/my-api.config.js';

/** Where export jobs live when my-api's token cache uses Redis: the same server, prefix and keys. */
export interface ExportQueueSettings {
  readonly url: string;
  readonly keyPrefix: string;
  readonly encryptionKeys: readonly (string | Uint8Array)[];
}

/**
 * The export queue's settings, read from the token cache's (`TokenCache__Redis__Url`,
 * `TokenCache__Redis__KeyPrefix`, `TokenCache__Encryption__Keys`), or `undefined` without a Redis URL
 * (then exports run in process).
 */
export function exportQueueSettings(config: MyApiConfig): ExportQueueSettings | undefined {
  const cache = config.azureAd.tokenCache;
  const url = cache?.redis?.url;
  if (!url) return undefined;
  return { url, keyPrefix: cache.redis?.keyPrefix ?? '', encryptionKeys: cache.encryption?.keys ?? [] };
}

/**
 * An ioredis client for the export queue. `ioredis` is loaded only here, so my-api runs without it
 * when Redis is not configured. `blocking: true` is for `BLMOVE`: commands wait through reconnects.
 * Otherwise commands fail at once while Redis is down (the caller answers 503 or backs off).
 */
export async function connectExportRedis(url: string, { blocking = false } = {}): Promise<Redis> {
  const { Redis: RedisClient } = await import('ioredis');
  const options: RedisOptions = blocking
    ? { lazyConnect: true, maxRetriesPerRequest: null }
    : { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 };
  const client = new RedisClient(url, {
    ...options,
    retryStrategy: (times) => Math.min(100 * 2 ** times, 2_000),
  });
  const logger = new Logger('TodoListExport');
  let warned = false;
  // The message only: an ioredis error can carry the URL, and with it a password.
  client.on('error', (e: Error) => {
    if (!warned) logger.warn({ event: 'export_queue_unavailable', reason: e.name });
    warned = true;
  });
  client.on('ready', () => (warned = false));
  // Wait at most 1 s for the first connection; a Redis that is down now does not stop the start.
  await Promise.race([client.connect().catch(() => undefined), new Promise((r) => setTimeout(r, 1_000).unref())]);
  return client;
}
