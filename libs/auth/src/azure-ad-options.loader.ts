import { readFileSync } from 'node:fs';
import type { AuthModuleOptions } from './auth-module-options.interface.js';
import { AuthErrorCode } from './errors/auth-error-codes.js';
import { AuthConfigurationError } from './errors/auth.error.js';

/**
 * Where {@link loadAzureAdOptions} reads settings: `process.env`, a plain record, or anything with
 * `get(key)` such as `@nestjs/config`'s `ConfigService`.
 *
 * @example
 * ```ts
 * const source: AzureAdSettingsSource = { AzureAd__TenantId: 'contoso.onmicrosoft.com', AzureAd__ClientId: '...' };
 * ```
 */
export type AzureAdSettingsSource = Readonly<Record<string, string | undefined>> | { get(key: string): unknown };

/**
 * Credential settings read by {@link loadAzureAdOptions}, used by token acquisition.
 *
 * @example
 * ```ts
 * const { clientSecret } = loadAzureAdOptions(process.env);
 * ```
 */
export interface AzureAdCredentialSettings {
  /** `AzureAd__ClientSecret`. */
  clientSecret?: string;
  /** `AzureAd__ClientCertificate__{PrivateKeyPem|PrivateKeyPath, CertificatePem|CertificatePath, SendX5c}`. */
  clientCertificate?: { privateKeyPem: string; certificatePem: string; sendX5c?: boolean };
  /** `AzureAd__SignedAssertionFilePath` (workload identity federation, e.g. AKS). */
  signedAssertionFilePath?: string;
  /** `AzureAd__ClientCapabilities` (e.g. `cp1`). */
  clientCapabilities?: string[];
}

/**
 * Reads Microsoft.Identity.Web-style `AzureAd` settings (the `AzureAd__Key` environment form, or
 * `AzureAd:Key` through a `ConfigService`) into {@link AuthModuleOptions}. Lists accept a JSON
 * array, a comma/space-separated string, or indexed keys (`AzureAd__Audiences__0`).
 *
 * Keys: `Instance`, `TenantId`, `ClientId`, `Audience`, `Audiences`, `AllowedTenants`,
 * `ValidIssuers`, `ClockSkewSeconds`, `Strategy`, `AllowWebApiToBeAuthorizedByACL`,
 * `ClientSecret`, `ClientCertificate__*`, `SignedAssertionFilePath`, `ClientCapabilities`.
 * Values are only read here; `AuthModule` validates them at bootstrap.
 *
 * @example
 * ```ts
 * AuthModule.forRootAsync({
 *   imports: [ConfigModule.forRoot()],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => loadAzureAdOptions(config),
 * });
 * // or
 * AuthModule.forRoot(loadAzureAdOptions(process.env));
 * ```
 * @throws AuthConfigurationError when a numeric or boolean setting is malformed, or a certificate file cannot be read
 * @see https://learn.microsoft.com/entra/identity-platform/scenario-protected-web-api-app-configuration
 */
export function loadAzureAdOptions(
  source: AzureAdSettingsSource = process.env,
  section = 'AzureAd',
): AuthModuleOptions & AzureAdCredentialSettings {
  const raw = (key: string): unknown => {
    for (const name of [`${section}__${key}`, `${section}:${key.replaceAll('__', ':')}`]) {
      const value =
        typeof source.get === 'function'
          ? (source as { get(k: string): unknown }).get(name)
          : (source as Record<string, unknown>)[name];
      if (value !== undefined && value !== null && value !== '') return value;
    }
    return undefined;
  };
  const text = (key: string): string | undefined => {
    return scalar(raw(key));
  };
  const list = (key: string): string[] | undefined => {
    const v = raw(key);
    let items: unknown[] | undefined;
    if (Array.isArray(v)) items = v;
    else if (typeof v === 'string') {
      const s = v.trim();
      items = s.startsWith('[') ? (JSON.parse(s) as unknown[]) : s.split(/[\s,;]+/);
    } else {
      const indexed: unknown[] = [];
      for (let i = 0; raw(`${key}__${i}`) !== undefined; i++) indexed.push(raw(`${key}__${i}`));
      items = indexed.length ? indexed : undefined;
    }
    return items?.map(scalar).filter((x): x is string => !!x);
  };
  const bool = (key: string): boolean | undefined => {
    const v = text(key);
    if (v === undefined) return undefined;
    if (/^(true|1|yes)$/i.test(v)) return true;
    if (/^(false|0|no)$/i.test(v)) return false;
    throw AuthConfigurationError.create(
      AuthErrorCode.InvalidValidationOption,
      `${section}__${key} must be true or false.`,
      [`Set ${section}__${key}=true or false.`],
    );
  };
  const int = (key: string): number | undefined => {
    const v = text(key);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) {
      throw AuthConfigurationError.create(
        AuthErrorCode.InvalidValidationOption,
        `${section}__${key} must be a whole number.`,
        [`Set ${section}__${key} to a number of seconds.`],
      );
    }
    return Number(v);
  };
  const file = (path: string, what: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (cause) {
      throw AuthConfigurationError.create(
        AuthErrorCode.InvalidValidationOption,
        `${section} ${what} file '${path}' cannot be read.`,
        ['Check the path and file permissions.'],
        { cause },
      );
    }
  };

  const options: AuthModuleOptions & AzureAdCredentialSettings = {
    tenantId: text('TenantId') ?? '',
    clientId: text('ClientId') ?? '',
  };
  const set = <K extends keyof (AuthModuleOptions & AzureAdCredentialSettings)>(
    key: K,
    value: (AuthModuleOptions & AzureAdCredentialSettings)[K] | undefined,
  ) => {
    if (value !== undefined) options[key] = value;
  };
  set('instance', text('Instance'));
  set('audience', text('Audience'));
  set('audiences', list('Audiences'));
  set('allowedTenants', list('AllowedTenants'));
  set('validIssuers', list('ValidIssuers'));
  set('clockSkewSeconds', int('ClockSkewSeconds'));
  const strategy = text('Strategy');
  if (strategy !== undefined) set('strategy', strategy as AuthModuleOptions['strategy']);
  set('allowWebApiToBeAuthorizedByACL', bool('AllowWebApiToBeAuthorizedByACL'));
  set('clientSecret', text('ClientSecret'));
  set('signedAssertionFilePath', text('SignedAssertionFilePath'));
  set('clientCapabilities', list('ClientCapabilities'));
  const keyPath = text('ClientCertificate__PrivateKeyPath');
  const certPath = text('ClientCertificate__CertificatePath');
  const privateKeyPem =
    text('ClientCertificate__PrivateKeyPem') ?? (keyPath ? file(keyPath, 'private key') : undefined);
  const certificatePem =
    text('ClientCertificate__CertificatePem') ?? (certPath ? file(certPath, 'certificate') : undefined);
  if (privateKeyPem && certificatePem) {
    const sendX5c = bool('ClientCertificate__SendX5c');
    options.clientCertificate = { privateKeyPem, certificatePem, ...(sendX5c !== undefined ? { sendX5c } : {}) };
  }
  return options;
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
