// Incoming token validation, per token: a validated-token cache hit, a full validation by the
// default `entra` strategy (cache off: every token seen for the first time), a bare
// `crypto.verify` with a cached KeyObject (the floor), a bare jose verify with an imported key, and
// passport-azure-ad 4.3.5's per-token path (jws decode, PEM built from the JWK's n/e, jws verify),
// called through its own modules. Metadata and JWKS come from an in-process stub transport.
// Run by `npm run bench` after the token-cache benchmark; adds `validation`,
// `first_sight_validation_p50_us` and `raw_crypto_verify_p50_us` to bench/results/latest.json.
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import { NestFactory } from '@nestjs/core';
import { importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import {
  AuthModule,
  EntraTokenValidator,
  type IdentityProviderResponse,
  type IdentityProviderTransport,
} from 'nest-identity-web';
import { median, mergeLatest, round, timeCalls } from './results.js';

const quick = process.argv.includes('--quick');
const TOKENS = quick ? 300 : 2_000;
const HOST = 'https://login.microsoftonline.com';
const TID = '72f988bf-0000-4000-8000-000000000001';
const CLIENT_ID = '11111111-0000-4000-8000-0000000000a1';
const ISSUER = `${HOST}/${TID}/v2.0`;

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'bench-key', use: 'sig', issuer: ISSUER };

const stub: IdentityProviderTransport = {
  request(url: string): Promise<IdentityProviderResponse> {
    const json = (body: unknown) => Promise.resolve({ status: 200, headers: {}, body: JSON.stringify(body) });
    if (url.endsWith('/discovery/v2.0/keys')) return json({ keys: [jwk] });
    if (url.includes('/v2.0/.well-known/'))
      return json({ issuer: ISSUER, jwks_uri: `${HOST}/${TID}/discovery/v2.0/keys` });
    return json({ issuer: `https://sts.windows.net/${TID}/`, jwks_uri: `${HOST}/${TID}/discovery/keys` });
  },
};

async function validator(validatedTokenCacheSize: number) {
  const app = await NestFactory.createApplicationContext(
    AuthModule.forRoot({
      tenantId: TID,
      clientId: CLIENT_ID,
      identityProviderTransport: stub,
      validatedTokenCacheSize,
    }),
    { logger: false },
  );
  return { app, validator: app.get(EntraTokenValidator) };
}

async function sign(i: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    aud: CLIENT_ID,
    iss: ISSUER,
    tid: TID,
    ver: '2.0',
    scp: 'access_as_user',
    oid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    sub: `sub-${i}`,
    azp: '11111111-0000-4000-8000-000000000001',
    name: `User ${i}`,
    preferred_username: `user${i}@contoso.onmicrosoft.com`,
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'bench-key' })
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 3600)
    .sign(privateKey);
}

/** Median of per-round medians over all tokens, each call on a fresh copy of its token. */
const time = timeCalls;

const require = createRequire(import.meta.url);
const aadutils = require('passport-azure-ad/lib/aadutils.js') as { rsaPublicKeyPem(n: string, e: string): string };
const passportJwt = require('passport-azure-ad/lib/jsonWebToken.js') as {
  verify(token: string, pem: string, options: object, cb: (err: unknown, claims?: unknown) => void): void;
};
const jws = require('jws') as { decode(token: string): { header: { kid?: string } } | null };

/** passport-azure-ad's BearerStrategy.jwtVerify, minus logging and the (cached) metadata fetch. */
function passportAzureAd(token: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const decoded = jws.decode(token);
    if (decoded?.header.kid !== jwk.kid) return reject(new Error('unknown kid'));
    const pem = aadutils.rsaPublicKeyPem(jwk.n!, jwk.e!); // metadata.generateOidcPEM, per token
    passportJwt.verify(
      token,
      pem,
      { algorithms: ['RS256'], audience: [CLIENT_ID, `spn:${CLIENT_ID}`], issuer: [ISSUER], clockSkew: 300 },
      (err, claims) => (err ? reject(err instanceof Error ? err : new Error('refused')) : resolve(claims)),
    );
  });
}

