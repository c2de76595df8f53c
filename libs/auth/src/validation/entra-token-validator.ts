import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { NORMALIZED_AUTH_OPTIONS, OPENID_METADATA } from '../auth.internal-constants.js';
import type { NormalizedAuthOptions } from '../auth-options.normalize.js';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenValidationError } from '../errors/token-validation.error.js';
import { OpenIdMetadataProvider } from '../http/openid-metadata.provider.js';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';
import { validateAudience } from './audience-validator.js';
import type { BearerAuthentication, BearerAuthenticator } from './bearer-authenticator.js';
import { createPrincipal, readRoles, readScopes, readTenantId } from '../principal/entra-claims.util.js';
import { validateIssuer } from './issuer-validator.js';
import { validateSigningKeyIssuer } from './signing-key-issuer-validator.js';
import { ValidatedTokenCache } from './validated-token-cache.js';

const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The default validator of Microsoft Entra ID access tokens, on `jose`.
 *
 * In order: JWS shape; `alg` RS256 only (never `none` or HMAC); the signing key by `kid` from the
 * tenant's JWKS (one rate-limited refetch when unknown); signature; `exp`/`nbf` with the clock
 * skew; `ver` and audience by version; issuer (with `{tenantid}` templates); the tenant allow-list;
 * the signing key's own issuer and cloud; and the "neither `scp` nor `roles`" gate. A validated
 * token is remembered (by SHA-256, until `exp`) so a repeated token costs microseconds.
 *
 * @example
 * ```ts
 * @Injectable()
 * class WebSocketAuth {
 *   constructor(private readonly validator: EntraTokenValidator) {}
 *   async onConnect(token: string) {
 *     const principal = await this.validator.validate(token); // throws TokenValidationError
 *   }
 * }
 * ```
 * @throws TokenValidationError (401) when the token is refused
 * @throws IdentityProviderUnavailableError (503) when no keys are known and the IdP is unreachable
 * @see https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens
 */
@Injectable()
export class EntraTokenValidator implements BearerAuthenticator, OnModuleInit, OnModuleDestroy {
  private readonly cache: ValidatedTokenCache;

  constructor(
    @Inject(NORMALIZED_AUTH_OPTIONS) private readonly options: NormalizedAuthOptions,
    /** The module's one OpenID metadata provider, shared with token acquisition. @internal */
    @Inject(OPENID_METADATA) readonly metadata: OpenIdMetadataProvider,
  ) {
    const v = options.validation;
    this.cache = new ValidatedTokenCache(v.validatedTokenCacheSize, v.clockSkewSeconds);
    // A key removed from the JWKS must not keep validating tokens from the cache.
    metadata.onKeysRemoved((kids) => this.cache.evictKeys(kids));
  }

  /** Starts fetching metadata and keys in the background, so the first request finds them warm. */
  onModuleInit(): void {
    if (this.options.validation.strategy === 'entra') this.metadata.start();
  }

  onModuleDestroy(): void {
    this.metadata.stop();
  }

  /**
   * {@link EntraTokenValidator.validate} for `AuthGuard`, which also gets the token's hash (this
   * cache's key) and reuses it as the request's on-behalf-of cache partition.
   * @internal
   */
  async authenticate(token: string): Promise<BearerAuthentication> {
    const tokenHash = ValidatedTokenCache.keyOf(token);
    return { principal: await this.validateKeyed(token, tokenHash), tokenHash };
  }

  /**
   * Validates an access token and returns its principal.
   *
   * @example
   * ```ts
   * const user = await validator.validate(token);
   * user.scopes; // ['access_as_user']
   * ```
   * @throws TokenValidationError (401) when the token is refused
   * @throws IdentityProviderUnavailableError (503) when no keys are known and the IdP is unreachable
   */
  async validate(token: string): Promise<AuthPrincipal> {
    return this.validateKeyed(token, ValidatedTokenCache.keyOf(token));
  }

  private async validateKeyed(token: string, cacheKey: string): Promise<AuthPrincipal> {
    const hit = this.cache.get(cacheKey, Math.floor(Date.now() / 1000));
    if (hit) return hit.principal;
    return this.validateUncached(token, cacheKey);
  }

