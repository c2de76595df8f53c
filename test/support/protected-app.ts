// A protected API used by the validation suites: every route behind AuthGuard (APP_GUARD).
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  AuthGuard,
  AuthModule,
  CurrentUser,
  Public,
  RequiredAppPermissions,
  RequiredScopes,
  RequiredScopesOrAppPermissions,
  verifyUserHasAnyAcceptedScope,
  type AuthModuleOptions,
  type AuthPrincipal,
} from 'nest-identity-web';

@Controller()
@RequiredScopes('access_as_user')
class ProtectedController {
  @Get('me')
  me(@CurrentUser() user: AuthPrincipal, @CurrentUser('oid') oid: string) {
    return {
      oid,
      tid: user.tid,
      scopes: user.scopes,
      roles: user.roles,
      isAppOnly: user.isAppOnly,
      version: user.version,
      userKeys: Object.keys(user).sort(),
    };
  }

  @Get('admin')
  @RequiredScopes('Admin.Scope')
  @RequiredAppPermissions('Admin.All')
  admin() {
    return { ok: true };
  }

  @Get('either')
  @RequiredScopes()
  @RequiredScopesOrAppPermissions({ scopes: ['access_as_user'], appPermissions: ['TodoList.ReadWrite.All'] })
  either() {
    return { ok: true };
  }

  @Get('empty')
  @RequiredScopes()
  empty() {
    return { ok: true };
  }

  @Get('configured')
  @RequiredScopes({ configKey: 'AzureAd:Scopes' })
  configured() {
    return { ok: true };
  }

  @Get('imperative')
  @RequiredScopesOrAppPermissions({ scopes: ['access_as_user'], appPermissions: ['TodoList.ReadWrite.All'] })
  imperative(@CurrentUser() user: AuthPrincipal) {
    verifyUserHasAnyAcceptedScope(user, 'Todo.Write');
    return { ok: true };
  }

  @Public()
  @Get('health')
  health() {
    return { status: 'ok' };
  }
}

export type Platform = 'express' | 'fastify';

export async function createProtectedApp(options: AuthModuleOptions, platform: Platform): Promise<INestApplication> {
  @Module({
    imports: [AuthModule.forRoot({ configuration: { AzureAd__Scopes: 'access_as_user other' }, ...options })],
    controllers: [ProtectedController],
    providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false })
      : moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}
