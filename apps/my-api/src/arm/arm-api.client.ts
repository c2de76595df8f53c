import { Injectable } from '@nestjs/common';
import { DownstreamApi } from 'nest-identity-web';
import { DownstreamApiNames } from '../config/my-api.config.js';
import { passThroughClientErrors } from '../downstream/pass-through.js';

/** One Azure subscription, as ARM lists it (the fields my-api passes on). */
export interface ArmSubscription {
  readonly id: string;
  readonly subscriptionId: string;
  readonly displayName: string;
  readonly state: string;
  readonly tenantId: string;
}

/** ARM API version of the subscriptions list. */
export const ARM_SUBSCRIPTIONS_API_VERSION = '2022-12-01';

/** Calls Azure Resource Manager on behalf of the signed-in user (`user_impersonation`). */
@Injectable()
export class ArmApiClient {
  constructor(private readonly downstream: DownstreamApi) {}

  /** `GET /subscriptions`: the subscriptions the signed-in user can see. */
  async subscriptions(): Promise<ArmSubscription[]> {
    const list = await this.downstream
      .getForUser<{ value: ArmSubscription[] }>(DownstreamApiNames.Arm, {
        relativePath: 'subscriptions',
        query: { 'api-version': ARM_SUBSCRIPTIONS_API_VERSION },
      })
      .catch(passThroughClientErrors);
    return list.value.map(({ id, subscriptionId, displayName, state, tenantId }) => ({
      id,
      subscriptionId,
      displayName,
      state,
      tenantId,
    }));
  }
}
