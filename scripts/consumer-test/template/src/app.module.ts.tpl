import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import {
  AuthGuard,
  AuthModule,
  CurrentUser,
  ITokenAcquisition,
  RequiredScopes,
  loadAzureAdOptions,
} from 'nest-identity-web';
import type { AuthPrincipal } from 'nest-identity-web';

@Controller('api')
@UseGuards(AuthGuard)
@RequiredScopes('access_as_user')
export class ApiController {
  constructor(private readonly tokens: ITokenAcquisition) {}

  @Get('me')
  me(@CurrentUser() user: AuthPrincipal) {
    return { oid: user.oid };
  }

  @Get('todos')
  async todos() {
    // On behalf of the caller of this request.
    const token = await this.tokens.getAccessTokenForUser(['api://todolist-service/access_as_user']);
    const res = await fetch(`${process.env.TODOLIST_URL}/todos`, { headers: { authorization: `Bearer ${token}` } });
    return (await res.json()) as unknown;
  }
}

// README style: every setting comes from the environment (AzureAd__Instance, __TenantId, __ClientId,
// __ClientSecret, __TrustedCaPath).
@Module({ imports: [AuthModule.forRoot(loadAzureAdOptions(process.env))], controllers: [ApiController] })
export class AppModule {}
