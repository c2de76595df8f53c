import { afterEach, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  AuthErrorCode,
  AuthModule,
  type AuthModuleOptions,
  IdentityProviderUnavailableError,
  ITokenAcquisition,
  TokenAcquisitionError,
  TokenAcquisitionStatistics,
  type TokenCacheStore,
} from 'nest-identity-web';
import { claimsOf, entraError, FakeIdentityProvider, testJwt } from '../testing/fake-identity-provider.js';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';
import { RequestContextStore } from '../request-context/request-context.js';

const TID = '72f988bf-0000-4000-8000-000000000001';
const OTHER_TID = '72f988bf-0000-4000-8000-000000000002';
const TODO = 'api://todolist-service/access_as_user';

function userAssertion(oid: string, extra: Record<string, unknown> = {}): string {
  return testJwt({ oid, tid: TID, sub: `sub-${oid}`, scp: 'access_as_user', aud: 'api://my-api', ...extra });
}

function principal(oid: string, extra: Partial<AuthPrincipal> = {}): AuthPrincipal {
  return {
    oid,
    tid: TID,
    sub: `sub-${oid}`,
    name: undefined,
    preferredUsername: undefined,
    scopes: ['access_as_user'],
    roles: [],
    isAppOnly: false,
    clientId: 'client',
    version: '2.0',
    claims: {},
    ...extra,
  };
}

function asUser<T>(oid: string, fn: () => Promise<T>, extra: Partial<AuthPrincipal> = {}): Promise<T> {
  return RequestContextStore.run({ principal: principal(oid, extra), assertion: userAssertion(oid) }, fn);
}

