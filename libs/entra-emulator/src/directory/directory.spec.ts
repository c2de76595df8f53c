import { describe, expect, it } from '@jest/globals';
import { DEFAULT_DIRECTORY, DEFAULT_IDS } from './default-directory.js';
import { EmulatorConfigurationError, ResolvedDirectory } from './directory.js';

describe('ResolvedDirectory', () => {
  const dir = new ResolvedDirectory(DEFAULT_DIRECTORY);

  it('finds tenants by id, name and domain, case-insensitively', () => {
    for (const ref of ['CONTOSO', DEFAULT_IDS.tenants.contoso.domain, DEFAULT_IDS.tenants.contoso.id]) {
      expect(dir.tenant(ref)?.id).toBe(DEFAULT_IDS.tenants.contoso.id);
    }
  });

  it('resolves permission grants, role assignments and policies to ids', () => {
    const myApi = dir.app('my-api')!;
    expect(myApi.delegatedPermissions.get(DEFAULT_IDS.apps.todolistService.clientId)).toEqual(['access_as_user']);
    expect(myApi.appPermissions.get(DEFAULT_IDS.apps.todolistService.clientId)).toEqual(['TodoList.ReadWrite.All']);
    expect(dir.user('alice')?.appRoles.get(DEFAULT_IDS.apps.myApi.clientId)).toEqual(['Admin.All']);
    const mfa = dir.tenant('contoso')!.policies.find((p) => p.grant === 'mfa')!;
    expect(mfa.users?.has(DEFAULT_IDS.users.carol.oid)).toBe(true);
    expect(mfa.resources?.has(DEFAULT_IDS.apps.todolistService.clientId)).toBe(true);
  });

  it('refuses invalid directories with a coded configuration error', () => {
    expect(() => new ResolvedDirectory({ tenants: [], apps: [] })).toThrow(EmulatorConfigurationError);
    expect(() => new ResolvedDirectory({ tenants: [{ name: 't', id: 'not-a-guid', domain: 't' }], apps: [] })).toThrow(
      /EMU1006/,
    );
    const t = { name: 't', id: '72f988bf-0000-4000-8000-00000000000f', domain: 't.example' };
    expect(
      () =>
        new ResolvedDirectory({
          tenants: [t],
          apps: [
            {
              name: 'a',
              clientId: '11111111-0000-4000-8000-0000000000ff',
              delegatedPermissions: [{ resource: 'missing', scopes: ['x'] }],
            },
          ],
        }),
    ).toThrow(/EMU1005/);
  });

  it('resolves optional access-token claims and refuses unknown ones (EMU1016)', () => {
    const apps = DEFAULT_DIRECTORY.apps.map((a) =>
      a.name === 'my-api' ? { ...a, optionalClaims: { accessToken: ['idtyp'] as const } } : a,
    );
    const custom = new ResolvedDirectory({ ...DEFAULT_DIRECTORY, apps });
    expect([...custom.app('my-api')!.accessTokenOptionalClaims]).toEqual(['idtyp']);
    expect(dir.app('my-api')!.accessTokenOptionalClaims.size).toBe(0);
    const bad = DEFAULT_DIRECTORY.apps.map((a) =>
      a.name === 'my-api' ? { ...a, optionalClaims: { accessToken: ['groups' as 'idtyp'] } } : a,
    );
    expect(() => new ResolvedDirectory({ ...DEFAULT_DIRECTORY, apps: bad })).toThrow(/EMU1016/);
  });

  it('resolves External ID and B2C tenants and refuses misplaced user flows (EMU1017)', () => {
    const tenant = (t: Record<string, unknown>) => ({
      name: 'x',
      id: '775527ff-9a37-4307-8b3d-cc311f58d925',
      domain: 'x.onmicrosoft.com',
      ...t,
    });
    const build = (t: Record<string, unknown>) => new ResolvedDirectory({ tenants: [tenant(t)], apps: [] });
    expect(build({ kind: 'b2c', userFlows: ['B2C_1_susi', 'B2C_1A_signin'] }).tenants[0]).toMatchObject({
      kind: 'b2c',
      userFlows: ['B2C_1_susi', 'B2C_1A_signin'],
      policyClaim: 'tfp',
    });
    expect(build({ kind: 'ciam' }).tenants[0]).toMatchObject({ kind: 'ciam', userFlows: [] });
    expect(build({}).tenants[0]?.kind).toBe('entra');
    for (const bad of [
      { kind: 'b2c' },
      { kind: 'b2c', userFlows: ['susi'] },
      { kind: 'ciam', userFlows: ['B2C_1_susi'] },
    ]) {
      expect(() => build(bad)).toThrow(/EMU1017/);
    }
  });
});
