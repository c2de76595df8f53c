import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BadGatewayException,
  BadRequestException,
  GatewayTimeoutException,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { DownstreamHttpClient } from './downstream-http.client.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
let server: Server;
let baseUrl: string;

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};

describe('DownstreamHttpClient', () => {
  const client = new DownstreamHttpClient();
  const call = <T>(path: string, extra: { method?: 'POST'; body?: unknown } = {}): Promise<T> =>
    client.request<T>({ api: 'todolist-service', baseUrl, path, accessToken: 'token-value', ...extra });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const handler = routes.get(req.url ?? '');
        if (handler) handler(req, body, res);
        else json(res, 404, { message: 'nope' });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    Logger.overrideLogger(['log', 'error', 'warn']);
    await new Promise((r) => server.close(r));
  });

  it('sends the bearer token and a JSON body, and returns the JSON answer', async () => {
    routes.set('/echo', (req, body, res) =>
      json(res, 201, {
        auth: req.headers.authorization,
        type: req.headers['content-type'],
        body: JSON.parse(body) as unknown,
      }),
    );
    await expect(call('/echo', { method: 'POST', body: { title: 'x' } })).resolves.toEqual({
      auth: 'Bearer token-value',
      type: 'application/json',
      body: { title: 'x' },
    });
  });

  it('passes a 400 through with the downstream details', async () => {
    routes.set('/bad', (_req, _body, res) => json(res, 400, { statusCode: 400, message: ['title must be a string'] }));
    const error = await call('/bad').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as BadRequestException).getResponse()).toEqual({
      statusCode: 400,
      message: ['title must be a string'],
    });
  });

  it('passes a 404 through', async () => {
    await expect(call('/missing')).rejects.toBeInstanceOf(NotFoundException);
  });

  it("turns a refusal of my-api's own token into 502 without echoing the token", async () => {
    routes.set('/forbidden', (_req, _body, res) =>
      json(res, 403, {}, { 'www-authenticate': 'Bearer error="insufficient_scope"' }),
    );
    const error = (await call('/forbidden').catch((e: unknown) => e)) as BadGatewayException;
    expect(error).toBeInstanceOf(BadGatewayException);
    expect(error.message).toContain('403 insufficient_scope');
    expect(error.message).not.toContain('token-value');
  });

  it('answers 502 for a 5xx, a non-JSON success, and an unreachable API', async () => {
    routes.set('/boom', (_req, _body, res) => json(res, 500, { message: 'boom' }));
    routes.set('/html', (_req, _body, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    await expect(call('/boom')).rejects.toBeInstanceOf(BadGatewayException);
    await expect(call('/html')).rejects.toBeInstanceOf(BadGatewayException);
    await expect(
      client.request({ api: 'x', baseUrl: 'http://127.0.0.1:1', path: '/', accessToken: 't' }),
    ).rejects.toBeInstanceOf(BadGatewayException);
  });

  it('answers 504 when the API stalls before or in the middle of its answer, and 502 when it breaks off', async () => {
    const timed = new DownstreamHttpClient();
    timed.timeoutMs = 150;
    const stalled: ServerResponse[] = [];
    routes.set('/silent', (_req, _body, res) => stalled.push(res));
    routes.set('/half', (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' }).write('[{"id":');
      stalled.push(res);
    });
    routes.set('/cut', (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' }).write('[{"id":');
      setTimeout(() => res.destroy(), 20);
    });
    const request = (path: string) => timed.request({ api: 'todolist-service', baseUrl, path, accessToken: 't' });
    try {
      const silent = (await request('/silent').catch((e: unknown) => e)) as GatewayTimeoutException;
      expect(silent).toBeInstanceOf(GatewayTimeoutException);
      expect(silent.message).toBe('todolist-service did not answer within 150 ms.');
      await expect(request('/half')).rejects.toBeInstanceOf(GatewayTimeoutException);
      const cut = (await request('/cut').catch((e: unknown) => e)) as BadGatewayException;
      expect(cut).toBeInstanceOf(BadGatewayException);
      expect(cut.message).toBe('todolist-service broke off its answer.');
    } finally {
      for (const res of stalled) res.destroy();
    }
  });
});
