import { afterEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  AuthErrorCode,
  AuthModule,
  type AuthModuleOptions,
  ClaimsChallengeError,
  IdentityProviderUnavailableError,
  ITokenAcquisition,
} from 'nest-identity-web';
import { entraError, FakeIdentityProvider, testJwt } from '../testing/fake-identity-provider.js';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';
import { RequestContextStore } from '../request-context/request-context.js';

const TID = '72f988bf-0000-4000-8000-000000000001';
const TODO = 'api://todolist-service/access_as_user';

function asUser<T>(oid: string, fn: () => Promise<T>): Promise<T> {
  const principal = {
    oid,
    tid: TID,
    isAppOnly: false,
    scopes: ['access_as_user'],
    roles: [],
  } as unknown as AuthPrincipal;
  const assertion = testJwt({ oid, tid: TID, sub: `sub-${oid}`, scp: 'access_as_user', aud: 'api://my-api' });
  return RequestContextStore.run({ principal, assertion }, fn);
}

// How an identity-provider failure reaches the caller through msal-node: the request, the captured
// network outcome and the error mapping, on the real module.
describe('MsalTokenRequester', () => {
  let moduleRef: TestingModule | undefined;
  let idp: FakeIdentityProvider;

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  async function setup(options: Partial<AuthModuleOptions> = {}) {
    idp = new FakeIdentityProvider();
    moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          tenantId: TID,
          clientId: 'my-api-client',
          clientSecret: 'secret',
          identityProviderTransport: idp,
          ...options,
        }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    return { tokens: moduleRef.get(ITokenAcquisition) };
  }

  describe('interaction required', () => {
    it('turns MFA (AADSTS50076 with claims) into a ClaimsChallengeError with the exact header', async () => {
      const { tokens } = await setup();
      const claims = '{"access_token":{"capolids":{"essential":true,"values":["p1"]}}}';
      idp.responders.push(() => entraError(400, 'invalid_grant', 50076, { suberror: 'basic_action', claims }));
      const error = (await asUser('carol', () => tokens.getAccessTokenForUser([TODO])).catch(
        (e: unknown) => e,
      )) as ClaimsChallengeError;
      expect(error).toBeInstanceOf(ClaimsChallengeError);
      expect(error).toMatchObject({
        code: AuthErrorCode.ClaimsChallenge,
        aadstsCode: 50076,
        subError: 'basic_action',
        claims,
      });
      expect(error.toWwwAuthenticateHeader()).toBe(
        `Bearer realm="", authorization_uri="https://login.microsoftonline.com/${TID}/oauth2/v2.0/authorize", ` +
          `error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"`,
      );
    });

    it('turns consent (AADSTS65001) into a ClaimsChallengeError without claims', async () => {
      const { tokens } = await setup();
      idp.responders.push(() => entraError(400, 'invalid_grant', 65001, { suberror: 'consent_required' }));
      const error = (await asUser('alice', () => tokens.getAccessTokenForUser([TODO])).catch(
        (e: unknown) => e,
      )) as ClaimsChallengeError;
      expect(error).toBeInstanceOf(ClaimsChallengeError);
      expect(error.aadstsCode).toBe(65001);
      expect(error.toWwwAuthenticateHeader()).toBe(
        `Bearer realm="", authorization_uri="https://login.microsoftonline.com/${TID}/oauth2/v2.0/authorize", error="interaction_required"`,
      );
    });
  });

  describe('identity provider unavailable', () => {
    it('reports an unreachable token endpoint as IdentityProviderUnavailableError', async () => {
      const { tokens } = await setup();
      idp.responders.push(() => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      });
      const error = await asUser('alice', () => tokens.getAccessTokenForUser([TODO])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IdentityProviderUnavailableError);
      expect(error).toMatchObject({ code: AuthErrorCode.TokenEndpointUnavailable, retryAfterSeconds: 10 });
    });

    it('reports 503 with Retry-After', async () => {
      const { tokens } = await setup();
      idp.responders.push(() => entraError(503, 'temporarily_unavailable', 90006, {}, { 'Retry-After': '42' }));
      await expect(tokens.getAccessTokenForApp('api://todolist-service/.default')).rejects.toMatchObject({
        name: 'IdentityProviderUnavailableError',
        retryAfterSeconds: 42,
        status: 503,
      });
    });

    it('reports unreachable metadata as IdentityProviderUnavailableError', async () => {
      const { tokens } = await setup({
        identityProviderTransport: {
          request: () => Promise.reject(new Error('getaddrinfo ENOTFOUND login.example')),
        },
      });
      await expect(tokens.getAccessTokenForApp('api://x/.default')).rejects.toBeInstanceOf(
        IdentityProviderUnavailableError,
      );
    });
  });
});
