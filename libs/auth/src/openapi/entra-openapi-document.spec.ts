import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, Post, UseGuards } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DECORATORS, DocumentBuilder, type OpenAPIObject, type OperationObject } from '@nestjs/swagger';
import { ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import {
  AuthErrorCode,
  AuthGuard,
  AuthModule,
  Public,
  RequiredAppPermissions,
  RequiredScopes,
  RequiredScopesOrAppPermissions,
} from 'nest-identity-web';
import {
  createEntraOpenApiDocument,
  ENTRA_SECURITY_SCHEME,
  entraOAuth2Scheme,
  entraSwaggerUiOptions,
} from 'nest-identity-web/openapi';
import { FakeIdentityProvider } from '../testing/fake-identity-provider.js';

const TENANT = '11111111-1111-4111-8111-111111111111';
const api = (s: string) => `api://my-api/${s}`;

@UseGuards(AuthGuard)
@RequiredScopes('access_as_user')
@Controller('todos')
class TodosController {
  @Get() list() {
    return [];
  }
  @RequiredScopes('Todo.Read', 'Todo.ReadWrite') @Get('read') read() {
    return [];
  }
  @RequiredAppPermissions('Todo.Import') @Post('import') import() {
    return {};
  }
  @Public() @Get('public') open() {
    return {};
  }
  @ApiResponse({ status: 403, description: 'custom' }) @Get('documented') documented() {
    return {};
  }
}

@UseGuards(AuthGuard)
@Controller('mixed')
class MixedController {
  @RequiredScopesOrAppPermissions({ scopes: ['access_as_user'], appPermissions: ['Todo.ReadWrite.All'] })
  @Get()
  either() {
    return {};
  }
  @RequiredScopes({ configKey: 'App:Scopes' }) @Get('from-config') fromConfig() {
    return {};
  }
  @RequiredScopes({ configKey: 'App:Missing' }) @Get('misconfigured') misconfigured() {
    return {};
  }
  @Get('authenticated') authenticated() {
    return {};
  }
  @ApiSecurity('apiKey') @RequiredScopes('access_as_user') @Get('two-schemes') twoSchemes() {
    return {};
  }
}

@Controller('health')
class OpenController {
  @Get() get() {
    return {};
  }
}

async function appWith(controllers: (new () => object)[], extraProviders: object[] = []): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      AuthModule.forRoot({
        instance: 'https://login.example.test/',
        tenantId: TENANT,
        clientId: 'my-api-client-id',
        configuration: { App__Scopes: 'Todo.Read Todo.Write' },
        identityProviderTransport: new FakeIdentityProvider('https://login.example.test/'),
      }),
    ],
    controllers,
    providers: extraProviders as never[],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

const op = (doc: OpenAPIObject, path: string, method = 'get') =>
  (doc.paths[path] as Record<string, OperationObject>)[method]!;

