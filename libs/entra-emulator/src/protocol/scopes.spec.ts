import { describe, expect, it } from '@jest/globals';
import { DEFAULT_DIRECTORY, DEFAULT_IDS } from '../directory/default-directory.js';
import { ResolvedDirectory } from '../directory/directory.js';
import { assertExposed, parseScopes } from './scopes.js';

const dir = new ResolvedDirectory(DEFAULT_DIRECTORY);
const ids = DEFAULT_IDS.apps;

describe('parseScopes', () => {
  it('splits OIDC scopes from the resource scopes', () => {
    const p = parseScopes(`${ids.myApi.scopeUri} openid profile offline_access`, dir, 'contoso');
    expect(p.resource?.clientId).toBe(ids.myApi.clientId);
    expect(p.resourceIdentifier).toBe('api://my-api');
    expect(p.values).toEqual(['access_as_user']);
    expect(p.oidc).toEqual(['openid', 'profile', 'offline_access']);
  });

  it('resolves a client id, an App ID URI with a trailing slash and bare Graph scopes', () => {
    expect(parseScopes(`${ids.todolistService.clientId}/.default`, dir, 'contoso').resource?.name).toBe(
      'todolist-service',
    );
    const arm = parseScopes(ids.arm.scopeUri, dir, 'contoso');
    expect([arm.resource?.name, arm.values[0], arm.resourceIdentifier]).toEqual([
      'arm',
      'user_impersonation',
      'https://management.azure.com/',
    ]);
    const graph = parseScopes('User.Read', dir, 'contoso');
    expect([graph.resource?.name, graph.values[0]]).toEqual(['graph', 'User.Read']);
    expect(parseScopes('https://graph.microsoft.com/.default', dir, 'contoso').resourceIdentifier).toBe(
      'https://graph.microsoft.com',
    );
  });

  it('refuses scopes of two resources (28000) and unknown resources (500011)', () => {
    expect(() => parseScopes(`${ids.myApi.scopeUri} ${ids.todolistService.scopeUri}`, dir, 'contoso')).toThrow(
      /AADSTS28000/,
    );
    expect(() => parseScopes('api://unknown/x', dir, 'contoso')).toThrow(/AADSTS500011/);
  });

  it('refuses a scope the resource does not expose (70011)', () => {
    expect(() => assertExposed(parseScopes('api://my-api/nope', dir, 'contoso'))).toThrow(/AADSTS70011/);
  });
});
