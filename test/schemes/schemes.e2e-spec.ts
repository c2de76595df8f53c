// Two app registrations protecting different controllers of one Nest app, against the Entra
// emulator over HTTPS with real msal-node: the default scheme is my-api, the named scheme
// 'partner' is todolist-service (configured from an `AzureAdPartner__*` section). Each scheme
// validates its own audience and exchanges tokens (on-behalf-of) with its own credentials only.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, Module, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  DEFAULT_DIRECTORY,
  DEFAULT_IDS,
  type DirectoryInput,
  type EntraEmulator,
  startEntraEmulator,
} from '@nest-identity-web/entra-emulator';
import {
  AuthErrorCode,
  AuthGuard,
  AuthModule,
  AuthScheme,
  type AuthModuleOptions,
  type AuthPrincipal,
  CurrentUser,
  DEFAULT_AUTH_SCHEME,
  ITokenAcquisition,
  InjectTokenAcquisition,
  loadAzureAdOptions,
  RequiredScopes,
} from 'nest-identity-web';

const { myApi, todolistService, demoClient, graph } = DEFAULT_IDS.apps;
const { alice, bob } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;
const USER_READ = `${graph.resource}/User.Read`;
const INVALID = /^Bearer error="invalid_token", error_description="[^"\\]+"$/;

/** The default directory, with todolist-service also allowed to call Graph on behalf of users. */
const directory: DirectoryInput = {
  ...DEFAULT_DIRECTORY,
  apps: DEFAULT_DIRECTORY.apps.map((app) =>
    app.name === todolistService.name
      ? { ...app, delegatedPermissions: [{ resource: graph.name, scopes: ['User.Read'] }] }
      : app,
  ),
};

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const who = (user: AuthPrincipal) => ({ scheme: user.scheme, oid: user.oid, aud: user.claims.aud });

@Controller('default')
@UseGuards(AuthGuard)
@RequiredScopes('access_as_user')
class DefaultController {
  constructor(private readonly tokens: ITokenAcquisition) {}
  @Get('me') me(@CurrentUser() user: AuthPrincipal) {
    return who(user);
  }
  @Get('graph') async graph() {
    return { aud: claimsOf(await this.tokens.getAccessTokenForUser([USER_READ])).aud };
  }
}

@Controller('partner')
@UseGuards(AuthGuard)
@AuthScheme('partner')
@RequiredScopes('access_as_user')
class PartnerController {
  constructor(
    @InjectTokenAcquisition('partner') private readonly tokens: ITokenAcquisition,
    private readonly defaultTokens: ITokenAcquisition,
  ) {}
  @Get('me') me(@CurrentUser() user: AuthPrincipal) {
    return who(user);
  }
  @Get('graph') async graph() {
    return { aud: claimsOf(await this.tokens.getAccessTokenForUser([USER_READ])).aud };
  }
  /** A wiring mistake: the default scheme's acquisition for a partner caller. */
  @Get('wrong-acquisition') async wrong() {
    await this.defaultTokens.getAccessTokenForUser([USER_READ]);
    return { ok: true };
  }
}

@Controller('shared')
@UseGuards(AuthGuard)
@AuthScheme(DEFAULT_AUTH_SCHEME, 'partner')
@RequiredScopes('access_as_user')
class SharedController {
  @Get('me') me(@CurrentUser() user: AuthPrincipal) {
    return who(user);
  }
}

