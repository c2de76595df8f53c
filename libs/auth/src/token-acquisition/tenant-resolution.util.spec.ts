import { describe, expect, it } from '@jest/globals';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { resolveAppTenant } from './tenant-resolution.util.js';

// Microsoft.Identity.Web TokenAcquisitionTests (ResolveTenant) vectors.
describe('resolveAppTenant', () => {
  it.each([
    [undefined, undefined, undefined, undefined],
    [undefined, undefined, 'home', undefined],
    ['T', 'any', 'any', 'T'],
    ['T', undefined, undefined, 'T'],
    [undefined, 'a-tenant', 'any', 'a-tenant'],
    [undefined, 'a-tenant', undefined, 'a-tenant'],
    [undefined, 'common', 'home', 'home'],
    [undefined, 'organizations', 'home', 'home'],
  ])('override %s, configured %s, home %s → %s', (override, configured, home, expected) => {
    expect(resolveAppTenant(override, configured, home)).toBe(expected);
  });

  it.each([
    ['common', 'a-tenant', 'home'],
    ['organizations', undefined, undefined],
    ['Common', 'a-tenant', undefined],
    [undefined, 'common', undefined],
    [undefined, 'organizations', undefined],
  ])('throws NIW4004 for override %s, configured %s, home %s', (override, configured, home) => {
    expect(() => resolveAppTenant(override, configured, home)).toThrow(
      expect.objectContaining({ code: AuthErrorCode.MetaTenantNotAllowed }),
    );
  });
});
