import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  AuthErrorCode,
  AuthModule,
  EntraTokenValidator,
  IdentityProviderUnavailableError,
  TokenValidationError,
  type AuthModuleOptions,
} from 'nest-identity-web';
import {
  API_CLIENT_ID,
  hmacWithPublicKey,
  startLocalIdp,
  TENANTS,
  unsignedToken,
  type LocalIdp,
} from '../testing/local-idp.js';

describe('EntraTokenValidator', () => {
  let idp: LocalIdp;
  const modules: TestingModule[] = [];

  beforeAll(async () => {
    idp = await startLocalIdp();
  });
  afterEach(async () => {
    idp.clearFaults();
    await Promise.all(modules.splice(0).map((m) => m.close()));
  });
  afterAll(async () => {
    await idp.stop();
  });

  async function setup(options: Partial<AuthModuleOptions> = {}): Promise<EntraTokenValidator> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          instance: idp.instance,
          tenantId: TENANTS.contoso,
          clientId: API_CLIENT_ID,
          trustedCa: [idp.caCertPem],
          ...options,
        }),
      ],
    }).compile();
    modules.push(moduleRef);
    await moduleRef.init();
    return moduleRef.get(EntraTokenValidator);
  }

  async function refusal(validator: EntraTokenValidator, token: string): Promise<TokenValidationError> {
    const error = await validator.validate(token).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TokenValidationError);
    return error as TokenValidationError;
  }

  it('accepts a v2 user token and builds the principal without the raw token', async () => {
    const validator = await setup();
    const token = await idp.issueToken();
    const user = await validator.validate(token);
    expect(user).toMatchObject({
      oid: '00000000-0000-4000-8000-00000000a11c',
      tid: TENANTS.contoso,
      scopes: ['access_as_user'],
      roles: [],
      isAppOnly: false,
      version: '2.0',
      preferredUsername: 'alice@contoso.onmicrosoft.com',
    });
    expect(JSON.stringify(user)).not.toContain(token);
    expect(Object.isFrozen(user)).toBe(true);
  });

  it('accepts a v1 token for api://{clientId} with the v1 issuer from the v1 metadata', async () => {
    const validator = await setup();
    const user = await validator.validate(await idp.issueToken(undefined, { version: '1.0' }));
    expect(user.version).toBe('1.0');
    expect(user.preferredUsername).toBe('alice@contoso.onmicrosoft.com');
  });

  it('answers a repeated token from the validated-token cache', async () => {
    const validator = await setup();
    const token = await idp.issueToken();
    const first = await validator.validate(token);
    expect(await validator.validate(token)).toBe(first);
    expect(validator.cachedTokenCount).toBe(1);
  });

  it('does not cache when validatedTokenCacheSize is 0', async () => {
    const validator = await setup({ validatedTokenCacheSize: 0 });
    await validator.validate(await idp.issueToken());
    expect(validator.cachedTokenCount).toBe(0);
  });

  it('with the cache off, verifies a repeated token every time and leaves the token hash to on-behalf-of', async () => {
    const validator = await setup({ validatedTokenCacheSize: 0 });
    const token = await idp.issueToken();
    const first = await validator.authenticate(token);
    const second = await validator.authenticate(token);
    expect(second.principal).not.toBe(first.principal);
    expect(second.principal).toEqual(first.principal);
    expect(first.tokenHash).toBeUndefined();
    const [h, p] = token.split('.');
    const error = await validator.authenticate(`${h}.${p}.${'A'.repeat(342)}`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as TokenValidationError).code).toBe(AuthErrorCode.InvalidSignature);
  });

  it.each([
    ['wrong audience', { aud: 'https://graph.microsoft.com' }, AuthErrorCode.InvalidAudience],
    ['unsupported version', { ver: '3.0' }, AuthErrorCode.UnsupportedTokenVersion],
    [
      'wrong issuer',
      { iss: 'https://evil.example/72f988bf-0000-4000-8000-000000000001/v2.0' },
      AuthErrorCode.InvalidIssuer,
    ],
    [
      'expired beyond the skew',
      { exp: Math.floor(Date.now() / 1000) - 900, nbf: Math.floor(Date.now() / 1000) - 4000 },
      AuthErrorCode.TokenExpired,
    ],
    ['not yet valid beyond the skew', { nbf: Math.floor(Date.now() / 1000) + 900 }, AuthErrorCode.TokenNotYetValid],
    ['no scp and no roles', { scp: undefined }, AuthErrorCode.NoScopeOrRoleClaim],
    ['no exp', { exp: undefined }, AuthErrorCode.MalformedToken],
  ])('refuses a token with %s', async (_name, overrides, code) => {
    const validator = await setup();
    const error = await refusal(validator, await idp.issueToken(idp.userClaims(overrides)));
    expect(error.code).toBe(code);
    expect(error.description).not.toMatch(/eyJ/);
  });

  it('accepts expiry within the clock skew and honours a custom skew', async () => {
    const expired = idp.userClaims({
      exp: Math.floor(Date.now() / 1000) - 100,
      nbf: Math.floor(Date.now() / 1000) - 4000,
    });
    expect((await (await setup()).validate(await idp.issueToken(expired))).oid).toBeDefined();
    expect((await refusal(await setup({ clockSkewSeconds: 0 }), await idp.issueToken(expired))).code).toBe(
      AuthErrorCode.TokenExpired,
    );
  });

  it('refuses a token of another tenant for a single-tenant API', async () => {
    const validator = await setup();
    const error = await refusal(validator, await idp.issueToken(undefined, { tenant: 'fabrikam' }));
    expect(error.code).toBe(AuthErrorCode.InvalidIssuer);
  });

  it('accepts every tenant on organizations and only allowed tenants with allowedTenants', async () => {
    const open = await setup({ tenantId: 'organizations' });
    expect((await open.validate(await idp.issueToken(undefined, { tenant: 'fabrikam' }))).tid).toBe(TENANTS.fabrikam);
    expect((await open.validate(await idp.issueToken(undefined, { tenant: 'fabrikam', version: '1.0' }))).version).toBe(
      '1.0',
    );
    const restricted = await setup({ tenantId: 'organizations', allowedTenants: [TENANTS.contoso] });
    expect((await restricted.validate(await idp.issueToken())).tid).toBe(TENANTS.contoso);
    expect((await refusal(restricted, await idp.issueToken(undefined, { tenant: 'fabrikam' }))).code).toBe(
      AuthErrorCode.TenantNotAllowed,
    );
  });

  it('refuses on a multi-tenant API a token whose iss and tid name different tenants', async () => {
    const validator = await setup({ tenantId: 'common' });
    const claims = idp.userClaims({ tid: TENANTS.fabrikam });
    expect((await refusal(validator, await idp.issueToken(claims))).code).toBe(AuthErrorCode.InvalidIssuer);
  });

  it('refuses alg none, HS256 signed with the public key, a tampered payload and an unknown key', async () => {
    const validator = await setup();
    const claims = idp.userClaims();
    expect((await refusal(validator, unsignedToken(claims))).code).toBe(AuthErrorCode.UnsupportedAlgorithm);
    const jwks = JSON.parse(
      (await fetchText(`${idp.baseUrl}/${TENANTS.contoso}/discovery/v2.0/keys`, idp.caCertPem)).body,
    ) as {
      keys: { n: string }[];
    };
    expect((await refusal(validator, await hmacWithPublicKey(claims, jwks.keys[0]!.n, idp.activeKid))).code).toBe(
      AuthErrorCode.UnsupportedAlgorithm,
    );
    const [h, , s] = (await idp.issueToken(claims)).split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, scp: 'admin' })).toString('base64url')}.${s}`;
    expect((await refusal(validator, tampered)).code).toBe(AuthErrorCode.InvalidSignature);
    expect((await refusal(validator, await idp.issueToken(claims, { unpublishedKey: true }))).code).toBe(
      AuthErrorCode.UnknownSigningKey,
    );
    expect((await refusal(validator, 'not-a-jwt')).code).toBe(AuthErrorCode.MalformedToken);
  });

  it('picks up a rotated key with one JWKS refetch, rate-limited for unknown kids', async () => {
    const validator = await setup();
    await validator.validate(await idp.issueToken());
    const before = idp.hits('jwks');
    await idp.rotateKeys();
    expect((await validator.validate(await idp.issueToken())).oid).toBeDefined();
    expect(idp.hits('jwks')).toBe(before + 1);
    // Forged kids do not make the API hammer the identity provider.
    for (let i = 0; i < 3; i++) await refusal(validator, await idp.issueToken(undefined, { unpublishedKey: true }));
    expect(idp.hits('jwks')).toBe(before + 1);
  });

  it('keeps last-known-good keys when a refresh fails, and reports 503 when it never had any', async () => {
    const validator = await setup();
    await validator.validate(await idp.issueToken());
    idp.injectFault({ route: 'jwks', status: 503, body: '<html>proxy error</html>', times: 1 });
    await validator.metadata.refresh().catch(() => undefined);
    expect((await validator.validate(await idp.issueToken(idp.userClaims({ name: 'again' })))).name).toBe('again');

    idp.injectFault({ route: 'all', status: 503, times: 10 });
    const cold = await setup();
    const error = await cold.validate(await idp.issueToken()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityProviderUnavailableError);
    expect((error as IdentityProviderUnavailableError).code).toBe(AuthErrorCode.IdentityProviderUnavailable);
  });

  it('reports a non-JSON metadata body as unusable metadata (503), without crashing', async () => {
    idp.injectFault({ route: 'metadata', status: 200, body: '<html>captive portal</html>', times: 2 });
    const validator = await setup();
    const error = await validator.validate(await idp.issueToken()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: AuthErrorCode.InvalidIdentityProviderMetadata });
  });
});

async function fetchText(url: string, ca: string): Promise<{ body: string }> {
  const { IdpHttpClient } = await import('../http/idp-http-client.js');
  const client = new IdpHttpClient({ ca: [ca] });
  try {
    return await client.request(url);
  } finally {
    client.destroy();
  }
}
