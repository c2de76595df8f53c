import type { AuthModuleOptions } from '../auth-module-options.interface.js';
import { type ConfigurationReader, configurationReader } from '../configuration-key.util.js';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { AuthConfigurationError } from '../errors/auth.error.js';
import { isMetaTenant, isTenantGuid } from '../tenant-id.util.js';

/**
 * Incoming-validation options after validation, with defaults applied.
 * @internal
 */
export interface NormalizedValidationOptions {
  readonly strategy: 'entra' | 'passport-azure-ad';
  /** Audiences accepted for every token version, besides the defaults. */
  readonly audiences: readonly string[];
  /** Lower-cased tenant IDs, or undefined for "any tenant". */
  readonly allowedTenants: ReadonlySet<string> | undefined;
  readonly validIssuers: readonly string[];
  readonly clockSkewSeconds: number;
  readonly allowWebApiToBeAuthorizedByACL: boolean;
  readonly validatedTokenCacheSize: number;
  readonly metadataRefreshIntervalMs: number;
  readonly unknownKeyRefreshIntervalMs: number;
  /** True for `common`, `organizations` (and `consumers`): the issuer is a `{tenantid}` template. */
  readonly multiTenant: boolean;
  /** Reads `{ configKey }` decorator values; `Section:Key` and `Section__Key` are interchangeable. */
  readonly configuration: ConfigurationReader;
}

/**
 * Validates the "incoming token validation" options once, at bootstrap.
 * @throws AuthConfigurationError on the first invalid option
 * @internal
 */
export function normalizeValidationOptions(options: AuthModuleOptions): NormalizedValidationOptions {
  const strategy = options.strategy ?? 'entra';
  if (strategy !== 'entra' && strategy !== 'passport-azure-ad') {
    throw AuthConfigurationError.create(
      AuthErrorCode.InvalidValidationOption,
      `strategy '${String(strategy)}' is not supported.`,
      ["Use 'entra' (default) or 'passport-azure-ad'."],
    );
  }
  const audiences: string[] = [];
  // A string where a list is expected would be spread into one-character audiences: refuse it.
  const listed: unknown = options.audiences ?? [];
  if (!Array.isArray(listed)) {
    throw AuthConfigurationError.create(AuthErrorCode.InvalidAudienceOption, 'audiences must be an array of strings.', [
      "Use audiences: ['api://my-api'], or audience: 'api://my-api' for a single value.",
    ]);
  }
  for (const a of [...(options.audience !== undefined ? [options.audience] : []), ...(listed as unknown[])]) {
    if (typeof a !== 'string' || !a.trim() || /\s/.test(a.trim())) {
      throw AuthConfigurationError.create(
        AuthErrorCode.InvalidAudienceOption,
        'audience/audiences contains an empty or malformed value.',
        [
          "Use the API's client ID or App ID URI (e.g. api://my-api), without spaces.",
          'Leave audience unset to accept the defaults: clientId for v2 tokens, api://{clientId} for v1 tokens.',
        ],
      );
    }
    if (!audiences.includes(a.trim())) audiences.push(a.trim());
  }
  const clockSkewSeconds = options.clockSkewSeconds ?? 300;
  if (!Number.isInteger(clockSkewSeconds) || clockSkewSeconds < 0 || clockSkewSeconds > 3600) {
    throw AuthConfigurationError.create(
      AuthErrorCode.InvalidClockSkew,
      'clockSkewSeconds must be an integer between 0 and 3600.',
      ['Leave it unset for the default of 300 seconds (Microsoft.Identity.Web and passport-azure-ad use the same).'],
    );
  }
  const multiTenant = isMetaTenant(options.tenantId);
  let allowedTenants: Set<string> | undefined;
  if (options.allowedTenants !== undefined) {
    if (!multiTenant) {
      throw AuthConfigurationError.create(
        AuthErrorCode.InvalidAllowedTenants,
        `allowedTenants is set but tenantId '${options.tenantId}' is a single tenant.`,
        [
          "Set tenantId to 'organizations' (or 'common') for a multi-tenant API, or remove allowedTenants: a single-tenant API already accepts only its own tenant.",
        ],
      );
    }
    allowedTenants = new Set();
    for (const t of Array.isArray(options.allowedTenants) ? (options.allowedTenants as unknown[]) : [undefined]) {
      if (typeof t !== 'string' || !isTenantGuid(t.trim())) {
        throw AuthConfigurationError.create(
          AuthErrorCode.InvalidAllowedTenants,
          'allowedTenants must be an array of tenant IDs (GUIDs).',
          ['Use the tenant ID (the tid claim, a GUID), not a domain name: tokens identify tenants by GUID only.'],
        );
      }
      allowedTenants.add(t.trim().toLowerCase());
    }
  }
  const validIssuers = [...(options.validIssuers ?? [])];
  for (const issuer of options.validIssuers === undefined || Array.isArray(options.validIssuers)
    ? validIssuers
    : [undefined]) {
    if (typeof issuer !== 'string' || !issuer.startsWith('https://')) {
      throw AuthConfigurationError.create(
        AuthErrorCode.InvalidValidationOption,
        'validIssuers must be an array of https URLs.',
        ["Use exact issuers or templates such as 'https://sts.windows.net/{tenantid}/'."],
      );
    }
  }
  const validatedTokenCacheSize = positiveInteger(
    options.validatedTokenCacheSize,
    10_000,
    'validatedTokenCacheSize',
    true,
  );
  const metadataRefresh = positiveInteger(
    options.metadataRefreshIntervalSeconds,
    43_200,
    'metadataRefreshIntervalSeconds',
  );
  const unknownKeyRefresh = positiveInteger(
    options.unknownKeyRefreshIntervalSeconds,
    30,
    'unknownKeyRefreshIntervalSeconds',
    true,
  );
  return {
    strategy,
    audiences,
    allowedTenants,
    validIssuers,
    clockSkewSeconds,
    allowWebApiToBeAuthorizedByACL: options.allowWebApiToBeAuthorizedByACL === true,
    validatedTokenCacheSize,
    metadataRefreshIntervalMs: metadataRefresh * 1000,
    unknownKeyRefreshIntervalMs: unknownKeyRefresh * 1000,
    multiTenant,
    configuration: configurationReader(options.configuration),
  };
}

function positiveInteger(value: number | undefined, fallback: number, name: string, zeroAllowed = false): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < (zeroAllowed ? 0 : 1)) {
    throw AuthConfigurationError.create(
      AuthErrorCode.InvalidValidationOption,
      `${name} must be ${zeroAllowed ? 'a non-negative' : 'a positive'} integer.`,
      [`Leave ${name} unset for the default (${fallback}).`],
    );
  }
  return value;
}
