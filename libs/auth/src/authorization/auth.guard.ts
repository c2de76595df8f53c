import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { BEARER_AUTHENTICATOR, NORMALIZED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import type { NormalizedAuthOptions } from '../auth-options.normalize.js';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenValidationError } from '../errors/token-validation.error.js';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';
import { RequestContextStore } from '../request-context/request-context.js';
import type { BearerAuthentication, BearerAuthenticator } from '../validation/bearer-authenticator.js';
import { extractBearerToken } from '../validation/bearer-token.util.js';
import { AuthChallengeResponses, type HeaderSetter } from './auth-challenge.responses.js';
import { RequirementResolver, type ResolvedRequirements } from './requirement-resolver.js';
import { hasAny } from './scope-verification.js';
import { bearerChallenge } from '../errors/www-authenticate.js';

/**
 * The request fields the guard reads and writes: the `Authorization` header in, the validated
 * principal out (`req.user`).
 *
 * @example
 * ```ts
 * @Get('me') me(@Req() req: AuthenticatedRequest) {
 *   return req.user?.oid;
 * }
 * ```
 */
export interface AuthenticatedRequest {
  headers?: Record<string, unknown>;
  user?: AuthPrincipal;
}

/**
 * Authenticates the bearer token with the configured strategy, then authorizes with
 * `@RequiredScopes`, `@RequiredAppPermissions` and `@RequiredScopesOrAppPermissions`
 * (`@Public()` opts out). Use it per controller or globally through `APP_GUARD`.
 *
 * Answers (RFC 6750 §3):
 * - no token → 401, `WWW-Authenticate: Bearer`;
 * - refused token → 401, `WWW-Authenticate: Bearer error="invalid_token", error_description="…"`;
 * - missing scope or app permission → 403, `WWW-Authenticate: Bearer error="insufficient_scope", scope="…"`;
 * - identity provider unreachable with no last-known-good keys → 503 with `Retry-After`.
 *
 * Bodies are Nest-style JSON with our error `code`. On success the principal is `req.user` and the
 * caller (principal + assertion, for on-behalf-of) is recorded in the request context.
 *
 * Subclass and override `getRequest`/`getResponse` for GraphQL or RPC.
 *
 * @example
 * ```ts
 * // globally
 * providers: [{ provide: APP_GUARD, useClass: AuthGuard }]
 * // or per controller
 * @UseGuards(AuthGuard)
 * @RequiredScopes('access_as_user')
 * @Controller('todos') export class TodosController {}
 * ```
 * @throws UnauthorizedException 401 for a missing or refused token
 * @throws ForbiddenException 403 for a missing scope or app permission
 * @throws ServiceUnavailableException 503 when the identity provider is unreachable
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');
  private readonly requirements: RequirementResolver;
  private readonly responses = new AuthChallengeResponses(this.logger);

  constructor(
    protected readonly reflector: Reflector,
    @Inject(BEARER_AUTHENTICATOR) private readonly authenticator: BearerAuthenticator,
    @Inject(NORMALIZED_AUTH_OPTIONS) private readonly options: NormalizedAuthOptions,
  ) {
    this.requirements = new RequirementResolver(
      reflector,
      (key) => this.options.validation.configuration(key),
      this.logger,
    );
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const requirements = this.requirements.requirementsFor(context);
    if (requirements.isPublic) return true;
    // Synchronously, before any await: see RequestContextStore.begin().
    RequestContextStore.begin();
    return this.authenticateAndAuthorize(context, requirements);
  }

  private async authenticateAndAuthorize(
    context: ExecutionContext,
    requirements: ResolvedRequirements,
  ): Promise<boolean> {
    const request = this.getRequest(context);
    const token = extractBearerToken(request);
    if (token === undefined) {
      // RFC 6750 §3.1: a request without credentials gets a challenge without an error code.
      throw this.responses.unauthorized(
        this.headersOf(context),
        AuthErrorCode.MissingBearerToken,
        'A bearer token is required.',
        bearerChallenge(),
      );
    }
    if (token === null) {
      throw this.responses.invalidToken(
        this.headersOf(context),
        TokenValidationError.create(AuthErrorCode.MalformedToken, 'The token is malformed.'),
      );
    }
    let authenticated: BearerAuthentication;
    try {
      authenticated = await this.authenticator.authenticate(token, request);
    } catch (error) {
      throw this.responses.fromValidationFailure(this.headersOf(context), error);
    }
    const { principal, tokenHash } = authenticated;
    request.user = principal;
    // The validator's cache key is the SHA-256 on-behalf-of partitions by: hand it on, so the
    // token is hashed once per request.
    RequestContextStore.set(
      tokenHash === undefined
        ? { principal, assertion: token }
        : { principal, assertion: token, assertionHash: tokenHash },
    );
    this.authorize(context, principal, requirements);
    return true;
  }

  /** The HTTP request; override for GraphQL (`GqlExecutionContext`) or RPC. */
  protected getRequest(context: ExecutionContext): AuthenticatedRequest {
    return context.switchToHttp().getRequest<AuthenticatedRequest>();
  }

  /** The HTTP response the challenge headers go on; override for GraphQL or RPC. */
  protected getResponse(context: ExecutionContext): unknown {
    return context.switchToHttp().getResponse<unknown>();
  }

  /** Sets a response header on Express (`res.header`/`setHeader`) and Fastify (`reply.header`). */
  protected setHeader(context: ExecutionContext, name: string, value: string): void {
    const response = this.getResponse(context) as
      { header?: (n: string, v: string) => unknown; setHeader?: (n: string, v: string) => unknown } | undefined;
    if (typeof response?.header === 'function') response.header(name, value);
    else if (typeof response?.setHeader === 'function') response.setHeader(name, value);
  }

  private headersOf(context: ExecutionContext): HeaderSetter {
    return (name, value) => this.setHeader(context, name, value);
  }

  private authorize(context: ExecutionContext, principal: AuthPrincipal, r: ResolvedRequirements): void {
    if (r.misconfigured) {
      throw this.responses.forbidden(
        this.headersOf(context),
        AuthErrorCode.EmptyAuthorizationRequirement,
        r.misconfigured,
        [],
      );
    }
    if (r.scopes && !hasAny(principal.scopes, r.scopes)) {
      throw this.responses.forbidden(
        this.headersOf(context),
        AuthErrorCode.InsufficientScope,
        `The 'scope' or 'scp' claim does not contain scopes '${r.scopes.join(',')}' or was not found.`,
        r.scopes,
      );
    }
    if (r.appPermissions && !hasAny(principal.roles, r.appPermissions)) {
      throw this.responses.forbidden(
        this.headersOf(context),
        AuthErrorCode.InsufficientAppPermission,
        `The 'roles' or 'role' claim does not contain roles '${r.appPermissions.join(', ')}' or was not found.`,
        r.appPermissions,
      );
    }
    const either = r.scopesOrAppPermissions;
    if (either && !hasAny(principal.scopes, either.scopes) && !hasAny(principal.roles, either.appPermissions)) {
      throw this.responses.forbidden(
        this.headersOf(context),
        either.scopes.length ? AuthErrorCode.InsufficientScope : AuthErrorCode.InsufficientAppPermission,
        `The token holds none of the scopes '${either.scopes.join(',')}' nor app permissions '${either.appPermissions.join(', ')}'.`,
        [...either.scopes, ...either.appPermissions],
      );
    }
  }
}
