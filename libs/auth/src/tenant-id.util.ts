/**
 * The one definition of what a tenant is, for options, validation and token acquisition.
 *
 * - A tenant **identifier** is a tenant ID (GUID), a verified domain (`contoso.onmicrosoft.com`) or
 *   a meta-tenant (`common`, `organizations`, `consumers`): letters, digits, `.` and `-`, up to 253
 *   characters. It has no `/`, `{` or `}`, so it can neither add a path segment to an authority URL
 *   nor fake an issuer template.
 * - A tenant **ID** is a GUID, the form tokens carry in `tid`.
 * - A **meta-tenant** stands for several tenants: a multi-tenant API's issuer is a `{tenantid}`
 *   template, and an app token needs a real tenant instead.
 * @internal
 */
const TENANT_IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;
const TENANT_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const META_TENANTS: ReadonlySet<string> = new Set(['common', 'organizations', 'consumers']);

/** True for a tenant ID (GUID), a domain or a meta-tenant, see above. @internal */
export function isTenantIdentifier(value: unknown): value is string {
  return typeof value === 'string' && TENANT_IDENTIFIER.test(value);
}

/** True for a tenant ID in GUID form (any letter case). @internal */
export function isTenantGuid(value: unknown): value is string {
  return typeof value === 'string' && TENANT_GUID.test(value);
}

/** True for `common`, `organizations` and `consumers` (any letter case). @internal */
export function isMetaTenant(tenant: string | undefined): boolean {
  return typeof tenant === 'string' && META_TENANTS.has(tenant.toLowerCase());
}
