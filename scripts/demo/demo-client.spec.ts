import { describe, expect, it } from '@jest/globals';
import { claimsFromChallenge } from './demo-client.js';

const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
const encoded = Buffer.from(claims).toString('base64');

describe('claimsFromChallenge', () => {
  it('returns the decoded claims of an insufficient_claims challenge', () => {
    const header =
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ' +
      `error="insufficient_claims", claims="${encoded}"`;
    expect(claimsFromChallenge(header)).toBe(claims);
  });

  it('ignores challenges of another kind, even with a claims parameter', () => {
    expect(claimsFromChallenge(`Bearer error="invalid_token", claims="${encoded}"`)).toBeUndefined();
    expect(claimsFromChallenge('Bearer error="insufficient_scope", scope="access_as_user"')).toBeUndefined();
  });

  it('returns undefined without a header or without claims', () => {
    expect(claimsFromChallenge(null)).toBeUndefined();
    expect(claimsFromChallenge('Bearer error="insufficient_claims"')).toBeUndefined();
  });
});
