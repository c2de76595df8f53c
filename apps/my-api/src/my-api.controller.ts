import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { AuthGuard, CurrentUser, RequiredScopes } from 'nest-identity-web';
import { ArmApiClient, type ArmSubscription } from './arm/arm-api.client.js';
import { type TodoListExport, TodoListExportService } from './export/todolist-export.service.js';
import { GraphApiClient, type GraphUser } from './graph/graph-api.client.js';
import { CreateTodoDto } from './todolist/create-todo.dto.js';
import type { TodoItem } from './todolist/todo-item.interface.js';
import { TodoListApiClient } from './todolist/todolist-api.client.js';

/**
 * my-api's endpoints for signed-in users. Every route needs a token for my-api with the
 * `access_as_user` scope: 401 without a valid token, 403 without the scope. Each one calls a
 * downstream API on behalf of the user.
 */
@Controller('api')
@UseGuards(AuthGuard)
@RequiredScopes('access_as_user')
export class MyApiController {
  constructor(
    private readonly todoList: TodoListApiClient,
    private readonly graph: GraphApiClient,
    private readonly arm: ArmApiClient,
    private readonly exports: TodoListExportService,
  ) {}

  /** The user's todo items, from todolist-service. */
  @Get('todolist')
  listTodos(): Promise<TodoItem[]> {
    return this.todoList.listForUser();
  }

  /** Adds a todo item for the user in todolist-service. */
  @Post('todolist')
  createTodo(@Body() dto: CreateTodoDto): Promise<TodoItem> {
    return this.todoList.createForUser(dto);
  }

  /**
   * Starts a background export of the user's todo items (202): a long-running on-behalf-of session
   * lets the job read todolist-service as the user after this request has ended.
   */
  @Post('todolist/export')
  @HttpCode(202)
  startExport(@CurrentUser('oid') oid: string): Promise<TodoListExport> {
    return this.exports.start(oid);
  }

  /** The state (and, once done, the items) of one of the user's exports. */
  @Get('todolist/export/:id')
  getExport(@Param('id') id: string, @CurrentUser('oid') oid: string): Promise<TodoListExport> {
    return this.exports.get(id, oid);
  }

  /** The user's profile, from Microsoft Graph `/me`. */
  @Get('me')
  me(): Promise<GraphUser> {
    return this.graph.me();
  }

  /** The user's Azure subscriptions, from Azure Resource Manager. */
  @Get('subscriptions')
  subscriptions(): Promise<ArmSubscription[]> {
    return this.arm.subscriptions();
  }
}
