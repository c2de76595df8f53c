import type { AuthModuleOptions } from './auth-module-options.interface.js';
import {
  certificateFiles,
  clientCredentials,
  credentialError,
  scalar,
  trustedCaFile,
  x5c,
} from './azure-ad-credentials.loader.js';
import { configurationReader } from './configuration-key.util.js';
import { AuthErrorCode } from './errors/auth-error-codes.js';
import { AuthConfigurationError } from './errors/auth.error.js';
import { readDownstreamApiSettings } from './downstream-api/downstream-api.settings.js';
import { loadTokenCacheOptions } from './token-cache/token-cache-options.loader.js';

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
 * Reads Microsoft.Identity.Web-style `AzureAd` settings (the `AzureAd__Key` environment form, or
 * `AzureAd:Key` through a `ConfigService`) into {@link AuthModuleOptions}. Lists accept a JSON
 * array, a comma/space-separated string, or indexed keys (`AzureAd__Audiences__0`).
 *
 * Keys: `Instance`, `TenantId`, `ClientId`, `Audience`, `Audiences`, `AllowedTenants`,
 * `ValidIssuers`, `ClockSkewSeconds`, `Strategy`, `AllowWebApiToBeAuthorizedByACL`,
 * `AppHomeTenantId`, `ClientCapabilities`, and one credential:
 *
 * - `ClientSecret`;
 * - `ClientCertificate__PrivateKeyPath` + `ClientCertificate__CertificatePath` (PEM files, re-read
 *   when the identity provider rejects the certificate, so a rotated file is picked up), or
 *   `ClientCertificate__PrivateKeyPem` + `ClientCertificate__CertificatePem`; `SendX5C` (or
 *   `ClientCertificate__SendX5c`);
 * - `SignedAssertionFilePath` (workload identity);
 * - Microsoft.Identity.Web's `ClientCredentials` list (`ClientCredentials__0__SourceType`…): the
 *   first entry of a supported type wins: `ClientSecret` (`ClientSecret`), `Path`
 *   (`CertificateDiskPath`: a PEM file holding the private key and the certificate) and
 *   `SignedAssertionFilePath` (`SignedAssertionFileDiskPath`, default `AZURE_FEDERATED_TOKEN_FILE`).
 *   Entries with `Skip: true` or another type (Key Vault, certificate stores, managed identity) are
 *   skipped; if none is usable, loading fails.
 *
 * Microsoft Entra External ID and Azure AD B2C: `Authority`, and for B2C (Microsoft.Identity.Web's
 * `AzureAdB2C` section: pass `'AzureAdB2C'` as `section`) `Domain`, `SignUpSignInPolicyId`,
 * `ResetPasswordPolicyId`, `EditProfilePolicyId`.
 *
 * `LongRunningSessions__MaxAgeSeconds` sets `longRunningSessions.maxAgeSeconds`.
 *
 * The `DownstreamApis` section is read too: `DownstreamApis__<Name>__BaseUrl`, `__Scopes`,
 * `__AppScope`, `__RequestAppToken`, `__RelativePath`, `__TimeoutMs`, `__AllowHttp`,
 * `__ExtraHeaderParameters__<Header>`, `__ExtraQueryParameters__<Name>` (see `DownstreamApi`).
 * The distributed token cache is read from its own `TokenCache` section: `TokenCache__Store`,
 * `TokenCache__Redis__Url`, `TokenCache__Redis__KeyPrefix`, `TokenCache__Encryption__Keys`
 * (base64, newest first), `TokenCache__L2TimeoutMs`.
 *
 * `TrustedCaPath` names a PEM file (one or more certificates, e.g. a local emulator's CA) read now
 * into `trustedCa`; a JSON array or indexed keys (`TrustedCaPath__0`) name several files. Other
 * values are only read here; `AuthModule` validates them at bootstrap.
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
 * // Azure AD B2C: AzureAdB2C__Instance, __Domain, __ClientId, __SignUpSignInPolicyId
 * AuthModule.forRoot(loadAzureAdOptions(process.env, 'AzureAdB2C'));
 * ```
 * @throws AuthConfigurationError when a numeric or boolean setting is malformed (NIW1008), a
 *   `TrustedCaPath` file cannot be read or holds no PEM certificate (NIW1013), or a
 *   credential file cannot be read or no `ClientCredentials` entry is usable (NIW1009)
 * @see https://learn.microsoft.com/entra/identity-platform/scenario-protected-web-api-app-configuration
 * @see https://learn.microsoft.com/entra/msal/dotnet/microsoft-identity-web/credential-descriptions
 */
export function loadAzureAdOptions(
  source: AzureAdSettingsSource = process.env,
  section = 'AzureAd',
): AuthModuleOptions {
  const lookup = configurationReader(source);
  // `AzureAd__Key`, or `AzureAd:Key` through a ConfigService: the one reader tries both forms.
  const raw = (key: string): unknown => lookup(`${section}__${key}`);
  const text = (key: string): string | undefined => scalar(raw(key));
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
  const bool = (key: string, value = text(key)): boolean | undefined => {
    if (value === undefined) return undefined;
    if (/^(true|1|yes)$/i.test(value)) return true;
    if (/^(false|0|no)$/i.test(value)) return false;
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

  const options: AuthModuleOptions = {
    tenantId: text('TenantId') ?? '',
    clientId: text('ClientId') ?? '',
  };
  const set = <K extends keyof AuthModuleOptions>(key: K, value: AuthModuleOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('instance', text('Instance'));
  set('authority', text('Authority'));
  set('domain', text('Domain'));
  set('signUpSignInPolicyId', text('SignUpSignInPolicyId'));
  set('resetPasswordPolicyId', text('ResetPasswordPolicyId'));
  set('editProfilePolicyId', text('EditProfilePolicyId'));
  set('audience', text('Audience'));
  set('audiences', list('Audiences'));
  set('allowedTenants', list('AllowedTenants'));
  set('validIssuers', list('ValidIssuers'));
  set('clockSkewSeconds', int('ClockSkewSeconds'));
  const strategy = text('Strategy');
  if (strategy !== undefined) set('strategy', strategy as AuthModuleOptions['strategy']);
  set('allowWebApiToBeAuthorizedByACL', bool('AllowWebApiToBeAuthorizedByACL'));
  set('appHomeTenantId', text('AppHomeTenantId'));
  set('clientCapabilities', list('ClientCapabilities'));
  const caPath = text('TrustedCaPath');
  const caPaths = caPath && !caPath.startsWith('[') ? [caPath] : list('TrustedCaPath');
  if (caPaths?.length)
    set(
      'trustedCa',
      caPaths.flatMap((p) => trustedCaFile(p, `${section}__TrustedCaPath`)),
    );

  // Credentials. Several configured at once are reported by AuthModule at bootstrap (NIW1009).
  const sendX5c = bool('SendX5C') ?? bool('ClientCertificate__SendX5c');
  set('clientSecret', text('ClientSecret'));
  set('signedAssertionFilePath', text('SignedAssertionFilePath'));
  const keyPath = text('ClientCertificate__PrivateKeyPath');
  const certPath = text('ClientCertificate__CertificatePath');
  const keyPem = text('ClientCertificate__PrivateKeyPem');
  const certPem = text('ClientCertificate__CertificatePem');
  if (keyPath || certPath) {
    if (!keyPath || !certPath) {
      throw credentialError(
        `${section}__ClientCertificate__PrivateKeyPath and __CertificatePath must be set together.`,
        'Point both at PEM files (the key may also be in the certificate file: use ClientCredentials__0__SourceType=Path).',
      );
    }
    set('clientCertificate', certificateFiles(keyPath, certPath, sendX5c));
  } else if (keyPem && certPem) {
    set('clientCertificate', { privateKeyPem: keyPem, certificatePem: certPem, ...x5c(sendX5c) });
  }
  const described = clientCredentials(section, raw, lookup, sendX5c);
  if (described) Object.assign(options, described);
  set('downstreamApis', readDownstreamApiSettings(source));
  set('tokenCache', loadTokenCacheOptions(lookup));
  const sessionMaxAge = int('LongRunningSessions__MaxAgeSeconds');
  if (sessionMaxAge !== undefined) set('longRunningSessions', { maxAgeSeconds: sessionMaxAge });
  return options;
}
