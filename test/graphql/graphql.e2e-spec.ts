// AuthGuard on @nestjs/graphql resolvers (Apollo driver on Express), with real emulator tokens:
// the request comes from the GraphQL context, errors are GraphQL errors carrying our code.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type INestApplication, Module, UseGuards } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DEFAULT_IDS, type EntraEmulator, startEntraEmulator } from '@nest-identity-web/entra-emulator';
import {
  AuthErrorCode,
  AuthGuard,
  AuthModule,
  type AuthPrincipal,
  CurrentUser,
  Public,
  RequiredScopes,
} from 'nest-identity-web';

const { myApi, demoClient } = DEFAULT_IDS.apps;
const { alice } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;

const typeDefs = /* GraphQL */ `
  type Me {
    oid: String
    scheme: String
    name: String
  }
  type Query {
    hello: String!
    me: Me!
    admin: String!
  }
`;

@Resolver()
@UseGuards(AuthGuard)
@RequiredScopes('access_as_user')
class MeResolver {
  @Query('hello') @Public() hello(): string {
    return 'hello';
  }

  @Query('me') me(@CurrentUser() user: AuthPrincipal) {
    return { oid: user.oid, scheme: user.scheme, name: user.name };
  }

  @Query('admin') @RequiredScopes('Admin.Everything') admin(): string {
    return 'admin';
  }
}

interface GqlError {
  message: string;
  extensions?: Record<string, unknown>;
}
interface GqlBody {
  data?: Record<string, unknown> | null;
  errors?: GqlError[];
}

describe('AuthGuard on GraphQL resolvers (Apollo, emulator)', () => {
  let emu: EntraEmulator;
  let app: INestApplication;

  beforeAll(async () => {
    emu = await startEntraEmulator();
    @Module({
      imports: [
        AuthModule.forRoot({
          instance: emu.instance,
          tenantId: contoso.id,
          clientId: myApi.clientId,
          trustedCa: [emu.caCertPem],
        }),
        GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, typeDefs, graphiql: false }),
      ],
      providers: [MeResolver],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await emu?.stop();
  });

  const token = () =>
    emu.signIn({
      username: alice.upn,
      password: alice.password,
      clientId: demoClient.clientId,
      scopes: [myApi.scopeUri],
    }).access_token;
  const query = (q: string, bearer?: string) => {
    const req = request(app.getHttpServer() as never)
      .post('/graphql')
      .set('Content-Type', 'application/json');
    return (bearer === undefined ? req : req.set('Authorization', `Bearer ${bearer}`)).send({ query: q });
  };

  it('answers a public field without a token', async () => {
    const res = await query('{ hello }').expect(200);
    expect((res.body as GqlBody).data).toEqual({ hello: 'hello' });
  });

  it('without a token: UNAUTHENTICATED with NIW3001 and the Bearer challenge', async () => {
    const res = await query('{ me { oid } }').expect(200);
    const [error] = (res.body as GqlBody).errors!;
    expect(error!.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      authErrorCode: AuthErrorCode.MissingBearerToken,
      statusCode: 401,
      wwwAuthenticate: 'Bearer',
    });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('with a refused token: UNAUTHENTICATED with the validation code and invalid_token', async () => {
    const res = await query('{ me { oid } }', `${token()}x`).expect(200);
    const [error] = (res.body as GqlBody).errors!;
    expect(error!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', statusCode: 401 });
    expect(error!.extensions!.authErrorCode).toMatch(/^NIW30\d\d$/);
    expect(error!.extensions!.wwwAuthenticate).toMatch(/^Bearer error="invalid_token"/);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(JSON.stringify(res.body)).not.toContain(token().split('.')[2]);
  });

  it('without the scope: FORBIDDEN with NIW2001 and insufficient_scope', async () => {
    const res = await query('{ admin }', token()).expect(200);
    const [error] = (res.body as GqlBody).errors!;
    expect(error!.extensions).toMatchObject({
      code: 'FORBIDDEN',
      authErrorCode: AuthErrorCode.InsufficientScope,
      statusCode: 403,
    });
    expect(error!.extensions!.wwwAuthenticate).toMatch(/^Bearer error="insufficient_scope".*scope="Admin.Everything"/);
  });

  it('with a valid token: the resolver runs and @CurrentUser is the caller', async () => {
    const res = await query('{ me { oid scheme } }', token()).expect(200);
    expect(res.body).toEqual({ data: { me: { oid: alice.oid, scheme: 'default' } } });
  });
});
