import { describe, expect, it } from '@jest/globals';
import { DEFAULT_DOWNSTREAM_APIS, loadMyApiConfig } from './my-api.config.js';

describe('loadMyApiConfig', () => {
  it('defaults to the real Microsoft Graph and Azure Resource Manager', () => {
    const config = loadMyApiConfig({});
    expect(config.downstreamApis.graph).toEqual(DEFAULT_DOWNSTREAM_APIS.graph);
    expect(config.downstreamApis.arm).toEqual(DEFAULT_DOWNSTREAM_APIS.arm);
    expect(config.downstreamApis.todoList.appScope).toBe('api://todolist-service/.default');
  });

  it('reads Microsoft.Identity.Web-style variables', () => {
    const config = loadMyApiConfig({
      AzureAd__Instance: 'https://login.example/',
      AzureAd__TenantId: 'contoso.onmicrosoft.com',
      AzureAd__ClientId: 'client',
      DownstreamApis__TodoList__BaseUrl: 'https://todo.example/',
      DownstreamApis__TodoList__Scopes: 'api://todo/read api://todo/write',
      DownstreamApis__Graph__BaseUrl: 'http://127.0.0.1:9/v1.0',
      DownstreamApis__Arm__Scopes: 'https://management.azure.com/user_impersonation',
    });
    expect(config.azureAd).toMatchObject({
      instance: 'https://login.example/',
      tenantId: 'contoso.onmicrosoft.com',
      clientId: 'client',
    });
    expect(config.downstreamApis.todoList).toEqual({
      baseUrl: 'https://todo.example',
      scopes: ['api://todo/read', 'api://todo/write'],
      appScope: 'api://todo/.default',
    });
    expect(config.downstreamApis.graph.baseUrl).toBe('http://127.0.0.1:9/v1.0');
    expect(config.downstreamApis.arm.scopes).toEqual(['https://management.azure.com/user_impersonation']);
  });

  it('takes an explicit app scope', () => {
    const config = loadMyApiConfig({ DownstreamApis__TodoList__AppScope: 'api://other/.default' });
    expect(config.downstreamApis.todoList.appScope).toBe('api://other/.default');
  });

  it.each(['localhost:5001', 'ftp://x', 'http://x/?q=1', 'not a url'])('fails fast on a bad base URL %p', (url) => {
    expect(() => loadMyApiConfig({ DownstreamApis__TodoList__BaseUrl: url })).toThrow(
      /^DownstreamApis__TodoList__BaseUrl must be an absolute http\(s\) URL/,
    );
  });
});