async function main() {
  const tokens = await Promise.all(Array.from({ length: TOKENS }, (_, i) => sign(i)));
  const cached = await validator(TOKENS * 2);
  const uncached = await validator(0);
  const key = await importJWK(jwk, 'RS256');
  const joseVerify = (t: string) => jwtVerify(t, key, { algorithms: ['RS256'], audience: CLIENT_ID, issuer: ISSUER });
  // The floor: the RSA verification alone, with a KeyObject built once.
  const keyObject = createPublicKey({ key: jwk, format: 'jwk' });
  const rawVerify = (t: string) => {
    const dot = t.lastIndexOf('.');
    if (
      !verify('sha256', Buffer.from(t.slice(0, dot), 'latin1'), keyObject, Buffer.from(t.slice(dot + 1), 'base64url'))
    ) {
      throw new Error('bad signature');
    }
  };

  for (const t of tokens) await cached.validator.validate(t); // fill the validated-token cache
  await time(tokens.slice(0, 200), 1, (t) => uncached.validator.validate(t)); // warm up
  await time(tokens.slice(0, 200), 1, passportAzureAd);
  await time(tokens.slice(0, 200), 1, joseVerify);
  await time(tokens.slice(0, 200), 1, rawVerify);

  const hit = await time(tokens, 5, (t) => cached.validator.validate(t));
  // First sight and its floor interleaved, round by round, so both see the same machine load.
  const fullRounds: number[] = [];
  const rawRounds: number[] = [];
  let fullP99 = 0;
  for (let r = 0; r < (quick ? 3 : 5); r++) {
    const f = await time(tokens, 1, (t) => uncached.validator.validate(t));
    const c = await time(tokens, 1, rawVerify);
    fullRounds.push(f.p50);
    rawRounds.push(c.p50);
    fullP99 = Math.max(fullP99, f.p99);
  }
  const full = { p50: median(fullRounds), p99: fullP99 };
  const raw = { p50: median(rawRounds) };
  const jose = await time(tokens, 3, joseVerify);
  const passport = await time(tokens, 3, passportAzureAd);
  await cached.app.close();
  await uncached.app.close();

  const validation = {
    tokens: TOKENS,
    cache_hit_p50_us: round(hit.p50),
    cache_hit_p99_us: round(hit.p99),
    full_validation_p50_us: round(full.p50),
    full_validation_p99_us: round(full.p99),
    raw_crypto_verify_p50_us: round(raw.p50),
    full_validation_over_raw_crypto_verify_p50: round(full.p50 / raw.p50),
    jose_verify_p50_us: round(jose.p50),
    passport_azure_ad_p50_us: round(passport.p50),
    passport_over_cache_hit_p50: round(passport.p50 / hit.p50),
    passport_over_full_validation_p50: round(passport.p50 / full.p50),
    full_validation_over_cache_hit_p50: round(full.p50 / hit.p50),
  };
  console.log('\nincoming token validation, per token (µs)');
  console.log(` validated-token cache hit (ours):   p50 ${hit.p50.toFixed(2)}, p99 ${hit.p99.toFixed(2)}`);
  console.log(` full validation (ours, cache off):  p50 ${full.p50.toFixed(2)}, p99 ${full.p99.toFixed(2)}`);
  console.log(` bare crypto.verify (KeyObject):     p50 ${raw.p50.toFixed(2)}`);
  console.log(` bare jose jwtVerify (imported key): p50 ${jose.p50.toFixed(2)}`);
  console.log(` passport-azure-ad 4.3.5 per token:  p50 ${passport.p50.toFixed(2)}`);
  console.log(
    ` ratios: passport/ours-hit ${validation.passport_over_cache_hit_p50}x, passport/ours-full ${validation.passport_over_full_validation_p50}x, full/hit ${validation.full_validation_over_cache_hit_p50}x, full/raw-verify ${validation.full_validation_over_raw_crypto_verify_p50}x`,
  );

  mergeLatest({
    validation,
    first_sight_validation_p50_us: validation.full_validation_p50_us,
    raw_crypto_verify_p50_us: validation.raw_crypto_verify_p50_us,
  });
}

await main();
