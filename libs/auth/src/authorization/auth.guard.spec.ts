import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { Controller, Get, Module, Req, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  AuthErrorCode,
  AuthGuard,
  AuthModule,
  CurrentUser,
  RequiredAppPermissions,
  RequiredScopes,
  RequiredScopesOrAppPermissions,
  verifyUserHasAnyAcceptedRole,
  verifyUserHasAnyAcceptedScope,
  type AuthPrincipal,
} from 'nest-identity-web';
import { API_CLIENT_ID, startLocalIdp, TENANTS, type LocalIdp } from '../testing/local-idp.js';
import { hashAssertion } from '../request-context/caller.js';
import { RequestContextStore } from '../request-context/request-context.js';

const LONG_SCOPE = 'http://schemas.microsoft.com/identity/claims/scope';
const LONG_ROLE = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';

@Controller()
class FactsController {
  @Get('context')
  async context() {
    await new Promise((r) => setTimeout(r, 5));
    const current = RequestContextStore.get();
    return { oid: current?.principal.oid, assertion: current?.assertion, assertionHash: current?.assertionHash };
  }
  @Get('serialized')
  serialized(@Req() req: Record<string, unknown>, @CurrentUser() user: AuthPrincipal) {
    // What a careless handler might log: the principal and every request field but the headers
    // (sockets and streams skipped).
    const { headers: _headers, rawHeaders: _rawHeaders, ...rest } = req;
    const fields = JSON.stringify(rest, (_key, value: unknown) =>
      typeof value === 'object' && value !== null && ('_events' in value || 'socket' in value) ? '[skipped]' : value,
    );
    return { user: JSON.stringify(user), principal: JSON.stringify(RequestContextStore.get()?.principal), fields };
  }
  @Get('scope')
  @RequiredScopes('access_as_user')
  scope() {
    return 'ok';
  }
  @Get('scope-from-config')
  @RequiredScopes({ configKey: 'AzureAd:Scope' })
  scopeFromConfig() {
    return 'ok';
  }
  @Get('nothing')
  nothing() {
    return 'ok';
  }
  @Get('app-permission')
  @RequiredScopesOrAppPermissions({ appPermissions: ['access_as_app'] })
  appPermission() {
    return 'ok';
  }
  @Get('app-permission-from-config')
  @RequiredScopesOrAppPermissions({ appPermissionsConfigKey: 'AzureAd:AppPermission' })
  appPermissionFromConfig() {
    return 'ok';
  }
  @Get('role')
  @RequiredAppPermissions('access_as_app')
  role() {
    return 'ok';
  }
  @Get('scope-or-permission')
  @RequiredScopesOrAppPermissions({ scopes: ['user.read'], appPermissions: ['access_as_app'] })
  scopeOrPermission() {
    return 'ok';
  }
  @Get('neither')
  @RequiredScopesOrAppPermissions({})
  neither() {
    return 'ok';
  }
}

