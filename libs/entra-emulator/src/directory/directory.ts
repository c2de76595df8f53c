import {
  registerCertificate,
  type ResolvedApp,
  type ResolvedPolicy,
  type ResolvedTenant,
  type ResolvedUser,
} from './resolved-directory.types.js';
import { derivedGuid, isGuid } from '../util/encoding.js';
import type { ClientSecretInput, DirectoryInput } from './directory.types.js';

export {
  registerCertificate,
  type RegisteredCertificate,
  type ResolvedApp,
  type ResolvedPolicy,
  type ResolvedTenant,
  type ResolvedUser,
} from './resolved-directory.types.js';

/**
 * Raised when the directory or the emulator options are invalid.
 *
 * @example
 * ```ts
 * try { await startEntraEmulator({ directory: { tenants: [], apps: [] } }); }
 * catch (e) { if (e instanceof EmulatorConfigurationError) console.error(e.message); }
 * ```
 */
export class EmulatorConfigurationError extends Error {
  override readonly name = 'EmulatorConfigurationError';
}

function list<T>(x: readonly T[] | undefined): readonly T[] {
  return x ?? [];
}

function secret(input: ClientSecretInput): { value: string; expiresAt?: number } {
  if (typeof input === 'string') return { value: input };
  const at = input.expiresAt === undefined ? undefined : new Date(input.expiresAt).getTime();
  if (at !== undefined && Number.isNaN(at))
    throw new EmulatorConfigurationError('EMU1004: a client secret has an invalid expiresAt date.');
  return at === undefined ? { value: input.value } : { value: input.value, expiresAt: Math.floor(at / 1000) };
}

/**
 * The resolved, validated directory with lookups (names, ids, App ID URIs and domains are matched
 * case-insensitively).
 *
 * @example
 * ```ts
 * const tenant = emu.directory.tenant('contoso.onmicrosoft.com');
 * const app = emu.directory.app('api://my-api');
 * ```
 */
export class ResolvedDirectory {
  readonly tenants: readonly ResolvedTenant[];
  readonly apps: readonly ResolvedApp[];

