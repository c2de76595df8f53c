// A child process of the guard benchmark: one Nest (Express) API on 127.0.0.1, one route
// (`GET /me`, `@RequiredScopes('access_as_user')`) in one of four modes, given as argv[2]:
//   unprotected        no guard (the ceiling);
//   ours               AuthGuard, default `entra` strategy (validated-token cache on);
//   ours_first_sight   AuthGuard, `entra` with `validatedTokenCacheSize: 0` (every token is new);
//   passport_azure_ad  AuthGuard, `strategy: 'passport-azure-ad'`.
// The identity provider (the Entra emulator, over HTTPS) is described by NIW_BENCH_GUARD (JSON).
// Reports its port and, on request, its CPU time over IPC; exits when the parent goes away.
import https from 'node:https';
import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { AuthGuard, AuthModule, RequiredScopes } from 'nest-identity-web';

export type GuardMode = 'unprotected' | 'ours' | 'ours_first_sight' | 'passport_azure_ad';

export interface GuardServerConfig {
  readonly instance: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly caCertPem: string;
}

const mode = process.argv[2] as GuardMode;
const config = JSON.parse(process.env.NIW_BENCH_GUARD ?? '{}') as GuardServerConfig;
// passport-azure-ad fetches its metadata through https.globalAgent and has no CA option.
https.globalAgent.options.ca = [config.caCertPem];

@Controller()
@RequiredScopes('access_as_user')
class MeController {
  @Get('me')
  me() {
    return { ok: true };
  }
}

@Module({
  imports: [
    AuthModule.forRoot({
      instance: config.instance,
      tenantId: config.tenantId,
      clientId: config.clientId,
      trustedCa: [config.caCertPem],
      ...(mode === 'ours_first_sight' ? { validatedTokenCacheSize: 0 } : {}),
      ...(mode === 'passport_azure_ad' ? { strategy: 'passport-azure-ad' as const } : {}),
    }),
  ],
  controllers: [MeController],
  providers: mode === 'unprotected' ? [] : [{ provide: APP_GUARD, useClass: AuthGuard }],
})
class BenchAppModule {}

process.on('disconnect', () => process.exit(0));
// The parent asks for this process's CPU time around each run: CPU per request is robust to
// other processes competing for the cores, where requests per second are not.
process.on('message', (m: { cpu?: boolean }) => {
  if (m.cpu) process.send?.({ cpuMicros: process.cpuUsage().user + process.cpuUsage().system });
});
const app = await NestFactory.create(BenchAppModule, { logger: false });
await app.listen(0, '127.0.0.1');
const address = (app.getHttpServer() as import('node:http').Server).address() as { port: number };
process.send?.({ port: address.port });