describe('AuthGuard', () => {
  let idp: LocalIdp;
  let app: INestApplication;

  beforeAll(async () => {
    idp = await startLocalIdp();
    @Module({
      imports: [
        AuthModule.forRoot({
          instance: idp.instance,
          tenantId: TENANTS.contoso,
          clientId: API_CLIENT_ID,
          trustedCa: [idp.caCertPem],
          configuration: { 'AzureAd:Scope': 'access_as_user', 'AzureAd:AppPermission': 'access_as_app' },
        }),
      ],
      controllers: [FactsController],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
    await idp.stop();
  });

  const call = async (path: string, claims: Record<string, unknown>) =>
    request(app.getHttpServer() as Server)
      .get(path)
      .set('Authorization', `Bearer ${await idp.issueToken(idp.userClaims(claims))}`);

  it('records each caller and its assertion in the request context, isolated between concurrent requests', async () => {
    const tokens = await Promise.all(['a', 'b', 'c'].map((oid) => idp.issueToken(idp.userClaims({ oid }))));
    const answers = await Promise.all(
      tokens.map((t) =>
        request(app.getHttpServer() as Server)
          .get('/context')
          .set('Authorization', `Bearer ${t}`),
      ),
    );
    expect(answers.map((r) => (r.body as { oid: string }).oid)).toEqual(['a', 'b', 'c']);
    expect(answers.map((r) => (r.body as { assertion: string }).assertion)).toEqual(tokens);
  });

  it('records the hash the validator computed, so on-behalf-of does not hash the token again', async () => {
    const token = await idp.issueToken(idp.userClaims({ oid: 'hash-me' }));
    const res = await request(app.getHttpServer() as Server)
      .get('/context')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect((res.body as { assertionHash: string }).assertionHash).toBe(hashAssertion(token));
  });

  it('never exposes the raw token through req.user, @CurrentUser(), the principal or other request fields', async () => {
    const token = await idp.issueToken(idp.userClaims({ oid: 'serialize-me' }));
    const res = await request(app.getHttpServer() as Server)
      .get('/serialized')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const body = res.body as { user: string; principal: string; fields: string };
    expect(body.user).toContain('serialize-me');
    expect(body.principal).toBe(body.user);
    const signature = token.split('.')[2]!;
    for (const text of [body.user, body.fields]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(signature);
    }
    expect(body.fields).not.toContain('authInfo');
  });

  // Facts ported from Microsoft.Identity.Web's RequiredScopePolicyTests, RequiredScopeOrAppPermissionPolicyTests
  // and JwtBearerEventsClaimsValidationTests (numbers refer to the fact table in the reference notes).
  it.each([
    ['1: scp access_as_user', '/scope', { scp: 'access_as_user' }, 200],
    ['1: long-form scope claim', '/scope', { scp: undefined, [LONG_SCOPE]: 'access_as_user' }, 200],
    ['1: scope from a configuration key', '/scope-from-config', { scp: 'access_as_user' }, 200],
    ['2: one of several space-separated scopes', '/scope', { scp: 'access_as_user user.read' }, 200],
    ['2: long form, several scopes', '/scope', { scp: undefined, [LONG_SCOPE]: 'access_as_user user.read' }, 200],
    ['3: another scope', '/scope', { scp: 'user.read' }, 403],
    ['3: case differs (ordinal comparison)', '/scope', { scp: 'Access_As_User' }, 403],
    ['4: no requirement (fail-open when nothing is configured)', '/nothing', { scp: 'user.read' }, 200],
    ['6: roles access_as_app', '/app-permission', { scp: undefined, roles: ['access_as_app'] }, 200],
    ['6: long-form role claim', '/app-permission', { scp: undefined, [LONG_ROLE]: 'access_as_app' }, 200],
    [
      '6: app permission from a configuration key',
      '/app-permission-from-config',
      { scp: undefined, roles: ['access_as_app'] },
      200,
    ],
    [
      '7: space-separated role values',
      '/app-permission',
      { scp: undefined, roles: ['access_as_app_read_only access_as_app'] },
      200,
    ],
    ['7: @RequiredAppPermissions', '/role', { scp: undefined, roles: ['access_as_app'] }, 200],
    ['8: another role', '/app-permission', { scp: undefined, roles: ['access_as_app2'] }, 403],
    ['9: both lists empty → denied (fail-closed, unlike MIW)', '/neither', { roles: ['access_as_app'] }, 403],
    ['10: scope or permission, both held', '/scope-or-permission', { scp: 'user.read', roles: ['access_as_app'] }, 200],
    ['10: scope or permission, scope only', '/scope-or-permission', { scp: 'user.read' }, 200],
    ['16: neither scope nor roles → authentication fails', '/nothing', { scp: undefined }, 401],
    ['17: roles only → stays authenticated', '/nothing', { scp: undefined, roles: ['role'] }, 200],
  ])('%s → %s', async (_name, path, claims, status) => {
    const res = await call(path, claims);
    expect(res.status).toBe(status);
    if (status === 401) {
      expect(res.headers['www-authenticate']).toBe(
        'Bearer error="invalid_token", error_description="Neither scope nor roles claim was found in the bearer token."',
      );
    }
    if (status === 403) expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope"/);
  });
});

describe('verifyUserHasAnyAcceptedScope / verifyUserHasAnyAcceptedRole', () => {
  const user = (scopes: string[], roles: string[] = []) => ({ scopes, roles }) as unknown as AuthPrincipal;

  it('answers 401 (NIW2004) without an authenticated principal (fact 13)', () => {
    expect(() => verifyUserHasAnyAcceptedScope(undefined, 'a')).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => verifyUserHasAnyAcceptedRole(null, 'a')).toThrow(expect.objectContaining({ status: 401 }));
  });

  it('answers 403 with the IDW10203 text when no accepted scope is held (fact 14)', () => {
    let error: unknown;
    try {
      verifyUserHasAnyAcceptedScope(user(['acceptedScope3', 'acceptedScope4']), 'acceptedScope1', 'acceptedScope2');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ status: 403 });
    expect((error as { getResponse(): unknown }).getResponse()).toMatchObject({
      code: AuthErrorCode.InsufficientScope,
      message: "The 'scope' or 'scp' claim does not contain scopes 'acceptedScope1,acceptedScope2' or was not found.",
    });
  });

  it.each([
    [['acceptedScope1'], ['acceptedScope1']],
    [['acceptedScope1', 'acceptedScope2'], ['acceptedScope2']],
    [['acceptedScope2'], ['acceptedScope1', 'acceptedScope2']],
    [
      ['acceptedScope2', 'acceptedScope1'],
      ['acceptedScope1', 'acceptedScope2'],
    ],
  ])('passes when held %j intersects accepted %j (fact 15)', (held, accepted) => {
    expect(() => verifyUserHasAnyAcceptedScope(user(held), ...accepted)).not.toThrow();
  });

  it('answers 403 with the IDW10202 text for roles, and fails closed on an empty accepted list', () => {
    const u = user([], ['access_as_application_for_read_all_directory', 'access_as_application_for_read']);
    let error: unknown;
    try {
      verifyUserHasAnyAcceptedRole(u, 'access_as_application', 'access_as_application_for_write');
    } catch (e) {
      error = e;
    }
    expect((error as { getResponse(): unknown }).getResponse()).toMatchObject({
      code: AuthErrorCode.InsufficientAppPermission,
      message:
        "The 'roles' or 'role' claim does not contain roles 'access_as_application, access_as_application_for_write' or was not found.",
    });
    expect(() =>
      verifyUserHasAnyAcceptedRole(user([], ['access_as_application']), 'access_as_application'),
    ).not.toThrow();
    expect(() => verifyUserHasAnyAcceptedScope(user(['a']))).toThrow(expect.objectContaining({ status: 403 }));
  });
});
