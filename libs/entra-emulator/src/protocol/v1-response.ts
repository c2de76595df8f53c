import type { TokenResponse } from './grants/grant.types.js';

/**
 * A token response of the v1 endpoint (`/oauth2/token`): times are strings, and `expires_on`,
 * `not_before` and `resource` are added.
 * @internal
 */
export interface V1TokenResponse {
  token_type: 'Bearer';
  scope?: string;
  expires_in: string;
  ext_expires_in: string;
  expires_on: string;
  not_before: string;
  resource: string;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
}

const OIDC = new Set(['openid', 'profile', 'offline_access', 'email']);

/**
 * Reshapes a grant's answer as the v1 endpoint sends it. `scope` becomes the granted scope names
 * without their resource prefix (v1 answers `"scope":"access_as_user"`), and is absent for app tokens.
 * @internal
 */
export function v1Shape(
  r: TokenResponse,
  resource: string | undefined,
  requestedScope: string | undefined,
  now: number,
): V1TokenResponse {
  const granted = (r.scope ?? '')
    .split(' ')
    .filter((s) => s.includes('/') && !s.endsWith('/.default'))
    .map((s) => s.slice(s.lastIndexOf('/') + 1))
    .filter((s) => s && !OIDC.has(s));
  const audience = resource ?? resourceOf(r.scope ?? requestedScope);
  return {
    token_type: 'Bearer',
    ...(granted.length ? { scope: [...new Set(granted)].join(' ') } : {}),
    expires_in: String(r.expires_in),
    ext_expires_in: String(r.ext_expires_in),
    expires_on: String(now + r.expires_in),
    not_before: String(now),
    resource: audience,
    access_token: r.access_token,
    ...(r.refresh_token ? { refresh_token: r.refresh_token } : {}),
    ...(r.id_token ? { id_token: r.id_token } : {}),
    ...(r.client_info ? { client_info: r.client_info } : {}),
  };
}

/** The resource of a v2-style scope list (`api://x/.default openid` → `api://x`). */
function resourceOf(scope: string | undefined): string {
  const first = (scope ?? '').split(' ').find((s) => s.includes('/'));
  return first ? first.slice(0, first.lastIndexOf('/')) : '';
}
