import { describe, expect, it } from '@jest/globals';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { validateSigningKeyIssuer } from './signing-key-issuer-validator.js';

// Vectors ported from AadTokenValidationParametersExtensionTests.cs (IDX40004/5/9/11/12).
const tid = 'f645ad92-e38d-4d1a-b510-d1b09a74a8ca';
const otherTid = '775527ff-9a37-4307-8b3d-cc311f58d925';
const iss = `https://login.microsoftonline.com/${tid}/v2.0`;
const template = 'https://login.microsoftonline.com/{tenantid}/v2.0';

describe('validateSigningKeyIssuer', () => {
  it.each([
    ['no key', undefined],
    ['a key without issuer', {}],
    ['a key with a whitespace issuer', { issuer: '  ' }],
  ])('passes with %s', (_name, key) => {
    expect(() => validateSigningKeyIssuer(key, { iss, tid })).not.toThrow();
  });

  it('passes when the key issuer template matches the token', () => {
    expect(() => validateSigningKeyIssuer({ issuer: template }, { iss, tid })).not.toThrow();
  });

  it('refuses a key of another cloud and tenant with NIW3009 (IDX40005)', () => {
    const key = { issuer: 'https://login.microsoftonline.us/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0' };
    expect(() => validateSigningKeyIssuer(key, { iss, tid })).toThrow(
      expect.objectContaining({ code: AuthErrorCode.SigningKeyIssuerMismatch }),
    );
  });

  it('refuses a token without tid with NIW3010 (IDX40009)', () => {
    expect(() => validateSigningKeyIssuer({ issuer: template }, { iss })).toThrow(
      expect.objectContaining({ code: AuthErrorCode.MissingTenantId }),
    );
  });

  it('refuses a token whose issuer does not contain its tid with NIW3015 (IDX40004)', () => {
    expect(() => validateSigningKeyIssuer({ issuer: template }, { iss, tid: otherTid })).toThrow(
      expect.objectContaining({ code: AuthErrorCode.IssuerTenantMismatch }),
    );
  });

  it.each([[{ iss, tid, TID: tid }], [{ iss, TID: tid, tid }]])(
    'refuses tid and TID together with NIW3016 (IDX40011)',
    (claims) => {
      expect(() => validateSigningKeyIssuer({ issuer: template }, claims)).toThrow(
        expect.objectContaining({ code: AuthErrorCode.DuplicateTenantIdClaim }),
      );
    },
  );

  it('treats a token with only TID as missing tid (IDX40009)', () => {
    expect(() => validateSigningKeyIssuer({ issuer: template }, { iss, TID: tid })).toThrow(
      expect.objectContaining({ code: AuthErrorCode.MissingTenantId }),
    );
  });

  it('accepts a v1 token signed by a v2 key through the configuration issuer', () => {
    const v1 = { iss: `https://sts.windows.net/${tid}/`, tid };
    expect(() => validateSigningKeyIssuer({ issuer: template }, v1, template)).not.toThrow();
    expect(() => validateSigningKeyIssuer({ issuer: template }, v1)).toThrow(
      expect.objectContaining({ code: AuthErrorCode.SigningKeyIssuerMismatch }),
    );
  });

  it('refuses a key of another cloud instance with NIW3017 (IDX40012)', () => {
    expect(() =>
      validateSigningKeyIssuer(
        { cloud_instance_name: 'microsoftonline.us' },
        { iss, tid },
        template,
        'microsoftonline.com',
      ),
    ).toThrow(expect.objectContaining({ code: AuthErrorCode.SigningKeyCloudMismatch }));
  });
});
