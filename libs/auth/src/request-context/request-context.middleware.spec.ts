import { afterEach, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import {
  type CanActivate,
  Controller,
  Get,
  type INestApplication,
  Injectable,
  Module,
  UseGuards,
} from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule } from '../auth.module.js';
import { RequestContextStore } from './request-context.js';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';

// The guard records the caller the way the library's AuthGuard does; the handler (after awaits)
// must see it, and concurrent requests must not see each other's caller.
@Injectable()
class RecordingGuard implements CanActivate {
  async canActivate(ctx: import('@nestjs/common').ExecutionContext): Promise<boolean> {
    await new Promise((r) => setTimeout(r, 1));
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    const oid = req.headers['x-oid'] ?? 'none';
    RequestContextStore.set({ principal: { oid } as unknown as AuthPrincipal, assertion: `assertion-of-${oid}` });
    return true;
  }
}

@Controller()
@UseGuards(RecordingGuard)
class ProbeController {
  @Get('probe')
  async probe(): Promise<{ oid: string | undefined }> {
    await new Promise((r) => setTimeout(r, 5));
    return { oid: RequestContextStore.get()?.principal.oid };
  }
}

@Module({
  imports: [AuthModule.forRoot({ tenantId: 'contoso.onmicrosoft.com', clientId: 'api' })],
  controllers: [ProbeController],
})
class ProbeModule {}

const adapters: [string, () => FastifyAdapter | undefined][] = [
  ['express', () => undefined],
  ['fastify', () => new FastifyAdapter()],
];

describe.each(adapters)('request context on %s', (_name, adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => app?.close());

  it('reaches the handler from the guard and isolates concurrent requests', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
    const httpAdapter = adapter();
    app = httpAdapter
      ? moduleRef.createNestApplication(httpAdapter, { logger: false })
      : moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    const server = app.getHttpServer() as Server;
    const oids = Array.from({ length: 20 }, (_, i) => `user-${i}`);
    const bodies = await Promise.all(oids.map((oid) => request(server).get('/probe').set('x-oid', oid)));
    expect(bodies.map((r) => (r.body as { oid: string }).oid)).toEqual(oids);
    expect(RequestContextStore.get()).toBeUndefined();
  });
});
