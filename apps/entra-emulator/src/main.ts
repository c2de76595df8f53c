import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

const app = await NestFactory.create(AppModule);
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
console.log(`entra-emulator listening on ${await app.getUrl()}`);
