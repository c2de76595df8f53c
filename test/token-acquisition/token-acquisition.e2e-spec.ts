import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { DEFAULT_IDS, type EntraEmulator, startEntraEmulator } from '@nest-identity-web/entra-emulator';
import {
  AuthModule,
  type AuthModuleOptions,
  ClaimsChallengeError,
  ITokenAcquisition,
  TokenAcquisitionStatistics,
} from 'nest-identity-web';

const { myApi, todolistService, demoClient } = DEFAULT_IDS.apps;
const { alice, bob, carol } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;
const TODO = `${todolistService.appIdUri}/access_as_user`;

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('ITokenAcquisition against the Entra emulator (real msal-node over HTTPS)', () => {
  let emu: EntraEmulator;
  const modules: TestingModule[] = [];
  let clock = Date.now();

  beforeAll(async () => {
    emu = await startEntraEmulator();
  });
  afterAll(async () => {
    await Promise.all(modules.map((m) => m.close()));
    await emu.stop();
  });

  async function setup(options: Partial<AuthModuleOptions> = { clientSecret: myApi.secret }) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          instance: emu.instance,
          tenantId: contoso.id,
          clientId: myApi.clientId,
          trustedCa: [emu.caCertPem],
          tokenCache: { now: () => clock },
          ...options,
        }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    modules.push(moduleRef);
    return { tokens: moduleRef.get(ITokenAcquisition), stats: moduleRef.get(TokenAcquisitionStatistics) };
  }

  const assertionOf = (user: { upn: string; password: string }) =>
    emu.signIn({ username: user.upn, password: user.password, clientId: demoClient.clientId, scopes: [myApi.scopeUri] })
      .access_token;

  const tokenRequests = () => emu.requests({ route: 'token', clientId: myApi.clientId }).length;

  it('OBO with a secret: second call from the cache, one token request', async () => {
    const { tokens } = await setup();
    const assertion = assertionOf(alice);
    const before = tokenRequests();
    const first = await tokens.getAuthenticationResultForUser([TODO], { assertion });
    const second = await tokens.getAuthenticationResultForUser([TODO], { assertion });
    expect(first.metadata.tokenSource).toBe('identityProvider');
    expect(second.metadata).toMatchObject({ tokenSource: 'cache', cacheLevel: 'l1' });
    expect(second.accessToken).toBe(first.accessToken);
    expect(claimsOf(first.accessToken)).toMatchObject({
      aud: todolistService.clientId,
      oid: alice.oid,
      tid: contoso.id,
    });
    expect(tokenRequests() - before).toBe(1);
  });

  it('OBO and client credentials with a certificate', async () => {
    const cert = await emu.createClientCertificate(myApi.clientId);
    const { tokens } = await setup({
      clientCertificate: { privateKeyPem: cert.privateKeyPem, certificatePem: cert.certificatePem },
    });
    const user = await tokens.getAccessTokenForUser([TODO], { assertion: assertionOf(bob) });
    const app = await tokens.getAccessTokenForApp(todolistService.defaultScope);
    expect(claimsOf(user)).toMatchObject({ oid: bob.oid, azpacr: '2' });
    expect(claimsOf(app)).toMatchObject({ idtyp: 'app', roles: ['TodoList.ReadWrite.All'], azpacr: '2' });
  });

  it('client credentials with a secret: cached on the second call', async () => {
    const { tokens } = await setup();
    const before = tokenRequests();
    const a = await tokens.getAuthenticationResultForApp(todolistService.defaultScope);
    const b = await tokens.getAuthenticationResultForApp(todolistService.defaultScope);
    expect(b.metadata.tokenSource).toBe('cache');
    expect(b.accessToken).toBe(a.accessToken);
    expect(tokenRequests() - before).toBe(1);
  });

  it('100 concurrent identical cold calls send exactly one token request', async () => {
    const { tokens, stats } = await setup();
    const assertion = assertionOf(alice);
    const before = tokenRequests();
    const results = await Promise.all(
      Array.from({ length: 100 }, () => tokens.getAccessTokenForUser([TODO], { assertion })),
    );
    expect(new Set(results).size).toBe(1);
    expect(tokenRequests() - before).toBe(1);
    expect(stats.snapshot().coalesced).toBe(99);
  });

  it('different users never receive each other’s tokens', async () => {
    const { tokens } = await setup();
    const users = [alice, bob];
    const assertions = users.map(assertionOf);
    const tokensOf = await Promise.all(
      [0, 1, 0, 1, 1, 0].map((i) => tokens.getAccessTokenForUser([TODO], { assertion: assertions[i]! })),
    );
    [0, 1, 0, 1, 1, 0].forEach((i, k) => expect(claimsOf(tokensOf[k]!).oid).toBe(users[i]!.oid));
  });

  it('renews an expired cached token', async () => {
    const { tokens } = await setup();
    const assertion = assertionOf(alice);
    const first = await tokens.getAuthenticationResultForUser([TODO], { assertion });
    clock += 3_400_000; // inside the 300 s margin of a 3600 s token
    const before = tokenRequests();
    const renewed = await tokens.getAuthenticationResultForUser([TODO], { assertion });
    expect(renewed.metadata).toMatchObject({ tokenSource: 'identityProvider', cacheRefreshReason: 'expired' });
    expect(tokenRequests() - before).toBe(1);
    expect(renewed.accessToken).not.toBe(first.accessToken);
  });

  it('MFA policy → ClaimsChallengeError with the 401 challenge header', async () => {
    const { tokens } = await setup();
    const error = (await tokens
      .getAccessTokenForUser([TODO], { assertion: assertionOf(carol) })
      .catch((e: unknown) => e)) as ClaimsChallengeError;
    expect(error).toBeInstanceOf(ClaimsChallengeError);
    expect(error.aadstsCode).toBe(50076);
    expect(error.claims).toBeTruthy();
    expect(error.toWwwAuthenticateHeader()).toBe(
      `Bearer realm="", authorization_uri="${emu.instance}${contoso.id}/oauth2/v2.0/authorize", error="insufficient_claims", claims="${Buffer.from(error.claims!).toString('base64')}"`,
    );
  });
});
