import { describe, expect, it } from '@jest/globals';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';
import { RequestContextStore } from './request-context.js';

const principal = { oid: 'u1', tid: 't1', scopes: ['access_as_user'], roles: [] } as unknown as AuthPrincipal;

describe('RequestContextStore', () => {
  it('has no caller outside a request', () => {
    expect(RequestContextStore.get()).toBeUndefined();
  });

  it('keeps the caller across awaits inside run()', async () => {
    const seen = await RequestContextStore.run({ principal, assertion: 'a' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return RequestContextStore.get()?.principal.oid;
    });
    expect(seen).toBe('u1');
  });

  it('isolates concurrent callers', async () => {
    const other = { ...principal, oid: 'u2' } as AuthPrincipal;
    const [a, b] = await Promise.all([
      RequestContextStore.run({ principal, assertion: 'a' }, async () => {
        await new Promise((r) => setTimeout(r, 5));
        return RequestContextStore.get()?.assertion;
      }),
      RequestContextStore.run({ principal: other, assertion: 'b' }, async () => {
        await new Promise((r) => setTimeout(r, 1));
        return RequestContextStore.get()?.assertion;
      }),
    ]);
    expect([a, b]).toEqual(['a', 'b']);
  });
});
