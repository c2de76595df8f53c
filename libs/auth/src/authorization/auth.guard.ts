import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { authSchemeToken, BEARER_AUTHENTICATOR, NORMALIZED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import type { NormalizedAuthOptions } from '../auth-options.normalize.js';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';
import { RequestContextStore } from '../request-context/request-context.js';
import type {
  AuthSchemeHandle,
  BearerAuthentication,
  BearerAuthenticator,
} from '../validation/bearer-authenticator.js';
import { AuthConfigurationError } from '../errors/auth.error.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import {
  graphQlRequestOf,
  graphQlResponseOf,
  rpcRequestOf,
  toRpcError,
  withGraphQlExtensions,
} from './transport-context.js';
import { extractBearerToken, malformedCredentialError } from '../validation/bearer-token.util.js';
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
 * Several schemes: `@AuthScheme('partner')` (or several names, any-of) selects the registrations
 * whose tokens a controller or handler accepts; without it, the default scheme's.
 *
 * GraphQL (`@nestjs/graphql`, any driver) and RPC (`@nestjs/microservices`) work without a
 * subclass: the request comes from the GraphQL context (`req`, `request` or `reply.request`), and
 * an RPC token from gRPC metadata or `data.headers.authorization`. GraphQL errors carry
 * `extensions: { code: 'UNAUTHENTICATED' | 'FORBIDDEN', authErrorCode, statusCode, wwwAuthenticate }`;
 * RPC failures are an `RpcException` with `{ status: 'error', statusCode, code, message }`.
 * Override `getRequest`/`getResponse` for other carriers.
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
  /** Named schemes, found once each (`AuthModule.forRoot({ scheme })` registrations). */
  private readonly schemes = new Map<string, AuthSchemeHandle>();
  /** Finds named schemes' authenticators in any module; a property, so subclasses' constructors stay as they are. */
  @Optional() @Inject(ModuleRef) private readonly moduleRef?: ModuleRef;

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
    const type = context.getType<string>();
    if (type === 'http') return this.authenticateAndAuthorize(context, requirements);
    if (type === 'graphql') {
      const headers: Record<string, string> = {};
      return this.authenticateAndAuthorize(context, requirements, headers).catch((error: unknown) => {
        throw withGraphQlExtensions(error, headers);
      });
    }
    if (type === 'rpc') {
      return this.authenticateAndAuthorize(context, requirements).catch(async (error: unknown) => {
        throw await toRpcError(error);
      });
    }
    return this.authenticateAndAuthorize(context, requirements);
  }

  private async authenticateAndAuthorize(
    context: ExecutionContext,
    requirements: ResolvedRequirements,
    recorded?: Record<string, string>,
  ): Promise<boolean> {
    const headersOf = (c: ExecutionContext) => this.headersOf(c, recorded);
    const request = this.getRequest(context);
    // Named schemes are found before validation: an unknown name is a configuration error, not a refused token.
    const schemes = requirements.schemes && this.schemeHandles(requirements.schemes);
    const token = extractBearerToken(request);
    if (token === undefined) {
      // RFC 6750 §3.1: a request without credentials gets a challenge without an error code.
      throw this.responses.unauthorized(
        headersOf(context),
        AuthErrorCode.MissingBearerToken,
        'A bearer token is required.',
        bearerChallenge(),
      );
    }
    if (token === null) {
      throw this.responses.invalidToken(headersOf(context), malformedCredentialError(request));
    }
    let authenticated: BearerAuthentication;
    try {
      authenticated = schemes
        ? await this.authenticateWithAny(schemes, token, request)
        : await this.authenticator.authenticate(token, request);
    } catch (error) {
      throw this.responses.fromValidationFailure(headersOf(context), error);
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
    this.authorize(headersOf(context), principal, requirements);
    return true;
  }

  /**
   * The request the token is read from: the HTTP request; for GraphQL the HTTP request in the
   * GraphQL context; for RPC one built from gRPC metadata or `data.headers.authorization`.
   * Override for other carriers.
   */
  protected getRequest(context: ExecutionContext): AuthenticatedRequest {
    const type = context.getType<string>();
    if (type === 'graphql') return graphQlRequestOf(context);
    if (type === 'rpc') return rpcRequestOf(context);
    return context.switchToHttp().getRequest<AuthenticatedRequest>();
  }

  /** The response the challenge headers go on (the GraphQL context's `res`/`reply`; none for RPC). */
  protected getResponse(context: ExecutionContext): unknown {
    const type = context.getType<string>();
    if (type === 'graphql') return graphQlResponseOf(context);
    if (type === 'rpc') return undefined;
    return context.switchToHttp().getResponse<unknown>();
  }

  /** Sets a response header on Express (`res.header`/`setHeader`) and Fastify (`reply.header`). */
  protected setHeader(context: ExecutionContext, name: string, value: string): void {
    const response = this.getResponse(context) as
      { header?: (n: string, v: string) => unknown; setHeader?: (n: string, v: string) => unknown } | undefined;
    if (typeof response?.header === 'function') response.header(name, value);
    else if (typeof response?.setHeader === 'function') response.setHeader(name, value);
  }

  private headersOf(context: ExecutionContext, recorded?: Record<string, string>): HeaderSetter {
    return (name, value) => {
      if (recorded) recorded[name] = value;
      this.setHeader(context, name, value);
    };
  }

  /** The handles of the route's schemes; the default scheme's is this guard's own authenticator. */
  private schemeHandles(names: readonly string[]): AuthSchemeHandle[] {
    return names.map((name) => {
      if (name === this.options.scheme) return { name, authenticator: this.authenticator };
      let handle = this.schemes.get(name);
      if (!handle) {
        try {
          handle = this.moduleRef?.get<AuthSchemeHandle>(authSchemeToken(name), { strict: false });
        } catch {
          handle = undefined;
        }
        if (!handle) throw unknownScheme(name);
        this.schemes.set(name, handle);
      }
      return handle;
    });
  }

  /**
   * Any-of: the first scheme that accepts the token wins. When none does: 503 if a scheme could
   * not decide (its identity provider is unreachable), else the first scheme's refusal (401).
   */
  private async authenticateWithAny(
    schemes: readonly AuthSchemeHandle[],
    token: string,
    request: object,
  ): Promise<BearerAuthentication> {
    let refused: unknown;
    let unavailable: unknown;
    for (const scheme of schemes) {
      try {
        return await scheme.authenticator.authenticate(token, request);
      } catch (error) {
        if (error instanceof IdentityProviderUnavailableError) unavailable ??= error;
        else refused ??= error;
      }
    }
    throw unavailable ?? refused;
  }

  private authorize(headers: HeaderSetter, principal: AuthPrincipal, r: ResolvedRequirements): void {
    if (r.misconfigured) {
      throw this.responses.forbidden(headers, AuthErrorCode.EmptyAuthorizationRequirement, r.misconfigured, []);
    }
    if (r.scopes && !hasAny(principal.scopes, r.scopes)) {
      throw this.responses.forbidden(
        headers,
        AuthErrorCode.InsufficientScope,
        `The 'scope' or 'scp' claim does not contain scopes '${r.scopes.join(',')}' or was not found.`,
        r.scopes,
      );
    }
    if (r.appPermissions && !hasAny(principal.roles, r.appPermissions)) {
      throw this.responses.forbidden(
        headers,
        AuthErrorCode.InsufficientAppPermission,
        `The 'roles' or 'role' claim does not contain roles '${r.appPermissions.join(', ')}' or was not found.`,
        r.appPermissions,
      );
    }
    const either = r.scopesOrAppPermissions;
    if (either && !hasAny(principal.scopes, either.scopes) && !hasAny(principal.roles, either.appPermissions)) {
      throw this.responses.forbidden(
        headers,
        either.scopes.length ? AuthErrorCode.InsufficientScope : AuthErrorCode.InsufficientAppPermission,
        `The token holds none of the scopes '${either.scopes.join(',')}' nor app permissions '${either.appPermissions.join(', ')}'.`,
        [...either.scopes, ...either.appPermissions],
      );
    }
  }
}

/** `@AuthScheme` names a scheme no module registers (normally caught at bootstrap). */
function unknownScheme(name: string): AuthConfigurationError {
  return AuthConfigurationError.create(
    AuthErrorCode.UnknownAuthScheme,
    `@AuthScheme names the scheme '${name}', which no AuthModule registers.`,
    [`Register it: AuthModule.forRoot({ scheme: '${name}', ... }).`, 'Or fix the name in @AuthScheme(...).'],
  );
}
