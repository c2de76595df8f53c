import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { derivedGuid, isGuid } from '../util/encoding.js';
import type { ClientSecretInput, DirectoryInput } from './directory.types.js';

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

/**
 * A certificate registered on an app registration for client assertions.
 *
 * @example
 * ```ts
 * const cert = emu.directory.app('my-api')?.certificates[0];
 * console.log(cert?.thumbprintSha1Hex);
 * ```
 */
export interface RegisteredCertificate {
  /** PEM of the certificate. */
  readonly certificatePem: string;
  /** base64url(SHA-1(DER)): the `x5t` header msal sends with an RS256 assertion. */
  readonly x5t: string;
  /** base64url(SHA-256(DER)): the `x5t#S256` header msal sends with a PS256 assertion. */
  readonly x5tS256: string;
  /** Hex SHA-1 thumbprint (msal `clientCertificate.thumbprint`). */
  readonly thumbprintSha1Hex: string;
  /** Hex SHA-256 thumbprint (msal `clientCertificate.thumbprintSha256`). */
  readonly thumbprintSha256Hex: string;
  /** The certificate's public key. */
  readonly publicKey: KeyObject;
}

/**
 * An app registration after validation.
 *
 * @example
 * ```ts
 * const api = emu.directory.app('my-api');
 * console.log(api?.clientId, api?.identifiers);
 * ```
 */
export interface ResolvedApp {
  readonly name: string;
  readonly clientId: string;
  readonly displayName: string;
  /** App ID URIs, the first being `appIdUri`. */
  readonly identifiers: readonly string[];
  readonly publicClient: boolean;
  readonly secrets: readonly { readonly value: string; readonly expiresAt?: number }[];
  /** Certificates; `emu.createClientCertificate` adds to this list. */
  readonly certificates: RegisteredCertificate[];
  readonly scopes: readonly string[];
  readonly appRoles: readonly {
    readonly value: string;
    readonly id: string;
    readonly allowedMemberTypes: readonly string[];
  }[];
  readonly accessTokenAcceptedVersion: 1 | 2;
  /** Granted application permissions by resource client id. */
  readonly appPermissions: ReadonlyMap<string, readonly string[]>;
  /** Consented delegated scopes by resource client id. */
  readonly delegatedPermissions: ReadonlyMap<string, readonly string[]>;
  readonly consentGranted: boolean;
  readonly redirectUris: readonly string[];
}

/**
 * A user after validation.
 *
 * @example
 * ```ts
 * const alice = emu.directory.tenant('contoso')?.users.find((u) => u.name === 'alice');
 * ```
 */
export interface ResolvedUser {
  readonly name: string;
  readonly oid: string;
  readonly upn: string;
  readonly displayName: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly password?: string;
  readonly tenantId: string;
  /** App roles by resource client id. */
  readonly appRoles: ReadonlyMap<string, readonly string[]>;
  readonly wids: readonly string[];
}

/**
 * A Conditional Access policy after validation (users as oids, resources as client ids).
 *
 * @example
 * ```ts
 * const policies = emu.directory.tenant('contoso')?.policies;
 * ```
 */
export interface ResolvedPolicy {
  readonly id: string;
  readonly users?: ReadonlySet<string>;
  readonly resources?: ReadonlySet<string>;
  readonly scopes?: ReadonlySet<string>;
  readonly grant: 'mfa' | 'block';
}

/**
 * A tenant after validation.
 *
 * @example
 * ```ts
 * const tid = emu.directory.tenant('contoso')?.id;
 * ```
 */
export interface ResolvedTenant {
  readonly name: string;
  readonly id: string;
  readonly domain: string;
  readonly users: readonly ResolvedUser[];
  readonly policies: readonly ResolvedPolicy[];
}

/**
 * Builds the registered-certificate record of a PEM certificate.
 * @internal
 */
export function registerCertificate(certificatePem: string): RegisteredCertificate {
  const x509 = new X509Certificate(certificatePem);
  const sha1 = createHash('sha1').update(x509.raw).digest();
  const s256 = createHash('sha256').update(x509.raw).digest();
  return {
    certificatePem: x509.toString(),
    x5t: sha1.toString('base64url'),
    x5tS256: s256.toString('base64url'),
    thumbprintSha1Hex: sha1.toString('hex').toUpperCase(),
    thumbprintSha256Hex: s256.toString('hex').toUpperCase(),
    publicKey: x509.publicKey,
  };
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
      return { name: t.name, id: tid, domain: t.domain, users, policies };
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
