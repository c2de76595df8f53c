import { describe, expect, it } from '@jest/globals';
import { amrFromAio, sessionAio } from './tokens.js';
import { v1Shape } from './v1-response.js';

describe('v1Shape', () => {
  const base = { token_type: 'Bearer' as const, expires_in: 3600, ext_expires_in: 3600, access_token: 'at' };

  it('turns times into strings and adds expires_on, not_before and resource', () => {
    expect(v1Shape(base, 'api://todolist-service', undefined, 1000)).toEqual({
      token_type: 'Bearer',
      expires_in: '3600',
      ext_expires_in: '3600',
      expires_on: '4600',
      not_before: '1000',
      resource: 'api://todolist-service',
      access_token: 'at',
    });
  });

  it('lists granted scope names without their resource and keeps refresh and id tokens', () => {
    const r = v1Shape(
      {
        ...base,
        scope: 'api://my-api/.default api://my-api/access_as_user openid offline_access',
        refresh_token: 'rt',
        id_token: 'it',
      },
      undefined,
      'api://my-api/.default openid offline_access',
      0,
    );
    expect(r).toMatchObject({ scope: 'access_as_user', resource: 'api://my-api', refresh_token: 'rt', id_token: 'it' });
  });
});

describe('session aio', () => {
  it('carries the authentication methods and reads nothing from a foreign aio', () => {
    expect(amrFromAio(sessionAio(['pwd', 'mfa']))).toEqual(['pwd', 'mfa']);
    expect(amrFromAio('E2RgYHDx1ZfYwX8')).toEqual([]);
    expect(amrFromAio(undefined)).toEqual([]);
  });
});
