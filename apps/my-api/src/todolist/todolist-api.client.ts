import { Inject, Injectable } from '@nestjs/common';
import { ITokenAcquisition } from 'nest-identity-web';
import { MY_API_CONFIG } from '../config/my-api.constants.js';
import type { MyApiConfig } from '../config/my-api.config.js';
import { DownstreamHttpClient } from '../downstream/downstream-http.client.js';
import type { CreateTodoDto } from './create-todo.dto.js';
import type { TodoItem } from './todo-item.interface.js';

/**
 * Calls todolist-service: on behalf of the signed-in user (on-behalf-of flow, scope
 * `api://todolist-service/access_as_user`) or as my-api itself (client credentials,
 * `api://todolist-service/.default`, which carries the `TodoList.ReadWrite.All` app permission).
 *
 * `getAccessTokenForUser` takes the caller's token from the request context the guard filled in; a
 * claims challenge (MFA, Conditional Access) surfaces as a `ClaimsChallengeError`, which the
 * library's exception filter turns into the 401 the client needs to step up.
 */
@Injectable()
export class TodoListApiClient {
  constructor(
    private readonly tokens: ITokenAcquisition,
    private readonly http: DownstreamHttpClient,
    @Inject(MY_API_CONFIG) private readonly config: MyApiConfig,
  ) {}

  /** The signed-in user's items. */
  async listForUser(): Promise<TodoItem[]> {
    const api = this.config.downstreamApis.todoList;
    const accessToken = await this.tokens.getAccessTokenForUser([...api.scopes]);
    return this.http.request<TodoItem[]>({
      api: 'todolist-service',
      baseUrl: api.baseUrl,
      path: '/api/todolist',
      accessToken,
    });
  }

  /** Adds an item for the signed-in user. */
  async createForUser(dto: CreateTodoDto): Promise<TodoItem> {
    const api = this.config.downstreamApis.todoList;
    const accessToken = await this.tokens.getAccessTokenForUser([...api.scopes]);
    return this.http.request<TodoItem>({
      api: 'todolist-service',
      baseUrl: api.baseUrl,
      path: '/api/todolist',
      method: 'POST',
      accessToken,
      body: { title: dto.title, done: dto.done },
    });
  }

  /** Every user's items, with my-api's own app permission. */
  async listAllAsApp(): Promise<TodoItem[]> {
    const api = this.config.downstreamApis.todoList;
    const accessToken = await this.tokens.getAccessTokenForApp(api.appScope);
    return this.http.request<TodoItem[]>({
      api: 'todolist-service',
      baseUrl: api.baseUrl,
      path: '/api/todolist',
      accessToken,
    });
  }
}
