// A small Entra-shaped identity provider for tests of incoming token validation: v2 and v1
// OpenID metadata, a JWKS with `issuer` on keys, token minting (including deliberately bad
// tokens), key rotation and fault injection, over HTTPS on 127.0.0.1:0. The full emulator
// (@nest-identity-web/entra-emulator) supersedes it for flows that need a token endpoint.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { generate } from 'selfsigned';

export const TENANTS = {
  contoso: '72f988bf-0000-4000-8000-000000000001',
  fabrikam: '72f988bf-0000-4000-8000-000000000002',
} as const;

export const API_CLIENT_ID = '11111111-0000-4000-8000-0000000000a1';
export const CLIENT_APP_ID = '11111111-0000-4000-8000-000000000001';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
interface SigningKey {
  kid: string;
  privateKey: Key;
  jwk: JWK;
}

export interface IssueOptions {
  tenant?: keyof typeof TENANTS;
  version?: '1.0' | '2.0';
  kid?: string;
  /** Sign with a key that is not published. */
  unpublishedKey?: boolean;
  header?: Record<string, unknown>;
}

export interface Fault {
  route: 'metadata' | 'jwks' | 'all';
  status?: number;
  body?: string;
  times?: number;
}

export interface LocalIdp {
  readonly baseUrl: string;
  readonly instance: string;
  readonly caCertPem: string;
  readonly activeKid: string;
  issueToken(claims?: Record<string, unknown>, options?: IssueOptions): Promise<string>;
  userClaims(overrides?: Record<string, unknown>, options?: IssueOptions): Record<string, unknown>;
  rotateKeys(): Promise<string>;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** The published modulus (`n`) of the active key, as a would-be HMAC secret. */
  activeModulus(): string;
  hits(route: 'metadata' | 'jwks'): number;
  stop(): Promise<void>;
}

export async function startLocalIdp(): Promise<LocalIdp> {
  const tls = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const keys: SigningKey[] = [];
  const newKey = async (): Promise<SigningKey> => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomUUID().replaceAll('-', '');
    return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, use: 'sig', kty: 'RSA' } };
  };
  keys.push(await newKey());
  const faults: Fault[] = [];
  const counts = { metadata: 0, jwks: 0 };
  let base = '';

  const tenantOf = (segment: string): { tid: string; template: boolean } | undefined => {
    const s = segment.toLowerCase();
    if (s === 'common' || s === 'organizations') return { tid: '{tenantid}', template: true };
    for (const [name, tid] of Object.entries(TENANTS)) {
      if (s === tid || s === name || s === `${name}.onmicrosoft.com`) return { tid, template: false };
    }
    return undefined;
  };

  const server: Server = createServer({ key: tls.private, cert: tls.cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://x');
    const parts = url.pathname.split('/').filter(Boolean);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const route = parts.includes('keys') ? 'jwks' : 'metadata';
    counts[route]++;
    const fault = faults.find((f) => f.route === route || f.route === 'all');
    if (fault) {
      if (fault.times !== undefined && --fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
      return send(fault.status ?? 503, fault.body ?? { error: 'temporarily_unavailable' });
    }
    const tenant = parts[0] ? tenantOf(parts[0]) : undefined;
    if (!tenant) return send(400, { error: 'invalid_tenant' });
    const v2Issuer = `${base}/${tenant.tid}/v2.0`;
    if (route === 'jwks') {
      return send(200, { keys: keys.map((k) => ({ ...k.jwk, issuer: v2Issuer })) });
    }
    const jwks_uri = `${base}/${parts[0]}/discovery/v2.0/keys`;
    const common = {
      jwks_uri,
      id_token_signing_alg_values_supported: ['RS256'],
      cloud_instance_name: 'microsoftonline.com',
    };
    if (parts[1] === 'v2.0') {
      return send(200, {
        ...common,
        issuer: v2Issuer,
        token_endpoint: `${base}/${parts[0]}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/${parts[0]}/oauth2/v2.0/authorize`,
      });
    }
    return send(200, {
      ...common,
      issuer: `https://sts.windows.net/${tenant.tid}/`,
      token_endpoint: `${base}/${parts[0]}/oauth2/token`,
      authorization_endpoint: `${base}/${parts[0]}/oauth2/authorize`,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const idp: LocalIdp = {
    baseUrl: base,
    instance: `${base}/`,
    caCertPem: tls.cert,
    get activeKid() {
      return keys[keys.length - 1]!.kid;
    },
    userClaims(overrides = {}, options = {}) {
      const tid = TENANTS[options.tenant ?? 'contoso'];
      const v1 = options.version === '1.0';
      const now = Math.floor(Date.now() / 1000);
      return {
        aud: v1 ? `api://${API_CLIENT_ID}` : API_CLIENT_ID,
        iss: v1 ? `https://sts.windows.net/${tid}/` : `${base}/${tid}/v2.0`,
        iat: now - 60,
        nbf: now - 60,
        exp: now + 3600,
        ver: v1 ? '1.0' : '2.0',
        tid,
        oid: '00000000-0000-4000-8000-00000000a11c',
        sub: 'alice-pairwise-sub',
        name: 'Alice',
        ...(v1
          ? { upn: 'alice@contoso.onmicrosoft.com', appid: CLIENT_APP_ID }
          : { preferred_username: 'alice@contoso.onmicrosoft.com', azp: CLIENT_APP_ID }),
        scp: 'access_as_user',
        ...overrides,
      };
    },
    async issueToken(claims, options = {}) {
      const payload = claims ?? idp.userClaims({}, options);
      for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
      const key = options.unpublishedKey
        ? await newKey()
        : (keys.find((k) => k.kid === (options.kid ?? idp.activeKid)) ?? keys[keys.length - 1]!);
      return new SignJWT(payload)
        .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: key.kid, ...options.header })
        .sign(key.privateKey);
    },
    async rotateKeys() {
      keys.push(await newKey());
      return idp.activeKid;
    },
    injectFault(fault) {
      faults.push({ ...fault });
    },
    activeModulus() {
      return keys[keys.length - 1]!.jwk.n!;
    },
    clearFaults() {
      faults.length = 0;
    },
    hits(route) {
      return counts[route];
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return idp;
}

/** A JWS with `alg: none` (unsigned). */
export function unsignedToken(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ typ: 'JWT', alg: 'none' })}.${enc(claims)}.`;
}

/** An HS256 token whose HMAC secret is the JWK's public modulus text (the classic RS/HS confusion). */
export async function hmacWithPublicKey(claims: Record<string, unknown>, secret: string, kid: string): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ typ: 'JWT', alg: 'HS256', kid })
    .sign(new TextEncoder().encode(secret));
}
