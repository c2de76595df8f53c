import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { loadTodoListServiceConfig } from './config/todolist-service.config.js';

const app = await NestFactory.create(AppModule.forRoot(loadTodoListServiceConfig()));
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
console.log(`todolist-service listening on ${await app.getUrl()}`);
