import { describe, expect, it } from '@jest/globals';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { normalizeAuthOptions } from './auth-options.normalize.js';
import { loadAzureAdOptions } from './azure-ad-options.loader.js';
import { normalizeAuthority } from './authority.normalize.js';
import { AuthErrorCode } from './errors/auth-error-codes.js';

const clientId = '11111111-0000-4000-8000-000000000001';
const tid = '775527ff-9a37-4307-8b3d-cc311f58d925';
const opts = (o: Partial<AuthModuleOptions>): AuthModuleOptions => ({ tenantId: '', clientId, ...o });
const code = (o: Partial<AuthModuleOptions>) => {
  try {
    normalizeAuthOptions(opts(o));
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};

describe('normalizeAuthority: Entra ID (BuildAuthority)', () => {
  it('builds {instance}{tenant} and keeps the defaults', () => {
    expect(normalizeAuthority(opts({ tenantId: 'contoso.onmicrosoft.com' }))).toMatchObject({
      kind: 'entra',
      instance: 'https://login.microsoftonline.com/',
      tenantPath: 'contoso.onmicrosoft.com',
      authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com',
      policies: [],
    });
  });

  it('takes the tenant from authority, ignoring a trailing /v2.0 (EnsureAuthorityIsV2)', () => {
    expect(normalizeAuthority(opts({ authority: `https://login.microsoftonline.us/${tid}/v2.0` }))).toMatchObject({
      kind: 'entra',
      instance: 'https://login.microsoftonline.us/',
      tenant: tid,
    });
  });
});

describe('normalizeAuthority: Microsoft Entra External ID (BuildCiamAuthorityIfNeeded)', () => {
  it.each([
    [{ instance: 'https://contoso.ciamlogin.com/' }, 'contoso.onmicrosoft.com'],
    [{ instance: 'https://Contoso.ciamlogin.com' }, 'contoso.onmicrosoft.com'],
    [{ instance: 'https://contoso.ciamlogin.com/', tenantId: tid }, tid],
    [{ instance: 'https://contoso.ciamlogin.com/', tenantId: 'contoso.onmicrosoft.com' }, 'contoso.onmicrosoft.com'],
    [{ authority: 'https://contoso.ciamlogin.com/' }, 'contoso.onmicrosoft.com'],
    [{ authority: `https://contoso.ciamlogin.com/${tid}` }, tid],
  ] as [Partial<AuthModuleOptions>, string][])('%j → tenant %s', (o, tenant) => {
    const a = normalizeAuthority(opts(o));
    expect(a).toMatchObject({ kind: 'ciam', instance: 'https://contoso.ciamlogin.com/', tenant });
    expect(a.authority).toBe(`https://contoso.ciamlogin.com/${tenant}`);
  });

  it('refuses multi-tenant settings (NIW1029)', () => {
    expect(code({ instance: 'https://contoso.ciamlogin.com/', tenantId: 'organizations' })).toBe(
      AuthErrorCode.MultiTenantSettingNotSupported,
    );
    expect(code({ instance: 'https://contoso.ciamlogin.com/', allowedTenants: [tid] })).toBe(
      AuthErrorCode.MultiTenantSettingNotSupported,
    );
    expect(code({ instance: 'https://contoso.ciamlogin.com/', appHomeTenantId: tid })).toBe(
      AuthErrorCode.MultiTenantSettingNotSupported,
    );
  });
});

describe('normalizeAuthority: Azure AD B2C ({instance}{domain}/{policy}/v2.0)', () => {
  const b2c = {
    instance: 'https://fabrikamb2c.b2clogin.com/',
    domain: 'fabrikamb2c.onmicrosoft.com',
    signUpSignInPolicyId: 'b2c_1_susi',
  };

  it('builds the reference authority https://fabrikamb2c.b2clogin.com/fabrikamb2c.onmicrosoft.com/b2c_1_susi', () => {
    const a = normalizeAuthority(opts(b2c));
    expect(a).toMatchObject({ kind: 'b2c', tenant: 'fabrikamb2c.onmicrosoft.com', policy: 'b2c_1_susi' });
    expect(`${a.authority}/v2.0`).toBe('https://fabrikamb2c.b2clogin.com/fabrikamb2c.onmicrosoft.com/b2c_1_susi/v2.0');
    const settings = normalizeAuthOptions(opts(b2c));
    expect(settings.tenantId).toBe('fabrikamb2c.onmicrosoft.com/b2c_1_susi');
    expect(settings.acquisition).toMatchObject({ authorityKind: 'b2c', tenantId: settings.tenantId });
  });

  it('accepts the same authority given as authority, and a custom domain', () => {
    expect(
      normalizeAuthority(
        opts({ authority: 'https://fabrikamb2c.b2clogin.com/fabrikamb2c.onmicrosoft.com/B2C_1_susi/v2.0' }),
      ),
    ).toMatchObject({ kind: 'b2c', policy: 'B2C_1_susi', policies: ['b2c_1_susi'] });
    expect(normalizeAuthority(opts({ ...b2c, instance: 'https://login.contoso.com/', domain: tid }))).toMatchObject({
      kind: 'b2c',
      authority: `https://login.contoso.com/${tid}/b2c_1_susi`,
    });
  });

  it('accepts the reset-password and edit-profile policies besides sign-up/sign-in', () => {
    expect(
      normalizeAuthority(opts({ ...b2c, resetPasswordPolicyId: 'B2C_1_reset', editProfilePolicyId: 'B2C_1A_Edit' }))
        .policies,
    ).toEqual(['b2c_1_susi', 'b2c_1_reset', 'b2c_1a_edit']);
  });

  it.each([
    [
      'a b2clogin.com instance without policy',
      { ...b2c, signUpSignInPolicyId: undefined },
      AuthErrorCode.InvalidB2CPolicy,
    ],
    ['a policy that is not B2C_1_ / B2C_1A_', { ...b2c, signUpSignInPolicyId: 'susi' }, AuthErrorCode.InvalidB2CPolicy],
    ['a malformed reset policy', { ...b2c, resetPasswordPolicyId: 'B2C_1_a/b' }, AuthErrorCode.InvalidB2CPolicy],
    ['no domain', { ...b2c, domain: undefined }, AuthErrorCode.InvalidB2CDomain],
    ['a domain with a path', { ...b2c, domain: 'a/b' }, AuthErrorCode.InvalidB2CDomain],
    ['a common domain', { ...b2c, domain: 'common' }, AuthErrorCode.MultiTenantSettingNotSupported],
    ['an http instance', { ...b2c, instance: 'http://fabrikamb2c.b2clogin.com/' }, AuthErrorCode.InvalidInstance],
    ['allowedTenants', { ...b2c, allowedTenants: [tid] }, AuthErrorCode.MultiTenantSettingNotSupported],
    [
      'an authority naming another policy',
      { ...b2c, authority: 'https://fabrikamb2c.b2clogin.com/fabrikamb2c.onmicrosoft.com/B2C_1_other' },
      AuthErrorCode.InvalidAuthority,
    ],
    [
      'an authority under another instance',
      { ...b2c, authority: 'https://other.b2clogin.com/fabrikamb2c.onmicrosoft.com/b2c_1_susi' },
      AuthErrorCode.InvalidAuthority,
    ],
  ] as [string, Partial<AuthModuleOptions>, string][])('refuses %s', (_name, o, expected) => {
    expect(code(o)).toBe(expected);
  });
});

describe('normalizeAuthority: authority', () => {
  it.each([
    ['http', 'http://login.microsoftonline.com/contoso.onmicrosoft.com'],
    ['not a URL', 'login.microsoftonline.com/contoso'],
    ['no tenant', 'https://login.microsoftonline.com/'],
    ['a query', `https://login.microsoftonline.com/${tid}?x=1`],
    ['three segments', `https://login.microsoftonline.com/${tid}/a/b`],
    ['a second segment that is not a policy', `https://login.microsoftonline.com/${tid}/oauth2`],
  ])('refuses %s (NIW1027 or NIW1025)', (_name, authority) => {
    expect([AuthErrorCode.InvalidAuthority, AuthErrorCode.InvalidB2CPolicy]).toContain(code({ authority }));
  });

  it('refuses an authority and a tenantId that disagree', () => {
    expect(code({ authority: `https://login.microsoftonline.com/${tid}`, tenantId: 'contoso.onmicrosoft.com' })).toBe(
      AuthErrorCode.InvalidAuthority,
    );
  });
});

describe('loadAzureAdOptions: the AzureAdB2C section', () => {
  it('reads Instance, Domain, ClientId and the policies', () => {
    const options = loadAzureAdOptions(
      {
        AzureAdB2C__Instance: 'https://fabrikamb2c.b2clogin.com/',
        AzureAdB2C__Domain: 'fabrikamb2c.onmicrosoft.com',
        AzureAdB2C__ClientId: clientId,
        AzureAdB2C__SignUpSignInPolicyId: 'B2C_1_susi',
        AzureAdB2C__ResetPasswordPolicyId: 'B2C_1_reset',
        AzureAdB2C__EditProfilePolicyId: 'B2C_1_edit',
      },
      'AzureAdB2C',
    );
    expect(normalizeAuthOptions(options).authority).toMatchObject({
      kind: 'b2c',
      authority: 'https://fabrikamb2c.b2clogin.com/fabrikamb2c.onmicrosoft.com/B2C_1_susi',
      policies: ['b2c_1_susi', 'b2c_1_reset', 'b2c_1_edit'],
    });
  });

  it('reads Authority', () => {
    const options = loadAzureAdOptions({
      AzureAd__Authority: 'https://contoso.ciamlogin.com/',
      AzureAd__ClientId: clientId,
    });
    expect(normalizeAuthOptions(options).authority).toMatchObject({ kind: 'ciam', tenant: 'contoso.onmicrosoft.com' });
  });
});
