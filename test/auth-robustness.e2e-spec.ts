// Hostile inputs at a guarded route: every answer is 401 (or 403), never 500, never a crash, and
// never echoes a token or a claim value back to the caller.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import https from 'node:https';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DEFAULT_IDS, startEntraEmulator, type EntraEmulator } from '@nest-identity-web/entra-emulator';
import { createProtectedApp, type Platform } from './support/protected-app.js';

const { contoso } = DEFAULT_IDS.tenants;
const myApi = DEFAULT_IDS.apps.myApi;
const INVALID = /^Bearer error="invalid_token", error_description="[^"\\]+"$/;
const MARKER = 'zq-hostile-marker-7f3a';

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const rs256 = { alg: 'RS256', typ: 'JWT', kid: 'k1' };
const payload = { aud: myApi.clientId, scp: 'access_as_user', tid: contoso.id, ver: '2.0' };

type Strategy = 'entra' | 'passport-azure-ad';
const matrix: [Platform, Strategy][] = [
  ['express', 'entra'],
  ['fastify', 'entra'],
  ['express', 'passport-azure-ad'],
  ['fastify', 'passport-azure-ad'],
];

describe.each(matrix)('hostile input at a guarded route over %s with strategy %s', (platform, strategy) => {
  let emu: EntraEmulator;
  let app: INestApplication;
  let multi: INestApplication;
  let previousCa: typeof https.globalAgent.options.ca;

  beforeAll(async () => {
    emu = await startEntraEmulator();
    if (strategy === 'passport-azure-ad') {
      // passport-azure-ad fetches through https.globalAgent and has no CA option.
      previousCa = https.globalAgent.options.ca;
      https.globalAgent.options.ca = [emu.caCertPem];
    }
    const base = { instance: emu.instance, clientId: myApi.clientId, trustedCa: [emu.caCertPem], strategy };
    app = await createProtectedApp(
      {
        ...base,
        tenantId: contoso.id,
        ...(strategy === 'passport-azure-ad'
          ? { validIssuers: [emu.issuer('contoso', 2), emu.issuer('contoso', 1)] }
          : {}),
      },
      platform,
    );
    multi = await createProtectedApp({ ...base, tenantId: 'organizations' }, platform);
  });

  afterAll(async () => {
    await app?.close();
    await multi?.close();
    await emu?.stop();
    if (strategy === 'passport-azure-ad') https.globalAgent.options.ca = previousCa;
  });

  const user = (claims: Record<string, unknown> = {}) => ({
    aud: myApi.clientId,
    oid: '00000000-0000-4000-8000-0000000000a1',
    sub: MARKER,
    name: MARKER,
    scp: 'access_as_user',
    ...claims,
  });

  const send = (target: INestApplication, authorization: string | undefined, path = '/me') => {
    const req = request(target.getHttpServer() as Server).get(path);
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };

  /** The answer is a clean 401 challenge that echoes nothing of the request. */
  function expectRefused(
    res: { status: number; headers: Record<string, unknown>; text: string },
    challenge: RegExp | string = INVALID,
    ...secrets: string[]
  ) {
    expect(res.status).toBe(401);
    const header = String(res.headers['www-authenticate']);
    if (typeof challenge === 'string') expect(header).toBe(challenge);
    else expect(header).toMatch(challenge);
    const body = JSON.parse(res.text) as { statusCode: number; code: string; message: string };
    expect(body.statusCode).toBe(401);
    expect(body.code).toMatch(/^NIW\d{4}$/);
    for (const s of [MARKER, ...secrets]) {
      expect(res.text).not.toContain(s);
      expect(header).not.toContain(s);
    }
  }

  describe('Authorization header variants', () => {
    it.each([
      ['no header', undefined],
      ['Bearer with no token', 'Bearer'],
      ['Bearer and a space', 'Bearer '],
      ['Basic credentials', `Basic ${Buffer.from(`${MARKER}:pw`).toString('base64')}`],
      ['another scheme', `Token ${MARKER}`],
      ['scheme glued to the token', `Bearer${MARKER}`],
    ])('%s gets a plain Bearer challenge (401)', async (_name, authorization) => {
      expectRefused(await send(app, authorization), 'Bearer');
    });

    it.each([
      ['lower-case scheme with garbage', `bearer ${MARKER}`],
      ['two spaces before garbage', `Bearer  ${MARKER}`],
      ['non-base64url characters', `Bearer ${MARKER}.{"a":1}.sig`],
      ['a space inside the token', `Bearer ${MARKER} ${MARKER}`],
      ['one segment', `Bearer ${b64(rs256)}`],
      ['two segments', `Bearer ${b64(rs256)}.${b64(payload)}`],
      ['four segments', `Bearer ${b64(rs256)}.${b64(payload)}.c2ln.c2ln`],
      ['five segments (JWE shape)', `Bearer ${b64(rs256)}.a.b.c.d`],
      ['header is an array', `Bearer ${b64([1, 2])}.${b64(payload)}.c2ln`],
      ['header is a number', `Bearer ${b64(42)}.${b64(payload)}.c2ln`],
      ['header is null', `Bearer ${b64(null)}.${b64(payload)}.c2ln`],
      ['header is not JSON', `Bearer ${b64(MARKER)}.${b64(payload)}.c2ln`],
      ['payload is an array', `Bearer ${b64(rs256)}.${b64([payload])}.c2ln`],
      ['payload is null', `Bearer ${b64(rs256)}.${b64(null)}.c2ln`],
      ['payload is not JSON', `Bearer ${b64(rs256)}.${b64(MARKER)}.c2ln`],
      ['empty signature', `Bearer ${b64(rs256)}.${b64(payload)}.`],
      ['a dot only', 'Bearer .'],
      ['dots only', 'Bearer ..'],
    ])('%s → 401 invalid_token', async (_name, authorization) => {
      expectRefused(await send(app, authorization), INVALID);
    });

    it('a token of about 12 KB is refused with 401, not 500', async () => {
      const big = `${b64(rs256)}.${b64({ ...payload, pad: 'x'.repeat(9000) })}.c2ln`;
      expectRefused(await send(app, `Bearer ${big}`), INVALID);
    });

    it('a 100 KB token never reaches a 500 (the HTTP server refuses the header, or 401)', async () => {
      const huge = `${b64(rs256)}.${b64({ ...payload, pad: 'x'.repeat(75_000) })}.c2ln`;
      // The server answers 431 and closes the connection. From Node 24 on, the client may still be
      // sending the header then and report ECONNRESET (or EPIPE) instead of the status: a refusal too.
      const res = await send(app, `Bearer ${huge}`).then(
        (r) => ({ status: r.status, text: r.text }),
        (e: unknown) => {
          const code = (e as { code?: unknown }).code;
          if (code === 'ECONNRESET' || code === 'EPIPE') return { status: 431, text: '' };
          throw e;
        },
      );
      expect([401, 431]).toContain(res.status);
      expect(res.text).not.toContain(MARKER);
    });

    it('duplicate Authorization headers: an invalid first one is not rescued by a valid second one', async () => {
      const good = emu.issueToken(user());
      const server = app.getHttpServer() as Server;
      const { port } = server.address() as { port: number };
      const status = await rawRequest(port, ['Authorization: Bearer garbage', `Authorization: Bearer ${good}`]);
      expect([400, 401]).toContain(status);
    });

    it('duplicate Authorization headers: a valid first one does not authenticate the request', async () => {
      const good = emu.issueToken(user());
      const { port } = (app.getHttpServer() as Server).address() as { port: number };
      expect(await rawRequest(port, [`Authorization: Bearer ${good}`])).toBe(200);
      expect(await rawRequest(port, [`Authorization: Bearer ${good}`, 'Authorization: Bearer garbage'])).toBe(401);
      expect(await rawRequest(port, [`Authorization: Bearer ${good}`, `Authorization: Bearer ${good}`])).toBe(401);
    });

    it('a token in the query string or the body is ignored (401 without error)', async () => {
      const good = emu.issueToken(user());
      const server = app.getHttpServer() as Server;
      const q = await request(server).get(`/me?access_token=${good}`);
      expectRefused(q, 'Bearer', good);
      const body = await request(server)
        .get('/me')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(`access_token=${good}`);
      expectRefused(body, 'Bearer', good);
    });
  });

  describe('header attacks', () => {
    const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const attackerPem = attacker.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const attackerJwk = attacker.publicKey.export({ format: 'jwk' });

    it.each([
      ['alg none', { alg: 'none' }],
      ['alg RS512', { alg: 'RS512' }],
      ['alg PS256', { alg: 'PS256' }],
    ])('%s → 401', async (_name, options) => {
      expectRefused(await send(app, `Bearer ${emu.issueToken(user(), options)}`));
    });

    it('alg ES256 with an attacker key → 401', async () => {
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const token = emu.issueToken(user(), {
        alg: 'ES256',
        key: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      });
      expectRefused(await send(app, `Bearer ${token}`));
    });

    it('alg HS256 keyed with the public key (key confusion) → 401', async () => {
      const secret = attacker.publicKey.export({ type: 'spki', format: 'pem' });
      expectRefused(await send(app, `Bearer ${emu.issueToken(user(), { alg: 'HS256', key: secret })}`));
    });

    it.each([
      ['jwk (embedded key)', () => ({ jwk: attackerJwk })],
      ['jku (key URL)', () => ({ jku: 'https://attacker.example/keys' })],
      ['x5u (certificate URL)', () => ({ x5u: 'https://attacker.example/cert.pem' })],
    ])('a token signed by an attacker key advertised in %s → 401', async (_name, header) => {
      const token = emu.issueToken(user(), { key: attackerPem, kid: 'attacker-kid', header: header() });
      expectRefused(await send(app, `Bearer ${token}`));
    });

    it('an attacker key under a published kid → 401', async () => {
      const kid = (
        JSON.parse(Buffer.from(emu.issueToken(user()).split('.')[0]!, 'base64url').toString()) as {
          kid: string;
        }
      ).kid;
      const token = emu.issueToken(user(), { key: attackerPem, header: { kid, jwk: attackerJwk } });
      expectRefused(await send(app, `Bearer ${token}`));
    });

    it('crit with an unknown extension → 401', async () => {
      const token = emu.issueToken(user(), { header: { crit: ['urn:example:ext'], 'urn:example:ext': 1 } });
      expectRefused(await send(app, `Bearer ${token}`));
    });

    it.each([
      ['path traversal', '../../../../etc/passwd'],
      ['a URL', 'https://attacker.example/key'],
      ['8 KB long', 'k'.repeat(8192)],
      ['a number', 42],
      ['an object', { a: 1 }],
      ['null', null],
      ['empty', ''],
    ])('kid %s → 401', async (_name, kid) => {
      const token = emu.issueToken(user(), { header: { kid, x5t: undefined } });
      expectRefused(await send(app, `Bearer ${token}`));
    });
  });

  describe('claim type confusion (correctly signed tokens)', () => {
    it.each<[string, Record<string, unknown>]>([
      ['scp a number', { scp: 42 }],
      ['scp an object', { scp: { access_as_user: true } }],
      ['scp null', { scp: null }],
      ['roles an object without scp', { scp: undefined, roles: { Admin: 1 } }],
      ['aud an array without this API', { aud: ['api://other'] }],
      ['aud an array with this API and another', { aud: [myApi.clientId, 'api://other'] }],
      ['aud an empty array', { aud: [] }],
      ['aud a number', { aud: 42 }],
      ['exp a string', { exp: String(Math.floor(Date.now() / 1000) + 3600) }],
      ['exp null', { exp: null }],
      ['exp missing', { exp: undefined }],
      ['exp in the past', { exp: 1000 }],
      ['nbf a string', { nbf: '0' }],
      ['nbf far in the future', { nbf: 9_999_999_999 }],
      ['iat a string', { iat: 'now' }],
      ['tid missing and iss without tenant', { tid: undefined, iss: `${emu?.baseUrl ?? ''}/v2.0` }],
      ['tid missing (v2) with the tenant in iss', { tid: undefined }],
      [
        'nbf after exp, both within the clock skew',
        { nbf: Math.floor(Date.now() / 1000) + 60, exp: Math.floor(Date.now() / 1000) + 30 },
      ],
      ['nbf after exp, exp far in the future', { nbf: 9_999_999_999, exp: 9_999_999_000 }],
      ['tid an array', { tid: [contoso.id] }],
      ['tid of another tenant', { tid: DEFAULT_IDS.tenants.fabrikam.id }],
      ['ver 3.0', { ver: '3.0' }],
      ['ver missing', { ver: undefined }],
      ['ver a number', { ver: 2 }],
      ['iss with a {tenantid} template', { iss: 'https://127.0.0.1/{tenantid}/v2.0' }],
      ['iss a number', { iss: 42 }],
      ['iss an array', { iss: ['x'] }],
    ])('%s → 401', async (_name, claims) => {
      expectRefused(await send(app, `Bearer ${emu.issueToken(user(claims))}`));
    });

    it('iss with a literal {tenantid} is refused by a multi-tenant API', async () => {
      const token = emu.issueToken(user({ iss: `${emu.baseUrl}/{tenantid}/v2.0`, tid: '{tenantid}' }));
      expectRefused(await send(multi, `Bearer ${token}`));
      const token2 = emu.issueToken(user({ iss: `${emu.baseUrl}/{tenantid}/v2.0` }));
      expectRefused(await send(multi, `Bearer ${token2}`));
    });

    it.each<[string, Record<string, unknown>]>([
      ['scp an array without the scope', { scp: ['other'] }],
      ['roles an array only', { scp: undefined, roles: ['TodoList.ReadWrite.All'] }],
      ['roles a string only', { scp: undefined, roles: 'Admin.All' }],
    ])('%s is authenticated but not authorized (403)', async (_name, claims) => {
      const res = await send(app, `Bearer ${emu.issueToken(user(claims))}`);
      expect(res.status).toBe(403);
      expect(String(res.headers['www-authenticate'])).toMatch(/^Bearer error="insufficient_scope"/);
      expect(res.text).not.toContain(MARKER);
    });

    it('a huge exp does not make an otherwise invalid token valid', async () => {
      const res = await send(app, `Bearer ${emu.issueToken(user({ exp: 1e300, aud: 'api://other' }))}`);
      expectRefused(res);
    });

    it('logs each refusal with its code once ("NIW3005: …", never "NIW3005: NIW3005: …")', async () => {
      const lines: string[] = [];
      const capture = (message: unknown) => void lines.push(String(message));
      app.useLogger({ log: capture, error: capture, warn: capture, debug: capture, verbose: capture });
      try {
        await send(app, `Bearer ${emu.issueToken(user(), { kid: 'unknown-kid' })}`);
        await send(app, `Bearer ${emu.issueToken(user({ aud: 'api://other' }))}`);
        await send(app, 'Bearer not-a-jwt');
      } finally {
        app.useLogger(false);
      }
      expect(lines.length).toBeGreaterThanOrEqual(3);
      for (const line of lines) expect(line).not.toMatch(/(NIW\d{4}): .*\1/);
      const unknownKey = strategy === 'entra' ? 'NIW3005: ' : 'NIW3018: ';
      expect(lines.some((l) => l.startsWith(unknownKey))).toBe(true);
    });

    it('still answers a valid token after all of the above (no crash, no poisoned cache)', async () => {
      const res = await send(app, `Bearer ${emu.issueToken(user())}`);
      expect(res.status).toBe(200);
    });
  });
});

/** Sends a GET with raw header lines (duplicates kept) and returns the status code. */
async function rawRequest(port: number, headerLines: string[]): Promise<number> {
  const net = await import('node:net');
  return new Promise<number>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET /me HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headerLines.join('\r\n')}\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}
