import { describe, expect, it } from '@jest/globals';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { validateIssuer } from './issuer-validator.js';
import { b2cTenantIdOf, validateB2CClaims } from './b2c-claims-validator.js';

// B2C vectors ported from AadIssuerValidatorTests.cs (Microsoft.IdentityModel.Validators).
const tid = '775527ff-9a37-4307-8b3d-cc311f58d925';
const b2cIssuer = `https://fabrikamb2c.b2clogin.com/${tid}/v2.0/`;
const clientId = '11111111-0000-4000-8000-000000000001';
const policies = ['b2c_1_susi'];
const claims = (c: Record<string, unknown> = {}) => ({
  iss: b2cIssuer,
  aud: clientId,
  tfp: 'B2C_1_susi',
  ver: '1.0',
  ...c,
});
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};
/** The B2C issuer check as the validator runs it: tenant from the token, then the issuer templates. */
const validate = (c: Record<string, unknown>, validIssuers: string[]) =>
  validateIssuer(c.iss, validateB2CClaims(c, clientId, [], policies), validIssuers);

describe('B2C issuers (AadIssuerValidator B2C vectors)', () => {
  it('accepts a B2C issuer with tfp and no tid', () => {
    expect(validate(claims(), [b2cIssuer])).toBe(b2cIssuer);
  });

  it('refuses another B2C host against that issuer (IDX40001 → NIW3007)', () => {
    const other = claims({ iss: `https://catb2c.b2clogin.com/${tid}/v2.0/` });
    expect(codeOf(() => validate(other, [b2cIssuer]))).toBe(AuthErrorCode.InvalidIssuer);
  });

  it('refuses a B2C issuer with another tenant GUID (IDX40001 → NIW3007)', () => {
    const other = claims({ iss: 'https://fabrikamb2c.b2clogin.com/11111111-9a37-4307-8b3d-cc311f58d925/v2.0/' });
    expect(codeOf(() => validate(other, [b2cIssuer]))).toBe(AuthErrorCode.InvalidIssuer);
  });

  it('accepts a custom domain issuer', () => {
    const issuer = 'https://public.msidlabb2c.com/cpimtestpartners.onmicrosoft.com/v2.0/';
    expect(validate(claims({ iss: issuer }), [issuer])).toBe(issuer);
  });

  it('refuses a tfp issuer (IDX40002 → NIW3022)', () => {
    const tfp = claims({ iss: `https://fabrikamb2c.b2clogin.com/tfp/${tid}/b2c_1_susi/v2.0/` });
    expect(codeOf(() => b2cTenantIdOf(tfp))).toBe(AuthErrorCode.B2CTrustFrameworkIssuer);
    expect(codeOf(() => validate(tfp, [tfp.iss]))).toBe(AuthErrorCode.B2CTrustFrameworkIssuer);
  });

  it('refuses an issuer with no tenant segment (IDX40003 → NIW3010)', () => {
    expect(codeOf(() => b2cTenantIdOf(claims({ iss: 'https://fabrikamb2c.b2clogin.com/' })))).toBe(
      AuthErrorCode.MissingTenantId,
    );
  });

  it('prefers tid when present', () => {
    expect(b2cTenantIdOf({ tid, iss: 'https://x.example/' })).toBe(tid);
  });
});

describe('validateB2CClaims: audience and policy', () => {
  it('accepts aud = clientId for a 1.0 token (RegisterValidAudience: any B2C token)', () => {
    expect(validateB2CClaims(claims(), clientId, [], policies)).toBe(tid);
  });

  it('accepts aud = a configured audience, refuses api://clientId by default', () => {
    expect(
      validateB2CClaims(
        claims({ aud: 'https://fabrikamb2c.onmicrosoft.com/api' }),
        clientId,
        ['https://fabrikamb2c.onmicrosoft.com/api'],
        policies,
      ),
    ).toBe(tid);
    expect(codeOf(() => validateB2CClaims(claims({ aud: `api://${clientId}` }), clientId, [], policies))).toBe(
      AuthErrorCode.InvalidAudience,
    );
  });

  it('reads the policy from tfp, else acr, case-insensitively', () => {
    expect(validateB2CClaims(claims({ tfp: 'b2c_1_SUSI' }), clientId, [], policies)).toBe(tid);
    expect(validateB2CClaims(claims({ tfp: undefined, acr: 'b2c_1_susi' }), clientId, [], policies)).toBe(tid);
  });

  it.each([
    ['another policy', { tfp: 'B2C_1_other' }],
    ['no policy claim', { tfp: undefined }],
    ['a non-string policy', { tfp: ['B2C_1_susi'] }],
  ])('refuses %s (NIW3023)', (_name, c) => {
    expect(codeOf(() => validateB2CClaims(claims(c), clientId, [], policies))).toBe(AuthErrorCode.B2CPolicyMismatch);
  });
});
