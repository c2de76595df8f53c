import { describe, expect, it } from '@jest/globals';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { ScopeSetRegistry } from './scope-set.registry.js';

describe('ScopeSetRegistry', () => {
  it('normalises delegated scopes: OIDC scopes dropped, duplicates merged, order and case ignored in the key', () => {
    const registry = new ScopeSetRegistry();
    const a = registry.userScopes(['openid', 'api://b/Write', 'api://a/read', 'API://A/READ', 'offline_access']);
    const b = registry.userScopes(['api://A/Read', 'api://b/write']);
    expect(a.key).toBe('api://a/read api://b/write');
    expect(b.key).toBe(a.key);
    expect(a.scopes).toEqual(['api://a/read', 'api://b/Write']);
    expect(Object.isFrozen(a.scopes)).toBe(true);
  });

  it('answers a repeated list from its memo and shares one frozen array per list', () => {
    const registry = new ScopeSetRegistry();
    const first = registry.userScopes(['api://a/read']);
    expect(registry.userScopes(['api://a/read'])).toBe(first);
    expect(registry.intern(['api://a/read'])).toBe(first.scopes);
  });

  it.each([[[]], [['openid', 'profile']], [['two words']], [['']], ['not-an-array']])(
    'refuses %j with NIW4010',
    (scopes) => {
      expect(() => new ScopeSetRegistry().userScopes(scopes as string[])).toThrow(
        expect.objectContaining({ code: AuthErrorCode.InvalidScopes }),
      );
    },
  );

  it('keys an app scope by its resource', () => {
    const set = new ScopeSetRegistry().appScope(' API://Todo/.default ');
    expect(set).toEqual({ key: 'api://todo', scopes: ['API://Todo/.default'] });
  });

  it.each(['api://todo/read', '/.default', '', 'a/.default b/.default'])(
    'refuses the app scope %j with NIW4003',
    (s) => {
      expect(() => new ScopeSetRegistry().appScope(s)).toThrow(
        expect.objectContaining({ code: AuthErrorCode.InvalidAppScope }),
      );
    },
  );
});
