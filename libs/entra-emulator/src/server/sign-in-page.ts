import type { ResolvedApp, ResolvedUser } from '../directory/directory.js';
import { escapeHtml } from './http-util.js';

/** An error shown on the sign-in page, as Entra shows it: a message, and the code under details. @internal */
export interface SignInPageError {
  readonly code: number;
  readonly message: string;
}

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto}label,input,button{display:block;width:100%;box-sizing:border-box}input{padding:.5rem;margin:.2rem 0 .8rem}button{padding:.6rem;margin:.3rem 0;cursor:pointer}#error{color:#a80000}small{color:#555}';

function hiddenInputs(params: URLSearchParams, extra: Record<string, string> = {}): string {
  return [...params, ...Object.entries(extra)]
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
}

function errorBlock(error: SignInPageError | undefined): string {
  return error
    ? `<div id="error" role="alert" data-error-code="${error.code}">${escapeHtml(error.message)}<br><small>AADSTS${error.code}</small></div>`
    : '';
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - Entra emulator</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/**
 * The username and password page. The directory's users are offered as suggestions (a development
 * convenience Entra does not have); the password is checked as ROPC checks it.
 * @internal
 */
export function signInPage(
  app: ResolvedApp,
  users: readonly ResolvedUser[],
  params: URLSearchParams,
  username: string | null,
  error?: SignInPageError,
): string {
  const options = users
    .map((u) => `<option value="${escapeHtml(u.upn)}">${escapeHtml(u.displayName)}</option>`)
    .join('');
  return page(
    'Sign in',
    `<h1>Sign in</h1><p>to <strong>${escapeHtml(app.displayName)}</strong> (local Entra ID emulator: development only).</p>${errorBlock(error)}` +
      `<form method="post">${hiddenInputs(params)}` +
      `<label for="username">Email, phone, or Skype</label><input id="username" name="username" type="email" list="users" autocomplete="username" required value="${escapeHtml(username ?? '')}"${username ? '' : ' autofocus'}>` +
      `<datalist id="users">${options}</datalist>` +
      `<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password"${username ? ' autofocus' : ''}>` +
      `<button type="submit">Sign in</button></form>`,
  );
}

/** The second-factor page of a user an MFA policy (or a claims challenge) applies to. @internal */
export function mfaPage(user: ResolvedUser, params: URLSearchParams, flowToken: string): string {
  return page(
    'Approve sign-in request',
    `<h1>Approve sign-in request</h1><p>${escapeHtml(user.upn)}</p><p>Your organization requires multi-factor authentication. The emulator stands in for the authenticator app.</p>` +
      `<form method="post">${hiddenInputs(params, { flowToken })}` +
      `<button type="submit" name="mfa" value="approve">Approve</button><button type="submit" name="mfa" value="deny">Deny</button></form>`,
  );
}
