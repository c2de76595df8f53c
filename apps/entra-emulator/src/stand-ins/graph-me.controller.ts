import { BadRequestException, Controller, Get, UseGuards } from '@nestjs/common';
import { AuthGuard, type AuthPrincipal, CurrentUser, RequiredScopes } from 'nest-identity-web';
import { type GraphUser, graphUserFromClaims } from './graph-user.js';

/**
 * Microsoft Graph's `GET /v1.0/me`, for delegated tokens issued to Graph (v1 tokens, audience
 * `https://graph.microsoft.com`) with a scope that lets a user read their own profile.
 */
@Controller('v1.0')
@UseGuards(AuthGuard)
@RequiredScopes('User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All', 'Directory.Read.All')
export class GraphMeController {
  @Get('me')
  me(@CurrentUser() user: AuthPrincipal): GraphUser {
    if (user.isAppOnly) {
      // What Graph answers: /me names the signed-in user, and an app token has none.
      throw new BadRequestException({
        error: { code: 'BadRequest', message: '/me request is only valid with delegated authentication flow.' },
      });
    }
    return graphUserFromClaims(user.claims);
  }
}
