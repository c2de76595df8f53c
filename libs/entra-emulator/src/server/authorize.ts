import type { ResolvedApp, ResolvedUser } from '../directory/directory.js';
import { parseClaims, type ClaimsRequest } from '../protocol/claims-request.js';
import { timingSafeEqualString } from '../protocol/client-auth.js';
import { EntraProtocolError, Errors } from '../protocol/errors.js';
import { applyPolicies, withGraphFallback } from '../protocol/grants/user-tokens.js';
import { parseScopes, type ParsedScopes } from '../protocol/scopes.js';
import type { EmulatorState } from '../protocol/state.js';
import { clientInfo } from '../protocol/tokens.js';
import { randomToken } from '../util/encoding.js';
import { escapeHtml } from './http-util.js';
import { mfaPage, signInPage } from './sign-in-page.js';

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
  let claimsReq: ClaimsRequest;
  try {
    claimsReq = parseClaims(params.get('claims') ?? undefined);
  } catch {
    return reply({
      error: 'invalid_request',
      error_description: "AADSTS90004: the 'claims' parameter is not valid JSON.",
    });
  }
  const ctx: SignInContext = { state, app, params, claims: claimsReq, reply, redirectUri, challenge, method };
  const flowToken = submitted?.get('flowToken');
  if (flowToken) return secondFactor(ctx, flowToken, submitted?.get('mfa') ?? null);
  const hint = params.get('login_hint');
  if (params.get('prompt') === 'none') {
    // No browser session exists; the login hint stands for one, signed in with a password only.
    if (!hint)
      return reply({
        error: 'login_required',
        error_description: 'AADSTS50058: A silent sign-in request was sent but no user is signed in.',
      });
    const user = users.find((u) => u.upn.toLowerCase() === hint.toLowerCase());
    if (!user)
      return reply({
        error: 'invalid_request',
        error_description: `AADSTS50034: The user account ${hint} does not exist in the directory.`,
      });
    const verdict = signInPolicy(ctx, user, ['pwd']);
    if (verdict === 'mfa')
      return reply({
        error: 'interaction_required',
        error_description: 'AADSTS50076: multi-factor authentication is required; sign in interactively.',
      });
    return verdict === 'ok' ? issueCode(ctx, user, ['pwd']) : reply(blockedFields(verdict));
  }
  const username = submitted?.get('username');
  if (!username) return { kind: 'page', html: signInPage(app, users, params, hint) };
  const user = users.find((u) => u.upn.toLowerCase() === username.toLowerCase());
  if (!user)
    return {
      kind: 'page',
      html: signInPage(app, users, params, username, {
        code: 50034,
        message: "We couldn't find an account with that username. Try another, or get a new account.",
      }),
    };
  const password = submitted?.get('password') ?? '';
  if (user.password === undefined || !timingSafeEqualString(user.password, password))
    return {
      kind: 'page',
      html: signInPage(app, users, params, username, {
        code: 50126,
        message: "Your account or password is incorrect. If you don't remember your password, reset it now.",
      }),
    };
  const verdict = signInPolicy(ctx, user, ['pwd']);
  if (verdict === 'mfa') {
    const token = randomToken(32);
    // Abandoned MFA pages must not pile up: drop the expired ones whenever a new one starts.
    for (const [k, v] of state.pendingSignIns) if (v.expiresAt <= state.clock.now()) state.pendingSignIns.delete(k);
    state.pendingSignIns.set(token, {
      oid: user.oid,
      params: params.toString(),
      expiresAt: state.clock.now() + 600,
    });
    return { kind: 'page', html: mfaPage(user, params, token) };
  }
  return verdict === 'ok' ? issueCode(ctx, user, ['pwd']) : reply(blockedFields(verdict));
}

/** What the sign-in steps share. */
interface SignInContext {
  readonly state: EmulatorState;
  readonly app: ResolvedApp;
  readonly params: URLSearchParams;
  readonly claims: ClaimsRequest;
  readonly reply: (fields: Record<string, string>) => AuthorizeOutcome;
  readonly redirectUri: string;
  readonly challenge: string | null;
  readonly method: string | undefined;
}

/** The answer to the MFA page: approve completes the sign-in with `amr` `pwd mfa`. */
function secondFactor(ctx: SignInContext, flowToken: string, answer: string | null): AuthorizeOutcome {
  const pending = ctx.state.pendingSignIns.get(flowToken);
  ctx.state.pendingSignIns.delete(flowToken);
  const user = pending ? ctx.state.directory.userByOid(pending.oid) : undefined;
  if (!pending || !user || pending.expiresAt <= ctx.state.clock.now() || pending.params !== ctx.params.toString())
    return ctx.reply({
      error: 'invalid_request',
      error_description: 'AADSTS50097: the sign-in session is not valid or has expired; sign in again.',
    });
  if (answer !== 'approve')
    return ctx.reply({
      error: 'access_denied',
      error_description: 'AADSTS500121: Authentication failed during strong authentication request.',
    });
  const verdict = signInPolicy(ctx, user, ['pwd', 'mfa']);
  return verdict === 'ok' || verdict === 'mfa'
    ? issueCode(ctx, user, ['pwd', 'mfa'])
    : ctx.reply(blockedFields(verdict));
}

function blockedFields(err: EntraProtocolError): Record<string, string> {
  return { error: 'access_denied', error_description: `AADSTS${err.code}: ${err.description}` };
}

/**
 * The directory's Conditional Access policies for this sign-in, as ROPC applies them: `mfa` when a
 * second factor is owed (a policy, or a step-up `claims` request), the error of a blocking policy, or `ok`.
 */
function signInPolicy(
  ctx: SignInContext,
  user: ResolvedUser,
  amr: readonly string[],
): 'ok' | 'mfa' | EntraProtocolError {
  const dir = ctx.state.directory;
  const tenant = dir.tenant(user.tenantId)!;
  let parsed: ParsedScopes;
  try {
    parsed = withGraphFallback(parseScopes(ctx.params.get('scope') ?? 'openid', dir, tenant.name), dir, ctx.app);
  } catch {
    // Scope errors are the token endpoint's to report.
    return 'ok';
  }
  if (ctx.claims.mfa && !amr.includes('mfa')) return 'mfa';
  try {
    applyPolicies(tenant, user.oid, parsed, amr, { ...ctx.claims, mfa: false });
    return 'ok';
  } catch (e) {
    if (!(e instanceof EntraProtocolError)) throw e;
    return e.code === 50076 ? 'mfa' : e;
  }
}

/** Stores a single-use code for the signed-in user and sends it to the redirect URI. */
function issueCode(ctx: SignInContext, user: ResolvedUser, amr: readonly string[]): AuthorizeOutcome {
  const { state, app, params } = ctx;
  const claims = params.get('claims');
  const code = `0.${randomToken(64)}`;
  state.authCodes.set(code, {
    clientId: app.clientId,
    oid: user.oid,
    tid: user.tenantId,
    amr: [...amr],
    scope: params.get('scope') ?? 'openid profile offline_access',
    redirectUri: ctx.redirectUri,
    ...(ctx.challenge ? { codeChallenge: ctx.challenge } : {}),
    ...(ctx.method ? { codeChallengeMethod: ctx.method } : {}),
    ...(params.get('nonce') ? { nonce: params.get('nonce')! } : {}),
    ...(claims ? { claims } : {}),
    expiresAt: state.clock.now() + 600,
    used: false,
  });
  return ctx.reply({ code, client_info: clientInfo(user.oid, user.tenantId), session_state: randomToken(16) });
}
