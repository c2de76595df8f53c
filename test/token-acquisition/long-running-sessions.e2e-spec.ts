// Long-running on-behalf-of sessions (issue #11) against the Entra emulator over HTTPS with real
// msal-node: a session started in a guarded request is resumed by its key alone, in another module
// instance sharing the token cache store (a worker), after the incoming token has expired.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, type INestApplication, Module, Post, UseGuards } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import request from 'supertest';
import { DEFAULT_IDS, type EntraEmulator, startEntraEmulator } from '@nest-identity-web/entra-emulator';
import {
  AuthErrorCode,
  AuthGuard,
  AuthModule,
  type AuthModuleOptions,
  ITokenAcquisition,
  LongRunningSessionError,
  LongRunningSessions,
  RequiredScopes,
  TokenAcquisitionError,
  type TokenCacheStore,
} from 'nest-identity-web';

const { myApi, todolistService, demoClient } = DEFAULT_IDS.apps;
const { alice, bob } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;
const TODO = `${todolistService.appIdUri}/access_as_user`;

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A shared L2 (what Redis is between replicas and workers); TTLs are not needed here. */
class MapStore implements TokenCacheStore {
  readonly map = new Map<string, string>();
  get(key: string) {
    return Promise.resolve(this.map.get(key));
  }
  set(key: string, value: string) {
    this.map.set(key, value);
    return Promise.resolve();
  }
  delete(key: string) {
    this.map.delete(key);
    return Promise.resolve();
  }
}

@Controller('api')
@UseGuards(AuthGuard)
@RequiredScopes('access_as_user')
class ExportController {
  constructor(private readonly sessions: LongRunningSessions) {}

  @Post('exports')
  async start() {
    const { sessionKey, result } = await this.sessions.start([TODO]);
    return { sessionKey, oid: claimsOf(result.accessToken).oid };
  }
}

async function expectSessionError(promise: Promise<unknown>, code: string): Promise<LongRunningSessionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LongRunningSessionError);
  expect((error as LongRunningSessionError).code).toBe(code);
  return error as LongRunningSessionError;
}

