import type {
  DownstreamApiRequest,
  DownstreamApiResponseType,
  DownstreamApiTypedRequest,
} from './downstream-api-options.interface.js';

/**
 * Calls a named, configured downstream web API on behalf of the user or as the app
 * (Microsoft.Identity.Web's `IDownstreamApi`): it gets the token (cached), sends the request with
 * the platform `fetch`, and handles what a middle tier otherwise hand-writes:
 *
 * - a downstream claims challenge (`401` + `error="insufficient_claims"`, from Continuous Access
 *   Evaluation or a Conditional Access step-up) is retried **once** with those claims; if the user
 *   must interact, or the retry is challenged again, the call throws a `ClaimsChallengeError`, which
 *   the module answers with the RFC 6750 `401` claims challenge so the client re-authenticates;
 * - any other `401` (e.g. a token signed with a key the API no longer trusts after a rollover) is
 *   retried once with a fresh token;
 * - the typed helpers return JSON and throw a coded {@link DownstreamApiError} for a non-2xx answer
 *   (502, or 503 + `Retry-After` when the API asked to retry later), a timeout (504) or a network
 *   failure (502).
 *
 * Inject it by type. Configure APIs in `AuthModule` options (`downstreamApis`) or with
 * `DownstreamApis__<Name>__BaseUrl`, `__Scopes` settings.
 *
 * @example
 * ```ts
 * @Controller('todos')
 * @UseGuards(AuthGuard)
 * @RequiredScopes('access_as_user')
 * export class TodosController {
 *   constructor(private readonly downstream: DownstreamApi) {}
 *
 *   @Get()
 *   list() {
 *     return this.downstream.getForUser<Todo[]>('TodoList', { relativePath: 'api/todolist' });
 *   }
 *
 *   @Post()
 *   create(@Body() todo: CreateTodo) {
 *     return this.downstream.postForUser<Todo>('TodoList', todo, { relativePath: 'api/todolist' });
 *   }
 * }
 * ```
 * @see https://learn.microsoft.com/entra/msal/dotnet/microsoft-identity-web/calling-downstream-apis
 * @see https://learn.microsoft.com/entra/identity-platform/claims-challenge
 */
export abstract class DownstreamApi {
  /**
   * Sends a request on behalf of the caller of the current request and returns the answer as is
   * (any status, body unread), after the claims-challenge and fresh-token retries.
   *
   * @example
   * ```ts
   * const res = await downstream.callApiForUser('Graph', { relativePath: 'me/photo/$value' });
   * if (res.ok) return Buffer.from(await res.arrayBuffer());
   * ```
   * @throws ClaimsChallengeError when the user must re-authenticate (→ 401 claims challenge)
   * @throws DownstreamApiError NIW6003 on timeout, NIW6004 when unreachable, NIW6001/NIW6007 for a bad call
   * @throws TokenAcquisitionError, IdentityProviderUnavailableError from token acquisition
   */
  abstract callApiForUser(name: string, request?: DownstreamApiRequest): Promise<Response>;

  /**
   * Like {@link DownstreamApi.callApiForUser}, as this app (client credentials, the API's `/.default` scope).
   *
   * @example
   * ```ts
   * const res = await downstream.callApiForApp('TodoList', { relativePath: 'api/todolist' });
   * ```
   * @throws DownstreamApiError NIW6006 when the API still asks for claims after one retry
   */
  abstract callApiForApp(name: string, request?: DownstreamApiRequest): Promise<Response>;

  /**
   * Like {@link DownstreamApi.callApiForUser}, or as the app when the API is configured with `requestAppToken`.
   *
   * @example
   * ```ts
   * const res = await downstream.callApi('Inventory', { method: 'DELETE', relativePath: 'items/42' });
   * ```
   */
  abstract callApi(name: string, request?: DownstreamApiRequest): Promise<Response>;

  /**
   * Sends a request on behalf of the user and reads the 2xx answer (JSON by default).
   *
   * @example
   * ```ts
   * const item = await downstream.requestForUser<Todo>('TodoList', { method: 'PUT', relativePath: 'api/todolist/1', body });
   * ```
   * @throws DownstreamApiError for a non-2xx answer (NIW6002), a timeout (NIW6003), a network failure (NIW6004) or an unreadable body (NIW6005)
   * @throws ClaimsChallengeError when the user must re-authenticate
   */
  abstract requestForUser<T>(
    name: string,
    request?: DownstreamApiRequest & { readonly responseType?: DownstreamApiResponseType },
  ): Promise<T>;

