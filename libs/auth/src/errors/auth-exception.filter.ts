import { type ArgumentsHost, Catch, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { bearerChallenge } from './www-authenticate.js';
import { AuthErrorCode } from './auth-error-codes.js';
import type { AuthError } from './auth.error.js';
import { ClaimsChallengeError } from './claims-challenge.error.js';
import { IdentityProviderUnavailableError } from './identity-provider-unavailable.error.js';
import { TokenAcquisitionError } from './token-acquisition.error.js';
import { TokenValidationError } from './token-validation.error.js';
import { DownstreamApiError } from './downstream-api.error.js';
import { downstreamApiReplyFor } from './downstream-api-error.reply.js';

/** The HTTP answer to one library error. @internal */
export interface AuthErrorReply {
  readonly status: number;
  readonly error: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Caller-safe text for the JSON body: never a token, a secret or the identity provider's description. */
  readonly message: string;
  /** Extra caller-safe body fields (the AADSTS number, the correlation id). */
  readonly extra?: Readonly<Record<string, string | number>>;
}

/** AADSTS codes of an on-behalf-of exchange that say the incoming token itself is unusable. */
const INVALID_ASSERTION: Readonly<Record<number, string>> = {
  500133: 'The access token expired',
  50013: 'The access token cannot be exchanged by this API',
};
/** `Retry-After` of a 503 for a failed session store (NIW4018). */
const SESSION_STORE_RETRY_AFTER_SECONDS = 5;
/** Entra's answer when the assertion is an app-only token (we usually catch it first: NIW4002). */
const APP_ONLY_ASSERTION = 7000114;

/**
 * The exception filter at the HTTP edge, registered by `AuthModule`: maps every library error that
 * reaches it (token acquisition, an unreachable identity provider, validation errors thrown from
 * handlers) to a deliberate answer; never Nest's anonymous 500:
 *
 * | Error | Status |
 * | --- | --- |
 * | {@link ClaimsChallengeError} (MFA, Conditional Access, consent) | `401` + `WWW-Authenticate: Bearer realm="", authorization_uri="…", error="insufficient_claims", claims="…"` (or `error="interaction_required"`) |
 * | {@link IdentityProviderUnavailableError} | `503` + `Retry-After` |
 * | incoming token expired (AADSTS500133) or not for this app (AADSTS50013) during on-behalf-of; a {@link TokenValidationError} | `401` + `Bearer error="invalid_token"` |
 * | app-only caller on a route that acquires a user token (`NIW4002`, AADSTS7000114) | `403` + `Bearer error="insufficient_scope"` |
 * | on-behalf-of with another scheme's token acquisition than the caller's (`NIW2005`; logged) | `403` + `Bearer error="insufficient_scope"` |
 * | any other refusal by the identity provider (`invalid_client`, `invalid_scope`…) | `502` with the code and AADSTS number, no description |
 * | configuration or programming errors (`NIW4001`, `4003`–`4006`, `4010`, `4011`, `4023`, `4024`) | `500` with the code; the full message is logged |
 * | {@link DownstreamApiError} (`DownstreamApi`) | `502`, `504` for a timeout, `503` + `Retry-After` when the downstream API asked to retry later |
 *
 * Bodies are Nest-style JSON with the stable `code`; they never contain a token, a secret or text
 * the identity provider could have echoed from the request.
 *
 * @example
 * ```ts
 * // Nothing to do: AuthModule registers it. In a hybrid app, register it yourself:
 * app.useGlobalFilters(new AuthExceptionFilter(app.get(HttpAdapterHost).httpAdapter));
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/claims-challenge
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
@Injectable()
@Catch(TokenAcquisitionError, IdentityProviderUnavailableError, TokenValidationError, DownstreamApiError)
export class AuthExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('TokenAcquisition');

  override catch(
    exception: TokenAcquisitionError | IdentityProviderUnavailableError | TokenValidationError | DownstreamApiError,
    host: ArgumentsHost,
  ): void {
    if (host.getType() !== 'http') throw exception;
    const adapter = this.httpAdapterHost?.httpAdapter ?? this.applicationRef;
    if (!adapter) throw exception;
    const reply = replyFor(exception);
    if (reply.status === 500 || exception.code === AuthErrorCode.AuthSchemeMismatch) {
      // A configuration or programming error: the operator needs the whole actionable message.
      this.logger.error(exception.message);
    }
    const response: unknown = host.switchToHttp().getResponse();
    for (const [name, value] of Object.entries(reply.headers)) adapter.setHeader(response, name, value);
    adapter.reply(
      response,
      {
        statusCode: reply.status,
        error: reply.error,
        code: exception.code,
        message: reply.message,
        ...reply.extra,
      },
      reply.status,
    );
  }
}

/**
 * The former name of {@link AuthExceptionFilter}, kept so existing code compiles.
 *
 * @deprecated Use {@link AuthExceptionFilter}: it answers every library error, not only token acquisition's.
 * @example
 * ```ts
 * // before
 * app.useGlobalFilters(new TokenAcquisitionExceptionFilter(httpAdapter));
 * // now
 * app.useGlobalFilters(new AuthExceptionFilter(httpAdapter));
 * ```
 */
export const TokenAcquisitionExceptionFilter = AuthExceptionFilter;
/** @deprecated Use {@link AuthExceptionFilter}. */
export type TokenAcquisitionExceptionFilter = AuthExceptionFilter;

/**
 * The HTTP answer for a library error (see {@link AuthExceptionFilter}).
 * @internal
 */
export function replyFor(
  e: TokenAcquisitionError | IdentityProviderUnavailableError | TokenValidationError | DownstreamApiError,
): AuthErrorReply {
  if (e instanceof DownstreamApiError) return downstreamApiReplyFor(e);
  if (e instanceof ClaimsChallengeError) {
    return {
      status: HttpStatus.UNAUTHORIZED,
      error: 'Unauthorized',
      headers: { 'WWW-Authenticate': e.toWwwAuthenticateHeader() },
      message: summary(e),
    };
  }
  if (e instanceof IdentityProviderUnavailableError) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      error: 'Service Unavailable',
      headers: { 'Retry-After': String(e.retryAfterSeconds) },
      message: 'The identity provider is unavailable. Retry later.',
    };
  }
  if (e instanceof TokenValidationError) return invalidToken(e.description);
  const invalidAssertion = e.flow === 'onBehalfOf' && e.aadstsCode !== undefined && INVALID_ASSERTION[e.aadstsCode];
  if (invalidAssertion) return invalidToken(invalidAssertion);
  if (e.code === AuthErrorCode.AppOnlyAssertion || e.aadstsCode === APP_ONLY_ASSERTION) {
    // The token is valid and the caller authenticated, but an app can never get a user token:
    // 401 would make a daemon fetch the same app token again and loop. RFC 6750 §3.1: the request
    // needs privileges the token cannot carry, which is insufficient_scope (403).
    const description = 'This operation acts on behalf of a user and needs a delegated (user) token.';
    return {
      status: HttpStatus.FORBIDDEN,
      error: 'Forbidden',
      headers: {
        'WWW-Authenticate': bearerChallenge({ error: 'insufficient_scope', error_description: description }),
      },
      message: description,
    };
  }
  if (e.code === AuthErrorCode.AuthSchemeMismatch) {
    // The caller's token is valid for another scheme of this app: this operation cannot use it
    // (its scheme's credentials are not the ones asked for). Not the caller's fault, but not a 500:
    // a route accepting several schemes would otherwise answer 500 to some valid callers.
    const description = "This operation cannot act on behalf of a caller of this token's scheme.";
    return {
      status: HttpStatus.FORBIDDEN,
      error: 'Forbidden',
      headers: {
        'WWW-Authenticate': bearerChallenge({ error: 'insufficient_scope', error_description: description }),
      },
      message: description,
    };
  }
  if (e.code === AuthErrorCode.LongRunningSessionStoreFailed) {
    // The store of long-running sessions (Redis) failed and the session is kept: a transient outage.
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      error: 'Service Unavailable',
      headers: { 'Retry-After': String(SESSION_STORE_RETRY_AFTER_SECONDS) },
      message: 'The session store is unavailable. Retry later.',
    };
  }
  if (e.code === AuthErrorCode.LongRunningSessionNotFound) {
    // A key that is unknown, ended, or another application's: nothing to act on (and no hint of
    // whether it ever existed).
    return { status: HttpStatus.NOT_FOUND, error: 'Not Found', headers: {}, message: 'No such long-running session.' };
  }
  if (e.code === AuthErrorCode.LongRunningSessionExpired || e.code === AuthErrorCode.LongRunningSessionRevoked) {
    // The session has ended for good: the user must call again (sign in) to start a new one.
    return {
      status: HttpStatus.GONE,
      error: 'Gone',
      headers: {},
      message: 'The long-running session has ended; start a new one from a request of the signed-in user.',
    };
  }
  if (e.code === AuthErrorCode.LongRunningSessionNotStarted) {
    // No refresh token came back, or the incoming token names no user: nothing can back a session.
    return {
      status: HttpStatus.BAD_GATEWAY,
      error: 'Bad Gateway',
      headers: {},
      message: 'No long-running session could be started for this caller.',
    };
  }
  if (e.status !== undefined) {
    // The identity provider answered and refused (wrong credential, unknown scope, app not found…):
    // our configuration or the directory is wrong, not the caller's request. Its description may
    // echo request values, so only the AADSTS number and our correlation id go to the caller.
    const aadsts = e.aadstsCode !== undefined ? ` (AADSTS${e.aadstsCode})` : '';
    return {
      status: HttpStatus.BAD_GATEWAY,
      error: 'Bad Gateway',
      headers: {},
      message: `The identity provider refused the token request${aadsts}.`,
      extra: {
        ...(e.aadstsCode !== undefined ? { aadsts: e.aadstsCode } : {}),
        ...(e.correlationId !== undefined ? { correlationId: e.correlationId } : {}),
      },
    };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    error: 'Internal Server Error',
    headers: {},
    message: summary(e),
  };
}

function invalidToken(description: string): AuthErrorReply {
  return {
    status: HttpStatus.UNAUTHORIZED,
    error: 'Unauthorized',
    headers: { 'WWW-Authenticate': bearerChallenge({ error: 'invalid_token', error_description: description }) },
    message: description.endsWith('.') ? description : `${description}.`,
  };
}

/** The first line of the message, without the `NIWxxxx: ` prefix (the code is its own field). */
function summary(e: AuthError): string {
  const i = e.message.indexOf('\n');
  const line = i < 0 ? e.message : e.message.slice(0, i);
  return line.startsWith(`${e.code}: `) ? line.slice(e.code.length + 2) : line;
}
