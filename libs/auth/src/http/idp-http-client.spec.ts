import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IdpHttpClient, IdpUnreachableError } from './idp-http-client.js';
import { startLocalIdp, type LocalIdp } from '../testing/local-idp.js';

describe('IdpHttpClient deadlines', () => {
  let server: Server;
  let base: string;
  const drips = new Set<NodeJS.Timeout>();
  const client = new IdpHttpClient();

  beforeAll(async () => {
    server = createServer((req, res: ServerResponse) => {
      if (req.url === '/ok') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
        return;
      }
      if (req.url === '/silent') return; // never answers
      if (req.url === '/once-per-socket') {
        // Answers the first request of a connection, then resets the connection on the next one,
        // as a server does when its keep-alive timeout strikes just as the client reuses the socket.
        const socket = req.socket as typeof req.socket & { served?: number };
        socket.served = (socket.served ?? 0) + 1;
        if (socket.served > 1) {
          socket.destroy();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive' });
        res.end(`{"n":${socket.served}}`);
        return;
      }
      // /drip: headers at once, then one byte of body every 50 ms, forever: never idle for long.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const timer = setInterval(() => res.write(' '), 50);
      drips.add(timer);
      res.on('close', () => {
        clearInterval(timer);
        drips.delete(timer);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    client.destroy();
    for (const t of drips) clearInterval(t);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function failure(path: string, timeoutMs: number): Promise<{ error: unknown; ms: number }> {
    const started = Date.now();
    const error = await client.request(`${base}${path}`, { timeoutMs }).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, ms: Date.now() - started };
  }

  it('cuts off a server that drips its body, although it is never idle', async () => {
    const { error, ms } = await failure('/drip', 300);
    expect(error).toBeInstanceOf(IdpUnreachableError);
    expect((error as IdpUnreachableError).reason).toBe('timed out after 300 ms');
    expect(ms).toBeLessThan(3_000);
  });

  it('cuts off a server that never sends headers', async () => {
    const { error } = await failure('/silent', 200);
    expect((error as IdpUnreachableError).reason).toBe('timed out after 200 ms');
  });

  it('answers a prompt server and reports its body', async () => {
    await expect(client.request(`${base}/ok`, { timeoutMs: 2_000 })).resolves.toMatchObject({
      status: 200,
      body: '{"ok":true}',
    });
  });

  it('sends a request again on a new connection when a reused keep-alive socket is reset', async () => {
    const http = new IdpHttpClient();
    try {
      for (let i = 0; i < 3; i++) {
        await expect(http.request(`${base}/once-per-socket`, { timeoutMs: 2_000 })).resolves.toMatchObject({
          status: 200,
          body: '{"n":1}',
        });
      }
    } finally {
      http.destroy();
    }
  });

  it('reports a refused connection as unreachable, not as a timeout', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await client.request(`http://127.0.0.1:${port}/`, { timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdpUnreachableError);
    expect((error as IdpUnreachableError).reason).toMatch(/ECONNREFUSED/);
  });
});

describe('IdpHttpClient with extra trusted CAs', () => {
  let idp: LocalIdp;
  let other: LocalIdp;

  beforeAll(async () => {
    [idp, other] = await Promise.all([startLocalIdp(), startLocalIdp()]);
  });

  afterAll(async () => {
    await Promise.all([idp?.stop(), other?.stop()]);
  });

  it('trusts the given CA and keeps one connection for sequential requests', async () => {
    const client = new IdpHttpClient({ ca: [idp.caCertPem] });
    const sockets = new Set<unknown>();
    const agent = (client as unknown as { agent: import('node:https').Agent }).agent;
    agent.on('free', (socket) => sockets.add(socket));
    try {
      for (let i = 0; i < 5; i++) {
        const res = await client.request(`${idp.instance}common/v2.0/.well-known/openid-configuration`);
        expect(res.status).toBe(200);
      }
      expect(sockets.size).toBe(1);
      // The pool key no longer carries every trusted certificate.
      expect(agent.getName({ host: '127.0.0.1', port: 1 }).length).toBeLessThan(200);
    } finally {
      client.destroy();
    }
  });

  it('still refuses a server whose certificate another CA signed', async () => {
    const client = new IdpHttpClient({ ca: [idp.caCertPem] });
    try {
      const error = await client.request(`${other.instance}common/v2.0/.well-known/openid-configuration`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(IdpUnreachableError);
      expect((error as IdpUnreachableError).reason).toMatch(/TLS certificate not trusted/);
    } finally {
      client.destroy();
    }
  });
});