describe('several schemes in one app (emulator)', () => {
  let emu: EntraEmulator;
  let app: INestApplication;

  const base = (): Pick<AuthModuleOptions, 'instance' | 'trustedCa'> => ({
    instance: emu.instance,
    trustedCa: [emu.caCertPem],
  });

  beforeAll(async () => {
    emu = await startEntraEmulator({ directory });
    // The partner registration comes from its own configuration section, as `AzureAd__*` does for the default.
    const settings = {
      AzureAdPartner__Instance: emu.instance,
      AzureAdPartner__TenantId: contoso.id,
      AzureAdPartner__ClientId: todolistService.clientId,
      AzureAdPartner__ClientSecret: todolistService.secret,
    };
    @Module({
      imports: [
        AuthModule.forRoot({
          ...base(),
          tenantId: contoso.id,
          clientId: myApi.clientId,
          clientSecret: myApi.secret,
        }),
        AuthModule.forRootAsync({
          scheme: 'partner',
          useFactory: () => ({ ...loadAzureAdOptions(settings, 'AzureAdPartner'), trustedCa: [emu.caCertPem] }),
        }),
      ],
      controllers: [DefaultController, PartnerController, SharedController],
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

  const signIn = (user: { upn: string; password: string }, scope: string) =>
    emu.signIn({ username: user.upn, password: user.password, clientId: demoClient.clientId, scopes: [scope] })
      .access_token;
  const myApiToken = (user: { upn: string; password: string } = alice) => signIn(user, myApi.scopeUri);
  const partnerToken = (user: { upn: string; password: string } = alice) =>
    signIn(user, `${todolistService.appIdUri}/access_as_user`);
  const get = (path: string, token?: string) => {
    const req = request(app.getHttpServer() as never).get(path);
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };
  const tokenRequests = (clientId: string) => emu.requests({ route: 'token', clientId });

  it("accepts the default scheme's token on its controller and records the scheme", async () => {
    const res = await get('/default/me', myApiToken()).expect(200);
    expect(res.body).toEqual({ scheme: 'default', oid: alice.oid, aud: myApi.clientId });
  });

  it("accepts the partner's token on the partner controller and records the scheme", async () => {
    const res = await get('/partner/me', partnerToken()).expect(200);
    expect(res.body).toEqual({ scheme: 'partner', oid: alice.oid, aud: todolistService.clientId });
  });

  it("refuses a default-scheme token on the partner's controller with 401 invalid_token", async () => {
    const res = await get('/partner/me', myApiToken()).expect(401);
    expect(res.headers['www-authenticate']).toMatch(INVALID);
    expect(res.body).toMatchObject({ code: AuthErrorCode.InvalidAudience });
  });

  it("refuses a partner token on the default scheme's controller with 401 invalid_token", async () => {
    const res = await get('/default/me', partnerToken()).expect(401);
    expect(res.headers['www-authenticate']).toMatch(INVALID);
    expect(res.body).toMatchObject({ code: AuthErrorCode.InvalidAudience });
  });

  it('a route of both schemes (any-of) accepts either token and says which scheme validated it', async () => {
    expect((await get('/shared/me', myApiToken(bob)).expect(200)).body).toMatchObject({ scheme: 'default' });
    expect((await get('/shared/me', partnerToken(bob)).expect(200)).body).toMatchObject({ scheme: 'partner' });
    const none = await get('/shared/me').expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const bad = await get('/shared/me', `${myApiToken()}x`).expect(401);
    expect(bad.headers['www-authenticate']).toMatch(INVALID);
  });

  it("exchanges each scheme's caller with that scheme's own credentials (on-behalf-of)", async () => {
    const defaultBefore = tokenRequests(myApi.clientId).length;
    const partnerBefore = tokenRequests(todolistService.clientId).length;
    expect((await get('/default/graph', myApiToken()).expect(200)).body).toEqual({ aud: graph.resource });
    expect(tokenRequests(myApi.clientId).length - defaultBefore).toBe(1);
    expect(tokenRequests(todolistService.clientId).length - partnerBefore).toBe(0);

    expect((await get('/partner/graph', partnerToken()).expect(200)).body).toEqual({ aud: graph.resource });
    expect(tokenRequests(todolistService.clientId).length - partnerBefore).toBe(1);
    expect(tokenRequests(myApi.clientId).length - defaultBefore).toBe(1);
  });

  it("never exchanges a partner caller's token with the default scheme's credentials (403 NIW2005)", async () => {
    const before = tokenRequests(myApi.clientId).length;
    const res = await get('/partner/wrong-acquisition', partnerToken()).expect(403);
    expect(res.body).toMatchObject({ code: AuthErrorCode.AuthSchemeMismatch });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope"/);
    expect(tokenRequests(myApi.clientId).length).toBe(before);
  });
});

describe('several schemes: bootstrap checks', () => {
  const options = (): AuthModuleOptions => ({
    instance: 'https://127.0.0.1:1/',
    tenantId: DEFAULT_IDS.tenants.contoso.id,
    clientId: myApi.clientId,
  });

  const boot = async (imports: unknown[], controllers: unknown[] = []) => {
    @Module({ imports: imports as never[], controllers: controllers as never[] })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    try {
      await app.init();
    } finally {
      await app.close();
    }
  };

  it('fails when @AuthScheme names an unregistered scheme (NIW1021)', async () => {
    @Controller('x')
    class X {
      @Get() @AuthScheme('nobody') get() {}
    }
    await expect(boot([AuthModule.forRoot(options())], [X])).rejects.toThrow(
      /NIW1021: @AuthScheme on X.get names the scheme 'nobody'/,
    );
  });

  it('fails when a scheme name is registered twice (NIW1020)', async () => {
    await expect(
      boot([
        AuthModule.forRoot(options()),
        AuthModule.forRoot({ ...options(), scheme: 'partner' }),
        AuthModule.forRoot({ ...options(), scheme: 'partner', clientId: todolistService.clientId }),
      ]),
    ).rejects.toThrow(/NIW1020.*'partner'/);
  });

  it('refuses a malformed scheme name (NIW1022)', () => {
    expect(() => AuthModule.forRoot({ ...options(), scheme: 'has space' })).toThrow(/NIW1022/);
  });
});
