import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  UseGuards,
} from '@nestjs/common';
import { AuthGuard, type AuthPrincipal, CurrentUser, RequiredScopesOrAppPermissions } from 'nest-identity-web';
import { CreateTodoDto } from './dto/create-todo.dto.js';
import { UpdateTodoDto } from './dto/update-todo.dto.js';
import type { TodoCaller, TodoItem } from './todo-item.interface.js';
import { TodoListService } from './todolist.service.js';

/**
 * Maps the validated token to the caller the ownership rules need. Entra ID access tokens for users
 * and for apps both carry `oid` and `tid`; one without them cannot own anything.
 */
function toCaller(principal: AuthPrincipal): TodoCaller {
  if (!principal.oid || !principal.tid) {
    throw new ForbiddenException('The access token has no oid or tid claim, so it cannot own todo items.');
  }
  return principal.isAppOnly
    ? { kind: 'app', oid: principal.oid, tid: principal.tid, clientId: principal.clientId }
    : { kind: 'user', oid: principal.oid, tid: principal.tid };
}

/**
 * CRUD on the todo list. Delegated callers need the `access_as_user` scope, app callers the
 * `TodoList.ReadWrite.All` application permission; without a valid token the guard answers 401,
 * without either permission 403.
 */
@Controller('api/todolist')
@UseGuards(AuthGuard)
@RequiredScopesOrAppPermissions({ scopes: ['access_as_user'], appPermissions: ['TodoList.ReadWrite.All'] })
export class TodoListController {
  constructor(private readonly todos: TodoListService) {}

  /** The caller's items (all items for an app caller). */
  @Get()
  list(@CurrentUser() user: AuthPrincipal): TodoItem[] {
    return this.todos.list(toCaller(user));
  }

  /** One item; 404 when it does not exist or is someone else's. */
  @Get(':id')
  get(@CurrentUser() user: AuthPrincipal, @Param('id', ParseUUIDPipe) id: string): TodoItem {
    return this.todos.get(toCaller(user), id);
  }

  /** Creates an item; 400 with the reasons when the body is invalid. */
  @Post()
  create(@CurrentUser() user: AuthPrincipal, @Body() dto: CreateTodoDto): TodoItem {
    return this.todos.create(toCaller(user), dto);
  }

  /** Changes the title or state of an item. */
  @Patch(':id')
  update(
    @CurrentUser() user: AuthPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateTodoDto,
  ): TodoItem {
    return this.todos.update(toCaller(user), id, dto);
  }

  /** Deletes an item. */
  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthPrincipal, @Param('id', ParseUUIDPipe) id: string): void {
    this.todos.remove(toCaller(user), id);
  }
}
