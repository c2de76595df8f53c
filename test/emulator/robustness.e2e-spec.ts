import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import https from 'node:https';
import tls from 'node:tls';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { DEFAULT_IDS, startEntraEmulator, type EntraEmulator } from '@nest-identity-web/entra-emulator';

const { myApi, todolistService } = DEFAULT_IDS.apps;
const contoso = DEFAULT_IDS.tenants.contoso;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

describe('emulator robustness: malformed input, faults and controls', () => {
  let emu: EntraEmulator;
  let agent: https.Agent;

  beforeAll(async () => {
    emu = await startEntraEmulator({ httpControls: true });
    agent = new https.Agent({ ca: [emu.caCertPem] });
  });

  afterAll(async () => {
    agent.destroy();
    await emu.stop();
  });

  const call = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) =>
    new Promise<Answer>((resolve, reject) => {
      const req = https.request(`${emu.baseUrl}${path}`, { method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });

  const tokenPath = `/${contoso.id}/oauth2/v2.0/token`;
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };

  const expectEntraError = (a: Answer, status: number, code: number, error?: string) => {
    expect(a.status).toBe(status);
    expect(String(a.headers['content-type'])).toContain('application/json');
    const body = JSON.parse(a.text) as Record<string, unknown>;
    expect(body['error_codes']).toEqual([code]);
    expect(String(body['error_description'])).toMatch(new RegExp(`^AADSTS${code}: `));
    expect(body['timestamp']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(body['trace_id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(body['correlation_id']).toMatch(/^[0-9a-f-]{36}$/);
    if (error) expect(body['error']).toBe(error);
    return body;
  };

  it.each([
    [
      'an unknown grant',
      form({ grant_type: 'magic', client_id: myApi.clientId }),
      400,
      70003,
      'unsupported_grant_type',
    ],
    ['no grant_type', form({ client_id: myApi.clientId }), 400, 900144, 'invalid_request'],
    ['no client_id', form({ grant_type: 'client_credentials' }), 400, 900144, 'invalid_request'],
    [
      'an unknown client',
      form({
        grant_type: 'client_credentials',
        client_id: '99999999-0000-4000-8000-000000000000',
        client_secret: 'x',
        scope: 'a/.default',
      }),
      400,
      700016,
      'unauthorized_client',
    ],
    [
      'no credential',
      form({ grant_type: 'client_credentials', client_id: myApi.clientId, scope: todolistService.defaultScope }),
      401,
      7000218,
      'invalid_client',
    ],
    [
      'a scope without /.default',
      form({
        grant_type: 'client_credentials',
        client_id: myApi.clientId,
        client_secret: myApi.secret,
        scope: todolistService.scopeUri,
      }),
      400,
      1002012,
      'invalid_scope',
    ],
    [
      'an unknown resource',
      form({
        grant_type: 'client_credentials',
        client_id: myApi.clientId,
        client_secret: myApi.secret,
        scope: 'api://nope/.default',
      }),
      400,
      500011,
      'invalid_resource',
    ],
    [
      'a garbage client assertion',
      form({
        grant_type: 'client_credentials',
        client_id: myApi.clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: 'eyJub3QganNvbg.eyJ9.sig',
        scope: todolistService.defaultScope,
      }),
      400,
      50027,
      'invalid_request',
    ],
    [
      'a garbage OBO assertion',
      form({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        requested_token_use: 'on_behalf_of',
        client_id: myApi.clientId,
        client_secret: myApi.secret,
        assertion: '{"not":"a jwt"}',
        scope: todolistService.scopeUri,
      }),
      400,
      50027,
      'invalid_request',
    ],
    [
      'OBO without assertion',
      form({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        requested_token_use: 'on_behalf_of',
        client_id: myApi.clientId,
        client_secret: myApi.secret,
        scope: todolistService.scopeUri,
      }),
      400,
      900144,
      'invalid_request',
    ],
    [
      'duplicate parameters',
      `${form({ grant_type: 'client_credentials', client_id: myApi.clientId })}&client_id=x`,
      400,
      90004,
      'invalid_request',
    ],
    [
      'a malformed claims parameter',
      form({
        grant_type: 'client_credentials',
        client_id: myApi.clientId,
        client_secret: myApi.secret,
        scope: todolistService.defaultScope,
        claims: '{bad',
      }),
      400,
      90004,
      'invalid_request',
    ],
    ['a binary body', Buffer.from([0xff, 0xfe, 0x00, 0x25, 0x25, 0x3d]), 400, 900144, 'invalid_request'],
  ])('%s gets an Entra-shaped JSON error', async (_name, body, status, code, error) => {
    expectEntraError(await call('POST', tokenPath, body, formHeaders), status, code, error);
  });

  it('a JSON body is refused with 90004', async () => {
    expectEntraError(
      await call('POST', tokenPath, '{"grant_type":"client_credentials"}', { 'content-type': 'application/json' }),
      400,
      90004,
    );
  });

  it('a huge body is refused with a JSON 400 and the server stays up', async () => {
    const huge = `grant_type=client_credentials&pad=${'a'.repeat(2 * 1024 * 1024)}`;
    expectEntraError(await call('POST', tokenPath, huge, formHeaders), 400, 90004);
    const ok = await call('GET', `/${contoso.id}/v2.0/.well-known/openid-configuration`);
    expect(ok.status).toBe(200);
  });

  it('GET on the token endpoint, an unknown tenant and an unknown path are JSON errors', async () => {
    expectEntraError(await call('GET', tokenPath), 400, 900561);
    expectEntraError(
      await call('GET', '/nosuchtenant/v2.0/.well-known/openid-configuration'),
      400,
      90002,
      'invalid_tenant',
    );
    expectEntraError(await call('GET', '/whatever/else'), 404, 90100);
    expectEntraError(await call('GET', `/${contoso.id}/nothing/here`), 404, 90100);
  });

  it('accepts client_secret_basic and answers a bad Basic secret with 401', async () => {
    const basic = (secret: string) =>
      `Basic ${Buffer.from(`${myApi.clientId}:${encodeURIComponent(secret)}`).toString('base64')}`;
    const body = form({ grant_type: 'client_credentials', scope: todolistService.defaultScope });
    const ok = await call('POST', tokenPath, body, { ...formHeaders, authorization: basic(myApi.secret) });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expectEntraError(
      await call('POST', tokenPath, body, { ...formHeaders, authorization: basic('wrong') }),
      401,
      7000215,
      'invalid_client',
    );
  });

  it('matches tenants case-insensitively, by name and by domain', async () => {
    for (const t of ['CONTOSO', contoso.domain, contoso.id.toUpperCase()]) {
      const a = await call('GET', `/${t}/v2.0/.well-known/openid-configuration`);
      expect(JSON.parse(a.text)).toMatchObject({ issuer: `${emu.baseUrl}/${contoso.id}/v2.0` });
    }
    const common = JSON.parse((await call('GET', '/common/v2.0/.well-known/openid-configuration')).text) as Record<
      string,
      unknown
    >;
    expect(common['issuer']).toBe(`${emu.baseUrl}/{tenantid}/v2.0`);
    const v1 = JSON.parse((await call('GET', `/${contoso.id}/.well-known/openid-configuration`)).text) as Record<
      string,
      unknown
    >;
    expect(v1['issuer']).toBe(`${emu.baseUrl}/${contoso.id}/`);
  });

  it('serves a JWKS with kid == x5t, x5c and issuer, keeping retired keys after rotation', async () => {
    const before = JSON.parse((await call('GET', `/${contoso.id}/discovery/v2.0/keys`)).text) as {
      keys: Record<string, unknown>[];
    };
    expect(before.keys[0]).toMatchObject({
      kty: 'RSA',
      use: 'sig',
      e: 'AQAB',
      issuer: `${emu.baseUrl}/${contoso.id}/v2.0`,
    });
    expect(before.keys[0]!['kid']).toBe(before.keys[0]!['x5t']);
    expect(Array.isArray(before.keys[0]!['x5c'])).toBe(true);
    const oldKid = before.keys[0]!['kid'];
    const newKid = await emu.rotateKeys();
    const after = JSON.parse((await call('GET', `/${contoso.id}/discovery/v2.0/keys`)).text) as {
      keys: Record<string, unknown>[];
    };
    // As Entra, the JWKS holds several keys: the next key is published before it signs anything,
    // and the retired key stays after the rotation.
    expect(before.keys.length).toBeGreaterThan(1);
    expect(before.keys.map((k) => k['kid'])).toContain(newKid);
    expect(after.keys[0]!['kid']).toBe(newKid);
    expect(after.keys.map((k) => k['kid'])).toContain(oldKid);
    expect(after.keys.every((k) => k['cloud_instance_name'] === 'microsoftonline.com')).toBe(true);
    const token = emu.issueToken({ aud: 'x' });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({
      kid: newKid,
      typ: 'JWT',
      alg: 'RS256',
    });
    const v1 = JSON.parse((await call('GET', '/common/discovery/keys')).text) as { keys: Record<string, unknown>[] };
    expect(v1.keys[0]!['issuer']).toBeUndefined();
  });

  it('injects status faults with a count, then serves normally', async () => {
    const fault = emu.injectFault({ route: 'metadata', status: 503, times: 2 });
    const first = await call('GET', `/${contoso.id}/v2.0/.well-known/openid-configuration`);
    expect(first.status).toBe(503);
    expect(JSON.parse(first.text)).toMatchObject({ error: 'temporarily_unavailable' });
    expect((await call('GET', `/${contoso.id}/v2.0/.well-known/openid-configuration`)).status).toBe(503);
    expect((await call('GET', `/${contoso.id}/v2.0/.well-known/openid-configuration`)).status).toBe(200);
    expect(fault.hits).toBe(2);
  });

  it('drops connections and delays answers', async () => {
    emu.injectFault({ route: 'jwks', drop: true, times: 1 });
    await expect(call('GET', `/${contoso.id}/discovery/v2.0/keys`)).rejects.toThrow();
    emu.injectFault({ route: /\/discovery\/v2\.0\/keys$/, delayMs: 50, times: 1 });
    const slow = await call('GET', `/${contoso.id}/discovery/v2.0/keys`);
    expect(slow.status).toBe(200);
    expect(
      emu
        .requests({ route: 'jwks' })
        .slice(-2)
        .map((r) => [r.status, r.faulted ?? false]),
    ).toEqual([
      [0, true],
      [200, false],
    ]);
  });

  it('msal sees an unreachable token endpoint as an error and recovers with a new app', async () => {
    const make = () =>
      new ConfidentialClientApplication({
        auth: {
          clientId: myApi.clientId,
          authority: `${emu.instance}${contoso.id}`,
          knownAuthorities: [emu.host],
          clientSecret: myApi.secret,
        },
        system: { networkClient: emu.msalNetworkClient() },
      });
    emu.injectFault({ route: 'token', drop: true, times: 1 });
    await expect(make().acquireTokenByClientCredential({ scopes: [todolistService.defaultScope] })).rejects.toThrow();
    const r = await make().acquireTokenByClientCredential({ scopes: [todolistService.defaultScope] });
    expect(r!.accessToken).toBeTruthy();
  });

  it('never logs secrets, assertions, passwords or tokens', async () => {
    await call(
      'POST',
      tokenPath,
      form({
        grant_type: 'password',
        client_id: DEFAULT_IDS.apps.demoClient.clientId,
        username: DEFAULT_IDS.users.bob.upn,
        password: DEFAULT_IDS.users.bob.password,
        scope: myApi.scopeUri,
      }),
      formHeaders,
    );
    const log = JSON.stringify(emu.requests());
    expect(log).toContain(DEFAULT_IDS.users.bob.oid);
    for (const secret of [myApi.secret, DEFAULT_IDS.users.bob.password, 'eyJ']) expect(log).not.toContain(secret);
  });

  it('exposes the controls over HTTP under /__emulator/', async () => {
    const json = (a: Answer) => JSON.parse(a.text) as Record<string, unknown>;
    const minted = json(
      await call(
        'POST',
        '/__emulator/tokens',
        JSON.stringify({ claims: { aud: myApi.clientId, scp: 'x' }, options: { version: 1 } }),
      ),
    );
    const payload = JSON.parse(Buffer.from(String(minted['token']).split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(payload).toMatchObject({ aud: myApi.clientId, ver: '1.0', iss: `${emu.baseUrl}/${contoso.id}/` });
    expect(
      json(
        await call(
          'POST',
          '/__emulator/faults',
          JSON.stringify({ route: 'token', status: 429, headers: { 'Retry-After': '1' }, times: 1 }),
        ),
      )['id'],
    ).toBeTruthy();
    const throttled = await call('POST', tokenPath, 'grant_type=x', formHeaders);
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('1');
    const clock = json(await call('POST', '/__emulator/clock', JSON.stringify({ advanceSeconds: 100 })));
    expect(clock['offsetSeconds']).toBe(100);
    expect(Array.isArray(json(await call('GET', '/__emulator/requests'))['requests'])).toBe(true);
    expect(json(await call('POST', '/__emulator/rotate-keys'))['kid']).toBeTruthy();
    await call('POST', '/__emulator/reset');
    expect(emu.clock.offsetSeconds).toBe(0);
    expect(emu.requests()).toEqual([]);
  });

  it.each([
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"acrs"'],
  ])('claims that are JSON but %s are refused with 90004', async (_name, claims) => {
    const body = form({
      grant_type: 'client_credentials',
      client_id: myApi.clientId,
      client_secret: myApi.secret,
      scope: todolistService.defaultScope,
      claims,
    });
    expectEntraError(await call('POST', tokenPath, body, formHeaders), 400, 90004, 'invalid_request');
  });

  it('bad %-escapes and invalid UTF-8 in bodies and paths are ordinary Entra errors', async () => {
    expectEntraError(await call('POST', tokenPath, 'grant_type=%zz&client_id=%', formHeaders), 400, 70003);
    const utf8 = Buffer.concat([Buffer.from('grant_type=client_credentials&client_id='), Buffer.from([0xc3, 0x28])]);
    expectEntraError(await call('POST', tokenPath, utf8, formHeaders), 400, 700016);
    expectEntraError(await call('GET', '/%zz/v2.0/.well-known/openid-configuration'), 400, 90002, 'invalid_tenant');
    expectEntraError(await call('POST', '/%E0%A4%A/oauth2/v2.0/token', 'grant_type=x', formHeaders), 400, 90002);
  });

  it('a client assertion with a huge header is refused as invalid_client', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', x5t: 'a'.repeat(60_000) })).toString('base64url');
    const body = form({
      grant_type: 'client_credentials',
      client_id: myApi.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: `${header}.e30.c2ln`,
      scope: todolistService.defaultScope,
    });
    expectEntraError(await call('POST', tokenPath, body, formHeaders), 401, 700027, 'invalid_client');
  });

  it('an unknown tenant is a JSON 90002 on every route', async () => {
    const cc = form({ grant_type: 'client_credentials', client_id: myApi.clientId, client_secret: myApi.secret });
    for (const [method, path, body] of [
      ['GET', '/nosuch/v2.0/.well-known/openid-configuration', undefined],
      ['GET', '/nosuch/.well-known/openid-configuration', undefined],
      ['GET', '/nosuch/discovery/v2.0/keys', undefined],
      ['GET', '/nosuch/discovery/instance', undefined],
      ['POST', '/nosuch/oauth2/v2.0/token', cc],
      ['POST', '/nosuch/oauth2/token', cc],
      ['GET', `/nosuch/oauth2/v2.0/authorize?client_id=${myApi.clientId}`, undefined],
      ['GET', '/nosuch/oauth2/v2.0/logout', undefined],
    ] as const) {
      expectEntraError(await call(method, path, body, formHeaders), 400, 90002);
    }
  });

  it('HEAD, OPTIONS and PUT get JSON errors; path traversal never leaves the tenant routes', async () => {
    const head = await call('HEAD', tokenPath);
    expect([head.status, head.text]).toEqual([400, '']);
    expect(String(head.headers['content-type'])).toContain('application/json');
    expectEntraError(await call('OPTIONS', tokenPath), 400, 900561);
    expectEntraError(await call('PUT', tokenPath, 'grant_type=x', formHeaders), 400, 900561);
    const meta = `/${contoso.id}/v2.0/.well-known/openid-configuration`;
    expect((await call('HEAD', meta)).status).toBe(200);
    expectEntraError(await call('OPTIONS', meta), 405, 900561);
    expectEntraError(await call('PUT', meta, '{}'), 405, 900561);
    expectEntraError(
      await call('GET', '/..%2F..%2Fetc%2Fpasswd/v2.0/.well-known/openid-configuration'),
      400,
      90002,
      'invalid_tenant',
    );
  });

  const rawRequest = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: emu.port, ca: [emu.caCertPem], servername: 'localhost' });
      let out = '';
      socket.on('secureConnect', () => socket.write(text));
      socket.on('data', (d: Buffer) => (out += d.toString()));
      socket.on('close', () => resolve(out));
      socket.on('error', reject);
    });

  it('an unparseable request target or request line gets a JSON 400 in Entra shape', async () => {
    for (const line of ['GET http://[::1 HTTP/1.1', 'G\u0001T / HTTP/1.1']) {
      const answer = await rawRequest(`${line}\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
      expect(body).toMatchObject({ error: 'invalid_request', error_codes: [90004] });
      expect(body['trace_id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('the query string of the token endpoint carries only the correlation id (no parameters, no secrets)', async () => {
    const correlation = '0f0e0d0c-0000-4000-8000-000000000001';
    const a = await call(
      'POST',
      `${tokenPath}?client-request-id=${correlation}&grant_type=password&client_secret=in-query&x=%zz`,
      form({
        grant_type: 'client_credentials',
        client_id: myApi.clientId,
        client_secret: myApi.secret,
        scope: todolistService.defaultScope,
      }),
      formHeaders,
    );
    expect(a.status).toBe(200);
    expect(a.headers['client-request-id']).toBe(correlation);
    expect(emu.requests((r) => r.correlationId === correlation).map((r) => r.grantType)).toEqual([
      'client_credentials',
    ]);
    expect(JSON.stringify(emu.requests())).not.toContain('in-query');
  });

  // A correctness check, not a speed one: a loaded machine may take longer than jest's default 5 s.
  it('serves many concurrent connections', async () => {
    const body = form({
      grant_type: 'client_credentials',
      client_id: myApi.clientId,
      client_secret: myApi.secret,
      scope: todolistService.defaultScope,
    });
    const fresh = new https.Agent({ ca: [emu.caCertPem], maxSockets: Infinity });
    try {
      const answers = await Promise.all(
        Array.from(
          { length: 100 },
          (_, i) =>
            new Promise<number>((resolve, reject) => {
              const req = https.request(
                `${emu.baseUrl}${i % 2 ? tokenPath : `/${contoso.id}/discovery/v2.0/keys`}`,
                { method: i % 2 ? 'POST' : 'GET', agent: fresh, headers: formHeaders },
                (res) => {
                  res.resume();
                  res.on('end', () => resolve(res.statusCode ?? 0));
                },
              );
              req.on('error', reject);
              req.end(i % 2 ? body : undefined);
            }),
        ),
      );
      expect(new Set(answers)).toEqual(new Set([200]));
    } finally {
      fresh.destroy();
    }
  }, 30_000);

  it('controls refuse bad input with a clear 400 and the emulator keeps serving', async () => {
    const clock = await call('POST', '/__emulator/clock', JSON.stringify({ advanceSeconds: 1e308 }));
    expect(clock.status).toBe(400);
    expect(JSON.parse(clock.text)).toMatchObject({ error: 'invalid_request' });
    expect(emu.clock.offsetSeconds).toBe(0);
    expect(() => emu.clock.set(-1)).toThrow(RangeError);
    const fault = await call('POST', '/__emulator/faults', JSON.stringify({ route: 'tokn', status: 500 }));
    expect(fault.status).toBe(400);
    expect((JSON.parse(fault.text) as Record<string, unknown>)['error_description']).toContain('fault.route');
    const signIn = await call('POST', '/__emulator/sign-in', '{}');
    expect(signIn.status).toBe(400);
    expect((JSON.parse(signIn.text) as Record<string, unknown>)['error_description']).toContain('username');
    expectEntraError(await call('GET', '/nosuch/oauth2/v2.0/logout'), 400, 90002);
    expect((await call('GET', `/${contoso.id}/v2.0/.well-known/openid-configuration`)).status).toBe(200);
  });

  it('stop() closes idle keep-alive connections at once', async () => {
    const other = await startEntraEmulator();
    const keepAlive = new https.Agent({ ca: [other.caCertPem], keepAlive: true });
    try {
      await new Promise<void>((resolve, reject) =>
        https
          .get(`${other.baseUrl}/health`, { agent: keepAlive }, (res) => {
            res.resume();
            res.on('end', resolve);
          })
          .on('error', reject),
      );
      const closed = new Promise<void>((resolve) => {
        const socket = Object.values(keepAlive.freeSockets).flat()[0];
        if (!socket) resolve();
        else socket.once('close', () => resolve());
      });
      await other.stop();
      await closed;
    } finally {
      keepAlive.destroy();
    }
  });
});

describe('emulator robustness: stalled clients', () => {
  let emu: EntraEmulator;

  beforeAll(async () => {
    emu = await startEntraEmulator({ requestTimeoutMs: 300 });
  });

  afterAll(async () => {
    await emu.stop();
  });

  /** Sends `text` and never finishes the request; resolves with what the server sent before closing. */
  const stall = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: emu.port, ca: [emu.caCertPem], servername: 'localhost' });
      let out = '';
      socket.on('secureConnect', () => socket.write(text));
      socket.on('data', (d: Buffer) => (out += d.toString()));
      socket.on('close', () => resolve(out));
      socket.on('error', reject);
    });

  it('a partial body gets a JSON 408 and the connection is closed', async () => {
    const answer = await stall(
      `POST /${contoso.id}/oauth2/v2.0/token HTTP/1.1\r\nHost: x\r\n` +
        'content-type: application/x-www-form-urlencoded\r\ncontent-length: 100\r\n\r\ngrant_type=',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'invalid_request', error_codes: [90004] });
    expect(String(body['error_description'])).toContain('not received within 300 ms');
  });

  it('headers that never end get a JSON 408 too', async () => {
    const answer = await stall(`GET /${contoso.id}/discovery/v2.0/keys HTTP/1.1\r\nHost: x\r\nx-slow: a`);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"error_codes":[90004]');
  });

  it('refuses a bad requestTimeoutMs', async () => {
    await expect(startEntraEmulator({ requestTimeoutMs: 0 })).rejects.toThrow(/EMU1015/);
  });
});
