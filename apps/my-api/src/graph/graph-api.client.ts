import { Injectable } from '@nestjs/common';
import { DownstreamApi } from 'nest-identity-web';
import { DownstreamApiNames } from '../config/my-api.config.js';
import { passThroughClientErrors } from '../downstream/pass-through.js';

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
 * every Graph permission consented to my-api (here `User.Read`). When Graph revokes the user's
 * session (Continuous Access Evaluation), `DownstreamApi` retries once with Graph's claims; if the
 * user must sign in again, the client gets the 401 claims challenge.
 */
@Injectable()
export class GraphApiClient {
  constructor(private readonly downstream: DownstreamApi) {}

  /** `GET /me`: the signed-in user's profile. */
  me(): Promise<GraphUser> {
    return this.downstream
      .getForUser<GraphUser>(DownstreamApiNames.Graph, { relativePath: 'me' })
      .catch(passThroughClientErrors);
  }
}
