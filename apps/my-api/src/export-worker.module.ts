import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from 'nest-identity-web';
import { MY_API_CONFIG } from './config/my-api.constants.js';
import type { MyApiConfig } from './config/my-api.config.js';
import { DownstreamHttpClient } from './downstream/downstream-http.client.js';
import { exportQueueSettings } from './export/export-redis.js';
import { ExportWorker } from './export/export-worker.service.js';
import { redisExportProviders } from './export/export.providers.js';
import { TodoListExportRunner } from './export/todolist-export.runner.js';

/**
 * Root module of my-api's export worker: a process without HTTP that consumes the export jobs my-api
 * queues in Redis. It imports `AuthModule` with my-api's settings (same client id and credential,
 * same Redis token cache, prefix and encryption keys), so it can resume the long-running sessions
 * my-api started.
 *
 * @example
 * ```ts
 * const worker = await NestFactory.createApplicationContext(ExportWorkerModule.forRoot(loadMyApiConfig()));
 * worker.enableShutdownHooks();
 * ```
 */
@Module({})
export class ExportWorkerModule {
  static forRoot(config: MyApiConfig): DynamicModule {
    const settings = exportQueueSettings(config);
    if (!settings) {
      throw new Error(
        'The export worker needs Redis: set TokenCache__Redis__Url (and the same TokenCache__Redis__KeyPrefix and TokenCache__Encryption__Keys as my-api). Without Redis, my-api runs exports in process.',
      );
    }
    return {
      module: ExportWorkerModule,
      imports: [AuthModule.forRoot(config.azureAd)],
      providers: [
        { provide: MY_API_CONFIG, useValue: config },
        DownstreamHttpClient,
        TodoListExportRunner,
        ...redisExportProviders(settings),
        ExportWorker,
      ],
    };
  }
}
