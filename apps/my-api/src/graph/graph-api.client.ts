import { Inject, Injectable } from '@nestjs/common';
import { ITokenAcquisition } from 'nest-identity-web';
import { MY_API_CONFIG } from '../config/my-api.constants.js';
import type { MyApiConfig } from '../config/my-api.config.js';
import { DownstreamHttpClient } from '../downstream/downstream-http.client.js';

/** The fields of a Microsoft Graph `user` my-api passes on. */
export interface GraphUser {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly mail: string | null;
  readonly [field: string]: unknown;
}

/**
 * Calls Microsoft Graph on behalf of the signed-in user with `https://graph.microsoft.com/.default`:
 * every Graph permission consented to my-api (here `User.Read`).
 */
@Injectable()
export class GraphApiClient {
  constructor(
    private readonly tokens: ITokenAcquisition,
    private readonly http: DownstreamHttpClient,
    @Inject(MY_API_CONFIG) private readonly config: MyApiConfig,
  ) {}

  /** `GET /me`: the signed-in user's profile. */
  async me(): Promise<GraphUser> {
    const api = this.config.downstreamApis.graph;
    const accessToken = await this.tokens.getAccessTokenForUser([...api.scopes]);
    return this.http.request<GraphUser>({ api: 'Microsoft Graph', baseUrl: api.baseUrl, path: '/me', accessToken });
  }
}
