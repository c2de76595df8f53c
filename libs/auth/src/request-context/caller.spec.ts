import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';
import { findCaller, hashAssertion } from './caller.js';
import { RequestContextStore } from './request-context.js';

const principal = { oid: 'alice' } as unknown as AuthPrincipal;

describe('findCaller', () => {
  it('hashes an assertion as base64url(SHA-256), the validated-token cache key', () => {
    expect(hashAssertion('a.b.c')).toBe(createHash('sha256').update('a.b.c').digest('base64url'));
  });

  it('prefers the explicit assertion, with its principal when given', () => {
    const found = RequestContextStore.run({ principal, assertion: 'from-context' }, () =>
      findCaller({ assertion: 'explicit', user: principal }),
    );
    expect(found.caller).toEqual({ assertion: 'explicit', assertionHash: hashAssertion('explicit'), principal });
  });

  it('explains why there is no caller', () => {
    expect(findCaller({}).problem).toMatch(/no authenticated caller/);
    expect(findCaller({ assertion: '' }).problem).toMatch(/empty/);
    expect(findCaller({ user: principal }).problem).toMatch(/without options.assertion/);
  });

  it('reuses the hash the guard recorded instead of hashing the token again', () => {
    const found = RequestContextStore.run({ principal, assertion: 'token', assertionHash: 'precomputed' }, () =>
      findCaller({}),
    );
    expect(found.caller).toEqual({ assertion: 'token', assertionHash: 'precomputed', principal });
  });

  it('hashes a recorded caller without a hash once per request', () => {
    const context = { principal, assertion: 'token' };
    const [a, b] = RequestContextStore.run(context, () => [findCaller({}), findCaller({})]);
    expect(a.caller?.assertionHash).toBe(hashAssertion('token'));
    expect(b.caller?.assertionHash).toBe(a.caller?.assertionHash);
  });
});
