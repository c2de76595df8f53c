import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { loadMyApiConfig } from './config/my-api.config.js';

const app = await NestFactory.create(AppModule.forRoot(loadMyApiConfig()));
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
console.log(`my-api listening on ${await app.getUrl()}`);
