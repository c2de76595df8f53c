import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../apps/my-api/src/app.module.js';
import { loadMyApiConfig } from '../apps/my-api/src/config/my-api.config.js';

describe('my-api over HTTP', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppModule.forRoot(loadMyApiConfig({ AzureAd__TenantId: 'organizations', AzureAd__ClientId: 'my-api' })),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
  });

  it('GET /health answers 200 without a token', async () => {
    const res = await request(app.getHttpServer() as Server)
      .get('/health')
      .expect(200);
    expect(res.body).toEqual({ status: 'ok', service: 'my-api' });
  });
});
