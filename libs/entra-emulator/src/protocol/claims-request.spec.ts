import { describe, expect, it } from '@jest/globals';
import { EntraProtocolError } from './errors.js';
import { parseClaims } from './claims-request.js';

describe('parseClaims', () => {
  it('detects cp1 client capabilities case-insensitively', () => {
    expect(parseClaims('{"access_token":{"xms_cc":{"values":["CP1"]}}}')).toEqual({
      xmsCc: true,
      mfa: false,
      acrs: [],
    });
  });

  it('treats any other access_token claim as a step-up request', () => {
    const c = parseClaims(
      '{"access_token":{"capolids":{"essential":true,"values":["p"]},"xms_cc":{"values":["cp1"]}}}',
    );
    expect(c).toMatchObject({ xmsCc: true, mfa: true });
    expect(parseClaims('{"access_token":{"acrs":{"essential":true,"value":"c1"}}}')).toEqual({
      xmsCc: false,
      mfa: true,
      acrs: ['c1'],
    });
  });

  it('ignores id_token-only claims and an absent parameter', () => {
    expect(parseClaims('{"id_token":{"login_hint":{"essential":false}}}')).toEqual({
      xmsCc: false,
      mfa: false,
      acrs: [],
    });
    expect(parseClaims(undefined)).toEqual({ xmsCc: false, mfa: false, acrs: [] });
  });

  it('refuses malformed JSON with AADSTS90004', () => {
    expect(() => parseClaims('{oops')).toThrow(EntraProtocolError);
    expect(() => parseClaims('[1]')).toThrow(/AADSTS90004/);
  });
});
