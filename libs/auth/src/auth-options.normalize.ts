import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { AuthErrorCode } from './errors/auth-error-codes.js';
import { AuthConfigurationError } from './errors/auth.error.js';
import {
  normalizeValidationOptions,
  type NormalizedValidationOptions,
} from './validation/validation-options.normalize.js';

/**
 * Options after validation, with defaults applied.
 * @internal
 */
export interface NormalizedAuthOptions {
  readonly instance: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly trustedCa: readonly string[];
  /** Incoming token validation (validation/, authorization/). */
  readonly validation: NormalizedValidationOptions;
}

const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;

/**
 * Validates options once, at bootstrap, and applies defaults.
 * @throws AuthConfigurationError on the first invalid option
 * @internal
 */
export function normalizeAuthOptions(options: AuthModuleOptions): NormalizedAuthOptions {
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
  if (typeof options.tenantId !== 'string' || !TENANT.test(options.tenantId)) {
    throw AuthConfigurationError.create(AuthErrorCode.InvalidTenantId, 'tenantId is missing or malformed.', [
      'Set AzureAd__TenantId to a tenant GUID, a verified domain, "organizations" or "common".',
    ]);
  }
  return {
    instance: url.href.endsWith('/') ? url.href : `${url.href}/`,
    tenantId: options.tenantId,
    clientId: options.clientId.trim(),
    trustedCa: options.trustedCa ?? [],
    validation: normalizeValidationOptions(options),
  };
}
