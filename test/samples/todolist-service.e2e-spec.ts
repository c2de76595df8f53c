import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DEFAULT_IDS, startEntraEmulator, type EntraEmulator } from '@nest-identity-web/entra-emulator';
import { AppModule } from '../../apps/todolist-service/src/app.module.js';
import { loadTodoListServiceConfig } from '../../apps/todolist-service/src/config/todolist-service.config.js';

// todolist-service as a user of the sample would run it: real tokens from the emulator, a SQLite
// data file, hostile bodies and ids, and a restart on the same file.
const ids = DEFAULT_IDS;
const tid = ids.tenants.contoso.id;
const service = ids.apps.todolistService;

interface Answer {
  status: number;
  body: unknown;
}

describe('todolist-service: ownership, validation, persistence', () => {
  let emu: EntraEmulator;
  let dir: string;
  let dbPath: string;
  let app: INestApplication | undefined;
  let url: string;

  const start = async (): Promise<void> => {
    const config = loadTodoListServiceConfig({
      AzureAd__Instance: emu.instance,
      AzureAd__TenantId: tid,
      AzureAd__ClientId: service.clientId,
      TodoList__DatabasePath: dbPath,
    });
    app = await NestFactory.create(
      AppModule.forRoot({ ...config, azureAd: { ...config.azureAd, trustedCa: [emu.caCertPem] } }),
      { logger: false },
    );
    app.enableShutdownHooks();
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  };

  const userToken = (name: 'alice' | 'bob') =>
    emu.issueToken({
      aud: service.clientId,
      azp: ids.apps.myApi.clientId,
      oid: ids.users[name].oid,
      sub: `sub-${name}`,
      scp: 'access_as_user',
    });
  const appToken = () =>
    emu.issueToken({
      aud: service.clientId,
      azp: ids.apps.myApi.clientId,
      oid: '44444444-0000-4000-8000-0000000000a1',
      sub: '44444444-0000-4000-8000-0000000000a1',
      roles: ['TodoList.ReadWrite.All'],
      idtyp: 'app',
    });

  const call = async (method: string, path: string, token: string, body?: string): Promise<Answer> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };

  beforeAll(async () => {
    emu = await startEntraEmulator();
    dir = mkdtempSync(join(tmpdir(), 'todolist-'));
    dbPath = join(dir, 'nested', 'todolist.sqlite');
    await start();
  });

  afterAll(async () => {
    await app?.close();
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers 404 for another user's item on read, update and delete, exactly as for a missing one", async () => {
    const created = await call('POST', '/api/todolist', userToken('alice'), JSON.stringify({ title: 'alice only' }));
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', JSON.stringify({ done: true })],
      ['DELETE', undefined],
    ] as const) {
      const theirs = await call(method, `/api/todolist/${id}`, userToken('bob'), body);
      const none = await call(method, `/api/todolist/${missing}`, userToken('bob'), body);
      expect([theirs.status, none.status]).toEqual([404, 404]);
      expect((theirs.body as { message: string }).message.replace(id, 'ID')).toBe(
        (none.body as { message: string }).message.replace(missing, 'ID'),
      );
    }
    const still = await call('GET', `/api/todolist/${id}`, userToken('alice'));
    expect(still.body).toMatchObject({ id, title: 'alice only', done: false });
  });

  it('an app caller with TodoList.ReadWrite.All sees and changes every item', async () => {
    const bobs = await call('POST', '/api/todolist', userToken('bob'), JSON.stringify({ title: 'bob item' }));
    const id = (bobs.body as { id: string }).id;
    const all = (await call('GET', '/api/todolist', appToken())).body as { id: string }[];
    expect(all.map((i) => i.id)).toContain(id);
    expect((await call('PATCH', `/api/todolist/${id}`, appToken(), JSON.stringify({ done: true }))).body).toMatchObject(
      { done: true },
    );
  });

  it.each([
    ['a JSON array', '[{"title":"x"}]'],
    ['a JSON string', '"x"'],
    ['a number', '42'],
    ['null', 'null'],
    ['broken JSON', '{"title":'],
    ['a title of the wrong type', '{"title":5}'],
    ['an unknown field', '{"title":"x","owner_oid":"y"}'],
  ])('POST with %s answers 400, never 500', async (_name, body) => {
    const res = await call('POST', '/api/todolist', userToken('alice'), body);
    expect(res.status).toBe(400);
  });

  it.each([
    ['a JSON array', '[]'],
    ['null', 'null'],
    ['done as a string', '{"done":"yes"}'],
  ])('PATCH with %s answers 400', async (_name, body) => {
    const created = await call('POST', '/api/todolist', userToken('alice'), JSON.stringify({ title: 'patch me' }));
    const res = await call('PATCH', `/api/todolist/${(created.body as { id: string }).id}`, userToken('alice'), body);
    expect(res.status).toBe(400);
  });

  it.each(['not-a-uuid', '%E0%A4%A', "1' OR '1'='1", 'x'.repeat(300)])(
    'a malformed id (%#) answers 400',
    async (id) => {
      for (const method of ['GET', 'DELETE']) {
        expect((await call(method, `/api/todolist/${id}`, userToken('alice'))).status).toBe(400);
      }
    },
  );

  it('keeps items in the SQLite file across a restart', async () => {
    const created = await call('POST', '/api/todolist', userToken('alice'), JSON.stringify({ title: 'durable' }));
    const id = (created.body as { id: string }).id;
    await app!.close();
    app = undefined;
    await start();
    const again = await call('GET', `/api/todolist/${id}`, userToken('alice'));
    expect(again.body).toMatchObject({ id, title: 'durable' });
  });
});
