import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { generate } from 'selfsigned';
import { AuthErrorCode, AuthModule, type AuthModuleOptions, ITokenAcquisition } from 'nest-identity-web';
import { claimsOf, entraError, FakeIdentityProvider } from '../testing/fake-identity-provider.js';

const TID = '72f988bf-0000-4000-8000-000000000001';
const SCOPE = 'api://todolist-service/.default';

function header(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('client credentials', () => {
  let moduleRef: TestingModule | undefined;
  let idp: FakeIdentityProvider;
  let pems: { private: string; cert: string };
  let dir: string;

  beforeAll(async () => {
    pems = await generate([{ name: 'commonName', value: 'my-api' }], { keySize: 2048, algorithm: 'sha256' });
    dir = await mkdtemp(join(tmpdir(), 'niw-cred-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  async function setup(options: Partial<AuthModuleOptions>) {
    idp = new FakeIdentityProvider();
    moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({ tenantId: TID, clientId: 'my-api-client', identityProviderTransport: idp, ...options }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    return moduleRef.get(ITokenAcquisition);
  }

  it('signs a PS256 client assertion with the SHA-256 thumbprint of the certificate', async () => {
    const tokens = await setup({ clientCertificate: { privateKeyPem: pems.private, certificatePem: pems.cert } });
    await tokens.getAccessTokenForApp(SCOPE);
    const form = idp.tokenRequests[0]!.form;
    expect(form.get('client_secret')).toBeNull();
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const assertion = form.get('client_assertion')!;
    const thumbprint = Buffer.from(new X509Certificate(pems.cert).fingerprint256.replaceAll(':', ''), 'hex');
    expect(header(assertion)).toMatchObject({ alg: 'PS256', 'x5t#S256': thumbprint.toString('base64url') });
    expect(header(assertion).x5c).toBeUndefined();
    expect(claimsOf(assertion)).toMatchObject({ iss: 'my-api-client', sub: 'my-api-client' });
    expect(claimsOf(assertion).aud).toBe(`https://login.microsoftonline.com/${TID}/oauth2/v2.0/token`);
  });

  it('sends x5c when sendX5c is set', async () => {
    const tokens = await setup({
      clientCertificate: { privateKeyPem: pems.private, certificatePem: pems.cert, sendX5c: true },
    });
    await tokens.getAccessTokenForApp(SCOPE);
    const x5c = header(idp.tokenRequests[0]!.form.get('client_assertion')!).x5c as string[];
    expect(x5c).toHaveLength(1);
    expect(new X509Certificate(Buffer.from(x5c[0]!, 'base64')).fingerprint256).toBe(
      new X509Certificate(pems.cert).fingerprint256,
    );
  });

  it('sends the client-assertion callback result', async () => {
    const seen: unknown[] = [];
    const tokens = await setup({
      clientAssertion: (ctx) => {
        seen.push(ctx);
        return 'federated-assertion';
      },
    });
    await tokens.getAccessTokenForApp(SCOPE);
    expect(idp.tokenRequests[0]!.form.get('client_assertion')).toBe('federated-assertion');
    expect(seen[0]).toMatchObject({ clientId: 'my-api-client' });
  });

  it('sends the signed assertion file (workload identity)', async () => {
    const file = join(dir, 'token');
    await writeFile(file, 'file-assertion\n');
    const tokens = await setup({ signedAssertionFilePath: file });
    await tokens.getAccessTokenForApp(SCOPE);
    expect(idp.tokenRequests[0]!.form.get('client_assertion')).toBe('file-assertion');
  });

  it('fails with NIW4006 when the signed assertion file is missing', async () => {
    const tokens = await setup({ signedAssertionFilePath: join(dir, 'missing') });
    await expect(tokens.getAccessTokenForApp(SCOPE)).rejects.toMatchObject({
      code: AuthErrorCode.InvalidClientCredential,
    });
  });

  it('reloads a rejected certificate and retries exactly once', async () => {
    let loads = 0;
    const tokens = await setup({
      clientCertificate: () => {
        loads++;
        return { privateKeyPem: pems.private, certificatePem: pems.cert };
      },
    });
    idp.responders.push((req) =>
      idp.tokenRequests.indexOf(req) === 0 ? entraError(401, 'invalid_client', 700027) : undefined,
    );
    await expect(tokens.getAccessTokenForApp(SCOPE)).resolves.toBeTruthy();
    expect(loads).toBe(2);
    expect(idp.tokenRequests).toHaveLength(2);
  });

  it('does not loop when the reloaded certificate is rejected again', async () => {
    const tokens = await setup({ clientCertificate: { privateKeyPem: pems.private, certificatePem: pems.cert } });
    idp.responders.push(() => entraError(401, 'invalid_client', 7000274));
    await expect(tokens.getAccessTokenForApp(SCOPE)).rejects.toMatchObject({
      code: AuthErrorCode.TokenRequestFailed,
      aadstsCode: 7000274,
      msalErrorCode: 'invalid_client',
      status: 401,
    });
    expect(idp.tokenRequests).toHaveLength(2);
  });

  it('does not retry a wrong secret', async () => {
    const tokens = await setup({ clientSecret: 'S3cr3t-value' });
    idp.responders.push(() => entraError(401, 'invalid_client', 7000215));
    const error = (await tokens.getAccessTokenForApp(SCOPE).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ aadstsCode: 7000215 });
    expect(error.message).not.toContain('S3cr3t-value');
    expect(idp.tokenRequests).toHaveLength(1);
  });
});
