// A child process of the guard benchmark: one Nest (Express) API on 127.0.0.1, one route
// (`GET /me`, `@RequiredScopes('access_as_user')`) in one of four modes, given as argv[2]:
//   unprotected        no guard (the ceiling);
//   ours               AuthGuard, default `entra` strategy (validated-token cache on);
//   ours_first_sight   AuthGuard, `entra` with `validatedTokenCacheSize: 0` (every token is new);
//   passport_azure_ad  AuthGuard, `strategy: 'passport-azure-ad'`;
//   verify_only        the floor of any validator that checks the signature on the event loop: a
//                      guard that reads the Bearer header and runs `crypto.verify` with a KeyObject
//                      built once from the tenant's JWKS, and nothing else (no claim is checked).
// The identity provider (the Entra emulator, over HTTPS) is described by NIW_BENCH_GUARD (JSON).
// Reports its port and, on request, its CPU time over IPC; exits when the parent goes away.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import https from 'node:https';
import { type CanActivate, Controller, type ExecutionContext, Get, Injectable, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { AuthGuard, AuthModule, RequiredScopes } from 'nest-identity-web';

export type GuardMode = 'unprotected' | 'ours' | 'ours_first_sight' | 'passport_azure_ad' | 'verify_only';

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

/** The tenant's JWKS, over HTTPS from the identity provider, as `KeyObject`s by `kid`. */
async function signingKeys(): Promise<Map<string, KeyObject>> {
  const url = `${config.instance}${config.tenantId}/discovery/v2.0/keys`;
  const body = await new Promise<string>((resolve, reject) => {
    https
      .get(url, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
  const { keys } = JSON.parse(body) as { keys: { kid: string; kty: string; n: string; e: string }[] };
  return new Map(keys.map((k) => [k.kid, createPublicKey({ key: { kty: k.kty, n: k.n, e: k.e }, format: 'jwk' })]));
}

const keys = mode === 'verify_only' ? await signingKeys() : new Map<string, KeyObject>();

/** The floor: the signature check alone, on the event loop, with a cached KeyObject. */
@Injectable()
class VerifyOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<{ headers: { authorization?: string } }>().headers.authorization;
    const token = header?.slice(7) ?? '';
    const dot = token.lastIndexOf('.');
    const { kid } = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString()) as {
      kid: string;
    };
    const key = keys.get(kid);
    return (
      key !== undefined &&
      verify('sha256', Buffer.from(token.slice(0, dot), 'latin1'), key, Buffer.from(token.slice(dot + 1), 'base64url'))
    );
  }
}

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
  providers:
    mode === 'unprotected'
      ? []
      : [{ provide: APP_GUARD, useClass: mode === 'verify_only' ? VerifyOnlyGuard : AuthGuard }],
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
