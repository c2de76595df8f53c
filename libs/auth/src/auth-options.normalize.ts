import {
  type LongRunningSessionSettings,
  normalizeLongRunningSessionOptions,
} from './token-acquisition/long-running/long-running-session-options.normalize.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { AuthErrorCode } from './errors/auth-error-codes.js';
import { DEFAULT_AUTH_SCHEME } from './auth.constants.js';
import { AuthConfigurationError } from './errors/auth.error.js';
import type { IdentityProviderTransport } from './http/identity-provider-transport.interface.js';
import { checkSingleTenantSettings, normalizeAuthority, type NormalizedAuthority } from './authority.normalize.js';
import {
  normalizeTokenAcquisitionOptions,
  type TokenAcquisitionSettings,
} from './token-acquisition/token-acquisition-options.normalize.js';
import {
  normalizeValidationOptions,
  type NormalizedValidationOptions,
} from './validation/validation-options.normalize.js';

/**
 * The module's settings: every option validated once, at bootstrap, with defaults applied. One
 * object, injected with `NORMALIZED_AUTH_OPTIONS`; token acquisition also finds its part under
 * `TOKEN_ACQUISITION_SETTINGS`.
 * @internal
 */
export interface NormalizedAuthOptions {
  /** The scheme this registration serves (`'default'` unless `forRoot({ scheme })` names one). */
  readonly scheme: string;
  /** The cloud's login host, with a trailing slash. */
  readonly instance: string;
  /** The authority's path after `instance`: the tenant, or `{domain}/{policy}` for Azure AD B2C. */
  readonly tenantId: string;
  readonly clientId: string;
  /** The authority: Entra ID, External ID (CIAM) or Azure AD B2C, with the B2C policies. */
  readonly authority: NormalizedAuthority;
  readonly trustedCa: readonly string[];
  /** The transport given in the options, if any (otherwise the module builds one). */
  readonly identityProviderTransport: IdentityProviderTransport | undefined;
  /** Incoming token validation (validation/, authorization/). */
  readonly validation: NormalizedValidationOptions;
  /** Token acquisition (token-acquisition/, token-cache/). */
  readonly acquisition: TokenAcquisitionSettings;
  /** Long-running on-behalf-of sessions (token-acquisition/long-running/). */
  readonly longRunningSessions: LongRunningSessionSettings;
}

/**
 * Validates options once, at bootstrap, and applies defaults: the shared part (client, instance,
 * tenant), then incoming validation, then token acquisition.
 * @throws AuthConfigurationError (`NIW1xxx`) on the first invalid option
 * @internal
 */
export function normalizeAuthOptions(
  options: AuthModuleOptions,
  scheme: string = DEFAULT_AUTH_SCHEME,
): NormalizedAuthOptions {
  checkSchemeName(scheme);
  if (typeof options.clientId !== 'string' || !options.clientId.trim()) {
    throw AuthConfigurationError.create(AuthErrorCode.MissingClientId, 'clientId is required.', [
      'Set AzureAd__ClientId (or options.clientId) to the application (client) ID of the app registration.',
    ]);
  }
  const authority = normalizeAuthority(options);
  checkSingleTenantSettings(authority, options);
  // B2C: every URL is built on `{instance}{domain}/{policy}`, so the "tenant" of the metadata
  // provider and of msal-node is that path.
  const base = { instance: authority.instance, tenantId: authority.tenantPath, clientId: options.clientId.trim() };
  return {
    ...base,
    scheme,
    authority,
    trustedCa: options.trustedCa ?? [],
    identityProviderTransport: options.identityProviderTransport,
    validation: normalizeValidationOptions(options),
    acquisition: normalizeTokenAcquisitionOptions(options, { ...base, scheme, authorityKind: authority.kind }),
    longRunningSessions: normalizeLongRunningSessionOptions(options.longRunningSessions),
  };
}

/** Letters, digits, `-`, `_` and `.`; at most 64 characters. */
const SCHEME_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * @throws AuthConfigurationError NIW1022 when the scheme name is empty or malformed
 * @internal
 */
export function checkSchemeName(scheme: unknown): asserts scheme is string {
  if (typeof scheme !== 'string' || !SCHEME_NAME.test(scheme)) {
    throw AuthConfigurationError.create(
      AuthErrorCode.InvalidAuthSchemeName,
      `scheme ${typeof scheme === 'string' ? `'${scheme.slice(0, 64)}'` : typeof scheme} is not a valid scheme name.`,
      [
        "Name the scheme with letters, digits, '-', '_' or '.' (at most 64 characters), e.g. AuthModule.forRoot({ scheme: 'partner', ... }).",
        "Leave scheme unset for the default scheme ('default').",
      ],
    );
  }
}
