import { type ExecutionContext, HttpException } from '@nestjs/common';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';

/** The request fields the guard reads and writes (see `AuthenticatedRequest`). @internal */
export interface GuardedRequest {
  headers?: Record<string, unknown>;
  user?: AuthPrincipal;
}

/**
 * The GraphQL context (resolver argument 2) of the usual drivers: Apollo on Express
 * (`{ req, res }`), Apollo on Fastify and Mercurius (`{ request, reply }` / `{ reply }`).
 */
interface GraphQlContextLike {
  /** Express's request links its response (`req.res`): Apollo's default context is `{ req }` only. */
  req?: GuardedRequest & { res?: unknown };
  res?: unknown;
  request?: GuardedRequest;
  reply?: { request?: GuardedRequest };
}

/** gRPC `Metadata` (only what is read here). */
interface MetadataLike {
  get(key: string): unknown[];
}

/** The GraphQL context of a resolver call, without importing `@nestjs/graphql`. @internal */
export function graphQlContextOf(context: ExecutionContext): GraphQlContextLike | undefined {
  const ctx: unknown = context.getArgByIndex(2);
  return typeof ctx === 'object' && ctx !== null ? ctx : undefined;
}

/** The HTTP request behind a GraphQL operation, or an empty one (no token: 401). @internal */
export function graphQlRequestOf(context: ExecutionContext): GuardedRequest {
  const ctx = graphQlContextOf(context);
  return ctx?.req ?? ctx?.request ?? ctx?.reply?.request ?? {};
}

/**
 * The HTTP response behind a GraphQL operation: the context's `res` or `reply` (Mercurius), else
 * Express's `req.res`. Apollo on Fastify exposes none: the challenge is then in `extensions` only.
 * @internal
 */
export function graphQlResponseOf(context: ExecutionContext): unknown {
  const ctx = graphQlContextOf(context);
  return ctx?.res ?? ctx?.reply ?? ctx?.req?.res;
}

/**
 * The `Authorization` value of an RPC message, as a request the guard can read: gRPC `Metadata`
 * (`authorization` key), else `data.headers.authorization` (or `Authorization`), else
 * `data.authorization`. Other carriers: override `AuthGuard.getRequest`.
 * @internal
 */
export function rpcRequestOf(context: ExecutionContext): GuardedRequest {
  const rpc = context.switchToRpc();
  const meta: unknown = rpc.getContext();
  let value: unknown;
  if (typeof (meta as Partial<MetadataLike> | undefined)?.get === 'function') {
    const values = (meta as MetadataLike).get('authorization');
    value = Array.isArray(values) ? (values.length > 1 ? values : values[0]) : undefined;
  }
  if (value === undefined) {
    const data = rpc.getData<{ headers?: Record<string, unknown>; authorization?: unknown } | undefined>();
    if (typeof data === 'object' && data !== null) {
      value = data.headers?.authorization ?? data.headers?.Authorization ?? data.authorization;
    }
  }
  // A string, or several values (refused as ambiguous); anything else is no credential.
  const authorization = typeof value === 'string' || Array.isArray(value) ? value : undefined;
  return { headers: authorization === undefined ? {} : { authorization } };
}

/** Apollo's conventional `extensions.code` for our statuses. */
const GRAPHQL_CODES: Readonly<Record<number, string>> = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  503: 'SERVICE_UNAVAILABLE',
};

/** The JSON body of the guard's answers. */
interface GuardErrorBody {
  statusCode?: number;
  code?: string;
  message?: string;
}

/**
 * Adds GraphQL `extensions` to the guard's `HttpException`: `graphql-js` copies an error's own
 * `extensions` onto the `GraphQLError` it reports, so the client sees
 * `{ code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'SERVICE_UNAVAILABLE', authErrorCode: 'NIW…',
 * statusCode, wwwAuthenticate?, retryAfter? }` whatever the driver.
 * @internal
 */
export function withGraphQlExtensions(error: unknown, headers: Readonly<Record<string, string>>): unknown {
  if (!(error instanceof HttpException)) return error;
  const status = error.getStatus();
  const body = error.getResponse() as GuardErrorBody;
  const extensions: Record<string, string | number> = {
    code: GRAPHQL_CODES[status] ?? 'INTERNAL_SERVER_ERROR',
    statusCode: status,
  };
  if (typeof body.code === 'string') extensions.authErrorCode = body.code;
  if (headers['WWW-Authenticate']) extensions.wwwAuthenticate = headers['WWW-Authenticate'];
  if (headers['Retry-After']) extensions.retryAfter = Number(headers['Retry-After']);
  return Object.assign(error, { extensions });
}

/** The payload of the RPC error: Nest's `{ status: 'error' }` shape with our code. */
interface RpcErrorPayload {
  readonly status: 'error';
  readonly statusCode: number;
  readonly code?: string;
  readonly message: string;
}

type RpcExceptionClass = new (error: object) => Error;
let rpcExceptionClass: Promise<RpcExceptionClass | undefined> | undefined;

/**
 * Turns the guard's `HttpException` into `@nestjs/microservices`' `RpcException` (imported only
 * here, on an RPC failure), whose payload reaches the client through Nest's RPC exception filter:
 * `{ status: 'error', statusCode: 401 | 403 | 503, code: 'NIW…', message }`. No `WWW-Authenticate`
 * header exists on RPC transports.
 * @internal
 */
export async function toRpcError(error: unknown): Promise<unknown> {
  if (!(error instanceof HttpException)) return error;
  const body = error.getResponse() as GuardErrorBody;
  const payload: RpcErrorPayload = {
    status: 'error',
    statusCode: error.getStatus(),
    ...(typeof body.code === 'string' ? { code: body.code } : {}),
    message: typeof body.message === 'string' ? body.message : error.message,
  };
  // A variable specifier: `@nestjs/microservices` is an optional peer, never loaded for HTTP apps.
  const specifier = '@nestjs/microservices';
  rpcExceptionClass ??= import(specifier).then(
    (m: { RpcException?: RpcExceptionClass }) => m.RpcException,
    () => undefined,
  );
  const RpcException = await rpcExceptionClass;
  return RpcException ? new RpcException(payload) : error;
}
