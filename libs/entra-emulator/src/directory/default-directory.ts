import type { DirectoryInput } from './directory.types.js';

/**
 * The ids of the default directory, shared by the samples, the tests and the demo.
 * Tenants have `id` (also as `tid`), apps have `clientId` (also as `appId`).
 *
 * @example
 * ```ts
 * import { DEFAULT_IDS } from '@nest-identity-web/entra-emulator';
 * const authority = `${emu.instance}${DEFAULT_IDS.tenants.contoso.id}`;
 * const scope = DEFAULT_IDS.apps.myApi.scopeUri; // 'api://my-api/access_as_user'
 * ```
 */
export const DEFAULT_IDS = {
  tenants: {
    contoso: {
      name: 'contoso',
      id: '72f988bf-0000-4000-8000-000000000001',
      tid: '72f988bf-0000-4000-8000-000000000001',
      domain: 'contoso.onmicrosoft.com',
    },
    fabrikam: {
      name: 'fabrikam',
      id: '72f988bf-0000-4000-8000-000000000002',
      tid: '72f988bf-0000-4000-8000-000000000002',
      domain: 'fabrikam.onmicrosoft.com',
    },
  },
  apps: {
    demoClient: {
      name: 'demo-client',
      clientId: '11111111-0000-4000-8000-000000000001',
      appId: '11111111-0000-4000-8000-000000000001',
    },
    myApi: {
      name: 'my-api',
      clientId: '11111111-0000-4000-8000-0000000000a1',
      appId: '11111111-0000-4000-8000-0000000000a1',
      appIdUri: 'api://my-api',
      secret: 'my-api-dev-secret',
      scope: 'access_as_user',
      scopeUri: 'api://my-api/access_as_user',
      defaultScope: 'api://my-api/.default',
      adminRole: 'Admin.All',
    },
    todolistService: {
      name: 'todolist-service',
      clientId: '11111111-0000-4000-8000-0000000000a2',
      appId: '11111111-0000-4000-8000-0000000000a2',
      appIdUri: 'api://todolist-service',
      secret: 'todolist-dev-secret',
      scope: 'access_as_user',
      scopeUri: 'api://todolist-service/access_as_user',
      defaultScope: 'api://todolist-service/.default',
      appRole: 'TodoList.ReadWrite.All',
    },
    graph: {
      name: 'graph',
      clientId: '00000003-0000-0000-c000-000000000000',
      appId: '00000003-0000-0000-c000-000000000000',
      appIdUri: 'https://graph.microsoft.com',
      resource: 'https://graph.microsoft.com',
      scopeUri: 'https://graph.microsoft.com/User.Read',
      defaultScope: 'https://graph.microsoft.com/.default',
    },
    arm: {
      name: 'arm',
      clientId: '797f4846-ba00-4fd7-ba43-dac1f8f63013',
      appId: '797f4846-ba00-4fd7-ba43-dac1f8f63013',
      appIdUri: 'https://management.azure.com/',
      resource: 'https://management.azure.com/',
      scopeUri: 'https://management.azure.com//user_impersonation',
      defaultScope: 'https://management.azure.com//.default',
    },
  },
  users: {
    alice: {
      name: 'alice',
      oid: '22222222-0000-4000-8000-000000000001',
      upn: 'alice@contoso.onmicrosoft.com',
      username: 'alice@contoso.onmicrosoft.com',
      password: 'alice-password',
      displayName: 'Alice Smith',
    },
    bob: {
      name: 'bob',
      oid: '22222222-0000-4000-8000-000000000002',
      upn: 'bob@contoso.onmicrosoft.com',
      username: 'bob@contoso.onmicrosoft.com',
      password: 'bob-password',
      displayName: 'Bob Jones',
    },
    carol: {
      name: 'carol',
      oid: '22222222-0000-4000-8000-000000000003',
      upn: 'carol@contoso.onmicrosoft.com',
      username: 'carol@contoso.onmicrosoft.com',
      password: 'carol-password',
      displayName: 'Carol Lee (MFA required for todolist-service)',
    },
    mallory: {
      name: 'mallory',
      oid: '22222222-0000-4000-8000-000000000004',
      upn: 'mallory@contoso.onmicrosoft.com',
      username: 'mallory@contoso.onmicrosoft.com',
      password: 'mallory-password',
      displayName: 'Mallory (blocked by Conditional Access)',
    },
    erin: {
      name: 'erin',
      oid: '22222222-0000-4000-8000-0000000000f1',
      upn: 'erin@fabrikam.onmicrosoft.com',
      username: 'erin@fabrikam.onmicrosoft.com',
      password: 'erin-password',
      displayName: 'Erin Fabrikam',
    },
  },
  policies: {
    carolMfa: '33333333-0000-4000-8000-000000000001',
    malloryBlocked: '33333333-0000-4000-8000-000000000002',
  },
} as const;

const ids = DEFAULT_IDS;
const graphScopes = ['User.Read', 'User.ReadBasic.All', 'Mail.Read', 'Files.Read', 'openid', 'profile', 'email'];

