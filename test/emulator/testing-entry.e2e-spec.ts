import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { startTestAuthority, type TestAuthority } from '@nest-identity-web/entra-emulator/testing';
import {
  AuthGuard,
  AuthModule,
  CurrentUser,
  ITokenAcquisition,
  RequiredScopes,
  loadAzureAdOptions,
  type AuthPrincipal,
} from 'nest-identity-web';

// A README-style app: AuthModule.forRoot(loadAzureAdOptions(settings)) and nothing else.
function appModule(settings: Record<string, string | undefined>, downstream: () => string) {
  @Controller('api')
  @UseGuards(AuthGuard)
  @RequiredScopes('access_as_user')
  class ApiController {
    constructor(private readonly tokens: ITokenAcquisition) {}

    @Get('me')
    me(@CurrentUser() user: AuthPrincipal) {
      return { oid: user.oid };
    }

    @Get('todos')
    async todos() {
      const token = await this.tokens.getAccessTokenForUser(['api://todolist-service/access_as_user']);
      const res = await fetch(`${downstream()}/todos`, { headers: { authorization: `Bearer ${token}` } });
      return await res.json();
    }
  }
  @Module({ imports: [AuthModule.forRoot(loadAzureAdOptions(settings))], controllers: [ApiController] })
  class AppModule {}
  return AppModule;
}

describe('@nest-identity-web/entra-emulator/testing', () => {
  let authority: TestAuthority;
  let app: INestApplication;
  let stub: Server;
  let stubUrl = '';

  beforeAll(async () => {
    authority = await startTestAuthority();
    // The downstream stub answers with the audience of the token it received.
    stub = createServer((req, res) => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as {
        aud?: string;
      };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ aud: claims.aud, items: ['milk'] }));
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    const moduleRef = await Test.createTestingModule({
      imports: [appModule(authority.settings, () => stubUrl)],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => stub?.close(resolve));
    await authority?.stop();
  });

  it('returns AzureAd__* settings with the CA file, for the my-api registration', () => {
    expect(authority.settings).toEqual({
      AzureAd__Instance: authority.emulator.instance,
      AzureAd__TenantId: authority.tenantId,
      AzureAd__ClientId: authority.clientId,
      AzureAd__ClientSecret: 'my-api-dev-secret',
      AzureAd__TrustedCaPath: authority.caPath,
    });
    expect(authority.caPath).toBe(authority.emulator.caCertPath);
  });

  it('answers 200 for a signed-in user, 401 without a token, 403 without the scope', async () => {
    const server = app.getHttpServer() as Server;
    const me = await request(server).get('/api/me').auth(authority.userToken(), { type: 'bearer' }).expect(200);
    expect(me.body).toEqual({ oid: authority.emulator.directory.defaultTenant.users[0]!.oid });
    await request(server).get('/api/me').expect(401);
    const graphOnly = authority.userToken({ user: 'bob', scopes: ['User.Read'] });
    await request(server).get('/api/me').auth(graphOnly, { type: 'bearer' }).expect(401);
    const otherScope = authority.emulator.issueToken({
      aud: authority.clientId,
      scp: 'something_else',
      oid: authority.emulator.directory.defaultTenant.users[1]!.oid,
    });
    const forbidden = await request(server).get('/api/me').auth(otherScope, { type: 'bearer' }).expect(403);
    expect(forbidden.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('gets a token on behalf of the user for a downstream API', async () => {
    const res = await request(app.getHttpServer() as Server)
      .get('/api/todos')
      .auth(authority.userToken({ user: 'bob' }), { type: 'bearer' })
      .expect(200);
    expect(res.body).toEqual({
      aud: authority.emulator.directory.app('todolist-service')!.clientId,
      items: ['milk'],
    });
  });

  it('answers 503 when the app does not trust the emulator (no TrustedCaPath)', async () => {
    const { AzureAd__TrustedCaPath: _ca, ...untrusting } = authority.settings;
    const moduleRef = await Test.createTestingModule({ imports: [appModule(untrusting, () => stubUrl)] }).compile();
    const other = moduleRef.createNestApplication({ logger: false });
    await other.init();
    try {
      await request(other.getHttpServer() as Server)
        .get('/api/me')
        .auth(authority.userToken(), { type: 'bearer' })
        .expect(503);
    } finally {
      await other.close();
    }
  });

  it('refuses an unknown app, tenant or user with a coded error', async () => {
    await expect(startTestAuthority({ app: 'nope' })).rejects.toThrow(/EMU1030/);
    await expect(startTestAuthority({ tenant: 'nope' })).rejects.toThrow(/EMU1031/);
    expect(() => authority.userToken({ user: 'nobody' })).toThrow(/EMU1032/);
  });
});
