import { Inject, Injectable } from '@nestjs/common';
import { DownstreamApi, ITokenAcquisition } from 'nest-identity-web';
import { MY_API_CONFIG } from '../config/my-api.constants.js';
import { DownstreamApiNames, type MyApiConfig } from '../config/my-api.config.js';
import { DownstreamHttpClient } from '../downstream/downstream-http.client.js';
import { passThroughClientErrors } from '../downstream/pass-through.js';
import type { CreateTodoDto } from './create-todo.dto.js';
import type { TodoItem } from './todo-item.interface.js';

const TODOLIST_PATH = 'api/todolist';

/**
 * Calls todolist-service: on behalf of the signed-in user (on-behalf-of flow, scope
 * `api://todolist-service/access_as_user`) through `DownstreamApi`, or as my-api itself (client
 * credentials, `api://todolist-service/.default`, which carries the `TodoList.ReadWrite.All` app
 * permission).
 *
 * A claims challenge (MFA, Conditional Access) from the identity provider, or from todolist-service
 * itself, surfaces as a `ClaimsChallengeError`, which the library's exception filter turns into the
 * 401 the client needs to step up.
 */
@Injectable()
export class TodoListApiClient {
  constructor(
    private readonly downstream: DownstreamApi,
    private readonly tokens: ITokenAcquisition,
    private readonly http: DownstreamHttpClient,
    @Inject(MY_API_CONFIG) private readonly config: MyApiConfig,
  ) {}

  /** The signed-in user's items. */
  listForUser(): Promise<TodoItem[]> {
    return this.downstream
      .getForUser<TodoItem[]>(DownstreamApiNames.TodoList, { relativePath: TODOLIST_PATH })
      .catch(passThroughClientErrors);
  }

  /** Adds an item for the signed-in user. */
  createForUser(dto: CreateTodoDto): Promise<TodoItem> {
    return this.downstream
      .postForUser<TodoItem>(
        DownstreamApiNames.TodoList,
        { title: dto.title, done: dto.done },
        { relativePath: TODOLIST_PATH },
      )
      .catch(passThroughClientErrors);
  }

  /**
   * Every user's items, with my-api's own app permission. Written out with `ITokenAcquisition` and
   * `fetch`, the way to go with an HTTP client of your own; `downstream.getForApp('TodoList', …)`
   * does the same in one line.
   */
  async listAllAsApp(): Promise<TodoItem[]> {
    const api = this.config.azureAd.downstreamApis?.[DownstreamApiNames.TodoList];
    if (!api) throw new Error('DownstreamApis__TodoList__BaseUrl is not configured.');
    const accessToken = await this.tokens.getAccessTokenForApp(appScopeOf(api.appScope, api.scopes));
    return this.http.request<TodoItem[]>({
      api: 'todolist-service',
      baseUrl: api.baseUrl.replace(/\/+$/, ''),
      path: `/${TODOLIST_PATH}`,
      accessToken,
    });
  }
}

/** The configured app scope, else the `/.default` scope of the same App ID URI as the user scope. */
function appScopeOf(appScope: string | undefined, scopes: readonly string[] | undefined): string {
  if (appScope) return appScope;
  const scope = scopes?.[0] ?? 'api://todolist-service/access_as_user';
  return `${scope.slice(0, scope.lastIndexOf('/'))}/.default`;
}
