import { describe, expect, it } from '@jest/globals';
import { armSubscriptionsFor } from './arm-subscriptions.js';
import { CaeSessions } from './cae-sessions.js';
import { graphUserFromClaims } from './graph-user.js';

describe('Graph /me stand-in', () => {
  it('answers like Graph, from the claims of a v1 token', () => {
    expect(
      graphUserFromClaims({
        oid: '22222222-0000-4000-8000-000000000001',
        name: 'Alice Smith',
        given_name: 'Alice',
        family_name: 'Smith',
        upn: 'alice@contoso.onmicrosoft.com',
      }),
    ).toMatchObject({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
      id: '22222222-0000-4000-8000-000000000001',
      displayName: 'Alice Smith',
      givenName: 'Alice',
      surname: 'Smith',
      userPrincipalName: 'alice@contoso.onmicrosoft.com',
      mail: 'alice@contoso.onmicrosoft.com',
      businessPhones: [],
    });
  });

  it('falls back to unique_name and leaves unknown fields null', () => {
    const user = graphUserFromClaims({ oid: 'x', unique_name: 'bob@contoso.onmicrosoft.com' });
    expect(user.userPrincipalName).toBe('bob@contoso.onmicrosoft.com');
    expect(user.displayName).toBeNull();
  });
});

describe('ARM /subscriptions stand-in', () => {
  it('lists one enabled subscription with a stable id per tenant', () => {
    const tid = '72f988bf-0000-4000-8000-000000000001';
    const list = armSubscriptionsFor(tid);
    expect(list.count).toEqual({ type: 'Total', value: 1 });
    const [sub] = list.value;
    expect(sub).toMatchObject({ tenantId: tid, state: 'Enabled', displayName: 'Pay-As-You-Go' });
    expect(sub?.subscriptionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sub?.id).toBe(`/subscriptions/${sub?.subscriptionId}`);
    expect(armSubscriptionsFor(tid)).toEqual(list);
    expect(armSubscriptionsFor('other').value[0]?.subscriptionId).not.toBe(sub?.subscriptionId);
  });
});

describe('Graph Continuous Access Evaluation', () => {
  const oid = '22222222-0000-4000-8000-000000000001';

  it('challenges a CAE token issued before the revocation for a newer one, and refuses a non-CAE one', () => {
    const sessions = new CaeSessions(() => 1000);
    expect(sessions.evaluate({ oid, iat: 900, xms_cc: ['cp1'] })).toEqual({ kind: 'ok' });
    sessions.revokeSignInSessions(oid.toUpperCase());
    expect(sessions.evaluate({ oid, iat: 999, xms_cc: ['CP1'] })).toEqual({
      kind: 'challenge',
      claims: '{"access_token":{"nbf":{"essential":true,"value":"1000"}}}',
    });
    expect(sessions.evaluate({ oid, iat: 999 })).toEqual({ kind: 'revoked' });
    expect(sessions.evaluate({ oid, iat: 1000, xms_cc: ['cp1'] })).toEqual({ kind: 'ok' });
    expect(sessions.evaluate({ oid: 'someone-else', iat: 1 })).toEqual({ kind: 'ok' });
  });
});
