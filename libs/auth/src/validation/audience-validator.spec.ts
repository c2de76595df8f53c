import { describe, expect, it } from '@jest/globals';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { validateAudience } from './audience-validator.js';

// The audience table of RegisterValidAudienceTests.cs, plus configured audiences as a union.
const clientId = '11111111-0000-4000-8000-0000000000a1';

describe('validateAudience', () => {
  it.each([
    ['2.0', clientId, [], true],
    ['1.0', `api://${clientId}`, [], true],
    ['2.0', `api://${clientId}`, [], false],
    ['1.0', clientId, [], false],
    ['1.0', 'api://my-api', ['api://my-api'], true],
    ['2.0', 'api://my-api', ['api://my-api'], true],
    ['1.0', clientId, [`api://${clientId}`, clientId], true],
    ['2.0', 'https://graph.microsoft.com', [], false],
    ['2.0', [clientId], [], true],
    ['2.0', [clientId, 'other'], [], false],
  ] as const)('ver %s, aud %j, configured %j → %s', (ver, aud, configured, ok) => {
    const run = () => validateAudience({ ver, aud }, clientId, configured);
    if (ok) expect(run()).toBe(ver);
    else expect(run).toThrow(expect.objectContaining({ code: AuthErrorCode.InvalidAudience }));
  });

  it.each([['3.0'], [undefined], [2]])('refuses ver %j with NIW3014', (ver) => {
    expect(() => validateAudience({ ver, aud: clientId }, clientId, [clientId])).toThrow(
      expect.objectContaining({ code: AuthErrorCode.UnsupportedTokenVersion }),
    );
  });
});
