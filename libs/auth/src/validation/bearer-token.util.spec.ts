import { describe, expect, it } from '@jest/globals';
import { AuthErrorCode } from 'nest-identity-web';
import { extractBearerToken, hasSeveralAuthorizationHeaders, malformedCredentialError } from './bearer-token.util.js';

const TOKEN = 'aaa.bbb.ccc';

describe('extractBearerToken', () => {
  it('reads one Bearer header, scheme case-insensitive', () => {
    expect(extractBearerToken({ headers: { authorization: `Bearer ${TOKEN}` } })).toBe(TOKEN);
    expect(extractBearerToken({ headers: { authorization: `bEaReR ${TOKEN}` } })).toBe(TOKEN);
    expect(
      extractBearerToken({
        headers: { authorization: `Bearer ${TOKEN}` },
        rawHeaders: ['Authorization', `Bearer ${TOKEN}`],
      }),
    ).toBe(TOKEN);
  });

  it('finds no credential without a Bearer header', () => {
    expect(extractBearerToken({})).toBeUndefined();
    expect(extractBearerToken({ headers: { authorization: 'Basic abc' } })).toBeUndefined();
    expect(extractBearerToken({ headers: { authorization: 'Bearer ' } })).toBeUndefined();
  });

  it('refuses a request with two Authorization headers, whichever comes first (Express: rawHeaders)', () => {
    const raw = ['Host', 'x', 'Authorization', `Bearer ${TOKEN}`, 'authorization', 'Bearer garbage'];
    const request = { headers: { authorization: `Bearer ${TOKEN}` }, rawHeaders: raw };
    expect(hasSeveralAuthorizationHeaders(request)).toBe(true);
    expect(extractBearerToken(request)).toBeNull();
    expect(malformedCredentialError(request)).toMatchObject({
      code: AuthErrorCode.MalformedToken,
      description: 'The request carries more than one Authorization header.',
    });
  });

  it('refuses two identical Authorization headers too', () => {
    const raw = ['AUTHORIZATION', `Bearer ${TOKEN}`, 'Authorization', `Bearer ${TOKEN}`];
    expect(extractBearerToken({ headers: { authorization: `Bearer ${TOKEN}` }, rawHeaders: raw })).toBeNull();
  });

  it('reads the raw headers of a Fastify request from request.raw', () => {
    const raw = { rawHeaders: ['authorization', `Bearer ${TOKEN}`, 'authorization', `Bearer ${TOKEN}`] };
    expect(extractBearerToken({ headers: { authorization: `Bearer ${TOKEN}` }, raw })).toBeNull();
    const single = { rawHeaders: ['authorization', `Bearer ${TOKEN}`, 'x-authorization', 'y'] };
    expect(extractBearerToken({ headers: { authorization: `Bearer ${TOKEN}` }, raw: single })).toBe(TOKEN);
  });

  it('refuses an authorization header given as a list', () => {
    const request = { headers: { authorization: [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`] } };
    expect(extractBearerToken(request)).toBeNull();
    expect(malformedCredentialError(request).description).toBe(
      'The request carries more than one Authorization header.',
    );
  });

  it('calls a malformed single credential malformed', () => {
    const request = { headers: { authorization: 'Bearer a b' }, rawHeaders: ['Authorization', 'Bearer a b'] };
    expect(extractBearerToken(request)).toBeNull();
    expect(malformedCredentialError(request).description).toBe('The token is malformed.');
  });
});
