import {
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { BEARER_AUTHENTICATOR, NORMALIZED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import type { NormalizedAuthOptions } from '../auth-options.normalize.js';
import { AuthErrorCode, type AuthErrorCodeValue } from '../errors/auth-error-codes.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import { TokenValidationError } from '../errors/token-validation.error.js';
import type { AuthPrincipal } from '../request-context/auth-principal.interface.js';
import { RequestContextStore } from '../request-context/request-context.js';
import type { BearerAuthenticator } from '../validation/bearer-authenticator.js';
import { extractBearerToken, malformedCredentialError } from '../validation/bearer-token.util.js';
import {
  IS_PUBLIC_KEY,
  REQUIRED_APP_PERMISSIONS_KEY,
  REQUIRED_SCOPES_KEY,
  REQUIRED_SCOPES_OR_APP_PERMISSIONS_KEY,
  type RequirementMetadata,
  type ScopesOrAppPermissionsMetadata,
} from './authorization-metadata.constants.js';
import { hasAny } from './scope-verification.js';
import { bearerChallenge } from './www-authenticate.js';

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

/** A requirement after configuration keys are resolved; `undefined` values = misconfigured (fail-closed). @internal */
interface ResolvedRequirements {
  readonly isPublic: boolean;
  readonly scopes?: readonly string[];
  readonly appPermissions?: readonly string[];
  readonly scopesOrAppPermissions?: { readonly scopes: readonly string[]; readonly appPermissions: readonly string[] };
  /** Set when a decorator resolved to no value. */
  readonly misconfigured?: string;
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
  private readonly resolved = new WeakMap<object, WeakMap<object, ResolvedRequirements>>();

  constructor(
    protected readonly reflector: Reflector,
    @Inject(BEARER_AUTHENTICATOR) private readonly authenticator: BearerAuthenticator,
    @Inject(NORMALIZED_AUTH_OPTIONS) private readonly options: NormalizedAuthOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const requirements = this.requirementsFor(context);
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
      throw this.unauthorized(
        context,
        AuthErrorCode.MissingBearerToken,
        'A bearer token is required.',
        bearerChallenge(),
      );
    }
    if (token === null) {
      throw this.invalidToken(context, malformedCredentialError(request));
    }
    let principal: AuthPrincipal;
    try {
      principal = await this.authenticator.authenticate(token, request);
    } catch (error) {
      throw this.toHttpException(context, error);
    }
    request.user = principal;
    RequestContextStore.set({ principal, assertion: token });
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

  private authorize(context: ExecutionContext, principal: AuthPrincipal, r: ResolvedRequirements): void {
    if (r.misconfigured) {
      throw this.forbidden(context, AuthErrorCode.EmptyAuthorizationRequirement, r.misconfigured, []);
    }
    if (r.scopes && !hasAny(principal.scopes, r.scopes)) {
      throw this.forbidden(
        context,
        AuthErrorCode.InsufficientScope,
        `The 'scope' or 'scp' claim does not contain scopes '${r.scopes.join(',')}' or was not found.`,
        r.scopes,
      );
    }
    if (r.appPermissions && !hasAny(principal.roles, r.appPermissions)) {
      throw this.forbidden(
        context,
        AuthErrorCode.InsufficientAppPermission,
        `The 'roles' or 'role' claim does not contain roles '${r.appPermissions.join(', ')}' or was not found.`,
        r.appPermissions,
      );
    }
    const either = r.scopesOrAppPermissions;
    if (either && !hasAny(principal.scopes, either.scopes) && !hasAny(principal.roles, either.appPermissions)) {
      throw this.forbidden(
        context,
        either.scopes.length ? AuthErrorCode.InsufficientScope : AuthErrorCode.InsufficientAppPermission,
        `The token holds none of the scopes '${either.scopes.join(',')}' nor app permissions '${either.appPermissions.join(', ')}'.`,
        [...either.scopes, ...either.appPermissions],
      );
    }
  }

  private requirementsFor(context: ExecutionContext): ResolvedRequirements {
    const handler = context.getHandler();
    const cls = context.getClass();
    let byHandler = this.resolved.get(cls);
    let r = byHandler?.get(handler);
    if (r) return r;
    r = this.resolveRequirements([handler, cls]);
    if (!byHandler) this.resolved.set(cls, (byHandler = new WeakMap()));
    byHandler.set(handler, r);
    return r;
  }

  private resolveRequirements(targets: [object, object]): ResolvedRequirements {
    const get = <T>(key: string) => this.reflector.getAllAndOverride<T | undefined>(key, targets as never);
    if (get<boolean>(IS_PUBLIC_KEY) === true) return { isPublic: true };
    const problems: string[] = [];
    const resolve = (what: string, m: RequirementMetadata | undefined): readonly string[] | undefined => {
      if (m === undefined) return undefined;
      const values = m.configKey !== undefined ? this.fromConfiguration(m.configKey) : [...(m.values ?? [])];
      if (!values.length) {
        problems.push(
          m.configKey !== undefined
            ? `${what} reads configuration key '${m.configKey}', which is empty: access is denied. Set the key.`
            : `${what} lists no value: access is denied. List at least one.`,
        );
      }
      return values;
    };
    const scopes = resolve('@RequiredScopes', get<RequirementMetadata>(REQUIRED_SCOPES_KEY));
    const appPermissions = resolve('@RequiredAppPermissions', get<RequirementMetadata>(REQUIRED_APP_PERMISSIONS_KEY));
    const eitherMeta = get<ScopesOrAppPermissionsMetadata>(REQUIRED_SCOPES_OR_APP_PERMISSIONS_KEY);
    let scopesOrAppPermissions: ResolvedRequirements['scopesOrAppPermissions'];
    if (eitherMeta) {
      const s =
        eitherMeta.scopes?.configKey !== undefined
          ? this.fromConfiguration(eitherMeta.scopes.configKey)
          : [...(eitherMeta.scopes?.values ?? [])];
      const a =
        eitherMeta.appPermissions?.configKey !== undefined
          ? this.fromConfiguration(eitherMeta.appPermissions.configKey)
          : [...(eitherMeta.appPermissions?.values ?? [])];
      if (!s.length && !a.length)
        problems.push('@RequiredScopesOrAppPermissions resolves to no scope and no app permission: access is denied.');
      scopesOrAppPermissions = { scopes: s, appPermissions: a };
    }
    const misconfigured = problems.length ? problems.join(' ') : undefined;
    if (misconfigured) this.logger.warn(`${AuthErrorCode.EmptyAuthorizationRequirement}: ${misconfigured}`);
    return { isPublic: false, scopes, appPermissions, scopesOrAppPermissions, misconfigured };
  }

  private fromConfiguration(key: string): string[] {
    const read = this.options.validation.configuration;
    let value = read(key);
    if (value === undefined || value === null || value === '') {
      const alternative = key.includes(':') ? key.replaceAll(':', '__') : key.replaceAll('__', ':');
      value = read(alternative);
    }
    const items = Array.isArray(value) ? (value as unknown[]) : typeof value === 'string' ? value.split(/[\s,]+/) : [];
    return items.filter((v): v is string => typeof v === 'string' && v.length > 0);
  }

  private toHttpException(context: ExecutionContext, error: unknown): HttpException {
    if (error instanceof TokenValidationError) return this.invalidToken(context, error);
    if (error instanceof IdentityProviderUnavailableError) {
      this.logger.error(error.message);
      this.setHeader(context, 'Retry-After', String(error.retryAfterSeconds));
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
      context,
      TokenValidationError.create(AuthErrorCode.MalformedToken, 'The token could not be validated.', undefined, {
        cause: error,
      }),
    );
  }

  private invalidToken(context: ExecutionContext, error: TokenValidationError): UnauthorizedException {
    this.logger.debug(error.message); // already "NIW3xxx: …"
    return this.unauthorized(
      context,
      error.code,
      error.description,
      bearerChallenge({ error: 'invalid_token', error_description: error.description }),
      error,
    );
  }

  private unauthorized(
    context: ExecutionContext,
    code: AuthErrorCodeValue,
    message: string,
    challenge: string,
    cause?: unknown,
  ): UnauthorizedException {
    this.setHeader(context, 'WWW-Authenticate', challenge);
    return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', code, message }, { cause });
  }

  private forbidden(
    context: ExecutionContext,
    code: AuthErrorCodeValue,
    message: string,
    accepted: readonly string[],
  ): ForbiddenException {
    this.setHeader(
      context,
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
