import { Controller, Get, UseGuards } from '@nestjs/common';
import {
  AuthGuard,
  RequiredAppPermissions,
  RequiredScopes,
  TokenAcquisitionStatistics,
  type TokenAcquisitionStatisticsSnapshot,
} from 'nest-identity-web';
import type { TodoItem } from '../todolist/todo-item.interface.js';
import { TodoListApiClient } from '../todolist/todolist-api.client.js';

/**
 * Administration endpoints: a signed-in user (`access_as_user`) who also holds my-api's `Admin.All`
 * app role. They call downstream APIs as my-api itself, not on behalf of the user.
 */
@Controller('api/admin')
@UseGuards(AuthGuard)
@RequiredScopes('access_as_user')
@RequiredAppPermissions('Admin.All')
export class AdminController {
  constructor(
    private readonly todoList: TodoListApiClient,
    private readonly tokenStatistics: TokenAcquisitionStatistics,
  ) {}

  /** Every user's todo items, read with my-api's `TodoList.ReadWrite.All` application permission. */
  @Get('todolist')
  listAllTodos(): Promise<TodoItem[]> {
    return this.todoList.listAllAsApp();
  }

  /**
   * my-api's token-acquisition counters: cache hits, misses and token requests sent to the identity
   * provider. Repeated calls for the same user and scopes are served from the cache.
   */
  @Get('cache-stats')
  cacheStats(): TokenAcquisitionStatisticsSnapshot {
    return this.tokenStatistics.snapshot();
  }
}
