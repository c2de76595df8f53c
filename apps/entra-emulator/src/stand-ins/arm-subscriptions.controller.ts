import { BadRequestException, Controller, Get, Query, UseGuards } from '@nestjs/common';
import { AuthGuard, type AuthPrincipal, CurrentUser, RequiredScopes } from 'nest-identity-web';
import { type ArmSubscriptionList, armSubscriptionsFor } from './arm-subscriptions.js';

/**
 * Azure Resource Manager's `GET /subscriptions?api-version=...`, for delegated tokens issued to ARM
 * (v1 tokens, audience `https://management.azure.com/`) with `user_impersonation`.
 */
@Controller('subscriptions')
@UseGuards(AuthGuard)
@RequiredScopes('user_impersonation')
export class ArmSubscriptionsController {
  @Get()
  list(@CurrentUser() user: AuthPrincipal, @Query('api-version') apiVersion?: string): ArmSubscriptionList {
    if (!apiVersion) {
      throw new BadRequestException({
        error: {
          code: 'MissingApiVersionParameter',
          message: 'The api-version query parameter (?api-version=) is required for all requests.',
        },
      });
    }
    return armSubscriptionsFor(user.tid ?? '');
  }
}
