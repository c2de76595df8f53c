// When a long-running session is over: unknown keys, and the identity provider's answers that mean its
// refresh token will never work again.
import { AuthErrorCode } from '../../errors/auth-error-codes.js';
import { ClaimsChallengeError } from '../../errors/claims-challenge.error.js';
import { LongRunningSessionError } from '../../errors/long-running-session.error.js';
import { TokenAcquisitionError } from '../../errors/token-acquisition.error.js';

/** Entra answers that mean "this refresh token will never work again": the session is over. */
const REJECTED_AADSTS = new Set([
  700082, // expired due to inactivity
  50173, // grant revoked (password change, sign-out everywhere)
  70043, // expired or revoked by Conditional Access sign-in frequency
  65001, // consent withdrawn
  70008, // expired
  50076, // MFA now required
  53003, // blocked by Conditional Access
  700084, // SPA refresh token lifetime
  9002313, // malformed / unknown grant
]);
const REJECTED_ERRORS = new Set(['invalid_grant', 'interaction_required', 'consent_required', 'login_required']);

/** NIW4014: unknown, ended or foreign key. @internal */
export function notFound(): LongRunningSessionError {
  return LongRunningSessionError.create(
    AuthErrorCode.LongRunningSessionNotFound,
    'The long-running session key is unknown: never issued, ended, expired from the store, or issued to another application.',
    [
      'Start a new session from a request of the user.',
      'Check that every process shares the same tokenCache.store and clientId.',
    ],
    { flow: 'onBehalfOf' },
  );
}

/** True when the error means the session's refresh token is dead. @internal */
export function isRejection(error: unknown): boolean {
  if (error instanceof ClaimsChallengeError) return true;
  if (!(error instanceof TokenAcquisitionError)) return false;
  return (
    (error.aadstsCode !== undefined && REJECTED_AADSTS.has(error.aadstsCode)) ||
    (error.msalErrorCode !== undefined && REJECTED_ERRORS.has(error.msalErrorCode))
  );
}

/** The caller's user: the validated principal, else the assertion's (unvalidated) claims. @internal */
export function userOf(
  principal: { oid: string | undefined; tid: string | undefined; isAppOnly: boolean } | undefined,
  assertion: string,
): { oid: string | undefined; tid: string | undefined; isAppOnly: boolean } {
  if (principal) return principal;
  let c: Record<string, unknown> = {};
  try {
    c = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    // Not a JWT: no oid, so the start is refused below.
  }
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const oid = str(c['oid']);
  const sub = str(c['sub']);
  return { oid, tid: str(c['tid']), isAppOnly: c['idtyp'] === 'app' || (oid !== undefined && oid === sub) };
}

/** Where a session failure happened, for the coded error. @internal */
export interface SessionFailureDetails {
  readonly flow: 'onBehalfOf';
  readonly scopes: readonly string[];
  readonly tenantId: string;
  readonly correlationId: string;
}

/** NIW4015: the session outlived `longRunningSessions.maxAgeSeconds`. @internal */
export function sessionExpired(record: { readonly scopes: readonly string[]; readonly tenant: string }) {
  return LongRunningSessionError.create(
    AuthErrorCode.LongRunningSessionExpired,
    'The long-running session is older than longRunningSessions.maxAgeSeconds and was ended.',
    ['Start a new session from a request of the user.', 'Raise longRunningSessions.maxAgeSeconds if jobs need longer.'],
    { flow: 'onBehalfOf', scopes: record.scopes, tenantId: record.tenant },
  );
}

/** NIW4016: the identity provider rejected the refresh token; the session is over. @internal */
export function refreshTokenRejected(e: TokenAcquisitionError, details: SessionFailureDetails, cause: unknown) {
  return LongRunningSessionError.create(
    AuthErrorCode.LongRunningSessionRevoked,
    `The identity provider rejected the session's refresh token (${e.msalErrorCode ?? 'error'}${e.aadstsCode ? `, AADSTS${e.aadstsCode}` : ''}); the session was ended.`,
    [
      'The user must sign in again and start a new session (expired, revoked, password change, consent withdrawn or a new Conditional Access requirement).',
    ],
    {
      ...details,
      ...(e.aadstsCode ? { aadstsCode: e.aadstsCode } : {}),
      ...(e.msalErrorCode ? { msalErrorCode: e.msalErrorCode } : {}),
    },
    { cause },
  );
}

/** NIW4016: the answer was for another user or tenant than the session's (defence in depth). @internal */
export function answeredForAnotherUser(details: SessionFailureDetails) {
  return LongRunningSessionError.create(
    AuthErrorCode.LongRunningSessionRevoked,
    'The identity provider answered for another user or tenant than the session was started for; the session was ended.',
    ['Report this with the correlation id.'],
    details,
  );
}

/** NIW4001: `start()` outside a guarded request and without an assertion. @internal */
export function noCallerToStart(problem: string) {
  return TokenAcquisitionError.create(
    AuthErrorCode.NoCallerInContext,
    `Cannot start a long-running session: ${problem}`,
    [
      'Call start() from a controller (or a service it calls) protected by AuthGuard.',
      'Outside a request, pass the validated incoming token: start(scopes, { assertion }).',
    ],
    { flow: 'onBehalfOf' },
  );
}

/** NIW4002: an app-only caller cannot start a session on behalf of a user. @internal */
export function appOnlyCaller(scopes: readonly string[]) {
  return TokenAcquisitionError.create(
    AuthErrorCode.AppOnlyAssertion,
    'The caller is an application (app-only token); a long-running session needs a user token.',
    ['Use getAccessTokenForApp for work done as the application.'],
    { flow: 'onBehalfOf', scopes },
  );
}

/** NIW4017: no oid or tid to bind the session to. @internal */
export function notBindable(scopes: readonly string[]) {
  return LongRunningSessionError.create(
    AuthErrorCode.LongRunningSessionNotStarted,
    'The incoming token has no oid or tid claim, so a session cannot be bound to its user.',
    ['Long-running sessions need Entra ID user tokens (v1 or v2) with oid and tid.'],
    { flow: 'onBehalfOf', scopes },
  );
}

/** NIW4017: the on-behalf-of answer carried no refresh token. @internal */
export function noRefreshToken(scopes: readonly string[], tenantId: string, correlationId: string) {
  return LongRunningSessionError.create(
    AuthErrorCode.LongRunningSessionNotStarted,
    'The identity provider returned no refresh token for the on-behalf-of exchange.',
    [
      'Check that the token endpoint honours offline_access for on-behalf-of (Entra does).',
      'A tenant policy may forbid refresh tokens for this app; use application permissions instead.',
    ],
    { flow: 'onBehalfOf', scopes, tenantId, correlationId },
  );
}
