import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { DownstreamApiError, type DownstreamApiErrorDetails } from '../errors/downstream-api.error.js';
import type { DownstreamApiRawBody, DownstreamApiRequest } from './downstream-api-options.interface.js';
import type { NormalizedDownstreamApi, NormalizedDownstreamApis } from './downstream-api-options.normalize.js';

/** Whose token a call carries. @internal */
export type DownstreamCallMode = 'user' | 'app';

/** One call in progress: what the retries and errors need. @internal */
export interface DownstreamCall {
  readonly api: NormalizedDownstreamApi;
  readonly mode: DownstreamCallMode;
  readonly method: string;
  readonly url: string;
  /** Path without the query string: the query may carry signatures or keys. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: RequestInit['body'];
  readonly scopes: readonly string[] | undefined;
  readonly request: DownstreamApiRequest;
  readonly timeoutMs: number;
  /** Started with the first request (not before the token), so a slow identity provider is not counted as the API's. */
  readonly deadline: { timeout?: AbortSignal; signal?: AbortSignal };
}

const isRawBody = (body: unknown): body is DownstreamApiRawBody =>
  typeof body === 'string' ||
  body instanceof Uint8Array ||
  body instanceof ArrayBuffer ||
  body instanceof URLSearchParams ||
  body instanceof Blob ||
  body instanceof FormData;

/**
 * The configured downstream API named `name` (any letter case).
 * @throws DownstreamApiError `NIW6001` when no API has that name
 * @internal
 */
export function findDownstreamApi(apis: NormalizedDownstreamApis, name: string): NormalizedDownstreamApi {
  const api = typeof name === 'string' ? apis.get(name.toLowerCase()) : undefined;
  if (!api) {
    const known = [...apis.values()].map((a) => a.name).join(', ') || 'none';
    throw DownstreamApiError.create(
      AuthErrorCode.UnknownDownstreamApi,
      `No downstream API is named '${String(name)}' (configured: ${known}).`,
      [
        `Configure it: AuthModule.forRoot({ ..., downstreamApis: { ${String(name)}: { baseUrl, scopes } } }) or DownstreamApis__${String(name)}__BaseUrl and __Scopes.`,
        'Check the spelling of the name passed to DownstreamApi (names are case-insensitive).',
      ],
      { apiName: String(name) },
    );
  }
  return api;
}

/**
 * Validates a call and builds everything that does not depend on the token: URL, headers, body, scopes.
 * @throws DownstreamApiError `NIW6007` for a path leaving the base URL, a stream body, or an app call without an app scope
 * @internal
 */
export function prepareDownstreamCall(
  api: NormalizedDownstreamApi,
  mode: DownstreamCallMode,
  request: DownstreamApiRequest,
): DownstreamCall {
  const method = (request.method ?? 'GET').toUpperCase();
  const relative = request.relativePath ?? api.relativePath;
  const url = new URL(`${api.baseUrl}/${relative.replace(/^\/+/, '')}`);
  // A relative path must not take the token elsewhere: `//evil.example`, `../`, `http://…`.
  if (url.origin !== api.origin || !`${url.pathname}/`.startsWith(api.basePath) || url.username || url.password) {
    throw invalidCall(api, `the relative path '${relative}' leaves the base URL ${api.baseUrl}`, [
      'Pass a path under the base URL, e.g. api/todolist/42; encode user input with encodeURIComponent.',
    ]);
  }
  for (const [k, v] of Object.entries(api.query)) if (!url.searchParams.has(k)) url.searchParams.set(k, v);
  for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));

  const headers: Record<string, string> = { accept: 'application/json', ...api.headers };
  for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = v;
  delete headers.authorization;
  let body: RequestInit['body'];
  if (request.body !== undefined) {
    if (isRawBody(request.body)) body = request.body as RequestInit['body'];
    else if (request.body instanceof ReadableStream) {
      throw invalidCall(api, 'a stream body cannot be sent again after a claims challenge', [
        'Pass a string, bytes, Blob, FormData or a JSON value.',
      ]);
    } else {
      body = JSON.stringify(request.body);
      headers['content-type'] ??= 'application/json';
    }
  }

  let scopes: readonly string[] | undefined;
  if (mode === 'app') {
    if (api.appScope === undefined) {
      throw invalidCall(api, 'app calls need an app scope, and none is configured or derivable', [
        `Set DownstreamApis__${api.name}__AppScope (or appScope) to '<App ID URI>/.default'.`,
      ]);
    }
    scopes = [api.appScope];
  } else {
    // No scopes: the API is called without a token (Microsoft.Identity.Web does the same).
    scopes = api.userScopes.length ? api.userScopes : undefined;
  }
  const timeoutMs = request.timeoutMs ?? api.timeoutMs;
  return {
    api,
    mode,
    method,
    url: url.href,
    path: url.pathname,
    headers,
    body,
    scopes,
    request,
    timeoutMs,
    deadline: {},
  };
}

/** The context fields of an error about `call`. @internal */
export function callDetails(
  call: DownstreamCall,
  extra: Partial<DownstreamApiErrorDetails>,
): DownstreamApiErrorDetails {
  return { apiName: call.api.name, method: call.method, path: call.path, ...extra };
}

function invalidCall(api: NormalizedDownstreamApi, problem: string, solutions: readonly string[]): DownstreamApiError {
  return DownstreamApiError.create(
    AuthErrorCode.InvalidDownstreamApiRequest,
    `Invalid call to downstream API '${api.name}': ${problem}.`,
    solutions,
    { apiName: api.name },
  );
}
