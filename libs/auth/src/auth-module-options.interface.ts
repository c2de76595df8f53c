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
  /**
   * Extra CA certificates (PEM) to trust for the identity provider, on top of Node's roots, without
   * changing process-wide TLS settings. For the local emulator or a TLS-inspecting proxy.
   * @example
   * ```ts
   * AuthModule.forRoot({ ...options, trustedCa: [emulator.caCertPem] });
   * ```
   */
  trustedCa?: readonly string[];

  // --- incoming token validation (validation/, authorization/) ---

  // --- token acquisition (token-acquisition/, token-cache/) ---
}