  constructor(input: DirectoryInput) {
    const raw = input as unknown as { tenants?: unknown; apps?: unknown } | undefined;
    if (!raw || !Array.isArray(raw.tenants) || raw.tenants.length === 0 || !Array.isArray(raw.apps)) {
      throw new EmulatorConfigurationError('EMU1001: the directory needs at least one tenant and an apps array.');
    }
    const appsByKey = new Map<string, string>();
    for (const a of input.apps) {
      if (!isGuid(a.clientId)) throw new EmulatorConfigurationError(`EMU1002: app '${a.name}' needs a GUID clientId.`);
      for (const key of [a.name, a.clientId, a.appIdUri, ...list(a.identifierUris)]) {
        if (key === undefined) continue;
        const k = key.toLowerCase();
        if (appsByKey.has(k) && appsByKey.get(k) !== a.clientId) {
          throw new EmulatorConfigurationError(`EMU1003: the app name or identifier '${key}' is used twice.`);
        }
        appsByKey.set(k, a.clientId);
      }
    }
    const resolveApp = (ref: string, where: string): string => {
      const id = appsByKey.get(ref.toLowerCase());
      if (!id) throw new EmulatorConfigurationError(`EMU1005: ${where} names an unknown app '${ref}'.`);
      return id;
    };
    const grants = (
      list: readonly { resource: string; scopes?: readonly string[]; roles?: readonly string[] }[] | undefined,
      kind: 'scopes' | 'roles',
      where: string,
    ) => {
      const m = new Map<string, string[]>();
      for (const g of list ?? []) {
        const id = resolveApp(g.resource, where);
        m.set(id, [...(m.get(id) ?? []), ...(g[kind] ?? [])]);
      }
      return m;
    };
    for (const a of input.apps) {
      for (const c of list(a.optionalClaims?.accessToken)) {
        if (c !== 'idtyp' && c !== 'amr')
          throw new EmulatorConfigurationError(
            `EMU1016: app '${a.name}' asks for an unknown optional claim '${String(c)}' (use 'idtyp' or 'amr').`,
          );
      }
    }
    this.apps = input.apps.map((a) => ({
      name: a.name,
      clientId: a.clientId.toLowerCase(),
      displayName: a.displayName ?? a.name,
      identifiers: [a.appIdUri, ...list(a.identifierUris)].filter(
        (x): x is string => typeof x === 'string' && x.length > 0,
      ),
      publicClient: a.publicClient === true,
      secrets: list(a.secrets).map(secret),
      certificates: list(a.certificates).map(registerCertificate),
      scopes: [...list(a.scopes)],
      appRoles: list(a.appRoles).map((r) => ({
        value: r.value,
        id: r.id ?? derivedGuid('role', a.clientId, r.value),
        allowedMemberTypes: [...(r.allowedMemberTypes ?? ['User', 'Application'])],
      })),
      accessTokenAcceptedVersion: a.accessTokenAcceptedVersion === 2 ? 2 : 1,
      appPermissions: grants(a.appPermissions, 'roles', `app '${a.name}' appPermissions`),
      delegatedPermissions: grants(a.delegatedPermissions, 'scopes', `app '${a.name}' delegatedPermissions`),
      consentGranted: a.consentGranted !== false,
      redirectUris: [...list(a.redirectUris)],
      accessTokenOptionalClaims: new Set(list(a.optionalClaims?.accessToken)),
    }));
    const seenTenants = new Set<string>();
    this.tenants = input.tenants.map((t) => {
      if (!isGuid(t.id)) throw new EmulatorConfigurationError(`EMU1006: tenant '${t.name}' needs a GUID id.`);
      for (const k of [t.name, t.id, t.domain]) {
        if (seenTenants.has(k.toLowerCase()))
          throw new EmulatorConfigurationError(`EMU1007: tenant key '${k}' is used twice.`);
        seenTenants.add(k.toLowerCase());
      }
      const tid = t.id.toLowerCase();
      const users: ResolvedUser[] = list(t.users).map((u) => {
        if (!isGuid(u.oid)) throw new EmulatorConfigurationError(`EMU1008: user '${u.name}' needs a GUID oid.`);
        const roles = new Map<string, string[]>();
        for (const [res, values] of Object.entries<readonly string[]>(u.appRoles ?? {})) {
          const id = resolveApp(res, `user '${u.name}' appRoles`);
          roles.set(id, [...(roles.get(id) ?? []), ...values]);
        }
        return {
          name: u.name,
          oid: u.oid.toLowerCase(),
          upn: u.upn,
          displayName: u.displayName ?? u.name,
          ...(u.givenName !== undefined ? { givenName: u.givenName } : {}),
          ...(u.familyName !== undefined ? { familyName: u.familyName } : {}),
          ...(u.password !== undefined ? { password: u.password } : {}),
          tenantId: tid,
          appRoles: roles,
          wids: [...list(u.wids)],
        };
      });
      const userRef = (ref: string): string => {
        const r = ref.toLowerCase();
        const u = users.find((x) => x.name.toLowerCase() === r || x.oid === r || x.upn.toLowerCase() === r);
        if (!u)
          throw new EmulatorConfigurationError(
            `EMU1009: a policy of tenant '${t.name}' names an unknown user '${ref}'.`,
          );
        return u.oid;
      };
      const policies: ResolvedPolicy[] = list(t.policies).map((p, i) => ({
        id: p.id ?? derivedGuid('policy', tid, String(i)),
        grant: p.grant,
        ...(p.users ? { users: new Set(p.users.map(userRef)) } : {}),
        ...(p.resources
          ? { resources: new Set(p.resources.map((r) => resolveApp(r, `a policy of tenant '${t.name}'`))) }
          : {}),
        ...(p.scopes ? { scopes: new Set(p.scopes.map((s) => s.toLowerCase())) } : {}),
      }));
      const kind = t.kind ?? 'entra';
      const userFlows = [...list(t.userFlows)];
      if (
        kind === 'b2c'
          ? !userFlows.length || userFlows.some((f) => !/^b2c_1a?_[0-9a-z._-]+$/i.test(f))
          : userFlows.length
      )
        throw new EmulatorConfigurationError(
          `EMU1017: tenant '${t.name}': userFlows (B2C_1_… or B2C_1A_…, at least one) belong to b2c tenants only.`,
        );
      return {
        name: t.name,
        id: tid,
        domain: t.domain,
        users,
        policies,
        kind,
        userFlows,
        policyClaim: t.policyClaim ?? 'tfp',
      };
    });
  }

  /** The default tenant (the first one). */
  get defaultTenant(): ResolvedTenant {
    return this.tenants[0]!;
  }

  /** Finds a tenant by id, name or domain. */
  tenant(ref: string): ResolvedTenant | undefined {
    const r = ref.toLowerCase();
    return this.tenants.find((t) => t.id === r || t.name.toLowerCase() === r || t.domain.toLowerCase() === r);
  }

  /** Finds an app by client id, name or identifier URI. */
  app(ref: string): ResolvedApp | undefined {
    const r = ref.toLowerCase();
    return this.apps.find(
      (a) => a.clientId === r || a.name.toLowerCase() === r || a.identifiers.some((i) => i.toLowerCase() === r),
    );
  }

  /** Finds a user by upn (any tenant when `tenant` is absent). */
  userByUpn(upn: string, tenant?: ResolvedTenant): ResolvedUser | undefined {
    const r = upn.toLowerCase();
    for (const t of tenant ? [tenant] : this.tenants) {
      const u = t.users.find((x) => x.upn.toLowerCase() === r);
      if (u) return u;
    }
    return undefined;
  }

  /** Finds a user by object id (any tenant when `tenant` is absent). */
  userByOid(oid: string, tenant?: ResolvedTenant): ResolvedUser | undefined {
    const r = oid.toLowerCase();
    for (const t of tenant ? [tenant] : this.tenants) {
      const u = t.users.find((x) => x.oid === r);
      if (u) return u;
    }
    return undefined;
  }

  /** Finds a user by short name, oid or upn (any tenant). */
  user(ref: string): ResolvedUser | undefined {
    const r = ref.toLowerCase();
    for (const t of this.tenants) {
      const u = t.users.find((x) => x.name.toLowerCase() === r || x.oid === r || x.upn.toLowerCase() === r);
      if (u) return u;
    }
    return undefined;
  }
}
