import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { startTestAuthority, type TestAuthority } from '@nest-identity-web/entra-emulator/testing';

describe('a README-style app against the emulator', () => {
  let authority: TestAuthority;
  let app: INestApplication;
  let downstream: Server;

  beforeAll(async () => {
    authority = await startTestAuthority();
    // A downstream API stub: answers with the audience of the token it was called with.
    downstream = createServer((req, res) => {
      const jwt = (req.headers.authorization ?? '').slice('Bearer '.length);
      const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString() || '{}') as { aud?: string };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ aud: claims.aud }));
    });
    await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
    process.env.TODOLIST_URL = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}`;
    Object.assign(process.env, authority.settings);
    // Imported after the settings are in process.env: AppModule reads them when it is loaded.
    const { AppModule } = await import('../src/app.module.js');
    app = (await Test.createTestingModule({ imports: [AppModule] }).compile()).createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => downstream?.close(resolve));
    await authority?.stop();
  });

  it('answers 200 for a signed-in user', async () => {
    await request(app.getHttpServer()).get('/api/me').auth(authority.userToken(), { type: 'bearer' }).expect(200);
  });

  it('answers 401 without a token', async () => {
    const res = await request(app.getHttpServer()).get('/api/me').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('answers 403 without the scope', async () => {
    const token = authority.emulator.issueToken({ aud: authority.clientId, scp: 'other' });
    const res = await request(app.getHttpServer()).get('/api/me').auth(token, { type: 'bearer' }).expect(403);
    expect(res.headers['www-authenticate']).toContain('insufficient_scope');
  });

  it('calls a downstream API on behalf of the user', async () => {
    const res = await request(app.getHttpServer())
      .get('/api/todos')
      .auth(authority.userToken({ user: 'bob' }), { type: 'bearer' })
      .expect(200);
    expect(res.body).toEqual({ aud: authority.emulator.directory.app('todolist-service')?.clientId });
  });
});
