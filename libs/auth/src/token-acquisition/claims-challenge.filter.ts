import { type ArgumentsHost, Catch, HttpStatus, Injectable } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { ClaimsChallengeError } from '../errors/claims-challenge.error.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import { TokenAcquisitionError } from '../errors/token-acquisition.error.js';

/**
 * Registered by `AuthModule` for HTTP requests. Turns token-acquisition errors the client can act on
 * into answers instead of a 500:
 *
 * - {@link ClaimsChallengeError} → `401` with `WWW-Authenticate: Bearer realm="", authorization_uri="…",
 *   error="insufficient_claims", claims="<base64>"` (or `error="interaction_required"` without claims);
 * - {@link IdentityProviderUnavailableError} → `503` with `Retry-After`;
 * - an expired incoming token found during on-behalf-of (AADSTS500133) → `401` with
 *   `WWW-Authenticate: Bearer error="invalid_token"`.
 *
 * Everything else goes to Nest's default handling. Bodies carry the stable `code`, never a token.
 *
 * @example
 * ```ts
 * // Nothing to do: AuthModule registers it. In a hybrid app, register it yourself:
 * app.useGlobalFilters(new TokenAcquisitionExceptionFilter(app.get(HttpAdapterHost).httpAdapter));
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/claims-challenge
 */
@Injectable()
@Catch(TokenAcquisitionError, IdentityProviderUnavailableError)
export class TokenAcquisitionExceptionFilter extends BaseExceptionFilter {
  override catch(exception: TokenAcquisitionError | IdentityProviderUnavailableError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = this.answer(exception);
    if (!reply) {
      super.catch(exception, host);
      return;
    }
    const adapter = this.httpAdapterHost?.httpAdapter ?? this.applicationRef;
    if (!adapter) throw exception;
    const response: unknown = host.switchToHttp().getResponse();
    for (const [name, value] of Object.entries(reply.headers)) adapter.setHeader(response, name, value);
    adapter.reply(
      response,
      { statusCode: reply.status, error: reply.error, code: exception.code, message: firstLine(exception.message) },
      reply.status,
    );
  }

  private answer(
    e: TokenAcquisitionError | IdentityProviderUnavailableError,
  ): { status: number; error: string; headers: Record<string, string> } | undefined {
    if (e instanceof ClaimsChallengeError) {
      return {
        status: HttpStatus.UNAUTHORIZED,
        error: 'Unauthorized',
        headers: { 'WWW-Authenticate': e.toWwwAuthenticateHeader() },
      };
    }
    if (e instanceof IdentityProviderUnavailableError) {
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        error: 'Service Unavailable',
        headers: { 'Retry-After': String(e.retryAfterSeconds) },
      };
    }
    if (e.flow === 'onBehalfOf' && e.aadstsCode === 500133) {
      return {
        status: HttpStatus.UNAUTHORIZED,
        error: 'Unauthorized',
        headers: { 'WWW-Authenticate': 'Bearer error="invalid_token", error_description="The access token expired"' },
      };
    }
    return undefined;
  }
}

function firstLine(message: string): string {
  const i = message.indexOf('\n');
  return i < 0 ? message : message.slice(0, i);
}