  /** Number of tokens in the validated-token cache (for metrics and tests). */
  get cachedTokenCount(): number {
    return this.cache.size;
  }

  private async validateUncached(token: string, cacheKey: string): Promise<AuthPrincipal> {
    const v = this.options.validation;
    if (!JWS_COMPACT.test(token)) {
      throw TokenValidationError.create(
        AuthErrorCode.MalformedToken,
        'The token is malformed.',
        'A bearer token must be a JWS compact JWT (three base64url parts).',
      );
    }
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch (cause) {
      throw TokenValidationError.create(AuthErrorCode.MalformedToken, 'The token header is malformed.', undefined, {
        cause,
      });
    }
    if (header.alg !== 'RS256') {
      throw TokenValidationError.create(
        AuthErrorCode.UnsupportedAlgorithm,
        'The token signing algorithm is not allowed.',
        'Only RS256 is accepted; unsigned (alg none) and HMAC-signed tokens are always refused.',
      );
    }
    const kid = typeof header.kid === 'string' ? header.kid : typeof header.x5t === 'string' ? header.x5t : undefined;
    if (!kid) {
      throw TokenValidationError.create(AuthErrorCode.MalformedToken, 'The token header names no signing key (kid).');
    }
    const { snapshot, key } = await this.metadata.findKey(kid);
    if (!key) {
      throw TokenValidationError.create(
        AuthErrorCode.UnknownSigningKey,
        'The token is signed with an unknown key.',
        "The key is not in the tenant's JWKS: the token comes from another tenant, cloud or issuer, or was forged.",
      );
    }
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, key.key, {
        algorithms: ['RS256'],
        clockTolerance: v.clockSkewSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (cause) {
      throw mapJoseError(cause);
    }
    const version = validateAudience(claims, this.options.clientId, v.audiences);
    const tid = readTenantId(claims);
    const issuers = [...v.validIssuers, snapshot.issuer];
    if (snapshot.v1Issuer) issuers.push(snapshot.v1Issuer);
    validateIssuer(claims.iss, tid, issuers);
    if (v.allowedTenants && !v.allowedTenants.has((tid ?? '').toLowerCase())) {
      throw TokenValidationError.create(
        AuthErrorCode.TenantNotAllowed,
        'The tenant is not allowed.',
        "Add the tenant ID to 'allowedTenants' to accept callers from this tenant.",
      );
    }
    validateSigningKeyIssuer(key.jwk, claims, snapshot.issuer, snapshot.cloudInstanceName);
    if (!v.allowWebApiToBeAuthorizedByACL && readScopes(claims).length === 0 && readRoles(claims).length === 0) {
      throw TokenValidationError.create(
        AuthErrorCode.NoScopeOrRoleClaim,
        'Neither scope nor roles claim was found in the bearer token.',
        'Grant the client a delegated scope or an app role of this API, or set allowWebApiToBeAuthorizedByACL if access is controlled by ACLs.',
      );
    }
    const principal = createPrincipal(version === claims.ver ? claims : { ...claims, ver: version });
    this.cache.set(cacheKey, { principal, exp: claims.exp as number, kid });
    return principal;
  }
}

function mapJoseError(cause: unknown): TokenValidationError {
  if (cause instanceof errors.JWTExpired) {
    return TokenValidationError.create(
      AuthErrorCode.TokenExpired,
      'The token is expired.',
      'Acquire a new access token.',
      { cause },
    );
  }
  if (cause instanceof errors.JWTClaimValidationFailed && cause.claim === 'nbf') {
    return TokenValidationError.create(
      AuthErrorCode.TokenNotYetValid,
      'The token is not yet valid (nbf).',
      'Check the clocks of the client and this server.',
      {
        cause,
      },
    );
  }
  if (cause instanceof errors.JWSSignatureVerificationFailed) {
    return TokenValidationError.create(AuthErrorCode.InvalidSignature, 'The token signature is invalid.', undefined, {
      cause,
    });
  }
  return TokenValidationError.create(
    AuthErrorCode.MalformedToken,
    'The token is malformed or lacks required claims.',
    undefined,
    { cause },
  );
}