describe('createEntraOpenApiDocument', () => {
  let app: INestApplication;
  let doc: OpenAPIObject;
  const config = new DocumentBuilder().setTitle('t').build();

  beforeAll(async () => {
    app = await appWith([TodosController, MixedController, OpenController]);
    doc = createEntraOpenApiDocument(app, config, { appIdUri: 'api://my-api' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('turns @RequiredScopes into one requirement per accepted scope, as full scope URIs', () => {
    expect(op(doc, '/todos').security).toEqual([{ entra: [api('access_as_user')] }]);
    expect(op(doc, '/todos/read').security).toEqual([
      { entra: [api('Todo.Read')] },
      { entra: [api('Todo.ReadWrite')] },
    ]);
    expect(op(doc, '/todos/read')['x-entra-scopes' as keyof OperationObject]).toEqual(['Todo.Read', 'Todo.ReadWrite']);
  });

  it('adds 401 and 403 with WWW-Authenticate, and 503 with Retry-After, keeping the default 200', () => {
    const responses = op(doc, '/todos').responses;
    expect(Object.keys(responses).sort()).toEqual(['200', '401', '403', '503']);
    expect(JSON.stringify(responses['401'])).toContain('WWW-Authenticate');
    expect(JSON.stringify(responses['403'])).toContain('insufficient_scope');
    expect(JSON.stringify(responses['503'])).toContain('Retry-After');
    // What the author documented stays.
    expect(op(doc, '/todos/documented').responses['403']).toMatchObject({ description: 'custom' });
  });

  it('keeps the class scopes and adds the method app permission (both are required)', () => {
    const importOp = op(doc, '/todos/import', 'post');
    expect(importOp.security).toEqual([{ entra: [api('access_as_user')] }]);
    expect(importOp['x-entra-app-permissions' as keyof OperationObject]).toEqual(['Todo.Import']);
    expect(importOp['x-entra-requirement' as keyof OperationObject]).toBe('scopes-and-app-permissions');
    expect(importOp.description).toContain("'Todo.Import' (roles)");
  });

  it('public and unguarded routes have security: [] and no 401', () => {
    for (const path of ['/todos/public', '/health']) {
      expect(op(doc, path).security).toEqual([]);
      expect(op(doc, path).responses['401']).toBeUndefined();
    }
  });

  it('@RequiredScopesOrAppPermissions lists the scopes and the app permissions', () => {
    const either = op(doc, '/mixed');
    expect(either.security).toEqual([{ entra: [api('access_as_user')] }]);
    expect(either['x-entra-requirement' as keyof OperationObject]).toBe('scopes-or-app-permissions');
    expect(either['x-entra-app-permissions' as keyof OperationObject]).toEqual(['Todo.ReadWrite.All']);
  });

  it('resolves configuration keys from the AuthModule configuration, as the guard does', () => {
    expect(op(doc, '/mixed/from-config').security).toEqual([
      { entra: [api('Todo.Read')] },
      { entra: [api('Todo.Write')] },
    ]);
    const denied = op(doc, '/mixed/misconfigured');
    expect(denied.security).toEqual([{ entra: [] }]);
    expect(denied['x-entra-requirement' as keyof OperationObject]).toBe('denied');
    expect(denied.description).toContain("'App:Missing'");
  });

  it('a guarded route without decorators needs any token; another scheme the author set stays', () => {
    expect(op(doc, '/mixed/authenticated').security).toEqual([{ entra: [] }]);
    expect(op(doc, '/mixed/authenticated').responses['403']).toBeUndefined();
    expect(op(doc, '/mixed/two-schemes').security).toEqual([{ entra: [api('access_as_user')] }, { apiKey: [] }]);
  });

  it('adds the Entra scheme with the emulator-style URLs and every scope the routes name', () => {
    const scheme = doc.components?.securitySchemes?.[ENTRA_SECURITY_SCHEME] as {
      flows: { authorizationCode: { authorizationUrl: string; tokenUrl: string; scopes: Record<string, string> } };
    };
    expect(scheme.flows.authorizationCode.authorizationUrl).toBe(
      `https://login.example.test/${TENANT}/oauth2/v2.0/authorize`,
    );
    expect(scheme.flows.authorizationCode.tokenUrl).toBe(`https://login.example.test/${TENANT}/oauth2/v2.0/token`);
    expect(Object.keys(scheme.flows.authorizationCode.scopes).sort()).toEqual(
      [api('Todo.Read'), api('Todo.ReadWrite'), api('Todo.Write'), api('access_as_user')].sort(),
    );
  });

  it('leaves no trace on the controllers and no marker in the document', () => {
    expect(JSON.stringify(doc)).not.toContain('x-nest-identity-web-route');
    expect(Reflect.getMetadata(DECORATORS.API_EXTENSION, TodosController.prototype.list)).toBeUndefined();
  });

  it('Swagger UI options ask for PKCE and the scopes of the document', () => {
    const ui = entraSwaggerUiOptions({ clientId: 'spa-client', document: doc });
    expect(ui.initOAuth).toMatchObject({ clientId: 'spa-client', usePkceWithAuthorizationCodeGrant: true });
    expect(ui.initOAuth?.scopes).toContain(api('access_as_user'));
    expect(() => entraSwaggerUiOptions({ clientId: ' ' })).toThrow(
      expect.objectContaining({ code: AuthErrorCode.InvalidOpenApiOptions }),
    );
  });
});

describe('a global AuthGuard (APP_GUARD)', () => {
  it('documents undecorated routes as needing a token', async () => {
    const app = await appWith([OpenController], [{ provide: APP_GUARD, useClass: AuthGuard }]);
    try {
      const doc = createEntraOpenApiDocument(app, new DocumentBuilder().build());
      expect(op(doc, '/health').security).toEqual([{ entra: [] }]);
      expect(op(doc, '/health').responses['401']).toBeDefined();
    } finally {
      await app.close();
    }
  });
});

describe('entraOAuth2Scheme', () => {
  it('reads AzureAd__* settings and defaults the App ID URI to api://<client-id>', () => {
    const scheme = entraOAuth2Scheme({
      configuration: { AzureAd__TenantId: 'contoso.onmicrosoft.com', AzureAd__ClientId: 'abc' },
      scopes: { access_as_user: 'Use the API', 'https://graph.microsoft.com/User.Read': 'Graph' },
    });
    expect(scheme.flows?.authorizationCode).toEqual({
      authorizationUrl: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize',
      tokenUrl: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
      refreshUrl: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
      scopes: { 'api://abc/access_as_user': 'Use the API', 'https://graph.microsoft.com/User.Read': 'Graph' },
    });
  });

  it.each([
    ['no tenant', { configuration: { AzureAd__ClientId: 'abc' } }],
    ['no client ID nor App ID URI', { configuration: { AzureAd__TenantId: 'common' } }],
    ['an http instance', { instance: 'http://login.example.test/', tenantId: 'common', clientId: 'a' }],
    ['a scope with a space', { tenantId: 'common', clientId: 'a', scopes: ['a b'] }],
  ])('fails with NIW1018 on %s', (_what, options) => {
    expect(() => entraOAuth2Scheme(options)).toThrow(
      expect.objectContaining({
        code: AuthErrorCode.InvalidOpenApiOptions,
        message: expect.stringContaining('Potential solutions'),
      }),
    );
  });
});
