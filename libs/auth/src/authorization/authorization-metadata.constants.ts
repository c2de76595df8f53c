/** Metadata key of `@Public()`. @internal */
export const IS_PUBLIC_KEY = 'nest-identity-web:public';
/** Metadata key of `@RequiredScopes()`. @internal */
export const REQUIRED_SCOPES_KEY = 'nest-identity-web:required-scopes';
/** Metadata key of `@RequiredAppPermissions()`. @internal */
export const REQUIRED_APP_PERMISSIONS_KEY = 'nest-identity-web:required-app-permissions';
/** Metadata key of `@RequiredScopesOrAppPermissions()`. @internal */
export const REQUIRED_SCOPES_OR_APP_PERMISSIONS_KEY = 'nest-identity-web:required-scopes-or-app-permissions';

/**
 * What an authorization decorator stores: literal values and/or a configuration key whose value
 * (space- or comma-separated, or an array) supplies them.
 * @internal
 */
export interface RequirementMetadata {
  readonly values?: readonly string[];
  readonly configKey?: string;
}

/** @internal */
export interface ScopesOrAppPermissionsMetadata {
  readonly scopes?: RequirementMetadata;
  readonly appPermissions?: RequirementMetadata;
}

/**
 * The options form of `@RequiredScopes` / `@RequiredAppPermissions`: read the accepted values from
 * configuration (Microsoft.Identity.Web's `RequiredScopesConfigurationKey`).
 *
 * @example
 * ```ts
 * @RequiredScopes({ configKey: 'AzureAd__Scopes' })
 * ```
 */
export interface FromConfiguration {
  /** Key looked up in the module's `configuration` (default `process.env`); `:` and `__` are interchangeable. */
  readonly configKey: string;
}

/** @internal */
export function toRequirement(args: readonly (string | FromConfiguration)[]): RequirementMetadata {
  const first = args[0];
  if (args.length === 1 && typeof first === 'object' && first !== null) return { configKey: first.configKey };
  return { values: Object.freeze(args.filter((a): a is string => typeof a === 'string')) };
}

/** Metadata key of `@AuthScheme()`: the scheme names a route accepts. @internal */
export const AUTH_SCHEMES_KEY = 'nest-identity-web:auth-schemes';
