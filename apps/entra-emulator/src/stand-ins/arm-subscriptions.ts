import { createHash } from 'node:crypto';

/** One subscription, as Azure Resource Manager lists it. */
export interface ArmSubscription {
  readonly id: string;
  readonly authorizationSource: 'RoleBased';
  readonly managedByTenants: readonly never[];
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly displayName: string;
  readonly state: 'Enabled';
  readonly subscriptionPolicies: {
    readonly locationPlacementId: string;
    readonly quotaId: string;
    readonly spendingLimit: 'Off';
  };
}

/** The answer of `GET /subscriptions?api-version=...`. */
export interface ArmSubscriptionList {
  readonly value: readonly ArmSubscription[];
  readonly count: { readonly type: 'Total'; readonly value: number };
}

/** A stable GUID derived from a seed, so the same tenant always shows the same subscription. */
function guidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The subscriptions ARM lists for a user of tenant `tid`: one pay-as-you-go subscription per tenant,
 * with a stable id.
 *
 * @see https://learn.microsoft.com/rest/api/resources/subscriptions/list
 */
export function armSubscriptionsFor(tid: string): ArmSubscriptionList {
  const subscriptionId = guidFrom(`subscription:${tid}`);
  return {
    value: [
      {
        id: `/subscriptions/${subscriptionId}`,
        authorizationSource: 'RoleBased',
        managedByTenants: [],
        subscriptionId,
        tenantId: tid,
        displayName: 'Pay-As-You-Go',
        state: 'Enabled',
        subscriptionPolicies: {
          locationPlacementId: 'Public_2014-09-01',
          quotaId: 'PayAsYouGo_2014-09-01',
          spendingLimit: 'Off',
        },
      },
    ],
    count: { type: 'Total', value: 1 },
  };
}
