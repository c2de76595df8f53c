import { afterEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { AuthErrorCode, AuthModule, type AuthModuleOptions } from 'nest-identity-web';
import { FakeIdentityProvider } from '../testing/fake-identity-provider.js';

const TID = '72f988bf-0000-4000-8000-000000000001';

describe('token-acquisition options', () => {
  let moduleRef: TestingModule | undefined;

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  async function setup(options: Partial<AuthModuleOptions> = {}) {
    moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          tenantId: TID,
          clientId: 'my-api-client',
          clientSecret: 'secret',
          identityProviderTransport: new FakeIdentityProvider(),
          ...options,
        }),
      ],
    }).compile();
  }

  describe('configuration', () => {
    it('fails bootstrap with NIW1009 when two credentials are configured', async () => {
      await expect(setup({ clientAssertion: () => 'x' })).rejects.toMatchObject({
        code: AuthErrorCode.InvalidClientCredentialOption,
      });
    });

    it('fails bootstrap with NIW1009 on an unreadable certificate, without echoing it', async () => {
      const error = (await setup({
        clientSecret: undefined,
        clientCertificate: { privateKeyPem: 'not-a-key-SECRETVALUE', certificatePem: 'x' },
      }).catch((e: unknown) => e)) as Error;
      expect(error).toMatchObject({ code: AuthErrorCode.InvalidClientCredentialOption });
      expect(error.message).not.toContain('SECRETVALUE');
    });

    it('fails bootstrap with NIW1010 on invalid cache options', async () => {
      await expect(setup({ tokenCache: { refreshAheadRatio: 2 } })).rejects.toMatchObject({
        code: AuthErrorCode.InvalidTokenCacheOptions,
      });
    });
  });
});
