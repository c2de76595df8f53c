import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEFAULT_DIRECTORY,
  DEFAULT_IDS,
  startEntraEmulator,
  type EntraEmulator,
} from '@nest-identity-web/entra-emulator';

const { myApi, todolistService, demoClient } = DEFAULT_IDS.apps;
const { alice } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;

function decode(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('emulator fidelity to Entra ID', () => {
  let emu: EntraEmulator;

  beforeAll(async () => {
    emu = await startEntraEmulator();
  });

  afterAll(async () => {
    await emu.stop();
  });

  const getJson = async (path: string) => {
    const res = await emu.fetch(`${emu.baseUrl}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const postForm = async (path: string, fields: Record<string, string>) => {
    const res = await emu.fetch(`${emu.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  describe('discovery documents', () => {
    it('v2 metadata serves the fields Entra serves and not grant_types_supported or code_challenge_methods_supported', async () => {
      const { body } = await getJson(`/${contoso.id}/v2.0/.well-known/openid-configuration`);
      expect(body).not.toHaveProperty('grant_types_supported');
      expect(body).not.toHaveProperty('code_challenge_methods_supported');
      expect(body).toMatchObject({
        issuer: `${emu.baseUrl}/${contoso.id}/v2.0`,
        device_authorization_endpoint: `${emu.baseUrl}/${contoso.id}/oauth2/v2.0/devicecode`,
        kerberos_endpoint: `${emu.baseUrl}/${contoso.id}/kerberos`,
        cloud_instance_name: 'microsoftonline.com',
        request_uri_parameter_supported: false,
      });
    });

    it('the extras come back only with metadataExtensions', async () => {
      const extended = await startEntraEmulator({ metadataExtensions: true });
      try {
        const res = await extended.fetch(`${extended.metadataUrl()}`);
        const body = (await res.json()) as Record<string, unknown>;
        expect(body['code_challenge_methods_supported']).toEqual(['S256', 'plain']);
        expect(body['grant_types_supported']).toContain('client_credentials');
      } finally {
        await extended.stop();
      }
    });

    it('v1 metadata answers with and without a trailing slash, pointing at the common v1 keys', async () => {
      const a = await getJson(`/${contoso.id}/.well-known/openid-configuration`);
      const b = await getJson(`/${contoso.id}/.well-known/openid-configuration/`);
      expect(a.status).toBe(200);
      expect(b).toEqual(a);
      expect(a.body).toMatchObject({
        issuer: `${emu.baseUrl}/${contoso.id}/`,
        jwks_uri: `${emu.baseUrl}/common/discovery/keys`,
        token_endpoint: `${emu.baseUrl}/${contoso.id}/oauth2/token`,
        microsoft_multi_refresh_token: true,
      });
    });

    it('serves instance discovery for cloudDiscoveryMetadata, following the authorization_endpoint tenant', async () => {
      const authz = encodeURIComponent(`${emu.baseUrl}/${contoso.id}/oauth2/v2.0/authorize`);
      const { body } = await getJson(`/common/discovery/instance?api-version=1.1&authorization_endpoint=${authz}`);
      expect(body).toEqual({
        tenant_discovery_endpoint: `${emu.baseUrl}/${contoso.id}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: emu.host, preferred_cache: emu.host, aliases: [emu.host] }],
      });
    });

    it('publishes several signing keys with cloud_instance_name, and signs with the first', async () => {
      const { body } = await getJson(`/${contoso.id}/discovery/v2.0/keys`);
      const keys = body['keys'] as Record<string, unknown>[];
      expect(keys.length).toBeGreaterThan(1);
      expect(keys[0]!['kid']).toBe(emu.activeKid);
      for (const k of keys) expect(k).toMatchObject({ cloud_instance_name: 'microsoftonline.com' });
      const v1 = await getJson('/common/discovery/keys');
      expect((v1.body['keys'] as unknown[]).length).toBe(keys.length);
    });
  });

  describe('access token claims', () => {
    it('v2 delegated tokens carry neither amr nor idtyp; app-only tokens carry idtyp app', async () => {
      const user = decode(emu.signIn({ username: alice.upn, scopes: [myApi.scopeUri] }).access_token);
      expect(user['amr']).toBeUndefined();
      expect(user['idtyp']).toBeUndefined();
      const app = await postForm(`/${contoso.id}/oauth2/v2.0/token`, {
        grant_type: 'client_credentials',
        client_id: myApi.clientId,
        client_secret: myApi.secret,
        scope: todolistService.defaultScope,
      });
      expect(decode(String(app.body['access_token']))).toMatchObject({ idtyp: 'app', ver: '2.0' });
    });

    it('an app registration asking for idtyp (and the amr extension) gets them in delegated tokens', async () => {
      const custom = await startEntraEmulator({
        directory: {
          ...DEFAULT_DIRECTORY,
          apps: DEFAULT_DIRECTORY.apps.map((a) =>
            a.name === 'my-api' ? { ...a, optionalClaims: { accessToken: ['idtyp', 'amr'] as const } } : a,
          ),
        },
      });
      try {
        const t = decode(custom.signIn({ username: alice.upn, scopes: [myApi.scopeUri] }).access_token);
        expect(t).toMatchObject({ idtyp: 'user', amr: ['pwd'] });
      } finally {
        await custom.stop();
      }
    });

    it('v1 tokens keep amr', () => {
      const graph = decode(emu.signIn({ username: alice.upn, scopes: ['User.Read'] }).access_token);
      expect(graph).toMatchObject({ ver: '1.0', amr: ['pwd'] });
      expect(graph['idtyp']).toBeUndefined();
    });
  });

  describe('v1 token endpoint', () => {
    it('answers client credentials in the v1 shape', async () => {
      const before = emu.clock.now();
      const { status, body } = await postForm(`/${contoso.id}/oauth2/token`, {
        grant_type: 'client_credentials',
        client_id: myApi.clientId,
        client_secret: myApi.secret,
        resource: todolistService.appIdUri,
      });
      expect(status).toBe(200);
      expect(body).toMatchObject({ token_type: 'Bearer', resource: todolistService.appIdUri });
      expect(typeof body['expires_in']).toBe('string');
      expect(typeof body['ext_expires_in']).toBe('string');
      expect(Number(body['expires_on'])).toBeGreaterThanOrEqual(before + Number(body['expires_in']));
      expect(Number(body['not_before'])).toBeGreaterThanOrEqual(before);
      expect(body).not.toHaveProperty('refresh_token');
      expect(body).not.toHaveProperty('id_token');
      expect(body).not.toHaveProperty('scope');
    });

    it('answers ROPC with scope, a refresh token and a v1 id token without being asked', async () => {
      const { body } = await postForm(`/${contoso.id}/oauth2/token`, {
        grant_type: 'password',
        client_id: demoClient.clientId,
        username: alice.upn,
        password: alice.password,
        resource: myApi.appIdUri,
      });
      expect(body).toMatchObject({ scope: 'access_as_user', resource: myApi.appIdUri });
      expect(typeof body['refresh_token']).toBe('string');
      expect(decode(String(body['id_token']))).toMatchObject({
        ver: '1.0',
        iss: `${emu.baseUrl}/${contoso.id}/`,
        upn: alice.upn,
        amr: ['pwd'],
      });
    });

    it('stsV1Issuer issues v1 tokens and the v1 metadata issuer as https://sts.windows.net/{tid}/', async () => {
      const sts = await startEntraEmulator({ stsV1Issuer: true });
      try {
        const graph = decode(sts.signIn({ username: alice.upn, scopes: ['User.Read'] }).access_token);
        expect(graph['iss']).toBe(`https://sts.windows.net/${contoso.id}/`);
        expect(sts.issuer('contoso', 1)).toBe(`https://sts.windows.net/${contoso.id}/`);
        const res = await sts.fetch(sts.metadataUrl('contoso', 1));
        expect(((await res.json()) as Record<string, unknown>)['issuer']).toBe(
          `https://sts.windows.net/${contoso.id}/`,
        );
        const v2 = decode(sts.signIn({ username: alice.upn, scopes: [myApi.scopeUri] }).access_token);
        expect(v2['iss']).toBe(`${sts.baseUrl}/${contoso.id}/v2.0`);
      } finally {
        await sts.stop();
      }
    });
  });

  describe('paths and the request log', () => {
    it('an unknown path is a JSON 404 whatever its first segment', async () => {
      for (const path of ['/nothing', '/nothing/here', `/${contoso.id}/nothing`]) {
        const { status, body } = await getJson(path);
        expect(status).toBe(404);
        expect(body['error_codes']).toEqual([90100]);
      }
    });

    it('UserInfo refuses a missing or non-Graph token with 401 invalid_token', async () => {
      const none = await emu.fetch(`${emu.baseUrl}/oidc/userinfo`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      const api = emu.signIn({ username: alice.upn, scopes: [myApi.scopeUri] }).access_token;
      const wrong = await emu.fetch(`${emu.baseUrl}/oidc/userinfo`, { headers: { authorization: `Bearer ${api}` } });
      expect(wrong.status).toBe(401);
    });

    it('records a request whose client disconnects during an injected delay', async () => {
      emu.reset();
      emu.injectFault({ route: 'token', delayMs: 400, times: 1 });
      const agent = new https.Agent({ ca: [emu.caCertPem] });
      const req = https.request(`${emu.baseUrl}/${contoso.id}/oauth2/v2.0/token`, {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      req.on('error', () => undefined);
      req.end('grant_type=client_credentials');
      await sleep(100);
      req.destroy();
      await sleep(700);
      agent.destroy();
      expect(emu.requests({ route: 'token' })).toEqual([
        expect.objectContaining({ status: 0, faulted: true, method: 'POST' }),
      ]);
    });
  });
  describe('cross-origin code redemption (browser clients such as Swagger UI)', () => {
    const call = (method: string, headers: Record<string, string>, body = '') =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const url = new URL(`${emu.baseUrl}/${contoso.id}/oauth2/v2.0/token`);
        const req = https.request(url, { method, headers, agent: emu.httpsAgent() }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        });
        req.on('error', reject);
        req.end(body);
      });

    it('answers the preflight with the origin, POST and the requested headers', async () => {
      const res = await call('OPTIONS', {
        origin: 'http://127.0.0.1:5000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-requested-with',
      });
      expect(res.status).toBe(204);
      expect(res.headers).toMatchObject({
        'access-control-allow-origin': 'http://127.0.0.1:5000',
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'content-type, x-requested-with',
      });
    });

    it('puts the origin on token errors too, so the browser can read them', async () => {
      const res = await call(
        'POST',
        { origin: 'http://127.0.0.1:5000', 'content-type': 'application/x-www-form-urlencoded' },
        new URLSearchParams({ grant_type: 'authorization_code', client_id: demoClient.clientId, code: 'x' }).toString(),
      );
      expect(res.status).toBe(400);
      expect(res.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5000');
    });

    it('sends no CORS headers without an Origin', async () => {
      const res = await call('OPTIONS', {});
      expect(res.status).toBe(400);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
