import type { AppTokenOptions, UserTokenOptions } from '../token-acquisition/token-acquisition.types.js';

/**
 * A named downstream web API (Microsoft.Identity.Web's `DownstreamApiOptions`, camelCase), given in
 * `AuthModule` options under `downstreamApis` or as `DownstreamApis__<Name>__<Key>` settings.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({
 *   ...loadAzureAdOptions(),
 *   downstreamApis: {
 *     TodoList: { baseUrl: 'https://todo.contoso.com', scopes: ['api://todolist-service/access_as_user'] },
 *     Graph: { baseUrl: 'https://graph.microsoft.com/v1.0', scopes: ['https://graph.microsoft.com/.default'] },
 *   },
 * });
 * ```
 * @see https://learn.microsoft.com/entra/msal/dotnet/microsoft-identity-web/calling-downstream-apis
 */
export interface DownstreamApiOptions {
  /**
   * Absolute URL the relative paths are appended to, e.g. `https://graph.microsoft.com/v1.0`.
   * `https`, or `http` on a loopback host (or with `allowHttp`); no query or fragment.
   */
  baseUrl: string;
  /**
   * Scopes of the token sent on behalf of the user, e.g. `['api://todolist-service/access_as_user']`.
   * An empty list sends calls without a token.
   */
  scopes?: readonly string[];
  /**
   * The `/.default` scope of app calls (client credentials). Default: `scopes` when it is a single
   * `/.default` scope, else `<resource of scopes>/.default`.
   */
  appScope?: string;
  /** Whether `callApi(name)` (without `ForUser`/`ForApp`) calls as the app. @default false */
  requestAppToken?: boolean;
  /** Default relative path, when a call gives none. @default '' */
  relativePath?: string;
  /** Headers sent with every call to this API (a call's own headers win). */
  extraHeaderParameters?: Readonly<Record<string, string>>;
  /** Query parameters sent with every call to this API (a call's own query wins). */
  extraQueryParameters?: Readonly<Record<string, string>>;
  /** Time allowed for a whole call (connecting, headers and body), in ms. @default 10000 */
  timeoutMs?: number;
  /**
   * Allow a plain `http` base URL on a non-loopback host (e.g. behind a service mesh that adds
   * TLS). Off by default: a bearer token over cleartext can be stolen.
   * @default false
   */
  allowHttp?: boolean;
}

/**
 * HTTP methods `DownstreamApi` sends.
 *
 * @example
 * ```ts
 * const method: DownstreamApiMethod = 'PATCH';
 * ```
 */
export type DownstreamApiMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/**
 * A body `DownstreamApi` sends as is (no JSON serialisation). Streams are not accepted: a request
 * retried after a claims challenge must be sent twice.
 *
 * @example
 * ```ts
 * const csv: DownstreamApiRawBody = 'id,title\n1,Buy milk';
 * await downstream.postForUser('Reports', csv, { headers: { 'content-type': 'text/csv' } });
 * ```
 */
export type DownstreamApiRawBody = string | Uint8Array | ArrayBuffer | URLSearchParams | Blob | FormData;

/**
 * One call to a named downstream API.
 *
 * @example
 * ```ts
 * await downstream.callApiForUser('TodoList', {
 *   method: 'POST',
 *   relativePath: 'api/todolist',
 *   query: { notify: 'true' },
 *   body: { title: 'Buy milk' },
 *   headers: { 'x-request-id': requestId },
 *   signal: AbortSignal.timeout(2000),
 * });
 * ```
 */
export interface DownstreamApiRequest {
  /** @default 'GET' */
  readonly method?: DownstreamApiMethod;
  /** Path under the base URL, e.g. `api/todolist/42`; cannot leave the base URL. */
  readonly relativePath?: string;
  /** Query parameters, added to the API's `extraQueryParameters`. */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /**
   * The body: sent as JSON (`content-type: application/json`) unless it is a raw body
   * ({@link DownstreamApiRawBody}), which is sent as is.
   */
  readonly body?: unknown;
  /** Headers of this call; `authorization` is always the library's. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Cancels the call (its reason is rethrown as is). */
  readonly signal?: AbortSignal;
  /** Overrides the API's timeout for this call, in ms. */
  readonly timeoutMs?: number;
  /** Token options of a call for the user (tenant, correlation id, an explicit assertion). */
  readonly userTokenOptions?: Omit<UserTokenOptions, 'claims' | 'forceRefresh'>;
  /** Token options of a call as the app (tenant, correlation id). */
  readonly appTokenOptions?: Omit<AppTokenOptions, 'claims' | 'forceRefresh'>;
}

/**
 * What the typed helpers (`getForUser`, `postForApp`, …) read from a 2xx answer.
 *
 * @example
 * ```ts
 * const bytes = await downstream.getForUser<ArrayBuffer>('Graph', { relativePath: 'me/photo/$value', responseType: 'arrayBuffer' });
 * ```
 */
export type DownstreamApiResponseType = 'json' | 'text' | 'arrayBuffer';

/**
 * A call made through a typed helper: a {@link DownstreamApiRequest} without the method, which the
 * helper sets, and with the way to read the answer.
 *
 * @example
 * ```ts
 * const csv = await downstream.getForUser<string>('Reports', { relativePath: 'export', responseType: 'text' });
 * ```
 */
export interface DownstreamApiTypedRequest extends Omit<DownstreamApiRequest, 'method'> {
  /** How the 2xx body is read: JSON (an empty body gives `undefined`), text or bytes. @default 'json' */
  readonly responseType?: DownstreamApiResponseType;
}
