/**
 * Options of {@link AuthModule}, in the shape of Microsoft.Identity.Web's `AzureAd` section
 * (camelCase).
 *
 * @example
 * ```ts
 * AuthModule.forRoot({
 *   instance: 'https://login.microsoftonline.com/',
 *   tenantId: 'contoso.onmicrosoft.com',
 *   clientId: '00000000-0000-0000-0000-000000000001',
 * });
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/scenario-protected-web-api-app-configuration
 */
export interface AuthModuleOptions {
  /**
   * The cloud instance, e.g. `https://login.microsoftonline.com/`. Must be https.
   * @default 'https://login.microsoftonline.com/'
   */
  instance?: string;
  /** Tenant ID (GUID), domain, `common` or `organizations`. */
  tenantId: string;
  /** Application (client) ID of this API's app registration. */
  clientId: string;
}
