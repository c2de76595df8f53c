import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { loadTodoListServiceConfig } from './config/todolist-service.config.js';

/** Where todolist-service listens unless `PORT` says otherwise (my-api's default todolist URL). */
const DEFAULT_PORT = 5001;

const app = await NestFactory.create(AppModule.forRoot(loadTodoListServiceConfig()));
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? DEFAULT_PORT), '127.0.0.1');
console.log(`todolist-service listening on ${await app.getUrl()}`);
