import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { loadMyApiConfig } from './config/my-api.config.js';
import { setupOpenApi } from './openapi.setup.js';

/** Where my-api listens unless `PORT` says otherwise. */
const DEFAULT_PORT = 5000;

const config = loadMyApiConfig();
const app = await NestFactory.create(AppModule.forRoot(config));
app.enableShutdownHooks();
await setupOpenApi(app, config);
await app.listen(Number(process.env.PORT ?? DEFAULT_PORT), '127.0.0.1');
console.log(`my-api listening on ${await app.getUrl()}`);
