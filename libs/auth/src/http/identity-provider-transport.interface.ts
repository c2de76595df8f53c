/**
 * An HTTP request to the identity provider (metadata or token endpoint).
 *
 * @example
 * ```ts
 * const req: IdentityProviderRequest = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=...' };
 * ```
 */
export interface IdentityProviderRequest {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Whole-request timeout in milliseconds. */
  readonly timeoutMs?: number;
}

/**
 * The identity provider's answer, body read as text.
 *
 * @example
 * ```ts
 * const res: IdentityProviderResponse = { status: 200, headers: {}, body: '{"access_token":"..."}' };
 * ```
 */
export interface IdentityProviderResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * The transport the library uses to talk to the identity provider: OpenID metadata and JWKS for
 * incoming token validation, authority metadata and, through msal-node's `system.networkClient`, the
 * token endpoint for token acquisition. The default is a
 * keep-alive HTTPS client with timeouts and the `trustedCa` certificates. Replace it to route
 * through a proxy, to trace, or to stub the identity provider in tests and benchmarks. Reject
 * (never resolve) when the identity provider cannot be reached, so it is reported as unavailable.
 *
 * @example
 * ```ts
 * const transport: IdentityProviderTransport = {
 *   async request(url, init) {
 *     const res = await fetch(url, { method: init?.method ?? 'GET', headers: init?.headers, body: init?.body, dispatcher: proxyAgent });
 *     return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
 *   },
 * };
 * AuthModule.forRoot({ ...options, identityProviderTransport: transport });
 * ```
 */
export interface IdentityProviderTransport {
  request(url: string, init?: IdentityProviderRequest): Promise<IdentityProviderResponse>;
}
