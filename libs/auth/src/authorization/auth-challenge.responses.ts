import {
  ForbiddenException,
  type HttpException,
  type Logger,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { AuthErrorCode, type AuthErrorCodeValue } from '../errors/auth-error-codes.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import { TokenValidationError } from '../errors/token-validation.error.js';
import { bearerChallenge } from '../errors/www-authenticate.js';

/** Sets one response header (the guard's `setHeader` hook, bound to the current request). @internal */
export type HeaderSetter = (name: string, value: string) => void;

/**
 * The guard's answers (RFC 6750 §3): Nest exceptions with our error `code` in a Nest-style body,
 * and the matching `WWW-Authenticate` or `Retry-After` header on the response.
 * @internal
 */
export class AuthChallengeResponses {
  constructor(private readonly logger: Logger) {}

  /** A refused or unverifiable token → 401 `invalid_token`; an unreachable identity provider → 503. */
  fromValidationFailure(setHeader: HeaderSetter, error: unknown): HttpException {
    if (error instanceof TokenValidationError) return this.invalidToken(setHeader, error);
    if (error instanceof IdentityProviderUnavailableError) {
      this.logger.error(error.message);
      setHeader('Retry-After', String(error.retryAfterSeconds));
      return new ServiceUnavailableException(
        {
          statusCode: 503,
          error: 'Service Unavailable',
          code: error.code,
          message: 'The identity provider is unavailable; the token cannot be validated now. Retry later.',
        },
        { cause: error },
      );
    }
    // Fail closed on anything unexpected, without echoing its message (it could contain input).
    this.logger.error(`Token validation failed unexpectedly: ${error instanceof Error ? error.name : typeof error}`);
    return this.invalidToken(
      setHeader,
      TokenValidationError.create(AuthErrorCode.MalformedToken, 'The token could not be validated.', undefined, {
        cause: error,
      }),
    );
  }

  /** 401 with `error="invalid_token"` and the error's description. */
  invalidToken(setHeader: HeaderSetter, error: TokenValidationError): UnauthorizedException {
    this.logger.debug(`${error.code}: ${error.message}`);
    return this.unauthorized(
      setHeader,
      error.code,
      error.description,
      bearerChallenge({ error: 'invalid_token', error_description: error.description }),
      error,
    );
  }

  /** 401 with the given challenge. */
  unauthorized(
    setHeader: HeaderSetter,
    code: AuthErrorCodeValue,
    message: string,
    challenge: string,
    cause?: unknown,
  ): UnauthorizedException {
    setHeader('WWW-Authenticate', challenge);
    return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', code, message }, { cause });
  }

  /** 403 with `error="insufficient_scope"` and the accepted values as `scope`. */
  forbidden(
    setHeader: HeaderSetter,
    code: AuthErrorCodeValue,
    message: string,
    accepted: readonly string[],
  ): ForbiddenException {
    setHeader(
      'WWW-Authenticate',
      bearerChallenge({
        error: 'insufficient_scope',
        error_description: message,
        scope: accepted.length ? accepted.join(' ') : undefined,
      }),
    );
    return new ForbiddenException({ statusCode: 403, error: 'Forbidden', code, message });
  }
}
