import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  ServerError,
  type Configuration,
} from '@azure/msal-node';
import { DEFAULT_IDS, startEntraEmulator, type EntraEmulator } from '@nest-identity-web/entra-emulator';

const { myApi, todolistService, graph, demoClient } = DEFAULT_IDS.apps;
const { alice, carol } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;

function decode(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('emulator with real msal-node ConfidentialClientApplication', () => {
  let emu: EntraEmulator;

  beforeAll(async () => {
    emu = await startEntraEmulator();
  });

  afterAll(async () => {
    await emu.stop();
  });

  const cca = (auth: Partial<Configuration['auth']>, clientId: string = myApi.clientId) =>
    new ConfidentialClientApplication({
      auth: { clientId, authority: `${emu.instance}${contoso.id}`, knownAuthorities: [emu.host], ...auth },
      system: { networkClient: emu.msalNetworkClient() },
    });

  const userAssertion = (user: { upn: string; password: string } = alice, claims?: string) =>
    emu.signIn({
      username: user.upn,
      password: user.password,
      clientId: demoClient.clientId,
      scopes: [myApi.scopeUri],
      ...(claims ? { claims } : {}),
    }).access_token;

  it('client credentials with a secret returns a v2 app token with the granted role', async () => {
    const app = cca({ clientSecret: myApi.secret });
    const r = await app.acquireTokenByClientCredential({ scopes: [todolistService.defaultScope] });
    expect(r).not.toBeNull();
    const claims = decode(r!.accessToken);
    expect(claims).toMatchObject({
      aud: todolistService.clientId,
      iss: `${emu.baseUrl}/${contoso.id}/v2.0`,
      tid: contoso.id,
      azp: myApi.clientId,
      azpacr: '1',
      idtyp: 'app',
      roles: ['TodoList.ReadWrite.All'],
      ver: '2.0',
    });
    expect(claims['scp']).toBeUndefined();
    expect(claims['sub']).toBe(claims['oid']);
    const again = await app.acquireTokenByClientCredential({ scopes: [todolistService.defaultScope] });
    expect(again!.fromCache).toBe(true);
  });

  it('client credentials with a certificate: PS256 via thumbprintSha256', async () => {
    const cert = await emu.createClientCertificate(myApi.clientId);
    const app = cca({
      clientCertificate: { thumbprintSha256: cert.thumbprintSha256Hex, privateKey: cert.privateKeyPem },
    });
    const r = await app.acquireTokenByClientCredential({ scopes: [todolistService.defaultScope] });
    expect(decode(r!.accessToken)).toMatchObject({ azp: myApi.clientId, azpacr: '2' });
    const log = emu.requests({ route: 'token', clientId: myApi.clientId }).at(-1);
    expect(log).toMatchObject({ status: 200, clientAuth: 'assertion', grantType: 'client_credentials' });
  });

  it('client credentials with a certificate: RS256 via the SHA-1 thumbprint', async () => {
    const cert = await emu.createClientCertificate(myApi.clientId);
    const app = cca({ clientCertificate: { thumbprint: cert.thumbprintSha1Hex, privateKey: cert.privateKeyPem } });
    const r = await app.acquireTokenByClientCredential({ scopes: [todolistService.defaultScope] });
    expect(decode(r!.accessToken)['azpacr']).toBe('2');
  });

  it('a wrong secret fails with 7000215 and status 401', async () => {
    const app = cca({ clientSecret: 'wrong' });
    const err = await app
      .acquireTokenByClientCredential({ scopes: [todolistService.defaultScope] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).errorNo).toBe(7000215);
    expect((err as ServerError).status).toBe(401);
  });

  it('a v1 resource (Graph) gets a v1 app token', async () => {
    const app = cca({ clientSecret: myApi.secret });
    const r = await app.acquireTokenByClientCredential({ scopes: [graph.defaultScope] });
    expect(decode(r!.accessToken)).toMatchObject({
      aud: graph.resource,
      iss: `${emu.baseUrl}/${contoso.id}/`,
      appid: myApi.clientId,
      appidacr: '1',
      ver: '1.0',
    });
  });

  it('on-behalf-of exchanges a user token for a downstream token of the same user', async () => {
    const app = cca({ clientSecret: myApi.secret });
    const assertion = userAssertion();
    const r = await app.acquireTokenOnBehalfOf({ oboAssertion: assertion, scopes: [todolistService.scopeUri] });
    const claims = decode(r!.accessToken);
    const incoming = decode(assertion);
    expect(claims).toMatchObject({
      aud: todolistService.clientId,
      oid: alice.oid,
      tid: contoso.id,
      azp: myApi.clientId,
      scp: 'access_as_user',
      preferred_username: alice.upn,
      name: alice.displayName,
    });
    expect(claims['sub']).not.toBe(incoming['sub']);
    expect(emu.requests({ grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }).at(-1)).toMatchObject({
      oid: alice.oid,
      status: 200,
    });
    const cached = await app.acquireTokenOnBehalfOf({ oboAssertion: assertion, scopes: [todolistService.scopeUri] });
    expect(cached!.fromCache).toBe(true);
  });

  it('on-behalf-of with a certificate credential works too', async () => {
    const cert = await emu.createClientCertificate(myApi.clientId);
    const app = cca({
      clientCertificate: { thumbprintSha256: cert.thumbprintSha256Hex, privateKey: cert.privateKeyPem },
    });
    const r = await app.acquireTokenOnBehalfOf({ oboAssertion: userAssertion(), scopes: [graph.scopeUri] });
    expect(decode(r!.accessToken)).toMatchObject({
      aud: graph.resource,
      ver: '1.0',
      scp: 'User.Read',
      appid: myApi.clientId,
    });
  });

  it('OBO with an app-only assertion fails with 7000114', async () => {
    const app = cca({ clientSecret: myApi.secret });
    const appToken = emu.issueToken({
      aud: myApi.clientId,
      azp: todolistService.clientId,
      roles: ['X'],
      idtyp: 'app',
      oid: todolistService.clientId,
      sub: todolistService.clientId,
    });
    const err = await app
      .acquireTokenOnBehalfOf({ oboAssertion: appToken, scopes: [todolistService.scopeUri] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).errorCode).toBe('unauthorized_client');
    expect((err as ServerError).errorNo).toBe(7000114);
  });

  it('OBO with a wrong-audience assertion fails with 50013', async () => {
    const app = cca({ clientSecret: myApi.secret });
    const wrongAud = emu.signIn({
      username: alice.upn,
      clientId: demoClient.clientId,
      scopes: [todolistService.scopeUri],
    }).access_token;
    const err = await app
      .acquireTokenOnBehalfOf({ oboAssertion: wrongAud, scopes: [graph.scopeUri] })
      .catch((e: unknown) => e);
    expect((err as ServerError).errorNo).toBe(50013);
    expect((err as ServerError).errorCode).toBe('invalid_grant');
  });

  it('OBO with an expired assertion fails with 500133', async () => {
    const app = cca({ clientSecret: myApi.secret });
    const now = emu.clock.now();
    const expired = emu.issueToken({
      aud: myApi.clientId,
      scp: 'access_as_user',
      oid: alice.oid,
      azp: demoClient.clientId,
      iat: now - 7200,
      nbf: now - 7200,
      exp: now - 60,
    });
    const err = await app
      .acquireTokenOnBehalfOf({ oboAssertion: expired, scopes: [todolistService.scopeUri] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).not.toBeInstanceOf(InteractionRequiredAuthError);
    expect((err as ServerError).errorNo).toBe(500133);
  });

  it('OBO for a scope that is not consented fails with 65001 as InteractionRequiredAuthError', async () => {
    const app = cca({ clientSecret: myApi.secret });
    const err = await app
      .acquireTokenOnBehalfOf({ oboAssertion: userAssertion(), scopes: ['https://graph.microsoft.com/Mail.Read'] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InteractionRequiredAuthError);
    expect((err as InteractionRequiredAuthError).errorNo).toBe(65001);
    expect((err as InteractionRequiredAuthError).subError).toBe('consent_required');
  });

  it('OBO for an MFA-protected resource fails with 50076 and a claims challenge, and succeeds after MFA', async () => {
    const app = cca({ clientSecret: myApi.secret });
    const err = await app
      .acquireTokenOnBehalfOf({ oboAssertion: userAssertion(carol), scopes: [todolistService.scopeUri] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InteractionRequiredAuthError);
    const ir = err as InteractionRequiredAuthError;
    expect(ir.errorNo).toBe(50076);
    expect(ir.subError).toBe('basic_action');
    const claims = JSON.parse(ir.claims) as { access_token: { capolids: { values: string[] } } };
    expect(claims.access_token.capolids.values).toEqual([DEFAULT_IDS.policies.carolMfa]);

    // v2 access tokens carry no `amr` (Entra keeps the MFA state in the session, here the opaque `aio`).
    const stepUp = userAssertion(carol, ir.claims);
    expect(decode(stepUp)['amr']).toBeUndefined();
    const r = await app.acquireTokenOnBehalfOf({ oboAssertion: stepUp, scopes: [todolistService.scopeUri] });
    expect(decode(r!.accessToken)).toMatchObject({ oid: carol.oid });
    expect(decode(r!.accessToken)['amr']).toBeUndefined();
  });

  it('client capabilities (cp1) put xms_cc in the token', async () => {
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: myApi.clientId,
        authority: `${emu.instance}${contoso.id}`,
        knownAuthorities: [emu.host],
        clientSecret: myApi.secret,
        clientCapabilities: ['CP1'],
      },
      system: { networkClient: emu.msalNetworkClient() },
    });
    const r = await app.acquireTokenOnBehalfOf({ oboAssertion: userAssertion(), scopes: [todolistService.scopeUri] });
    expect(decode(r!.accessToken)['xms_cc']).toEqual(['cp1']);
  });
});
