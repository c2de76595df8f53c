import {
  type LongRunningSessionSettings,
  normalizeLongRunningSessionOptions,
} from './token-acquisition/long-running/long-running-session-options.normalize.js';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { AuthErrorCode } from './errors/auth-error-codes.js';
import { DEFAULT_AUTH_SCHEME } from './auth.constants.js';
import { AuthConfigurationError } from './errors/auth.error.js';
import type { IdentityProviderTransport } from './http/identity-provider-transport.interface.js';
import { isTenantIdentifier } from './tenant-id.util.js';
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
  readonly tenantId: string;
  readonly clientId: string;
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
  const instance = options.instance ?? 'https://login.microsoftonline.com/';
  let url: URL;
  try {
    url = new URL(instance);
  } catch (cause) {
    throw AuthConfigurationError.create(
      AuthErrorCode.InvalidInstance,
      `instance '${instance}' is not a URL.`,
      ["Use the cloud's login host, e.g. https://login.microsoftonline.com/."],
      { cause },
    );
  }
  if (url.protocol !== 'https:') {
    throw AuthConfigurationError.create(AuthErrorCode.InvalidInstance, `instance '${instance}' must use https.`, [
      'Microsoft Entra ID and msal-node only accept https authorities; for local tests use the emulator, which serves https.',
    ]);
  }
  if (!isTenantIdentifier(options.tenantId)) {
    throw AuthConfigurationError.create(AuthErrorCode.InvalidTenantId, 'tenantId is missing or malformed.', [
      'Set AzureAd__TenantId to a tenant GUID, a verified domain, "organizations" or "common".',
    ]);
  }
  const base = {
    instance: url.href.endsWith('/') ? url.href : `${url.href}/`,
    tenantId: options.tenantId,
    clientId: options.clientId.trim(),
  };
  return {
    ...base,
    scheme,
    trustedCa: options.trustedCa ?? [],
    identityProviderTransport: options.identityProviderTransport,
    validation: normalizeValidationOptions(options),
    acquisition: normalizeTokenAcquisitionOptions(options, { ...base, scheme }),
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
