import type { SigningKey } from '../crypto/signing-keys.js';

/** @internal */
export function v2Metadata(base: string, pathTenant: string, issuerTenant: string): Record<string, unknown> {
  const t = `${base}/${pathTenant}`;
  return {
    token_endpoint: `${t}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${t}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${t}/oauth2/v2.0/logout`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    grant_types_supported: [
      'authorization_code',
      'client_credentials',
      'refresh_token',
      'password',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ],
    code_challenge_methods_supported: ['S256', 'plain'],
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
    tenant_region_scope: null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** @internal */
export function v1Metadata(base: string, pathTenant: string, issuerTenant: string): Record<string, unknown> {
  const t = `${base}/${pathTenant}`;
  return {
    token_endpoint: `${t}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${t}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: `${base}/${issuerTenant}/`,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${t}/oauth2/authorize`,
    end_session_endpoint: `${t}/oauth2/logout`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    claims_supported: [
      'sub',
      'iss',
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
    tenant_region_scope: null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** JWKS; v2 keys carry `issuer`, v1 keys do not. @internal */
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
      ...(issuer ? { issuer } : {}),
    })),
  };
}

/** @internal */
export function instanceDiscovery(base: string, host: string, tid: string): Record<string, unknown> {
  return {
    tenant_discovery_endpoint: `${base}/${tid}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}