describe('long-running on-behalf-of sessions', () => {
  let emu: EntraEmulator;
  let app: INestApplication;
  const modules: TestingModule[] = [];
  const store = new MapStore();
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  /** Moves the library's clock and the emulator's together. */
  const advance = (seconds: number) => {
    offsetMs += seconds * 1000;
    emu.clock.advance(seconds);
  };

  const options = (overrides: Partial<AuthModuleOptions> = {}): AuthModuleOptions => ({
    instance: emu.instance,
    tenantId: contoso.id,
    clientId: myApi.clientId,
    clientSecret: myApi.secret,
    trustedCa: [emu.caCertPem],
    tokenCache: { store, now },
    ...overrides,
  });
  const moduleWith = async (overrides: Partial<AuthModuleOptions> = {}) => {
    const m = await Test.createTestingModule({ imports: [AuthModule.forRoot(options(overrides))] }).compile();
    modules.push(m);
    return m;
  };

  let worker: LongRunningSessions;

  beforeAll(async () => {
    emu = await startEntraEmulator();
    @Module({ imports: [AuthModule.forRoot(options())], controllers: [ExportController] })
    class ApiModule {}
    const moduleRef = await Test.createTestingModule({ imports: [ApiModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    worker = (await moduleWith()).get(LongRunningSessions);
  });

  afterAll(async () => {
    await Promise.all(modules.map((m) => m.close()));
    await app?.close();
    await emu?.stop();
  });

  beforeEach(() => {
    // Sign-ins use the emulator's clock and the guard the wall clock: start every test in sync.
    emu.clock.reset();
    offsetMs = 0;
  });

  const signIn = (user: { upn: string; password: string }) =>
    emu.signIn({ username: user.upn, password: user.password, clientId: demoClient.clientId, scopes: [myApi.scopeUri] })
      .access_token;
  const startExport = async (token: string) => {
    const res = await request(app.getHttpServer() as never)
      .post('/api/exports')
      .set('Authorization', `Bearer ${token}`)
      .expect(201);
    return res.body as { sessionKey: string; oid: string };
  };
  const refreshRequests = (clientId: string = myApi.clientId) =>
    emu.requests({ route: 'token', clientId, grantType: 'refresh_token' });

  it('starts a session in a request (asking for offline_access) and resumes it by key after the incoming token expired', async () => {
    const incoming = signIn(alice);
    const { sessionKey, oid } = await startExport(incoming);
    expect(oid).toBe(alice.oid);
    expect(sessionKey).toMatch(/^lrs_[A-Za-z0-9_-]{43}$/);
    const obo = emu.requests({ route: 'token', clientId: myApi.clientId }).at(-1)!;
    expect(obo.grantType).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(obo.scope).toContain('offline_access');

    // The store holds a hash of the key, never the key.
    const dump = JSON.stringify([...store.map]);
    expect(dump).not.toContain(sessionKey);

    advance(2 * 3600);
    // The incoming token alone can no longer be exchanged...
    const direct = (await moduleWith()).get(ITokenAcquisition);
    await expect(direct.getAccessTokenForUser([TODO], { assertion: incoming })).rejects.toBeInstanceOf(
      TokenAcquisitionError,
    );
    // ...but the session still gives alice's token, outside any request.
    const before = refreshRequests().length;
    const first = await worker.acquireToken(sessionKey);
    expect(claimsOf(first.accessToken)).toMatchObject({ oid: alice.oid, aud: todolistService.clientId });
    expect(first.metadata.tokenSource).toBe('identityProvider');
    expect(refreshRequests().length - before).toBe(1);
    expect(refreshRequests().at(-1)).toMatchObject({ oid: alice.oid, status: 200 });

    const second = await worker.acquireToken(sessionKey);
    expect(second.metadata.tokenSource).toBe('cache');
    expect(second.accessToken).toBe(first.accessToken);
    expect(refreshRequests().length - before).toBe(1);
  });

  it('ends the session with NIW4016 (AADSTS50173) once the user’s refresh tokens are revoked', async () => {
    const { sessionKey } = await startExport(signIn(bob));
    await worker.acquireToken(sessionKey, { forceRefresh: true });
    expect(emu.revokeRefreshTokens(bob.oid)).toBeGreaterThan(0);
    const error = await expectSessionError(
      worker.acquireToken(sessionKey, { forceRefresh: true }),
      AuthErrorCode.LongRunningSessionRevoked,
    );
    expect(error.aadstsCode).toBe(50173);
    expect(error.msalErrorCode).toBe('invalid_grant');
    expect(error.message).not.toContain(sessionKey);
    // The session is over in every process, cached access token or not.
    await expectSessionError(worker.acquireToken(sessionKey), AuthErrorCode.LongRunningSessionNotFound);
  });

  it('ends the session explicitly: the key gives NIW4014 from then on', async () => {
    const { sessionKey } = await startExport(signIn(alice));
    await worker.acquireToken(sessionKey);
    await worker.end(sessionKey);
    await expectSessionError(worker.acquireToken(sessionKey), AuthErrorCode.LongRunningSessionNotFound);
    await worker.end(sessionKey);
  });

  it('refuses unknown and malformed keys with NIW4014', async () => {
    await expectSessionError(worker.acquireToken(`lrs_${'A'.repeat(43)}`), AuthErrorCode.LongRunningSessionNotFound);
    await expectSessionError(worker.acquireToken('not-a-key'), AuthErrorCode.LongRunningSessionNotFound);
  });

  it('never gives one user’s session another user’s token, with several users resuming concurrently', async () => {
    const users = [alice, bob, alice, bob];
    const sessions = await Promise.all(users.map(async (u) => ({ user: u, ...(await startExport(signIn(u))) })));
    expect(new Set(sessions.map((s) => s.sessionKey)).size).toBe(users.length);
    advance(2 * 3600);
    const before = refreshRequests().length;
    const calls = sessions.flatMap((s) => Array.from({ length: 5 }, () => s));
    const results = await Promise.all(calls.map((s) => worker.acquireToken(s.sessionKey)));
    results.forEach((r, i) => expect(claimsOf(r.accessToken).oid).toBe(calls[i]!.user.oid));
    // One redemption per session, however many concurrent callers.
    expect(refreshRequests().length - before).toBe(sessions.length);
  });

  it('refuses a key with another app registration sharing the store (NIW4014), and another replica resumes it', async () => {
    const { sessionKey } = await startExport(signIn(alice));
    const other = (await moduleWith({ clientId: todolistService.clientId, clientSecret: todolistService.secret })).get(
      LongRunningSessions,
    );
    const before = refreshRequests(todolistService.clientId).length;
    await expectSessionError(other.acquireToken(sessionKey), AuthErrorCode.LongRunningSessionNotFound);
    expect(refreshRequests(todolistService.clientId).length).toBe(before);
    const replica = (await moduleWith()).get(LongRunningSessions);
    const r = await replica.acquireToken(sessionKey);
    expect(claimsOf(r.accessToken).oid).toBe(alice.oid);
  });

  it('ends a session past longRunningSessions.maxAgeSeconds with NIW4015', async () => {
    const short = (await moduleWith({ longRunningSessions: { maxAgeSeconds: 60 } })).get(LongRunningSessions);
    const { sessionKey } = await short.start([TODO], { assertion: signIn(alice) });
    await short.acquireToken(sessionKey);
    advance(61);
    await expectSessionError(short.acquireToken(sessionKey), AuthErrorCode.LongRunningSessionExpired);
    await expectSessionError(short.acquireToken(sessionKey), AuthErrorCode.LongRunningSessionNotFound);
  });

  it('needs a caller to start a session (NIW4001)', async () => {
    await expect(worker.start([TODO])).rejects.toMatchObject({ code: AuthErrorCode.NoCallerInContext });
  });
});
