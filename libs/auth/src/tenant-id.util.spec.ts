import { describe, expect, it } from '@jest/globals';
import { isMetaTenant, isTenantGuid, isTenantIdentifier } from './tenant-id.util.js';

describe('tenant identifiers', () => {
  it.each(['72f988bf-86f1-41af-91ab-2d7cd011db47', 'contoso.onmicrosoft.com', 'organizations', 'common', 'a'])(
    'should accept %s as a tenant identifier',
    (tenant) => expect(isTenantIdentifier(tenant)).toBe(true),
  );

  it.each(['', 'contoso/../x', '{tenantid}', '-contoso', 'a b', 'x'.repeat(254), 42, undefined])(
    'should refuse %p, which could add a path or fake an issuer template',
    (tenant) => expect(isTenantIdentifier(tenant)).toBe(false),
  );

  it('should tell a tenant ID (GUID) from a domain, in any letter case', () => {
    expect(isTenantGuid('72F988BF-86F1-41AF-91AB-2D7CD011DB47')).toBe(true);
    expect(isTenantGuid('contoso.onmicrosoft.com')).toBe(false);
    expect(isTenantGuid(42)).toBe(false);
  });

  it('should know the meta-tenants, in any letter case', () => {
    expect(['common', 'Organizations', 'CONSUMERS'].map(isMetaTenant)).toEqual([true, true, true]);
    expect(isMetaTenant('contoso.onmicrosoft.com')).toBe(false);
    expect(isMetaTenant(undefined)).toBe(false);
  });
});
