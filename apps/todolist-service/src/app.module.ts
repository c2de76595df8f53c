import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { AuthModule } from 'nest-identity-web';
import type { TodoListServiceConfig } from './config/todolist-service.config.js';
import { HealthController } from './health.controller.js';
import { TodoListModule } from './todolist/todolist.module.js';
import { VALIDATION_PIPE_OPTIONS } from './validation.js';

/**
 * Root module of todolist-service ("MyTodolistService"), the downstream API of the sample. It has
 * its own app registration and accepts delegated tokens (`access_as_user`) and app tokens
 * (`TodoList.ReadWrite.All`).
 *
 * @example
 * ```ts
 * const app = await NestFactory.create(AppModule.forRoot(loadTodoListServiceConfig()));
 * ```
 */
@Module({})
export class AppModule {
  static forRoot(config: TodoListServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AuthModule.forRoot({ ...config.azureAd, isGlobal: true }),
        TodoListModule.forRoot({ databasePath: config.databasePath }),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_PIPE, useValue: new ValidationPipe(VALIDATION_PIPE_OPTIONS) }],
    };
  }
}