/**
 * The default directory: tenants contoso and fabrikam, the demo client, `my-api`, `todolist-service`,
 * Microsoft Graph and Azure Resource Manager, users alice, bob (ordinary), carol (MFA required for
 * todolist-service), mallory (blocked by Conditional Access) and erin (fabrikam).
 *
 * @example
 * ```ts
 * import { DEFAULT_DIRECTORY, startEntraEmulator } from '@nest-identity-web/entra-emulator';
 * const emu = await startEntraEmulator({ directory: DEFAULT_DIRECTORY });
 * ```
 */
export const DEFAULT_DIRECTORY: DirectoryInput = {
  tenants: [
    {
      name: ids.tenants.contoso.name,
      id: ids.tenants.contoso.id,
      domain: ids.tenants.contoso.domain,
      users: [
        {
          name: 'alice',
          oid: ids.users.alice.oid,
          upn: ids.users.alice.upn,
          displayName: ids.users.alice.displayName,
          givenName: 'Alice',
          familyName: 'Smith',
          password: ids.users.alice.password,
          appRoles: { 'my-api': ['Admin.All'] },
        },
        {
          name: 'bob',
          oid: ids.users.bob.oid,
          upn: ids.users.bob.upn,
          displayName: ids.users.bob.displayName,
          givenName: 'Bob',
          familyName: 'Jones',
          password: ids.users.bob.password,
        },
        {
          name: 'carol',
          oid: ids.users.carol.oid,
          upn: ids.users.carol.upn,
          displayName: ids.users.carol.displayName,
          givenName: 'Carol',
          familyName: 'Lee',
          password: ids.users.carol.password,
        },
        {
          name: 'mallory',
          oid: ids.users.mallory.oid,
          upn: ids.users.mallory.upn,
          displayName: ids.users.mallory.displayName,
          password: ids.users.mallory.password,
        },
      ],
      policies: [
        { id: ids.policies.carolMfa, users: ['carol'], resources: ['todolist-service'], grant: 'mfa' },
        { id: ids.policies.malloryBlocked, users: ['mallory'], grant: 'block' },
      ],
    },
    {
      name: ids.tenants.fabrikam.name,
      id: ids.tenants.fabrikam.id,
      domain: ids.tenants.fabrikam.domain,
      users: [
        {
          name: 'erin',
          oid: ids.users.erin.oid,
          upn: ids.users.erin.upn,
          displayName: ids.users.erin.displayName,
          password: ids.users.erin.password,
        },
      ],
    },
  ],
  apps: [
    {
      name: ids.apps.demoClient.name,
      clientId: ids.apps.demoClient.clientId,
      displayName: 'Demo client (public)',
      publicClient: true,
      redirectUris: ['http://localhost', 'http://127.0.0.1'],
      delegatedPermissions: [
        { resource: 'my-api', scopes: ['access_as_user'] },
        { resource: 'todolist-service', scopes: ['access_as_user'] },
        { resource: 'graph', scopes: ['User.Read'] },
      ],
    },
    {
      name: ids.apps.myApi.name,
      clientId: ids.apps.myApi.clientId,
      displayName: 'My API (middle tier)',
      appIdUri: ids.apps.myApi.appIdUri,
      secrets: [ids.apps.myApi.secret],
      scopes: ['access_as_user'],
      appRoles: [{ value: 'Admin.All', allowedMemberTypes: ['User'] }],
      accessTokenAcceptedVersion: 2,
      redirectUris: ['http://localhost', 'http://127.0.0.1'],
      delegatedPermissions: [
        { resource: 'todolist-service', scopes: ['access_as_user'] },
        { resource: 'graph', scopes: ['User.Read'] },
        { resource: 'arm', scopes: ['user_impersonation'] },
      ],
      appPermissions: [{ resource: 'todolist-service', roles: ['TodoList.ReadWrite.All'] }],
    },
    {
      name: ids.apps.todolistService.name,
      clientId: ids.apps.todolistService.clientId,
      displayName: 'TodoList service (downstream)',
      appIdUri: ids.apps.todolistService.appIdUri,
      secrets: [ids.apps.todolistService.secret],
      scopes: ['access_as_user'],
      appRoles: [{ value: 'TodoList.ReadWrite.All', allowedMemberTypes: ['Application'] }],
      accessTokenAcceptedVersion: 2,
    },
    {
      name: ids.apps.graph.name,
      clientId: ids.apps.graph.clientId,
      displayName: 'Microsoft Graph',
      appIdUri: ids.apps.graph.resource,
      identifierUris: ['https://graph.microsoft.com/', '00000003-0000-0000-c000-000000000000'],
      scopes: graphScopes,
      appRoles: [
        { value: 'User.Read.All', allowedMemberTypes: ['Application'] },
        { value: 'Mail.Read', allowedMemberTypes: ['Application'] },
      ],
      accessTokenAcceptedVersion: 1,
    },
    {
      name: ids.apps.arm.name,
      clientId: ids.apps.arm.clientId,
      displayName: 'Windows Azure Service Management API',
      appIdUri: ids.apps.arm.resource,
      identifierUris: ['https://management.core.windows.net/'],
      scopes: ['user_impersonation'],
      accessTokenAcceptedVersion: 1,
    },
  ],
};
