import { types } from 'node:util';
import { PassportStrategy } from '@nestjs/passport';
import { DEFAULT_AUTH_SCHEME, PASSPORT_AZURE_AD_STRATEGY_NAME } from '../auth.constants.js';
import type { NormalizedAuthOptions } from '../auth-options.normalize.js';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { AuthConfigurationError } from '../errors/auth.error.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import { TokenValidationError } from '../errors/token-validation.error.js';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';
import { validateAudience } from './audience-validator.js';
import { validateB2CClaims } from './b2c-claims-validator.js';
import type { BearerAuthentication, BearerAuthenticator } from './bearer-authenticator.js';
import { createPrincipal, readRoles, readScopes, tenantIdOf, type JwtClaims } from '../principal/entra-claims.util.js';
import { validateIssuer } from './issuer-validator.js';
import { checkLifetime, readRs256Header } from './rs256-jws-verifier.js';

/** The part of passport-azure-ad's `BearerStrategy` options we set. @internal */
export interface BearerStrategyOptions {
  identityMetadata: string;
  /** Azure AD B2C: `p=<policyName>` is appended to `identityMetadata`. */
  isB2C?: boolean;
  policyName?: string;
  clientID: string;
  audience: string[];
  validateIssuer: boolean;
  issuer?: string[];
  clockSkew: number;
  loggingLevel: 'info' | 'warn' | 'error';
  loggingNoPII: boolean;
  passReqToCallback: false;
}

/** A passport strategy instance as passport drives it. @internal */
export interface PassportStrategyInstance {
  authenticate(this: PassportAttempt, request: object, options?: object): void;
}

/** @internal */
interface PassportAttempt extends PassportStrategyInstance {
  success(user: unknown, info?: unknown): void;
  fail(challenge?: unknown, status?: number): void;
  error(error: unknown): void;
  pass(): void;
  redirect(url: string): void;
}

type StrategyClass = new (...args: unknown[]) => object;

/**
 * The passport-azure-ad options derived from ours.
 * @internal
 */
export function bearerStrategyOptions(options: NormalizedAuthOptions): BearerStrategyOptions {
  const v = options.validation;
  const single = !v.multiTenant;
  const authority = options.authority;
  const b2c = authority.kind === 'b2c';
  return {
    // B2C: passport-azure-ad appends `p=<policy>` to the tenant's metadata URL itself.
    identityMetadata: `${options.instance}${b2c ? authority.tenant : options.tenantId}/v2.0/.well-known/openid-configuration`,
    ...(b2c ? { isB2C: true, policyName: authority.policy } : {}),
    clientID: options.clientId,
    audience: [options.clientId, `api://${options.clientId}`, ...v.audiences],
    // passport-azure-ad compares issuers as exact strings and breaks on `/organizations/` (the
    // metadata issuer is a `{tenantid}` template): multi-tenant issuers are validated by us instead.
    validateIssuer: single,
    ...(single && v.validIssuers.length ? { issuer: [...v.validIssuers] } : {}),
    clockSkew: Math.max(1, v.clockSkewSeconds),
    loggingLevel: 'error',
    // Never let the library log tokens or claims.
    loggingNoPII: true,
    passReqToCallback: false,
  };
}

/**
 * What passport-azure-ad does not check, applied to the claims it accepted: the lifetime rules of
 * the `entra` strategy (`exp` required, numeric dates, `nbf` not after `exp`), `ver` and the audience
 * by version, `tid` (required on v2.0 tokens, as the `entra` strategy does), the issuer template for multi-tenant APIs, the tenant allow-list, and the
 * "neither `scp` nor `roles`" gate. Roles are kept on the principal (passport-azure-ad ignores them).
 *
 * @throws TokenValidationError when a rule fails
 * @internal
 */
export function checkPassportAzureAdClaims(claims: JwtClaims, options: NormalizedAuthOptions): AuthPrincipal {
  const v = options.validation;
  // passport-azure-ad checks `exp`/`nbf` only when they are numbers, and never `nbf` after `exp`.
  checkLifetime(claims, { clockSkewSeconds: v.clockSkewSeconds, nowSeconds: Math.floor(Date.now() / 1000) });
  if (options.authority.kind === 'b2c') {
    // passport-azure-ad checked the signature and the exact issuer of the policy's metadata.
    validateB2CClaims(claims, options.clientId, v.audiences, options.authority.policies);
    if (!v.allowWebApiToBeAuthorizedByACL && readScopes(claims).length === 0 && readRoles(claims).length === 0) {
      throw TokenValidationError.create(
        AuthErrorCode.NoScopeOrRoleClaim,
        'Neither scope nor roles claim was found in the bearer token.',
      );
    }
    return createPrincipal(claims);
  }
  const version = validateAudience(claims, options.clientId, v.audiences);
  const tid = tenantIdOf(claims, version);
  if (v.multiTenant) {
    const templates = [...v.validIssuers, `${options.instance}{tenantid}/v2.0`];
    if (new URL(options.instance).host === 'login.microsoftonline.com')
      templates.push('https://sts.windows.net/{tenantid}/');
    validateIssuer(claims.iss, tid, templates);
  } else if (!tid || typeof claims.iss !== 'string' || !claims.iss.includes(tid)) {
    throw TokenValidationError.create(
      AuthErrorCode.IssuerTenantMismatch,
      "The issuer does not contain the token's tenant ID.",
    );
  }
  if (v.allowedTenants && !v.allowedTenants.has((tid ?? '').toLowerCase())) {
    throw TokenValidationError.create(
      AuthErrorCode.TenantNotAllowed,
      'The tenant is not allowed.',
      "Add the tenant ID to 'allowedTenants'.",
    );
  }
  if (!v.allowWebApiToBeAuthorizedByACL && readScopes(claims).length === 0 && readRoles(claims).length === 0) {
    throw TokenValidationError.create(
      AuthErrorCode.NoScopeOrRoleClaim,
      'Neither scope nor roles claim was found in the bearer token.',
    );
  }
  return createPrincipal(version === claims.ver ? claims : { ...claims, ver: version }, options.scheme);
}

