import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DEFAULT_IDS, startEntraEmulator, type EntraEmulator } from '@nest-identity-web/entra-emulator';
import { AppModule } from '../apps/my-api/src/app.module.js';
import { loadMyApiConfig } from '../apps/my-api/src/config/my-api.config.js';
import { setupOpenApi } from '../apps/my-api/src/openapi.setup.js';

// my-api's OpenAPI document, built by nest-identity-web/openapi from the real controllers, and the
// sign-in Swagger UI performs with it: authorization code + PKCE against the emulator, as the
// public demo client, then a call to my-api with the token it gets.
const ids = DEFAULT_IDS;
const tenant = ids.tenants.contoso.id;

interface Operation {
  security?: Record<string, string[]>[];
  responses: Record<string, { headers?: Record<string, unknown> }>;
  'x-entra-app-permissions'?: string[];
  'x-entra-requirement'?: string;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<
      string,
      { type: string; flows: { authorizationCode: { authorizationUrl: string; tokenUrl: string; scopes: object } } }
    >;
  };
}

describe('my-api OpenAPI document and Swagger UI sign-in (emulator)', () => {
  let emu: EntraEmulator;
  let app: INestApplication;
  let baseUrl: string;
  let doc: Document;

  beforeAll(async () => {
    emu = await startEntraEmulator();
    const config = loadMyApiConfig({
      AzureAd__Instance: emu.instance,
      AzureAd__TenantId: tenant,
      AzureAd__ClientId: ids.apps.myApi.clientId,
      AzureAd__ClientSecret: ids.apps.myApi.secret,
      AzureAd__AppIdUri: ids.apps.myApi.appIdUri,
      OpenApi__UiClientId: ids.apps.demoClient.clientId,
    });
    app = await NestFactory.create(
      AppModule.forRoot({ ...config, azureAd: { ...config.azureAd, trustedCa: [emu.caCertPem] } }),
      { logger: false },
    );
    expect(await setupOpenApi(app, config)).toBe(true);
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const res = await fetch(`${baseUrl}/docs-json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Document;
  });

  afterAll(async () => {
    await app?.close();
    await emu?.stop();
  });

  it('states the scope of each protected operation, and none for the health routes', () => {
    expect(doc.paths['/api/todolist']!.get!.security).toEqual([{ entra: ['api://my-api/access_as_user'] }]);
    expect(doc.paths['/api/todolist']!.post!.responses['401']!.headers).toHaveProperty('WWW-Authenticate');
    expect(doc.paths['/api/todolist']!.post!.responses['403']!.headers).toHaveProperty('WWW-Authenticate');
    const admin = doc.paths['/api/admin/todolist']!.get!;
    expect(admin.security).toEqual([{ entra: ['api://my-api/access_as_user'] }]);
    expect(admin['x-entra-app-permissions']).toEqual(['Admin.All']);
    expect(admin['x-entra-requirement']).toBe('scopes-and-app-permissions');
    expect(doc.paths['/health']!.get!.security).toEqual([]);
    expect(doc.paths['/health/live']!.get!.security).toEqual([]);
    expect(doc.paths['/health']!.get!.responses['401']).toBeUndefined();
  });

  it("points the OAuth2 scheme at the emulator's authorization and token endpoints", () => {
    const flow = doc.components.securitySchemes['entra']!.flows.authorizationCode;
    expect(flow.authorizationUrl).toBe(`${emu.instance}${tenant}/oauth2/v2.0/authorize`);
    expect(flow.tokenUrl).toBe(`${emu.instance}${tenant}/oauth2/v2.0/token`);
    expect(Object.keys(flow.scopes)).toEqual(['api://my-api/access_as_user']);
  });

  it('serves Swagger UI set up for PKCE with the public client', async () => {
    const page = await fetch(`${baseUrl}/docs`);
    expect(page.status).toBe(200);
    const init = await (await fetch(`${baseUrl}/docs/swagger-ui-init.js`)).text();
    expect(init).toContain('"usePkceWithAuthorizationCodeGrant": true');
    expect(init).toContain(ids.apps.demoClient.clientId);
    expect((await fetch(`${baseUrl}/docs/oauth2-redirect.html`)).status).toBe(200);
  });

  it('signs in as Swagger UI does (authorization code + PKCE) and calls my-api with the token', async () => {
    const flow = doc.components.securitySchemes['entra']!.flows.authorizationCode;
    const verifier = randomBytes(32).toString('base64url');
    const redirectUri = `${baseUrl}/docs/oauth2-redirect.html`;
    const params = {
      client_id: ids.apps.demoClient.clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: Object.keys(flow.scopes).join(' '),
      state: 'swagger-ui-state',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    };
    const signInPage = await emu.fetch(`${flow.authorizationUrl}?${new URLSearchParams(params).toString()}`);
    expect(signInPage.status).toBe(200);
    const user = ids.users.alice;
    const posted = await emu.fetch(flow.authorizationUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...params, username: user.username, password: user.password }).toString(),
    });
    expect(posted.status).toBe(302);
    const location = new URL(posted.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe('swagger-ui-state');
    const token = await emu.fetch(flow.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: ids.apps.demoClient.clientId,
        code: location.searchParams.get('code')!,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }).toString(),
    });
    expect(token.status).toBe(200);
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    // Alice holds Admin.All: the admin route that needs no downstream API answers.
    const stats = await fetch(`${baseUrl}/api/admin/cache-stats`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(stats.status).toBe(200);
    const refused = await fetch(`${baseUrl}/api/admin/cache-stats`);
    expect(refused.status).toBe(401);
  });
});
