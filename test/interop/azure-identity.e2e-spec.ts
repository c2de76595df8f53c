import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  OnBehalfOfCredential,
  type TokenCredentialOptions,
} from '@azure/identity';
import { DEFAULT_IDS, startEntraEmulator, type EntraEmulator } from '@nest-identity-web/entra-emulator';

const { myApi, todolistService } = DEFAULT_IDS.apps;
const { alice } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;

function decode(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

// Real clients over real TLS (and child processes): correctness checks that a loaded machine may slow down.
jest.setTimeout(30_000);

describe('interop: @azure/identity 4', () => {
  let emu: EntraEmulator;
  let options: TokenCredentialOptions & { disableInstanceDiscovery: boolean };

  beforeAll(async () => {
    emu = await startEntraEmulator();
    // What every credential needs against a host that is not Microsoft's: the authority host, no
    // instance discovery (it would call login.microsoftonline.com), and trust in the emulator's CA.
    options = {
      authorityHost: emu.baseUrl,
      disableInstanceDiscovery: true,
      additionalPolicies: [
        {
          position: 'perCall',
          policy: {
            name: 'trust-emulator-ca',
            sendRequest: (request, next) => {
              request.tlsSettings = { ca: emu.caCertPem };
              return next(request);
            },
          },
        },
      ],
    };
  });

  afterAll(async () => {
    await emu.stop();
  });

  it('ClientSecretCredential gets an app token', async () => {
    const credential = new ClientSecretCredential(contoso.id, myApi.clientId, myApi.secret, options);
    const token = await credential.getToken(todolistService.defaultScope);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
    expect(decode(token.token)).toMatchObject({ aud: todolistService.clientId, idtyp: 'app', azpacr: '1' });
  });

  it('ClientCertificateCredential gets an app token with a PEM certificate and key', async () => {
    const cert = await emu.createClientCertificate(myApi.clientId);
    const credential = new ClientCertificateCredential(
      contoso.id,
      myApi.clientId,
      { certificate: `${cert.privateKeyPem}\n${cert.certificatePem}` },
      options,
    );
    const token = await credential.getToken(todolistService.defaultScope);
    expect(decode(token.token)).toMatchObject({ aud: todolistService.clientId, azpacr: '2' });
  });

  it('OnBehalfOfCredential exchanges a user token for a downstream one', async () => {
    const assertion = emu.signIn({ username: alice.upn, scopes: [myApi.scopeUri] }).access_token;
    const credential = new OnBehalfOfCredential({
      tenantId: contoso.id,
      clientId: myApi.clientId,
      clientSecret: myApi.secret,
      userAssertionToken: assertion,
      ...options,
    });
    const token = await credential.getToken(todolistService.scopeUri);
    expect(decode(token.token)).toMatchObject({
      aud: todolistService.clientId,
      oid: alice.oid,
      azp: myApi.clientId,
      scp: 'access_as_user',
    });
  });
});
