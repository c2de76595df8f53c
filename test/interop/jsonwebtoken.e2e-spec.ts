import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import jwt from 'jsonwebtoken';
import { DEFAULT_IDS, startEntraEmulator, type EntraEmulator } from '@nest-identity-web/entra-emulator';

const verifier = fileURLToPath(new URL('./jwks-rsa-verify.mjs', import.meta.url));

type Verified = { ok: true; payload: jwt.JwtPayload } | { ok: false; name: string; message: string };

const { myApi } = DEFAULT_IDS.apps;
const { alice } = DEFAULT_IDS.users;
const contoso = DEFAULT_IDS.tenants.contoso;

// Real clients over real TLS (and child processes): correctness checks that a loaded machine may slow down.
jest.setTimeout(30_000);

describe('interop: jsonwebtoken 9 + jwks-rsa 4', () => {
  let emu: EntraEmulator;

  beforeAll(async () => {
    emu = await startEntraEmulator();
  });

  afterAll(async () => {
    await emu.stop();
  });

  // jwks-rsa 4 require()s the ESM-only jose 6, which jest's module registry cannot load: the real
  // packages run in a plain Node process.
  const verify = async (token: string, options: { clockTimestamp?: number } = {}): Promise<Verified> => {
    const input = {
      token,
      jwksUri: `${emu.authority('contoso')}/discovery/v2.0/keys`,
      ca: emu.caCertPem,
      issuer: emu.issuer('contoso'),
      audience: myApi.clientId,
      ...options,
    };
    const { stdout } = await promisify(execFile)(process.execPath, [verifier], {
      env: { ...process.env, INTEROP_INPUT: JSON.stringify(input) },
    });
    return JSON.parse(stdout) as Verified;
  };

  it('validates an access token with the published keys', async () => {
    const token = emu.signIn({ username: alice.upn, scopes: [myApi.scopeUri] }).access_token;
    expect(await verify(token)).toMatchObject({
      ok: true,
      payload: { oid: alice.oid, tid: contoso.id, scp: 'access_as_user' },
    });
  });

  it('verifies a token signed after a key rotation', async () => {
    const kid = await emu.rotateKeys();
    const token = emu.signIn({ username: alice.upn, scopes: [myApi.scopeUri] }).access_token;
    expect(jwt.decode(token, { complete: true })?.header.kid).toBe(kid);
    expect(await verify(token)).toMatchObject({ ok: true, payload: { oid: alice.oid } });
  });

  it('a token issued after clock.advance is not yet valid on the real clock, and valid on the emulator clock', async () => {
    emu.clock.advance(3600);
    try {
      const token = emu.signIn({ username: alice.upn, scopes: [myApi.scopeUri] }).access_token;
      expect(await verify(token)).toMatchObject({ ok: false, name: 'NotBeforeError' });
      expect(await verify(token, { clockTimestamp: emu.clock.now() })).toMatchObject({
        ok: true,
        payload: { oid: alice.oid },
      });
      expect(emu.clock.date().getTime()).toBe(emu.clock.now() * 1000);
    } finally {
      emu.clock.reset();
    }
  });

  it('tokens near expiry on the real clock come from a short tokenLifetimeSeconds, not from the clock', async () => {
    emu.tokenLifetimeSeconds = 5;
    try {
      const token = emu.signIn({ username: alice.upn, scopes: [myApi.scopeUri] }).access_token;
      const verified = await verify(token);
      expect(verified.ok).toBe(true);
      const payload = verified.ok ? verified.payload : {};
      expect(payload.exp! - payload.iat!).toBe(5);
      expect(await verify(token, { clockTimestamp: payload.exp! + 1 })).toMatchObject({
        ok: false,
        name: 'TokenExpiredError',
      });
    } finally {
      emu.reset();
    }
  });
});
