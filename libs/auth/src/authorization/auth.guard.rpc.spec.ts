import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { RpcException } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { AuthErrorCode, AuthGuard, AuthModule, RequiredScopes } from 'nest-identity-web';
import { API_CLIENT_ID, startLocalIdp, TENANTS, type LocalIdp } from '../testing/local-idp.js';
import { RequestContextStore } from '../request-context/request-context.js';

/** A message handler as `@MessagePattern` would route to (only its metadata is read). */
class OrdersHandlers {
  @RequiredScopes('access_as_user')
  list(): string[] {
    return [];
  }
  @RequiredScopes('Orders.Admin')
  purge(): void {}
}

/** An RPC execution context as Nest builds it for a message: args `[data, transport context]`. */
function rpcContext(data: unknown, transportContext: unknown, handler: keyof OrdersHandlers = 'list') {
  const context = new ExecutionContextHost([data, transportContext], OrdersHandlers, OrdersHandlers.prototype[handler]);
  context.setType('rpc');
  return context;
}

/** gRPC's `Metadata` as far as the guard reads it. */
const grpcMetadata = (values: Record<string, string[]>) => ({ get: (key: string) => values[key] ?? [] });

describe('AuthGuard in an RPC (microservice) context', () => {
  let idp: LocalIdp;
  let app: INestApplicationContext;
  let guard: AuthGuard;

  beforeAll(async () => {
    idp = await startLocalIdp();
    @Module({
      imports: [
        AuthModule.forRoot({
          instance: idp.instance,
          tenantId: TENANTS.contoso,
          clientId: API_CLIENT_ID,
          trustedCa: [idp.caCertPem],
        }),
      ],
    })
    class AppModule {}
    app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    await app.init();
    guard = app.get(AuthGuard);
  });

  afterAll(async () => {
    await app.close();
    await idp.stop();
  });

  const activate = (context: ExecutionContextHost) =>
    RequestContextStore.enter(async () => {
      const allowed = await guard.canActivate(context);
      return { allowed, caller: RequestContextStore.get() };
    });

  const rpcError = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RpcException);
    return (error as RpcException).getError();
  };

  it('validates a token carried in data.headers.authorization and records the caller', async () => {
    const token = await idp.issueToken(idp.userClaims({ oid: 'rpc-user' }));
    const { allowed, caller } = await activate(rpcContext({ headers: { authorization: `Bearer ${token}` } }, {}));
    expect(allowed).toBe(true);
    expect(caller?.principal).toMatchObject({ oid: 'rpc-user', scheme: 'default' });
    expect(caller?.assertion).toBe(token);
  });

  it('validates a token carried in gRPC metadata', async () => {
    const token = await idp.issueToken(idp.userClaims({ oid: 'grpc-user' }));
    const { caller } = await activate(rpcContext({}, grpcMetadata({ authorization: [`Bearer ${token}`] })));
    expect(caller?.principal.oid).toBe('grpc-user');
  });

  it('refuses a message without a token with an RpcException carrying 401 and NIW3001', async () => {
    expect(await rpcError(activate(rpcContext({ orderId: 1 }, {})))).toEqual({
      status: 'error',
      statusCode: 401,
      code: AuthErrorCode.MissingBearerToken,
      message: 'A bearer token is required.',
    });
  });

  it('refuses a forged token with 401 and a validation code, never echoing the token', async () => {
    const token = await idp.issueToken(idp.userClaims(), { unpublishedKey: true });
    const error = await rpcError(activate(rpcContext({ headers: { authorization: `Bearer ${token}` } }, {})));
    expect(error).toMatchObject({ status: 'error', statusCode: 401 });
    expect((error as { code: string }).code).toMatch(/^NIW30\d\d$/);
    expect(JSON.stringify(error)).not.toContain(token);
  });

  it('refuses several gRPC authorization values (ambiguous credentials)', async () => {
    const token = await idp.issueToken(idp.userClaims());
    const metadata = grpcMetadata({ authorization: [`Bearer ${token}`, `Bearer ${token}`] });
    expect(await rpcError(activate(rpcContext({}, metadata)))).toMatchObject({ statusCode: 401 });
  });

  it('refuses a caller without the required scope with 403 and NIW2001', async () => {
    const token = await idp.issueToken(idp.userClaims());
    const error = await rpcError(activate(rpcContext({ headers: { authorization: `Bearer ${token}` } }, {}, 'purge')));
    expect(error).toMatchObject({ status: 'error', statusCode: 403, code: AuthErrorCode.InsufficientScope });
  });
});
