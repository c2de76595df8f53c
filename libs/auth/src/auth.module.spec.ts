import { describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  AuthConfigurationError,
  AuthErrorCode,
  AuthModule,
  type AuthModuleOptions,
  InjectAuthOptions,
} from 'nest-identity-web';
import { NORMALIZED_AUTH_OPTIONS, TOKEN_ACQUISITION_SETTINGS } from './auth.internal-constants.js';
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

  it.each<[string, Record<string, unknown>, string]>([
    ['a non-string clientId', { clientId: 42 }, AuthErrorCode.MissingClientId],
    ['an instance that is not a URL', { instance: 'login.microsoftonline.com' }, AuthErrorCode.InvalidInstance],
    ['a tenantId with a path', { tenantId: 'contoso/../x' }, AuthErrorCode.InvalidTenantId],
    ['a non-string tenantId', { tenantId: 42 }, AuthErrorCode.InvalidTenantId],
    ['a negative clock skew', { clockSkewSeconds: -1 }, AuthErrorCode.InvalidClockSkew],
    ['a fractional clock skew', { clockSkewSeconds: 0.5 }, AuthErrorCode.InvalidClockSkew],
    ['an unknown strategy', { strategy: 'jwt' }, AuthErrorCode.InvalidValidationOption],
    ['audiences given as one string', { audiences: 'api://my-api' }, AuthErrorCode.InvalidAudienceOption],
    [
      'allowedTenants given as one string',
      { tenantId: 'organizations', allowedTenants: 'x' },
      AuthErrorCode.InvalidAllowedTenants,
    ],
    [
      'validIssuers given as one string',
      { validIssuers: 'https://sts.windows.net/{tenantid}/' },
      AuthErrorCode.InvalidValidationOption,
    ],
    [
      'both a secret and a certificate',
      { clientSecret: 's3cr3t-value', clientCertificate: { privateKeyPem: 'x', certificatePem: 'y' } },
      AuthErrorCode.InvalidClientCredentialOption,
    ],
    ['a non-string clientSecret', { clientSecret: 42 }, AuthErrorCode.InvalidClientCredentialOption],
    [
      'an unreadable certificate',
      { clientCertificate: { privateKeyPem: 'not-a-key', certificatePem: 'not-a-cert' } },
      AuthErrorCode.InvalidClientCredentialOption,
    ],
    [
      'clientCapabilities given as one string',
      { clientCapabilities: 'cp1' },
      AuthErrorCode.InvalidTokenAcquisitionOption,
    ],
    [
      'clientCapabilities with an empty value',
      { clientCapabilities: [''] },
      AuthErrorCode.InvalidTokenAcquisitionOption,
    ],
    ['clientCapabilities with a number', { clientCapabilities: [1] }, AuthErrorCode.InvalidTokenAcquisitionOption],
    ['an appHomeTenantId with a path', { appHomeTenantId: 'a/b' }, AuthErrorCode.InvalidTokenAcquisitionOption],
    ['a non-string appHomeTenantId', { appHomeTenantId: 42 }, AuthErrorCode.InvalidTokenAcquisitionOption],
    ['a negative token request timeout', { tokenRequestTimeoutMs: -1 }, AuthErrorCode.InvalidTokenCacheOptions],
    ['an infinite cache size', { tokenCache: { maxSizeBytes: Infinity } }, AuthErrorCode.InvalidTokenCacheOptions],
  ])('fails bootstrap with a coded, actionable error for %s', async (_what, bad, code) => {
    const error = await setup({ ...valid, ...(bad as Partial<AuthModuleOptions>) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthConfigurationError);
    expect((error as AuthConfigurationError).code).toBe(code);
    // Every error that stops the application at bootstrap is in the configuration range.
    expect(code).toMatch(/^NIW1\d{3}$/);
    expect((error as Error).message).toContain('Potential solutions');
    expect((error as Error).message).not.toContain('s3cr3t-value');
  });

  it('normalises the options once: token acquisition gets the acquisition part of the same settings', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [register({ ...valid, clientSecret: 's' })],
    }).compile();
    const settings = moduleRef.get<NormalizedAuthOptions>(NORMALIZED_AUTH_OPTIONS);
    expect(moduleRef.get(TOKEN_ACQUISITION_SETTINGS)).toBe(settings.acquisition);
    expect(settings.acquisition).toMatchObject({ clientId: 'api-client-id', tenantId: 'contoso.onmicrosoft.com' });
    expect(settings.validation.strategy).toBe('entra');
  });

  it('InjectAuthOptions() gives a consumer the options the module was configured with', async () => {
    @Injectable()
    class Consumer {
      constructor(@InjectAuthOptions() readonly options: AuthModuleOptions) {}
    }
    @Module({ imports: [register(valid)], providers: [Consumer] })
    class FeatureModule {}
    const moduleRef = await Test.createTestingModule({ imports: [FeatureModule] }).compile();
    expect(moduleRef.get(Consumer).options).toMatchObject(valid);
  });
});
