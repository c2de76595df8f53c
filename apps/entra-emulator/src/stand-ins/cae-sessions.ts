/** What Graph answers a token issued before the user's sessions were revoked. */
export type CaeVerdict =
  | { readonly kind: 'ok' }
  /** A CAE-capable client (`xms_cc` has `cp1`): a claims challenge asking for a token issued after `revokedAt`. */
  | { readonly kind: 'challenge'; readonly claims: string }
  /** A client without CAE: the token is simply refused. */
  | { readonly kind: 'revoked' };

/**
 * Continuous Access Evaluation as Microsoft Graph does it for a critical event (sessions revoked,
 * password changed, user disabled): a token issued before the event is refused at once; a client
 * that declared the `cp1` capability gets a claims challenge instead of a plain 401, with
 * `{"access_token":{"nbf":{"essential":true,"value":"<event time>"}}}`, and succeeds with a new token.
 *
 * @see https://learn.microsoft.com/entra/identity/conditional-access/concept-continuous-access-evaluation
 */
export class CaeSessions {
  private readonly revoked = new Map<string, number>();

  /** @param now the clock, in epoch seconds (tests pass the emulator's clock) */
  constructor(private readonly now: () => number = () => Math.floor(Date.now() / 1000)) {}

  /** Revokes every session of the user `oid` from `at` (epoch seconds; default now), like Graph's `revokeSignInSessions`. */
  revokeSignInSessions(oid: string, at: number = this.now()): void {
    this.revoked.set(oid.toLowerCase(), at);
  }

  /** The verdict on a validated token's claims. */
  evaluate(claims: Readonly<Record<string, unknown>>): CaeVerdict {
    const oid = typeof claims.oid === 'string' ? claims.oid.toLowerCase() : '';
    const revokedAt = this.revoked.get(oid);
    const iat = typeof claims.iat === 'number' ? claims.iat : 0;
    if (revokedAt === undefined || iat >= revokedAt) return { kind: 'ok' };
    const capabilities = Array.isArray(claims.xms_cc) ? claims.xms_cc : [];
    if (!capabilities.some((c) => typeof c === 'string' && c.toLowerCase() === 'cp1')) return { kind: 'revoked' };
    return {
      kind: 'challenge',
      claims: JSON.stringify({ access_token: { nbf: { essential: true, value: String(revokedAt) } } }),
    };
  }
}
