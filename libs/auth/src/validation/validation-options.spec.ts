import { describe, expect, it } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthErrorCode, AuthGuard, AuthModule, loadAzureAdOptions, type AuthModuleOptions } from 'nest-identity-web';
import { NORMALIZED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import type { NormalizedAuthOptions } from '../auth-options.normalize.js';

const valid: AuthModuleOptions = { tenantId: 'organizations', clientId: 'api-client-id' };
const variants = [
  ['forRoot', (o: AuthModuleOptions & { isGlobal?: boolean }) => AuthModule.forRoot(o)],
  [
    'forRootAsync',
    (o: AuthModuleOptions & { isGlobal?: boolean }) => {
      const { isGlobal, ...rest } = o;
      return AuthModule.forRootAsync({
        useFactory: () => Promise.resolve(rest),
        ...(isGlobal !== undefined ? { isGlobal } : {}),
      });
    },
  ],
] as const;

@Controller()
class GuardedController {
  @Get()
  get() {
    return 'ok';
  }
}

describe.each(variants)('AuthModule.%s (incoming validation options)', (_name, register) => {
  const setup = async (options: AuthModuleOptions & { isGlobal?: boolean }) =>
    (await Test.createTestingModule({ imports: [register(options)] }).compile()).get<NormalizedAuthOptions>(
      NORMALIZED_AUTH_OPTIONS,
    );

  it('applies the validation defaults', async () => {
    const { validation } = await setup(valid);
    expect(validation).toMatchObject({
      strategy: 'entra',
      audiences: [],
      clockSkewSeconds: 300,
      allowWebApiToBeAuthorizedByACL: false,
      validatedTokenCacheSize: 10_000,
      multiTenant: true,
    });
    expect(validation.allowedTenants).toBeUndefined();
  });

  it.each([
    [{ audience: ' ' }, AuthErrorCode.InvalidAudienceOption],
    [{ audiences: ['api://a b'] }, AuthErrorCode.InvalidAudienceOption],
    [{ clockSkewSeconds: -1 }, AuthErrorCode.InvalidClockSkew],
    [{ clockSkewSeconds: 1.5 }, AuthErrorCode.InvalidClockSkew],
    [{ allowedTenants: ['contoso.onmicrosoft.com'] }, AuthErrorCode.InvalidAllowedTenants],
    [
      { tenantId: 'contoso.onmicrosoft.com', allowedTenants: ['72f988bf-0000-4000-8000-000000000001'] },
      AuthErrorCode.InvalidAllowedTenants,
    ],
    [{ strategy: 'jwt' as never }, AuthErrorCode.InvalidValidationOption],
    [{ validIssuers: ['http://sts.windows.net/{tenantid}/'] }, AuthErrorCode.InvalidValidationOption],
    [{ validatedTokenCacheSize: -1 }, AuthErrorCode.InvalidValidationOption],
  ])('fails bootstrap for %j with %s', async (overrides, code) => {
    await expect(setup({ ...valid, ...overrides })).rejects.toMatchObject({ name: 'AuthConfigurationError', code });
  });

  it('makes AuthGuard resolvable in other modules with isGlobal', async () => {
    @Module({ controllers: [GuardedController], providers: [AuthGuard] })
    class FeatureModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [register({ ...valid, isGlobal: true }), FeatureModule],
    }).compile();
    expect(moduleRef.get(AuthGuard, { strict: false })).toBeInstanceOf(AuthGuard);
  });

  it('keeps AuthGuard private to importers without isGlobal', async () => {
    @Module({ controllers: [GuardedController], providers: [AuthGuard] })
    class FeatureModule {}
    await expect(Test.createTestingModule({ imports: [register(valid), FeatureModule] }).compile()).rejects.toThrow();
  });
});

describe('loadAzureAdOptions', () => {
  it('reads AzureAd__ settings from an env-like record', () => {
    const options = loadAzureAdOptions({
      AzureAd__Instance: 'https://login.microsoftonline.us/',
      AzureAd__TenantId: 'organizations',
      AzureAd__ClientId: 'abc',
      AzureAd__Audience: 'api://abc',
      AzureAd__Audiences__0: 'api://one',
      AzureAd__Audiences__1: 'api://two',
      AzureAd__AllowedTenants: '72f988bf-0000-4000-8000-000000000001, 72f988bf-0000-4000-8000-000000000002',
      AzureAd__ClockSkewSeconds: '60',
      AzureAd__AllowWebApiToBeAuthorizedByACL: 'true',
      AzureAd__ClientSecret: 'secret',
      AzureAd__ClientCapabilities: '["cp1"]',
    });
    expect(options).toEqual({
      instance: 'https://login.microsoftonline.us/',
      tenantId: 'organizations',
      clientId: 'abc',
      audience: 'api://abc',
      audiences: ['api://one', 'api://two'],
      allowedTenants: ['72f988bf-0000-4000-8000-000000000001', '72f988bf-0000-4000-8000-000000000002'],
      clockSkewSeconds: 60,
      allowWebApiToBeAuthorizedByACL: true,
      clientSecret: 'secret',
      clientCapabilities: ['cp1'],
    });
  });

  it('reads AzureAd:Key through a ConfigService-like source', () => {
    const config = new Map<string, unknown>([
      ['AzureAd:TenantId', 'contoso.onmicrosoft.com'],
      ['AzureAd:ClientId', 'abc'],
      ['AzureAd:Audiences', ['api://x']],
    ]);
    expect(loadAzureAdOptions({ get: (k: string) => config.get(k) })).toEqual({
      tenantId: 'contoso.onmicrosoft.com',
      clientId: 'abc',
      audiences: ['api://x'],
    });
  });

  it('refuses malformed booleans and numbers with a coded error', () => {
    expect(() => loadAzureAdOptions({ AzureAd__ClockSkewSeconds: 'five' })).toThrow(
      expect.objectContaining({ code: AuthErrorCode.InvalidValidationOption }),
    );
    expect(() => loadAzureAdOptions({ AzureAd__AllowWebApiToBeAuthorizedByACL: 'maybe' })).toThrow(
      expect.objectContaining({ code: AuthErrorCode.InvalidValidationOption }),
    );
  });
});
