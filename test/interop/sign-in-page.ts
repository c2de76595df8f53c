import type { EntraEmulator } from '@nest-identity-web/entra-emulator';

/** What a browser ends up with after the emulator's sign-in page. */
export interface SignInPageResult {
  /** The redirect URI with `code` (or `error`), when the flow redirected. */
  readonly location?: URL;
  /** The last HTML page shown (a page with an error, or the MFA page). */
  readonly html?: string;
}

/** The hidden inputs of the page's form, as a browser would submit them. */
function formFields(html: string): URLSearchParams {
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields.append(unescape(m[1]!), unescape(m[2]!));
  }
  return fields;
}

function unescape(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * Plays a browser (the emulator's fetch never follows redirects) on the emulator's sign-in page: opens the authorize URL, submits the username and
 * password, and approves the MFA page when one is shown and `approveMfa` is set.
 */
export async function signInThroughPage(
  emu: EntraEmulator,
  authorizeUrl: string,
  credentials: { username: string; password: string; approveMfa?: boolean },
): Promise<SignInPageResult> {
  const post = (html: string, extra: Record<string, string>) => {
    const body = formFields(html);
    for (const [k, v] of Object.entries(extra)) body.set(k, v);
    return emu.fetch(authorizeUrl.split('?')[0]!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  };
  const first = await emu.fetch(authorizeUrl);
  if (first.status === 302) return { location: new URL(first.headers.get('location')!) };
  const page = await first.text();
  let res = await post(page, { username: credentials.username, password: credentials.password });
  if (res.status === 302) return { location: new URL(res.headers.get('location')!) };
  const next = await res.text();
  if (!next.includes('name="flowToken"') || !credentials.approveMfa) return { html: next };
  res = await post(next, { mfa: 'approve' });
  if (res.status === 302) return { location: new URL(res.headers.get('location')!) };
  return { html: await res.text() };
}
