import { describe, expect, it } from '@jest/globals';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { readTenantId, tenantIdFromIssuer } from '../principal/entra-claims.util.js';
import { isValidIssuer, validateIssuer } from './issuer-validator.js';

// Vectors ported from AadIssuerValidatorTests.cs (Microsoft.IdentityModel.Validators).
const tid = 'f645ad92-e38d-4d1a-b510-d1b09a74a8ca';

describe('isValidIssuer (AadIssuerValidator.IsValidIssuer)', () => {
  it.each([
    ['https://sts.windows.net/{tenantid}/', `https://sts.windows.net/${tid}/`, tid, true],
    ['https://login.microsoftonline.com/{tenantid}/v2.0', `https://login.microsoftonline.com/${tid}/v2.0`, tid, true],
    [`https://login.microsoftonline.com/${tid}/v2.0`, `https://login.microsoftonline.com/${tid}/v2.0`, tid, true],
    ['https://sts.windows.net/{tenantid}/', `https://login.microsoftonline.com/${tid}/v2.0`, tid, false],
    ['https://login.microsoftonline.com/{tenantid}/v2.0', `https://sts.windows.net/${tid}/`, tid, false],
    ['https://sts.windows.net/{tenantid}/', '', tid, false],
    ['https://sts.windows.net/{tenantid}/', `https://login.microsoftonline.com/${tid}/v2.0`, '', false],
    ['https://login.windows-ppe.net/{tenantid}', `https://login.microsoftonline.com/${tid}`, tid, false],
    [
      'https://login.microsoftonline.com/{tenantid}/v2.0',
      'https://login.microsoftonline.com/{tenantid}/v2.0',
      tid,
      false,
    ],
    [`https://login.windows-ppe.net/${tid}/v2.0`, `https://login.microsoftonline.com/${tid}/v2.0`, tid, false],
  ])('template %s, iss %s, tid %s → %s', (template, issuer, tenant, expected) => {
    expect(isValidIssuer(template, tenant, issuer)).toBe(expected);
  });

  it('never matches a tid that is itself the placeholder or a path (template injection through tid)', () => {
    const template = 'https://login.microsoftonline.com/{tenantid}/v2.0';
    expect(isValidIssuer(template, '{tenantid}', template)).toBe(false);
    expect(isValidIssuer(template, 'a/b', 'https://login.microsoftonline.com/a/b/v2.0')).toBe(false);
    expect(isValidIssuer(template, '..', 'https://login.microsoftonline.com/../v2.0')).toBe(false);
    expect(() => validateIssuer(template, '{tenantid}', [template])).toThrow(
      expect.objectContaining({ code: AuthErrorCode.InvalidIssuer }),
    );
  });

  it('is case-sensitive and keeps trailing slashes significant', () => {
    expect(
      isValidIssuer('https://sts.windows.net/{tenantid}/', tid.toUpperCase(), `https://sts.windows.net/${tid}/`),
    ).toBe(false);
    expect(isValidIssuer('https://sts.windows.net/{tenantid}/', tid, `https://sts.windows.net/${tid}`)).toBe(false);
  });

  it('matches a US Government issuer given as an exact valid issuer', () => {
    const gov = 'https://login.microsoftonline.us/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0';
    expect(isValidIssuer(gov, '72f988bf-86f1-41af-91ab-2d7cd011db47', gov)).toBe(true);
  });
});

describe('validateIssuer (AadIssuerValidator.Validate)', () => {
  const templates = ['https://login.microsoftonline.com/{tenantid}/v2.0', 'https://sts.windows.net/{tenantid}/'];

  it('accepts v2 and v1 issuers of the common templates', () => {
    expect(validateIssuer(`https://login.microsoftonline.com/${tid}/v2.0`, tid, templates)).toBe(
      `https://login.microsoftonline.com/${tid}/v2.0`,
    );
    expect(validateIssuer(`https://sts.windows.net/${tid}/`, tid, templates)).toBe(`https://sts.windows.net/${tid}/`);
  });

  it('refuses a token without tenant ID with NIW3010 (IDX40003)', () => {
    expect(() => validateIssuer(`https://login.microsoftonline.com/${tid}/v2.0`, undefined, templates)).toThrow(
      expect.objectContaining({ code: AuthErrorCode.MissingTenantId }),
    );
  });

  it('refuses an issuer of another host with NIW3007 (IDX40001)', () => {
    expect(() => validateIssuer(`https://badissuer/${tid}/v2.0`, tid, templates)).toThrow(
      expect.objectContaining({ code: AuthErrorCode.InvalidIssuer }),
    );
  });

  it('refuses a token whose iss names another tenant than its tid', () => {
    const other = '775527ff-9a37-4307-8b3d-cc311f58d925';
    expect(() => validateIssuer(`https://login.microsoftonline.com/${other}/v2.0`, tid, templates)).toThrow(
      expect.objectContaining({ code: AuthErrorCode.InvalidIssuer }),
    );
  });
});

describe('tenant ID resolution (tid → long-form tenantid → iss)', () => {
  it('prefers tid, then the long-form claim, then the single issuer segment', () => {
    expect(readTenantId({ tid: 'a', 'http://schemas.microsoft.com/identity/claims/tenantid': 'b' })).toBe('a');
    expect(readTenantId({ 'http://schemas.microsoft.com/identity/claims/tenantid': 'b' })).toBe('b');
    expect(readTenantId({ iss: `https://sts.windows.net/${tid}/` })).toBe(tid);
    expect(readTenantId({ iss: `https://login.microsoftonline.com/${tid}/v2.0` })).toBe(tid);
  });

  it('finds no tenant in a B2C tfp issuer or a malformed issuer', () => {
    expect(tenantIdFromIssuer(`https://fabrikamb2c.b2clogin.com/tfp/${tid}/b2c_1_susi/v2.0/`)).toBeUndefined();
    expect(tenantIdFromIssuer('not a url')).toBeUndefined();
  });
});
