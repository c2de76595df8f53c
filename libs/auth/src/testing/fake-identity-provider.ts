import type {
  IdentityProviderRequest,
  IdentityProviderResponse,
  IdentityProviderTransport,
} from '../http/identity-provider-transport.interface.js';

/** A token request the fake saw, parsed. */
export interface FakeTokenRequest {
  readonly url: string;
  readonly tenant: string;
  readonly form: URLSearchParams;
}

type Responder = (req: FakeTokenRequest) => IdentityProviderResponse | Promise<IdentityProviderResponse> | undefined;

/** Builds an unsigned JWT-shaped test token (the fake never checks signatures). */
export function testJwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.sig`;
}

export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * An in-process stand-in for the Entra endpoints msal-node calls (OpenID configuration and
 * token), plugged in as the library's identity-provider transport. Unit tests only; e2e tests run
 * the emulator over HTTPS.
 */
export class FakeIdentityProvider implements IdentityProviderTransport {
  readonly tokenRequests: FakeTokenRequest[] = [];
  metadataRequests = 0;
  expiresIn = 3600;
  delayMs = 0;
  private serial = 0;
  /** Answers the next token requests instead of the default behaviour, first match wins. */
  readonly responders: Responder[] = [];

  constructor(readonly instance = 'https://login.microsoftonline.com/') {}

  async request(url: string, init: IdentityProviderRequest = {}): Promise<IdentityProviderResponse> {
    const u = new URL(url);
    const tenant = u.pathname.split('/')[1] ?? '';
    if ((init.method ?? 'GET') === 'GET' && u.pathname.endsWith('/v2.0/.well-known/openid-configuration')) {
      this.metadataRequests++;
      const base = `${u.origin}/${tenant}`;
      return json(200, {
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
      });
    }
    if (init.method === 'POST' && u.pathname.endsWith('/oauth2/v2.0/token')) {
      const req = { url, tenant, form: new URLSearchParams(init.body ?? '') };
      this.tokenRequests.push(req);
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      for (const responder of this.responders) {
        const res = await responder(req);
        if (res) return res;
      }
      return this.issue(req);
    }
    return json(404, { error: 'not_found' });
  }

  private issue(req: FakeTokenRequest): IdentityProviderResponse {
    const grant = req.form.get('grant_type');
    const scope = (req.form.get('scope') ?? '')
      .split(' ')
      .filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s))
      .join(' ');
    const n = ++this.serial;
    if (grant === 'client_credentials') {
      return json(200, {
        token_type: 'Bearer',
        expires_in: this.expiresIn,
        access_token: testJwt({ idtyp: 'app', tid: req.tenant, aud: scope, n }),
      });
    }
    const assertion = claimsOf(req.form.get('assertion') ?? '');
    return json(200, {
      token_type: 'Bearer',
      scope,
      expires_in: this.expiresIn,
      access_token: testJwt({ oid: assertion.oid, tid: req.tenant, scp: scope, n }),
    });
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): IdentityProviderResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** An Entra error body as the token endpoint sends it. */
export function entraError(
  status: number,
  error: string,
  code: number,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): IdentityProviderResponse {
  return json(
    status,
    {
      error,
      error_description: `AADSTS${code}: test error. Trace ID: t Correlation ID: c Timestamp: 2026-01-01 00:00:00Z`,
      error_codes: [code],
      timestamp: '2026-01-01 00:00:00Z',
      trace_id: '00000000-0000-0000-0000-000000000000',
      correlation_id: '00000000-0000-0000-0000-000000000000',
      ...extra,
    },
    headers,
  );
}
