import { Inject, Injectable } from '@nestjs/common';
import { ITokenAcquisition } from 'nest-identity-web';
import { MY_API_CONFIG } from '../config/my-api.constants.js';
import type { MyApiConfig } from '../config/my-api.config.js';
import { DownstreamHttpClient } from '../downstream/downstream-http.client.js';

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
  constructor(
    private readonly tokens: ITokenAcquisition,
    private readonly http: DownstreamHttpClient,
    @Inject(MY_API_CONFIG) private readonly config: MyApiConfig,
  ) {}

  /** `GET /subscriptions`: the subscriptions the signed-in user can see. */
  async subscriptions(): Promise<ArmSubscription[]> {
    const api = this.config.downstreamApis.arm;
    const accessToken = await this.tokens.getAccessTokenForUser([...api.scopes]);
    const list = await this.http.request<{ value: ArmSubscription[] }>({
      api: 'Azure Resource Manager',
      baseUrl: api.baseUrl,
      path: `/subscriptions?api-version=${ARM_SUBSCRIPTIONS_API_VERSION}`,
      accessToken,
    });
    return list.value.map(({ id, subscriptionId, displayName, state, tenantId }) => ({
      id,
      subscriptionId,
      displayName,
      state,
      tenantId,
    }));
  }
}
