// my-api's export worker: `npm run export-worker` (or `node dist/apps/my-api/src/export-worker.main.js`)
// with my-api's environment. Consumes the export jobs my-api queues in Redis; stops on SIGTERM/SIGINT
// after the job in hand.
import { NestFactory } from '@nestjs/core';
import { loadMyApiConfig } from './config/my-api.config.js';
import { ExportWorkerModule } from './export-worker.module.js';
import { ExportWorker } from './export/export-worker.service.js';

const worker = await NestFactory.createApplicationContext(ExportWorkerModule.forRoot(loadMyApiConfig()));
worker.enableShutdownHooks();
console.log(`export worker ${worker.get(ExportWorker).id} ready, consuming my-api's export queue`);
