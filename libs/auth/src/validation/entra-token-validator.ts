import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { NORMALIZED_AUTH_OPTIONS, OPENID_METADATA } from '../auth.internal-constants.js';
import type { NormalizedAuthOptions } from '../auth-options.normalize.js';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { TokenValidationError } from '../errors/token-validation.error.js';
import { OpenIdMetadataProvider } from '../http/openid-metadata.provider.js';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';
import { validateAudience } from './audience-validator.js';
import { validateB2CClaims } from './b2c-claims-validator.js';
import type { BearerAuthentication, BearerAuthenticator } from './bearer-authenticator.js';
import { createPrincipal, readRoles, readScopes, tenantIdOf } from '../principal/entra-claims.util.js';
import { validateIssuer } from './issuer-validator.js';
import { readRs256Header, rs256KeyFor, verifyRs256 } from './rs256-jws-verifier.js';
import { validateSigningKeyIssuer } from './signing-key-issuer-validator.js';
import { ValidatedTokenCache } from './validated-token-cache.js';

/**
 * The default validator of Microsoft Entra ID access tokens.
 *
 * In order: JWS shape; `alg` RS256 only (never `none`, HMAC or PS256; no `crit`); the signing key
 * by `kid` from the tenant's JWKS (one rate-limited refetch when unknown); signature (Node's
 * `crypto.verify` with a `KeyObject` cached per JWKS key; `jose` parses the JWKS); `exp`/`nbf`
 * with the clock skew, and `nbf` not after `exp`; `ver` and audience by version; `tid` (required
 * on v2 tokens); issuer (with `{tenantid}` templates); the tenant allow-list;
 * the signing key's own issuer and cloud; and the "neither `scp` nor `roles`" gate. With an Azure AD
 * B2C authority, the audience is the client ID whatever `ver`, the tenant comes from the issuer
 * (no `tid`; `tfp` issuers refused) and the policy claim must name a configured policy. A validated
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
    // With the cache off nothing is looked up by hash: on-behalf-of hashes the token on first use.
    if (!this.cache.enabled) return { principal: await this.validateUncached(token, undefined) };
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
    return this.cache.enabled
      ? this.validateKeyed(token, ValidatedTokenCache.keyOf(token))
      : this.validateUncached(token, undefined);
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

  private async validateUncached(token: string, cacheKey: string | undefined): Promise<AuthPrincipal> {
    const v = this.options.validation;
    // Shape, header, `alg` and `kid` first: a forged header costs no key lookup and no I/O.
    const { kid } = readRs256Header(token);
    const { snapshot, key } = await this.metadata.findKey(kid);
    const verificationKey = key && rs256KeyFor(key.jwk);
    if (!key || !verificationKey) {
      throw TokenValidationError.create(
        AuthErrorCode.UnknownSigningKey,
        'The token is signed with an unknown key.',
        "The key is not in the tenant's JWKS: the token comes from another tenant, cloud or issuer, or was forged.",
      );
    }
    const claims = verifyRs256(token, verificationKey, {
      clockSkewSeconds: v.clockSkewSeconds,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    const authority = this.options.authority;
    const b2c = authority.kind === 'b2c';
    // Azure AD B2C: audience = clientId whatever `ver`, the policy claim, the tenant from the issuer.
    const version = b2c
      ? claims.ver === '2.0'
        ? '2.0'
        : '1.0'
      : validateAudience(claims, this.options.clientId, v.audiences);
    const tid = b2c
      ? validateB2CClaims(claims, this.options.clientId, v.audiences, authority.policies)
      : tenantIdOf(claims, version);
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
    // B2C keys carry no issuer and B2C tokens no tid: the IDX4000x key checks are Entra ID's.
    if (!b2c) validateSigningKeyIssuer(key.jwk, claims, snapshot.issuer, snapshot.cloudInstanceName);
    if (!v.allowWebApiToBeAuthorizedByACL && readScopes(claims).length === 0 && readRoles(claims).length === 0) {
      throw TokenValidationError.create(
        AuthErrorCode.NoScopeOrRoleClaim,
        'Neither scope nor roles claim was found in the bearer token.',
        'Grant the client a delegated scope or an app role of this API, or set allowWebApiToBeAuthorizedByACL if access is controlled by ACLs.',
      );
    }
    const principal = createPrincipal(
      version === claims.ver ? claims : { ...claims, ver: version },
      this.options.scheme,
    );
    if (cacheKey !== undefined) this.cache.set(cacheKey, { principal, exp: claims.exp as number, kid });
    return principal;
  }
}
