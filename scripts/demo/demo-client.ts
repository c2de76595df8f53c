import { type AuthenticationResult, type INetworkModule, PublicClientApplication } from '@azure/msal-node';

/** Where the client signs users in. */
export interface DemoClientOptions {
  /** Authority, e.g. `https://127.0.0.1:PORT/<tenant id>`. */
  readonly authority: string;
  /** Host of the authority, trusted without instance discovery (`knownAuthorities`). */
  readonly authorityHost: string;
  /** Client ID of the public client app. */
  readonly clientId: string;
  /** Network client for msal (to trust a local CA); msal's default when undefined. */
  readonly networkClient?: INetworkModule;
}

/** An HTTP answer, with the body parsed when it is JSON. */
export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/**
 * The client side of the demo: signs users in with a real msal-node `PublicClientApplication`
 * (username and password: fine for a demo against the emulator, not for production, where a client
 * uses the authorization code flow) and calls my-api with the access token.
 */
export class DemoClient {
  private readonly pca: PublicClientApplication;

  constructor(private readonly options: DemoClientOptions) {
    this.pca = new PublicClientApplication({
      auth: {
        clientId: options.clientId,
        authority: options.authority,
        knownAuthorities: [options.authorityHost],
        // "cp1": this client can handle claims challenges, so APIs may send it one.
        clientCapabilities: ['cp1'],
      },
      system: options.networkClient ? { networkClient: options.networkClient } : undefined,
    });
  }

  /** Signs a user in for `scopes`; `claims` (JSON) answers a claims challenge. */
  async signIn(username: string, password: string, scopes: string[], claims?: string): Promise<AuthenticationResult> {
    const result = await this.pca.acquireTokenByUsernamePassword({ username, password, scopes, claims });
    if (!result?.accessToken) throw new Error(`no access token for ${username}`);
    return result;
  }
}

/** Calls an API with an optional bearer token and a JSON body. */
export async function callApi<T = unknown>(
  url: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<ApiResponse<T>> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: body as T };
}

/**
 * Reads the claims challenge from a 401's `WWW-Authenticate` header
 * (`Bearer ..., error="insufficient_claims", claims="<base64>"`) and returns the claims JSON that
 * msal takes as `claims`, or undefined when the header has none.
 *
 * @see https://learn.microsoft.com/entra/identity-platform/claims-challenge
 */
export function claimsFromChallenge(header: string | null): string | undefined {
  if (!header || !/error="insufficient_claims"/.test(header)) return undefined;
  const encoded = /claims="([^"]+)"/.exec(header)?.[1];
  return encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
}
