import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { MyApiConfig } from '../config/my-api.config.js';
import { connectExportRedis, type ExportQueueSettings, exportQueueSettings } from './export-redis.js';
import { InProcessExportJobs } from './in-process-export-jobs.js';
import { RedisExportQueue } from './redis-export-queue.js';
import { SessionKeySealer } from './session-key-sealer.js';
import { TodoListExportRunner } from './todolist-export.runner.js';
import { ExportJobs } from './todolist-export.types.js';

/** Injection tokens of the export queue's Redis client and settings. */
export const EXPORT_REDIS = Symbol('EXPORT_REDIS');
export const EXPORT_QUEUE_SETTINGS = Symbol('EXPORT_QUEUE_SETTINGS');

/** Closes the export queue's Redis client when the application stops. */
@Injectable()
export class ExportRedisCloser implements OnApplicationShutdown {
  constructor(@Inject(EXPORT_REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The Redis queue's providers: the client, the queue (as `ExportJobs` and `RedisExportQueue`), its closer. */
export function redisExportProviders(settings: ExportQueueSettings): Provider[] {
  return [
    { provide: EXPORT_QUEUE_SETTINGS, useValue: settings },
    { provide: EXPORT_REDIS, useFactory: () => connectExportRedis(settings.url) },
    {
      provide: RedisExportQueue,
      inject: [EXPORT_REDIS],
      useFactory: (redis: Redis) =>
        new RedisExportQueue(redis, new SessionKeySealer(settings.encryptionKeys), settings.keyPrefix),
    },
    { provide: ExportJobs, useExisting: RedisExportQueue },
    ExportRedisCloser,
  ];
}

/**
 * my-api's export jobs: a Redis queue consumed by the export worker process when the token cache
 * uses Redis, in process otherwise.
 */
export function exportProviders(config: MyApiConfig): Provider[] {
  const settings = exportQueueSettings(config);
  return [
    TodoListExportRunner,
    ...(settings ? redisExportProviders(settings) : [{ provide: ExportJobs, useClass: InProcessExportJobs }]),
  ];
}
