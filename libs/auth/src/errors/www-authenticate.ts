/**
 * RFC 6750 §3 `WWW-Authenticate` values. Parameter values are quoted-strings: `"` and `\` are
 * escaped and control characters dropped, so no caller-controlled text can split the header.
 * @internal
 */
export function bearerChallenge(params: Readonly<Record<string, string | undefined>> = {}): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    parts.push(`${name}="${quote(value)}"`);
  }
  return parts.length ? `Bearer ${parts.join(', ')}` : 'Bearer';
}

function quote(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]/g, '').replace(/(["\\])/g, '\\$1');
}