  /**
   * Like {@link DownstreamApi.requestForUser}, as this app.
   *
   * @example
   * ```ts
   * const all = await downstream.requestForApp<Todo[]>('TodoList', { relativePath: 'api/todolist' });
   * ```
   */
  abstract requestForApp<T>(
    name: string,
    request?: DownstreamApiRequest & { readonly responseType?: DownstreamApiResponseType },
  ): Promise<T>;

  /**
   * `GET` on behalf of the user; the JSON answer.
   *
   * @example
   * ```ts
   * const me = await downstream.getForUser<GraphUser>('Graph', { relativePath: 'me' });
   * ```
   */
  getForUser<T>(name: string, request?: DownstreamApiTypedRequest): Promise<T> {
    return this.requestForUser<T>(name, { ...request, method: 'GET' });
  }

  /**
   * `POST` of `body` (JSON) on behalf of the user; the JSON answer.
   *
   * @example
   * ```ts
   * const created = await downstream.postForUser<Todo>('TodoList', { title: 'Buy milk' }, { relativePath: 'api/todolist' });
   * ```
   */
  postForUser<T>(name: string, body: unknown, request?: DownstreamApiTypedRequest): Promise<T> {
    return this.requestForUser<T>(name, { ...request, method: 'POST', body });
  }

  /**
   * `PUT` of `body` on behalf of the user; the JSON answer.
   *
   * @example
   * ```ts
   * await downstream.putForUser('TodoList', todo, { relativePath: `api/todolist/${todo.id}` });
   * ```
   */
  putForUser<T>(name: string, body: unknown, request?: DownstreamApiTypedRequest): Promise<T> {
    return this.requestForUser<T>(name, { ...request, method: 'PUT', body });
  }

  /**
   * `PATCH` of `body` on behalf of the user; the JSON answer.
   *
   * @example
   * ```ts
   * await downstream.patchForUser('TodoList', { done: true }, { relativePath: 'api/todolist/42' });
   * ```
   */
  patchForUser<T>(name: string, body: unknown, request?: DownstreamApiTypedRequest): Promise<T> {
    return this.requestForUser<T>(name, { ...request, method: 'PATCH', body });
  }

  /**
   * `DELETE` on behalf of the user; the JSON answer, usually `undefined` (no content).
   *
   * @example
   * ```ts
   * await downstream.deleteForUser('TodoList', { relativePath: 'api/todolist/42' });
   * ```
   */
  deleteForUser<T = void>(name: string, request?: DownstreamApiTypedRequest): Promise<T> {
    return this.requestForUser<T>(name, { ...request, method: 'DELETE' });
  }

  /**
   * `GET` as the app; the JSON answer.
   *
   * @example
   * ```ts
   * const all = await downstream.getForApp<Todo[]>('TodoList', { relativePath: 'api/todolist' });
   * ```
   */
  getForApp<T>(name: string, request?: DownstreamApiTypedRequest): Promise<T> {
    return this.requestForApp<T>(name, { ...request, method: 'GET' });
  }

  /**
   * `POST` of `body` (JSON) as the app; the JSON answer.
   *
   * @example
   * ```ts
   * await downstream.postForApp('Audit', { event: 'export' }, { relativePath: 'events' });
   * ```
   */
  postForApp<T>(name: string, body: unknown, request?: DownstreamApiTypedRequest): Promise<T> {
    return this.requestForApp<T>(name, { ...request, method: 'POST', body });
  }

  /**
   * `PUT` of `body` as the app; the JSON answer.
   *
   * @example
   * ```ts
   * await downstream.putForApp('Settings', settings, { relativePath: 'tenants/contoso' });
   * ```
   */
  putForApp<T>(name: string, body: unknown, request?: DownstreamApiTypedRequest): Promise<T> {
    return this.requestForApp<T>(name, { ...request, method: 'PUT', body });
  }

  /**
   * `PATCH` of `body` as the app; the JSON answer.
   *
   * @example
   * ```ts
   * await downstream.patchForApp('TodoList', { done: true }, { relativePath: 'api/todolist/42' });
   * ```
   */
  patchForApp<T>(name: string, body: unknown, request?: DownstreamApiTypedRequest): Promise<T> {
    return this.requestForApp<T>(name, { ...request, method: 'PATCH', body });
  }

  /**
   * `DELETE` as the app; the JSON answer, usually `undefined`.
   *
   * @example
   * ```ts
   * await downstream.deleteForApp('TodoList', { relativePath: 'api/todolist/42' });
   * ```
   */
  deleteForApp<T = void>(name: string, request?: DownstreamApiTypedRequest): Promise<T> {
    return this.requestForApp<T>(name, { ...request, method: 'DELETE' });
  }
}
