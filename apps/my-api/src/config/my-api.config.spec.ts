import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { AuthErrorCode } from 'nest-identity-web';
import { AppModule } from '../app.module.js';
import { DEFAULT_DOWNSTREAM_API_SETTINGS, loadMyApiConfig } from './my-api.config.js';

describe('loadMyApiConfig', () => {
  it('defaults to the sample todolist-service and the real Microsoft Graph and Azure Resource Manager', () => {
    const { downstreamApis } = loadMyApiConfig({}).azureAd;
    expect(downstreamApis).toEqual({
      TodoList: { baseUrl: 'http://127.0.0.1:5001', scopes: ['api://todolist-service/access_as_user'] },
      Graph: { baseUrl: 'https://graph.microsoft.com/v1.0', scopes: ['https://graph.microsoft.com/.default'] },
      Arm: { baseUrl: 'https://management.azure.com', scopes: ['https://management.azure.com//user_impersonation'] },
    });
    expect(Object.keys(DEFAULT_DOWNSTREAM_API_SETTINGS)).toHaveLength(6);
  });

  it('reads Microsoft.Identity.Web-style variables, each replacing its default', () => {
    const config = loadMyApiConfig({
      AzureAd__Instance: 'https://login.example/',
      AzureAd__TenantId: 'contoso.onmicrosoft.com',
      AzureAd__ClientId: 'client',
      DownstreamApis__TodoList__BaseUrl: 'https://todo.example/',
      DownstreamApis__TodoList__Scopes: 'api://todo/read api://todo/write',
      DownstreamApis__TodoList__AppScope: 'api://other/.default',
      DownstreamApis__Graph__BaseUrl: 'http://127.0.0.1:9/v1.0',
      DownstreamApis__Arm__Scopes: 'https://management.azure.com/user_impersonation',
      DownstreamApis__Arm__TimeoutMs: '',
    });
    expect(config.azureAd).toMatchObject({
      instance: 'https://login.example/',
      tenantId: 'contoso.onmicrosoft.com',
      clientId: 'client',
    });
    expect(config.azureAd.downstreamApis).toEqual({
      TodoList: {
        baseUrl: 'https://todo.example/',
        scopes: ['api://todo/read', 'api://todo/write'],
        appScope: 'api://other/.default',
      },
      Graph: { baseUrl: 'http://127.0.0.1:9/v1.0', scopes: ['https://graph.microsoft.com/.default'] },
      Arm: { baseUrl: 'https://management.azure.com', scopes: ['https://management.azure.com/user_impersonation'] },
    });
  });

  it.each(['localhost:5001', 'ftp://x', 'http://x/?q=1', 'not a url', 'http://todo.example'])(
    'fails fast at bootstrap on a bad base URL %p',
    async (url) => {
      const config = loadMyApiConfig({
        AzureAd__TenantId: 'contoso.onmicrosoft.com',
        AzureAd__ClientId: 'client',
        DownstreamApis__TodoList__BaseUrl: url,
      });
      const error = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
        .compile()
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: AuthErrorCode.InvalidDownstreamApiOptions });
      expect((error as Error).message).toMatch(/downstreamApis\.TodoList\.baseUrl/);
    },
  );
});
