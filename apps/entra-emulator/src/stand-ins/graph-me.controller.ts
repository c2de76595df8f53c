import {
  type ArgumentsHost,
  BadRequestException,
  Catch,
  Controller,
  type ExceptionFilter,
  Get,
  HttpException,
  Inject,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { AuthGuard, type AuthPrincipal, CurrentUser, RequiredScopes } from 'nest-identity-web';
import { CaeSessions } from './cae-sessions.js';
import { type GraphUser, graphUserFromClaims } from './graph-user.js';

/** Application (client) ID of Microsoft Graph, as it appears in its challenges. */
const GRAPH_CLIENT_ID = '00000003-0000-0000-c000-000000000000';

/** Graph's 401 for a revoked session, answered with its `WWW-Authenticate` by {@link GraphChallengeFilter}. */
export class GraphUnauthorizedException extends HttpException {
  constructor(
    readonly wwwAuthenticate: string,
    message: string,
  ) {
    super({ error: { code: 'InvalidAuthenticationToken', message } }, 401);
  }
}

/**
 * Microsoft Graph's `GET /v1.0/me`, for delegated tokens issued to Graph (v1 tokens, audience
 * `https://graph.microsoft.com`) with a scope that lets a user read their own profile.
 */
/** Answers a {@link GraphUnauthorizedException} with its status, `WWW-Authenticate` and Graph-style body. */
@Catch(GraphUnauthorizedException)
export class GraphChallengeFilter implements ExceptionFilter {
  catch(exception: GraphUnauthorizedException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    res.setHeader('WWW-Authenticate', exception.wwwAuthenticate);
    res.status(exception.getStatus()).json(exception.getResponse());
  }
}

@Controller('v1.0')
@UseGuards(AuthGuard)
@RequiredScopes('User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All', 'Directory.Read.All')
export class GraphMeController {
  constructor(@Inject(CaeSessions) private readonly sessions: CaeSessions) {}

  @Get('me')
  me(@CurrentUser() user: AuthPrincipal): GraphUser {
    const verdict = this.sessions.evaluate(user.claims);
    if (verdict.kind === 'challenge') {
      throw new GraphUnauthorizedException(
        `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="${GRAPH_CLIENT_ID}", error="insufficient_claims", claims="${Buffer.from(verdict.claims).toString('base64')}"`,
        'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp',
      );
    }
    if (verdict.kind === 'revoked') {
      throw new GraphUnauthorizedException(
        'Bearer error="invalid_token", error_description="The token was issued before the user\'s sessions were revoked."',
        'Lifetime validation failed, the token is expired.',
      );
    }
    if (user.isAppOnly) {
      // What Graph answers: /me names the signed-in user, and an app token has none.
      throw new BadRequestException({
        error: { code: 'BadRequest', message: '/me request is only valid with delegated authentication flow.' },
      });
    }
    return graphUserFromClaims(user.claims);
  }
}
