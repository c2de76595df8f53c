import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { AuthConfigurationError, AuthErrorCode, AuthModule, type AuthModuleOptions } from 'nest-identity-web';
import { NORMALIZED_AUTH_OPTIONS } from './auth.internal-constants.js';
import type { NormalizedAuthOptions } from './auth-options.normalize.js';

const valid: AuthModuleOptions = { tenantId: 'contoso.onmicrosoft.com', clientId: 'api-client-id' };

const variants = [
  ['forRoot', (o: AuthModuleOptions) => AuthModule.forRoot(o)],
  ['forRootAsync', (o: AuthModuleOptions) => AuthModule.forRootAsync({ useFactory: () => o })],
] as const;

describe.each(variants)('AuthModule.%s', (_name, register) => {
  async function setup(options: AuthModuleOptions) {
    const moduleRef = await Test.createTestingModule({ imports: [register(options)] }).compile();
    return moduleRef.get<NormalizedAuthOptions>(NORMALIZED_AUTH_OPTIONS);
  }

  it('applies the public-cloud instance by default', async () => {
    const options = await setup(valid);
    expect(options.instance).toBe('https://login.microsoftonline.com/');
    expect(options.clientId).toBe('api-client-id');
  });

  it('fails bootstrap with NIW1001 when clientId is empty', async () => {
    await expect(setup({ ...valid, clientId: ' ' })).rejects.toMatchObject({
      name: 'AuthConfigurationError',
      code: AuthErrorCode.MissingClientId,
    });
  });

  it('fails bootstrap with NIW1002 when the instance is not https', async () => {
    const error = await setup({ ...valid, instance: 'http://login.microsoftonline.com/' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthConfigurationError);
    expect((error as AuthConfigurationError).code).toBe(AuthErrorCode.InvalidInstance);
    expect((error as Error).message).toContain('Potential solutions');
  });
});