describe('TokenAcquisitionService', () => {
  let moduleRef: TestingModule | undefined;
  let idp: FakeIdentityProvider;
  let clock: number;

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  async function setup(options: Partial<AuthModuleOptions> = {}) {
    idp = new FakeIdentityProvider();
    clock = Date.now();
    moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          tenantId: TID,
          clientId: 'my-api-client',
          clientSecret: 'secret',
          identityProviderTransport: idp,
          ...options,
          tokenCache: { now: () => clock, ...options.tokenCache },
        }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    return { tokens: moduleRef.get(ITokenAcquisition), stats: moduleRef.get(TokenAcquisitionStatistics) };
  }

  describe('getAccessTokenForUser (on-behalf-of)', () => {
    it('exchanges the request caller’s token once, then serves it from the cache', async () => {
      const { tokens, stats } = await setup();
      const first = await asUser('alice', () => tokens.getAuthenticationResultForUser([TODO]));
      const second = await asUser('alice', () => tokens.getAuthenticationResultForUser([TODO]));

      expect(first.metadata).toMatchObject({ tokenSource: 'identityProvider', cacheLevel: 'none' });
      expect(first.metadata.cacheRefreshReason).toBe('noCachedAccessToken');
      expect(second.metadata).toMatchObject({ tokenSource: 'cache', cacheLevel: 'l1', durationInHttpMs: 0 });
      expect(second.accessToken).toBe(first.accessToken);
      expect(claimsOf(first.accessToken).oid).toBe('alice');
      expect(first.scopes).toEqual([TODO]);
      expect(first.tenantId).toBe(TID);
      expect(idp.tokenRequests).toHaveLength(1);
      expect(idp.metadataRequests).toBe(1);
      const form = idp.tokenRequests[0]!.form;
      expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
      expect(form.get('requested_token_use')).toBe('on_behalf_of');
      expect(form.get('assertion')).toBe(userAssertion('alice'));
      expect(stats.snapshot()).toMatchObject({ hits: 1, l1Hits: 1, misses: 1, identityProviderCalls: 1, errors: 0 });
    });

    it('sends client capability cp1 by default', async () => {
      const { tokens } = await setup();
      await asUser('alice', () => tokens.getAccessTokenForUser([TODO]));
      const claims = JSON.parse(idp.tokenRequests[0]!.form.get('claims')!) as { access_token: unknown };
      expect(claims.access_token).toEqual({ xms_cc: { values: ['cp1'] } });
    });

    it('ignores openid, profile and offline_access and the order of scopes', async () => {
      const { tokens } = await setup();
      await asUser('alice', () =>
        tokens.getAccessTokenForUser(['openid', TODO, 'profile', 'api://todolist-service/b']),
      );
      const r = await asUser('alice', () =>
        tokens.getAuthenticationResultForUser(['api://todolist-service/b', 'offline_access', TODO]),
      );
      expect(r.metadata.tokenSource).toBe('cache');
      expect(idp.tokenRequests).toHaveLength(1);
    });

    it('requests the token in the caller’s tenant by default and in options.tenant when given', async () => {
      const { tokens } = await setup({ tenantId: 'organizations' });
      await asUser('guest', () => tokens.getAccessTokenForUser([TODO]), { tid: OTHER_TID });
      await asUser('guest', () => tokens.getAccessTokenForUser([TODO], { tenant: 'contoso.onmicrosoft.com' }), {
        tid: OTHER_TID,
      });
      expect(idp.tokenRequests.map((r) => r.tenant)).toEqual([OTHER_TID, 'contoso.onmicrosoft.com']);
    });

    it('shares one cache entry for a tenant override written in different case', async () => {
      const { tokens } = await setup({ tenantId: 'organizations' });
      await asUser('guest', () => tokens.getAccessTokenForUser([TODO], { tenant: 'Contoso.onmicrosoft.com' }));
      const second = await asUser('guest', () =>
        tokens.getAuthenticationResultForUser([TODO], { tenant: 'contoso.onmicrosoft.com' }),
      );
      expect(second.metadata.tokenSource).toBe('cache');
      expect(idp.tokenRequests).toHaveLength(1);
    });

    it('never hands one user’s token to another', async () => {
      const { tokens } = await setup();
      const users = ['alice', 'bob', 'carol', 'dave'];
      const results = await Promise.all(
        [...users, ...users].map((u) => asUser(u, () => tokens.getAccessTokenForUser([TODO]))),
      );
      results.forEach((token, i) => expect(claimsOf(token).oid).toBe(users[i % users.length]));
      expect(idp.tokenRequests).toHaveLength(users.length);
    });

    it('sends one token request for 100 concurrent identical cold calls', async () => {
      const { tokens, stats } = await setup();
      idp.delayMs = 20;
      const results = await Promise.all(
        Array.from({ length: 100 }, () => asUser('alice', () => tokens.getAuthenticationResultForUser([TODO]))),
      );
      expect(idp.tokenRequests).toHaveLength(1);
      expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
      expect(results.filter((r) => r.metadata.coalesced)).toHaveLength(99);
      expect(stats.snapshot()).toMatchObject({ coalesced: 99, identityProviderCalls: 1 });
    });

    it('renews a token once it is within the refresh margin of its expiry', async () => {
      const { tokens } = await setup();
      const first = await asUser('alice', () => tokens.getAuthenticationResultForUser([TODO]));
      clock += 3400 * 1000; // 200 s before expiry, inside the default 300 s margin
      const renewed = await asUser('alice', () => tokens.getAuthenticationResultForUser([TODO]));
      expect(renewed.metadata).toMatchObject({ tokenSource: 'identityProvider', cacheRefreshReason: 'expired' });
      expect(renewed.accessToken).not.toBe(first.accessToken);
      expect(idp.tokenRequests).toHaveLength(2);
    });

    it('refreshes ahead: serves the cached token and renews it once in the background', async () => {
      const { tokens, stats } = await setup();
      const first = await asUser('alice', () => tokens.getAccessTokenForUser([TODO]));
      clock += 0.85 * 3600 * 1000;
      const [a, b] = await Promise.all([
        asUser('alice', () => tokens.getAccessTokenForUser([TODO])),
        asUser('alice', () => tokens.getAccessTokenForUser([TODO])),
      ]);
      expect([a, b]).toEqual([first, first]);
      await new Promise((r) => setTimeout(r, 20));
      const after = await asUser('alice', () => tokens.getAuthenticationResultForUser([TODO]));
      expect(after.metadata.tokenSource).toBe('cache');
      expect(after.accessToken).not.toBe(first);
      expect(idp.tokenRequests).toHaveLength(2);
      expect(stats.snapshot().backgroundRefreshes).toBe(1);
    });

    it('bypasses the cache for forceRefresh and for claims, and sends the claims', async () => {
      const { tokens } = await setup();
      await asUser('alice', () => tokens.getAccessTokenForUser([TODO]));
      const forced = await asUser('alice', () => tokens.getAuthenticationResultForUser([TODO], { forceRefresh: true }));
      const challenge = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
      const withClaims = await asUser('alice', () =>
        tokens.getAuthenticationResultForUser([TODO], { claims: Buffer.from(challenge).toString('base64') }),
      );
      expect(forced.metadata.cacheRefreshReason).toBe('forceRefreshOrClaims');
      expect(withClaims.metadata.tokenSource).toBe('identityProvider');
      expect(idp.tokenRequests).toHaveLength(3);
      const sent = JSON.parse(idp.tokenRequests[2]!.form.get('claims')!) as { access_token: Record<string, unknown> };
      expect(sent.access_token.acrs).toEqual({ essential: true, value: 'c1' });
      const cached = await asUser('alice', () => tokens.getAuthenticationResultForUser([TODO]));
      expect(cached.accessToken).toBe(withClaims.accessToken);
    });

    it('accepts an explicit assertion outside a request and reads its tenant', async () => {
      const { tokens } = await setup();
      const assertion = testJwt({ oid: 'zed', tid: OTHER_TID, scp: 'access_as_user', sub: 's' });
      const token = await tokens.getAccessTokenForUser([TODO], { assertion });
      expect(claimsOf(token).oid).toBe('zed');
      expect(idp.tokenRequests[0]!.tenant).toBe(OTHER_TID);
    });

    it('fails with NIW4001 outside a request without an assertion', async () => {
      const { tokens, stats } = await setup();
      const error = await tokens.getAccessTokenForUser([TODO]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenAcquisitionError);
      expect(error).toMatchObject({ code: AuthErrorCode.NoCallerInContext });
      expect((error as Error).message).toContain('Potential solutions');
      expect(stats.snapshot().errors).toBe(1);
    });

    it('fails with NIW4002 for an app-only caller, without calling the identity provider', async () => {
      const { tokens } = await setup();
      const appToken = testJwt({ oid: 'sp', sub: 'sp', tid: TID, idtyp: 'app', roles: ['X'] });
      await expect(tokens.getAccessTokenForUser([TODO], { assertion: appToken })).rejects.toMatchObject({
        code: AuthErrorCode.AppOnlyAssertion,
      });
      await expect(
        asUser('app', () => tokens.getAccessTokenForUser([TODO]), { isAppOnly: true, scopes: [] }),
      ).rejects.toMatchObject({ code: AuthErrorCode.AppOnlyAssertion });
      expect(idp.tokenRequests).toHaveLength(0);
    });

    it.each([[[]], [['openid', 'profile']], [['']], [['a b']]])('fails with NIW4010 for scopes %j', async (scopes) => {
      const { tokens } = await setup();
      await expect(asUser('alice', () => tokens.getAccessTokenForUser(scopes))).rejects.toMatchObject({
        code: AuthErrorCode.InvalidScopes,
      });
    });

    it('never puts the assertion in an error message', async () => {
      const { tokens } = await setup();
      idp.responders.push(() => entraError(400, 'invalid_grant', 500133));
      const error = (await asUser('alice', () => tokens.getAccessTokenForUser([TODO])).catch(
        (e: unknown) => e,
      )) as Error;
      expect(error).toMatchObject({
        code: AuthErrorCode.TokenRequestFailed,
        aadstsCode: 500133,
        msalErrorCode: 'invalid_grant',
      });
      expect(error.message).not.toContain(userAssertion('alice'));
      expect(error.message).not.toContain('secret');
      expect(error.message).toContain('expired');
    });
  });

  describe('single flight', () => {
    it('does not keep a synchronously failed call in flight (an app-only caller, twice)', async () => {
      const { tokens, stats } = await setup();
      const appToken = testJwt({ oid: 'sp', sub: 'sp', tid: TID, idtyp: 'app', roles: ['X'] });
      const first = await tokens.getAccessTokenForUser([TODO], { assertion: appToken }).catch((e: unknown) => e);
      const second = await tokens.getAccessTokenForUser([TODO], { assertion: appToken }).catch((e: unknown) => e);
      expect(first).toMatchObject({ code: AuthErrorCode.AppOnlyAssertion });
      expect(second).toMatchObject({ code: AuthErrorCode.AppOnlyAssertion });
      expect(second).not.toBe(first);
      expect(stats.snapshot().coalesced).toBe(0);
    });

    it('does not hand a failed exchange to a later caller', async () => {
      const { tokens } = await setup();
      idp.responders.push(() => (idp.tokenRequests.length === 1 ? entraError(400, 'invalid_grant', 50013) : undefined));
      idp.delayMs = 10;
      const failures = await Promise.all(
        [1, 2].map(() => asUser('alice', () => tokens.getAccessTokenForUser([TODO])).catch((e: unknown) => e)),
      );
      expect(failures.every((e) => e instanceof TokenAcquisitionError)).toBe(true);
      const later = await asUser('alice', () => tokens.getAuthenticationResultForUser([TODO]));
      expect(later.metadata).toMatchObject({ tokenSource: 'identityProvider', coalesced: false });
      expect(idp.tokenRequests).toHaveLength(2);
    });

    it('never shares a flight across assertions, scopes, tenants or claims', async () => {
      const { tokens } = await setup();
      idp.delayMs = 20;
      const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
      const results = await Promise.all([
        asUser('alice', () => tokens.getAuthenticationResultForUser([TODO])),
        asUser('bob', () => tokens.getAuthenticationResultForUser([TODO])),
        asUser('alice', () => tokens.getAuthenticationResultForUser(['api://other/access_as_user'])),
        asUser('alice', () => tokens.getAuthenticationResultForUser([TODO], { tenant: OTHER_TID })),
        asUser('alice', () => tokens.getAuthenticationResultForUser([TODO], { claims })),
      ]);
      expect(results.map((r) => r.metadata.coalesced)).toEqual([false, false, false, false, false]);
      expect(idp.tokenRequests).toHaveLength(5);
      expect(claimsOf(results[1].accessToken).oid).toBe('bob');
    });
  });

  describe('getAccessTokenForApp (client credentials)', () => {
    it('caches app tokens per resource and tenant', async () => {
      const { tokens } = await setup();
      const a1 = await tokens.getAuthenticationResultForApp('api://todolist-service/.default');
      const a2 = await tokens.getAuthenticationResultForApp('API://todolist-service/.default');
      const g = await tokens.getAuthenticationResultForApp('https://graph.microsoft.com/.default');
      const f = await tokens.getAuthenticationResultForApp('api://todolist-service/.default', { tenant: OTHER_TID });
      expect(a2.metadata.tokenSource).toBe('cache');
      expect(a2.accessToken).toBe(a1.accessToken);
      expect(g.accessToken).not.toBe(a1.accessToken);
      expect(f.tenantId).toBe(OTHER_TID);
      expect(idp.tokenRequests.map((r) => [r.tenant, r.form.get('scope')])).toEqual([
        [TID, 'api://todolist-service/.default'],
        [TID, 'https://graph.microsoft.com/.default'],
        [OTHER_TID, 'api://todolist-service/.default'],
      ]);
      expect(idp.tokenRequests[0]!.form.get('client_secret')).toBe('secret');
    });

    it.each(['api://todolist-service/access_as_user', 'api://x', '/.default', '', 'a /.default'])(
      'fails with NIW4003 for scope %j',
      async (scope) => {
        const { tokens } = await setup();
        await expect(tokens.getAccessTokenForApp(scope)).rejects.toMatchObject({ code: AuthErrorCode.InvalidAppScope });
      },
    );

    it('fails with NIW4004 for a meta-tenant', async () => {
      const { tokens } = await setup({ tenantId: 'common' });
      await expect(tokens.getAccessTokenForApp('api://x/.default')).rejects.toMatchObject({
        code: AuthErrorCode.MetaTenantNotAllowed,
      });
      await expect(tokens.getAccessTokenForApp('api://x/.default', { tenant: 'organizations' })).rejects.toMatchObject({
        code: AuthErrorCode.MetaTenantNotAllowed,
      });
    });

    it('uses appHomeTenantId when the configured tenant is organizations', async () => {
      const { tokens } = await setup({ tenantId: 'organizations', appHomeTenantId: TID });
      await tokens.getAccessTokenForApp('api://x/.default');
      expect(idp.tokenRequests[0]!.tenant).toBe(TID);
    });

    it('fails with NIW4005 when no credential is configured', async () => {
      const { tokens } = await setup({ clientSecret: undefined });
      await expect(tokens.getAccessTokenForApp('api://x/.default')).rejects.toMatchObject({
        code: AuthErrorCode.NoClientCredential,
      });
    });
  });

  describe('second-level store', () => {
    class FakeStore implements TokenCacheStore {
      readonly map = new Map<string, string>();
      readonly calls: string[] = [];
      failReads = false;
      get(key: string) {
        this.calls.push('get');
        if (this.failReads) return Promise.reject(new Error('redis down'));
        return Promise.resolve(this.map.get(key));
      }
      set(key: string, value: string, ttlSeconds: number) {
        this.calls.push(`set:${ttlSeconds > 0}`);
        this.map.set(key, value);
        return Promise.resolve();
      }
      delete(key: string) {
        this.map.delete(key);
        return Promise.resolve();
      }
    }

    it('looks up L1, then L2, then the identity provider, and back-fills L1 from L2', async () => {
      const store = new FakeStore();
      const first = await setup({ tokenCache: { store } });
      const token = await asUser('alice', () => first.tokens.getAccessTokenForUser([TODO]));
      expect(store.calls).toEqual(['get', 'set:true']);
      const [key] = [...store.map.keys()];
      expect(key).not.toContain(userAssertion('alice'));
      await moduleRef!.close();

      // A second instance (empty L1) shares the store.
      const second = await setup({ tokenCache: { store } });
      const fromL2 = await asUser('alice', () => second.tokens.getAuthenticationResultForUser([TODO]));
      const fromL1 = await asUser('alice', () => second.tokens.getAuthenticationResultForUser([TODO]));
      expect(fromL2).toMatchObject({ accessToken: token, metadata: { tokenSource: 'cache', cacheLevel: 'l2' } });
      expect(fromL1.metadata.cacheLevel).toBe('l1');
      expect(idp.tokenRequests).toHaveLength(0);
      expect(second.stats.snapshot()).toMatchObject({ l1Hits: 1, l2Hits: 1, misses: 0 });
    });

    it('treats a failing store as a miss and counts it', async () => {
      const store = new FakeStore();
      store.failReads = true;
      const { tokens, stats } = await setup({ tokenCache: { store } });
      await expect(tokens.getAccessTokenForApp('api://x/.default')).resolves.toBeTruthy();
      expect(stats.snapshot().l2Errors).toBe(1);
    });
  });

  describe('identity provider outages', () => {
    /** A Nest logger that keeps what token acquisition writes. */
    function captureLogs(): { warn: unknown[]; log: unknown[]; logger: LoggerService } {
      const warn: unknown[] = [];
      const log: unknown[] = [];
      const logger: LoggerService = {
        log: (m: unknown, context?: unknown) => context === 'TokenAcquisition' && log.push(m),
        warn: (m: unknown, context?: unknown) => context === 'TokenAcquisition' && warn.push(m),
        error: () => undefined,
      };
      return { warn, log, logger };
    }

    it('logs the first failure at once with its code, sums the others, and logs the recovery once', async () => {
      const { tokens } = await setup();
      const logs = captureLogs();
      moduleRef!.useLogger(logs.logger);
      let down = true;
      idp.responders.push(() => (down ? { status: 503, headers: { 'retry-after': '3' }, body: '' } : undefined));

      for (let i = 0; i < 5; i++) {
        await expect(tokens.getAccessTokenForApp(`api://app-${i}/.default`)).rejects.toBeInstanceOf(
          IdentityProviderUnavailableError,
        );
      }
      expect(logs.warn).toEqual([
        expect.objectContaining({
          event: 'identity_provider_unavailable',
          code: AuthErrorCode.TokenEndpointUnavailable,
          status: 503,
          retryAfterSeconds: 3,
          flow: 'clientCredentials',
          tenant: TID,
        }),
      ]);
      expect(JSON.stringify(logs.warn)).not.toContain('secret');

      down = false;
      await tokens.getAccessTokenForApp('api://app-0/.default');
      await tokens.getAccessTokenForApp('api://app-1/.default');
      expect(logs.warn).toHaveLength(2);
      expect(logs.warn[1]).toEqual({
        event: 'identity_provider_still_unavailable',
        failures: 4,
        windowSeconds: 60,
        codes: `${AuthErrorCode.TokenEndpointUnavailable} HTTP 503 ×4`,
      });
      expect(logs.log).toEqual([{ event: 'identity_provider_recovered', failures: 5, outageSeconds: 0 }]);
    });

    it('logs an unreachable authority (metadata) the same way, once for concurrent callers', async () => {
      const { tokens } = await setup();
      const logs = captureLogs();
      moduleRef!.useLogger(logs.logger);
      const request = idp.request.bind(idp);
      idp.request = (url, init) =>
        url.includes('/.well-known/') ? Promise.reject(new Error('connect ECONNREFUSED')) : request(url, init);

      const results = await Promise.allSettled(
        ['a', 'b', 'c'].map((n) => tokens.getAccessTokenForApp(`api://${n}/.default`)),
      );
      expect(results.every((r) => r.status === 'rejected')).toBe(true);
      expect(logs.warn).toEqual([
        expect.objectContaining({
          event: 'identity_provider_unavailable',
          code: AuthErrorCode.TokenEndpointUnavailable,
        }),
      ]);
      await moduleRef!.close();
      moduleRef = undefined;
      expect(logs.warn).toHaveLength(2);
      expect(logs.warn[1]).toMatchObject({ event: 'identity_provider_still_unavailable', failures: 2 });
    });
  });
});