/**
 * Loads passport-azure-ad (an optional peer dependency) only when `strategy: 'passport-azure-ad'`
 * is chosen, and builds its `BearerStrategy` as a `@nestjs/passport` strategy registered under
 * {@link PASSPORT_AZURE_AD_STRATEGY_NAME}.
 *
 * @throws AuthConfigurationError NIW1007 when the package is not installed
 * @internal
 */
export async function createPassportAzureAdStrategy(options: NormalizedAuthOptions): Promise<PassportStrategyInstance> {
  let BearerStrategy: StrategyClass | undefined;
  try {
    // A variable specifier keeps bundlers and the type checker from requiring the optional package.
    const specifier = 'passport-azure-ad';
    const mod = (await import(specifier)) as {
      BearerStrategy?: StrategyClass;
      default?: { BearerStrategy?: StrategyClass };
    };
    BearerStrategy = mod.BearerStrategy ?? mod.default?.BearerStrategy;
  } catch (cause) {
    throw AuthConfigurationError.create(
      AuthErrorCode.PassportAzureAdUnavailable,
      "strategy 'passport-azure-ad' is selected but the package cannot be loaded.",
      [
        'npm install passport-azure-ad@^4.3.5',
        "Or remove the strategy option to use the built-in 'entra' validator (recommended).",
      ],
      { cause },
    );
  }
  if (!BearerStrategy) {
    throw AuthConfigurationError.create(
      AuthErrorCode.PassportAzureAdUnavailable,
      'passport-azure-ad does not export BearerStrategy.',
      ['Install passport-azure-ad 4.x.'],
    );
  }
  // A named scheme registers under its own passport name, so it never replaces the default's.
  const name =
    options.scheme === DEFAULT_AUTH_SCHEME
      ? PASSPORT_AZURE_AD_STRATEGY_NAME
      : `${PASSPORT_AZURE_AD_STRATEGY_NAME}-${options.scheme}`;
  class PassportAzureAdStrategy extends PassportStrategy(BearerStrategy, name) {
    validate(claims: JwtClaims): AuthPrincipal {
      return checkPassportAzureAdClaims(claims, options);
    }
  }
  return new PassportAzureAdStrategy(bearerStrategyOptions(options)) as unknown as PassportStrategyInstance;
}

/**
 * Drives the passport-azure-ad strategy for one token, the way passport's `authenticate()` does
 * (a per-attempt object with `success`/`fail`/`error`), and turns its outcome into ours:
 * a refused token → {@link TokenValidationError} (401), a metadata or JWKS failure (which
 * passport-azure-ad reports as a plain failure) → {@link IdentityProviderUnavailableError} (503).
 * Only the `Authorization` header is passed on: body and query tokens are never accepted. The
 * token header is checked first with the `entra` strategy's rules.
 * @internal
 */
export class PassportAzureAdAuthenticator implements BearerAuthenticator {
  constructor(private readonly strategy: PassportStrategyInstance) {}

  authenticate(token: string): Promise<BearerAuthentication> {
    // The header rules of the `entra` strategy first (shape, RS256 only, no `crit`, a `kid`):
    // passport-azure-ad ignores `crit` and would verify a token whose header it does not understand.
    try {
      readRs256Header(token);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error('refused'));
    }
    return new Promise<BearerAuthentication>((resolve, reject) => {
      const attempt = Object.create(this.strategy) as PassportAttempt;
      attempt.success = (user) => resolve({ principal: user as AuthPrincipal });
      attempt.fail = (challenge) => {
        // Metadata/JWKS failures arrive as an Error object (often from Node's own realm), token refusals as a string.
        if (challenge instanceof Error || types.isNativeError(challenge)) {
          reject(
            new IdentityProviderUnavailableError(
              'passport-azure-ad could not load the identity provider metadata or keys',
              5,
              { code: AuthErrorCode.IdentityProviderUnavailable, cause: challenge },
            ),
          );
        } else {
          reject(
            TokenValidationError.create(
              AuthErrorCode.RejectedByPassportAzureAd,
              'The token was refused.',
              "passport-azure-ad reports no reason without PII logging; switch to strategy 'entra' for precise errors.",
            ),
          );
        }
      };
      attempt.error = (error) =>
        reject(error instanceof Error || types.isNativeError(error) ? error : new Error('passport-azure-ad failed'));
      const refuse = () =>
        reject(TokenValidationError.create(AuthErrorCode.RejectedByPassportAzureAd, 'The token was refused.'));
      attempt.pass = refuse;
      attempt.redirect = refuse;
      try {
        attempt.authenticate(
          { headers: { authorization: `Bearer ${token}` }, query: {}, body: {} },
          { session: false },
        );
      } catch (error) {
        reject(error instanceof Error || types.isNativeError(error) ? error : new Error('passport-azure-ad failed'));
      }
    });
  }
}
