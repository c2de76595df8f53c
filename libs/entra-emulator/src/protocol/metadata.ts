import type { SigningKey } from '../crypto/signing-keys.js';

/** Values that are the same in every Entra discovery document of the public cloud. */
const CLOUD = {
  tenant_region_scope: null,
  cloud_instance_name: 'microsoftonline.com',
  cloud_graph_host_name: 'graph.windows.net',
  msgraph_host: 'graph.microsoft.com',
  rbac_url: 'https://pas.windows.net',
} as const;

const AUTH_METHODS = ['client_secret_post', 'private_key_jwt', 'client_secret_basic'];

/** Where the documents point and what they claim. @internal */
export interface MetadataSpec {
  /** Base URL of the emulator. */
  readonly base: string;
  /** Tenant segment of the endpoints (`common` or a tenant id). */
  readonly pathTenant: string;
  /** The `issuer` value. */
  readonly issuer: string;
  /** Add `grant_types_supported` and `code_challenge_methods_supported`, which Entra does not publish. */
  readonly extensions: boolean;
}

/**
 * The v2 discovery document with the members Entra publishes, in Entra's order. Entra does not
 * advertise `grant_types_supported` or `code_challenge_methods_supported` (it does support PKCE S256),
 * so a client that detects PKCE from metadata must be tested against what production serves.
 * @internal
 */
export function v2Metadata(spec: MetadataSpec): Record<string, unknown> {
  const t = `${spec.base}/${spec.pathTenant}`;
  return {
    token_endpoint: `${t}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    jwks_uri: `${t}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: spec.issuer,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${spec.base}/oidc/userinfo`,
    authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${t}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${t}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${t}/kerberos`,
    ...CLOUD,
    ...(spec.extensions ? extensions() : {}),
  };
}

/** The v1 discovery document (`/{tenant}/.well-known/openid-configuration`). @internal */
export function v1Metadata(spec: MetadataSpec): Record<string, unknown> {
  const t = `${spec.base}/${spec.pathTenant}`;
  return {
    token_endpoint: `${t}/oauth2/token`,
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    jwks_uri: `${spec.base}/common/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: spec.issuer,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${t}/oauth2/authorize`,
    device_authorization_endpoint: `${t}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${t}/oauth2/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'amr',
      'nonce',
      'email',
      'given_name',
      'family_name',
      'nickname',
    ],
    check_session_iframe: `${t}/oauth2/checksession`,
    userinfo_endpoint: `${t}/openid/userinfo`,
    kerberos_endpoint: `${t}/kerberos`,
    ...CLOUD,
    ...(spec.extensions ? extensions() : {}),
  };
}

function extensions(): Record<string, unknown> {
  return {
    grant_types_supported: [
      'authorization_code',
      'client_credentials',
      'refresh_token',
      'password',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ],
    code_challenge_methods_supported: ['S256', 'plain'],
  };
}

/** JWKS; v2 keys carry `issuer`, v1 keys do not; both carry `cloud_instance_name` as Entra's do. @internal */
export function jwks(keys: readonly SigningKey[], issuer?: string): { keys: Record<string, unknown>[] } {
  return {
    keys: keys.map((k) => ({
      kty: 'RSA',
      use: 'sig',
      kid: k.kid,
      x5t: k.kid,
      n: k.n,
      e: k.e,
      x5c: [k.x5c],
      cloud_instance_name: CLOUD.cloud_instance_name,
      ...(issuer ? { issuer } : {}),
    })),
  };
}

/** The instance discovery answer (`/common/discovery/instance`), for `cloudDiscoveryMetadata`. @internal */
export function instanceDiscovery(base: string, host: string, tenant: string, version: 1 | 2): Record<string, unknown> {
  return {
    tenant_discovery_endpoint: `${base}/${tenant}${version === 2 ? '/v2.0' : ''}/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}
