import type { ResolvedApp, ResolvedUser } from '../directory/directory.js';
import { Errors } from '../protocol/errors.js';
import type { EmulatorState } from '../protocol/state.js';
import { clientInfo } from '../protocol/tokens.js';
import { parseClaims } from '../protocol/claims-request.js';
import { randomToken } from '../util/encoding.js';
import { escapeHtml } from './http-util.js';

/** What the authorize endpoint answers. @internal */
export type AuthorizeOutcome =
  | { kind: 'page'; html: string }
  | { kind: 'redirect'; location: string }
  | { kind: 'form_post'; html: string }
  | { kind: 'json'; body: Record<string, unknown>; status: number };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Entra matches loopback redirect URIs on any port. @internal */
export function redirectAllowed(app: ResolvedApp, uri: string): boolean {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  if (app.redirectUris.includes(uri)) return true;
  const loopback = u.protocol === 'http:' && LOOPBACK.has(u.hostname);
  if (!loopback) return false;
  if (app.redirectUris.length === 0) return true;
  return app.redirectUris.some((r) => {
    try {
      const x = new URL(r);
      return x.protocol === 'http:' && LOOPBACK.has(x.hostname) && (x.pathname === '/' || x.pathname === u.pathname);
    } catch {
      return false;
    }
  });
}

/** @internal */
export function authorize(
  state: EmulatorState,
  tenantSegment: string,
  params: URLSearchParams,
  submitted?: URLSearchParams,
): AuthorizeOutcome {
  const dir = state.directory;
  const multi = tenantSegment === 'common' || tenantSegment === 'organizations';
  const tenant = multi ? undefined : dir.tenant(tenantSegment);
  if (!multi && !tenant) throw Errors.tenantNotFound(tenantSegment);
  const clientId = params.get('client_id')?.toLowerCase();
  if (!clientId) throw Errors.missingParameter('client_id');
  const app = dir.app(clientId);
  if (!app || app.clientId !== clientId) throw Errors.appNotFound(clientId, tenant?.name ?? tenantSegment);
  const redirectUri = params.get('redirect_uri');
  if (!redirectUri) throw Errors.missingParameter('redirect_uri');
  if (!redirectAllowed(app, redirectUri)) throw Errors.redirectMismatch(redirectUri, clientId);
  const state_ = params.get('state');
  const mode = params.get('response_mode') ?? 'query';
  const reply = (fields: Record<string, string>): AuthorizeOutcome => {
    const all = { ...fields, ...(state_ !== null ? { state: state_ } : {}) };
    if (mode === 'form_post') {
      const inputs = Object.entries(all)
        .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
        .join('');
      return {
        kind: 'form_post',
        html: `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(redirectUri)}">${inputs}<noscript><button>Continue</button></noscript></form></body></html>`,
      };
    }
    const q = new URLSearchParams(all).toString();
    return {
      kind: 'redirect',
      location:
        mode === 'fragment' ? `${redirectUri}#${q}` : `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${q}`,
    };
  };
  if (params.get('response_type') !== 'code') {
    return reply({
      error: 'unsupported_response_type',
      error_description: 'AADSTS70005: Only response_type=code is supported by the emulator.',
    });
  }
  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method') ?? (challenge ? 'plain' : undefined);
  if (method && method !== 'S256' && method !== 'plain') {
    return reply({ error: 'invalid_request', error_description: 'AADSTS501491: Invalid code_challenge_method.' });
  }
  const users = tenant ? tenant.users : dir.tenants.flatMap((t) => t.users);
  const hint = params.get('login_hint');
  const chosenName = submitted?.get('username') ?? (params.get('prompt') === 'none' ? hint : null);
  if (!chosenName) {
    if (params.get('prompt') === 'none')
      return reply({
        error: 'login_required',
        error_description: 'AADSTS50058: A silent sign-in request was sent but no user is signed in.',
      });
    return { kind: 'page', html: signInPage(app, users, params, hint) };
  }
  const user: ResolvedUser | undefined = users.find((u) => u.upn.toLowerCase() === chosenName.toLowerCase());
  if (!user)
    return reply({
      error: 'invalid_request',
      error_description: `AADSTS50034: The user account ${chosenName} does not exist in the directory.`,
    });
  const claims = params.get('claims') ?? undefined;
  let claimsReq;
  try {
    claimsReq = parseClaims(claims);
  } catch {
    return reply({
      error: 'invalid_request',
      error_description: "AADSTS90004: the 'claims' parameter is not valid JSON.",
    });
  }
  const amr = ['pwd', ...(claimsReq.mfa || submitted?.get('mfa') === 'on' ? ['mfa'] : [])];
  const code = `0.${randomToken(64)}`;
  state.authCodes.set(code, {
    clientId: app.clientId,
    oid: user.oid,
    tid: user.tenantId,
    amr,
    scope: params.get('scope') ?? 'openid profile offline_access',
    redirectUri,
    ...(challenge ? { codeChallenge: challenge } : {}),
    ...(method ? { codeChallengeMethod: method } : {}),
    ...(params.get('nonce') ? { nonce: params.get('nonce')! } : {}),
    ...(claims ? { claims } : {}),
    expiresAt: state.clock.now() + 600,
    used: false,
  });
  return reply({ code, client_info: clientInfo(user.oid, user.tenantId), session_state: randomToken(16) });
}

function signInPage(
  app: ResolvedApp,
  users: readonly ResolvedUser[],
  params: URLSearchParams,
  hint: string | null,
): string {
  const hidden = [...params]
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  const buttons = users
    .map(
      (u) =>
        `<li><button name="username" value="${escapeHtml(u.upn)}"${hint && hint.toLowerCase() === u.upn.toLowerCase() ? ' autofocus' : ''}>${escapeHtml(u.displayName)}<br><small>${escapeHtml(u.upn)}</small></button></li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in - Entra emulator</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto}ul{list-style:none;padding:0}button{width:100%;text-align:left;padding:.6rem;margin:.3rem 0;cursor:pointer}</style></head>
<body><h1>Sign in</h1><p>to <strong>${escapeHtml(app.displayName)}</strong> (local Entra ID emulator: development only, no password needed).</p>
<form method="post">${hidden}<label><input type="checkbox" name="mfa"> complete multi-factor authentication</label><ul>${buttons}</ul></form></body></html>`;
}
