import { type DynamicModule, Module } from '@nestjs/common';
import { TODOLIST_STORAGE_OPTIONS, type TodoListStorageOptions } from './todolist.constants.js';
import { TodoListController } from './todolist.controller.js';
import { TodoListRepository } from './todolist.repository.js';
import { TodoListService } from './todolist.service.js';

/** The todo list: storage and ownership rules. */
@Module({})
export class TodoListModule {
  /** @param storage where the items live (a SQLite file, or `:memory:`) */
  static forRoot(storage: TodoListStorageOptions): DynamicModule {
    return {
      module: TodoListModule,
      controllers: [TodoListController],
      providers: [{ provide: TODOLIST_STORAGE_OPTIONS, useValue: storage }, TodoListRepository, TodoListService],
      exports: [TodoListService],
    };
  }
}
