import type { ExecutionContext, Logger } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import {
  AUTH_SCHEMES_KEY,
  IS_PUBLIC_KEY,
  REQUIRED_APP_PERMISSIONS_KEY,
  REQUIRED_SCOPES_KEY,
  REQUIRED_SCOPES_OR_APP_PERMISSIONS_KEY,
  type RequirementMetadata,
  type ScopesOrAppPermissionsMetadata,
} from './authorization-metadata.constants.js';

/** A requirement after configuration keys are resolved; `undefined` values = misconfigured (fail-closed). @internal */
export interface ResolvedRequirements {
  readonly isPublic: boolean;
  readonly scopes?: readonly string[];
  readonly appPermissions?: readonly string[];
  readonly scopesOrAppPermissions?: { readonly scopes: readonly string[]; readonly appPermissions: readonly string[] };
  /** `@AuthScheme(...)`: the schemes whose tokens are accepted; `undefined` = the guard's default scheme. */
  readonly schemes?: readonly string[];
  /** Set when a decorator resolved to no value. */
  readonly misconfigured?: string;
}

/** Reads one configuration key (the module's `configuration`, `process.env` by default). @internal */
export type ConfigurationReader = (key: string) => unknown;

/**
 * Resolves a route's `@Public`, `@RequiredScopes`, `@RequiredAppPermissions` and
 * `@RequiredScopesOrAppPermissions` once per handler (method over class), configuration keys
 * included, and remembers the answer: the guard's hot path is two `WeakMap` lookups.
 * @internal
 */
export class RequirementResolver {
  private readonly resolved = new WeakMap<object, WeakMap<object, ResolvedRequirements>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly configuration: ConfigurationReader,
    private readonly logger: Logger,
  ) {}

  /** The requirements of the handler `context` is about to run (or describes, for the OpenAPI document). */
  requirementsFor(context: Pick<ExecutionContext, 'getHandler' | 'getClass'>): ResolvedRequirements {
    const handler = context.getHandler();
    const cls = context.getClass();
    let byHandler = this.resolved.get(cls);
    let r = byHandler?.get(handler);
    if (r) return r;
    r = this.resolve([handler, cls]);
    if (!byHandler) this.resolved.set(cls, (byHandler = new WeakMap()));
    byHandler.set(handler, r);
    return r;
  }

  private resolve(targets: [object, object]): ResolvedRequirements {
    const get = <T>(key: string) => this.reflector.getAllAndOverride<T | undefined>(key, targets as never);
    if (get<boolean>(IS_PUBLIC_KEY) === true) return { isPublic: true };
    const problems: string[] = [];
    const resolve = (what: string, m: RequirementMetadata | undefined): readonly string[] | undefined => {
      if (m === undefined) return undefined;
      const values = m.configKey !== undefined ? this.fromConfiguration(m.configKey) : [...(m.values ?? [])];
      if (!values.length) {
        problems.push(
          m.configKey !== undefined
            ? `${what} reads configuration key '${m.configKey}', which is empty: access is denied. Set the key.`
            : `${what} lists no value: access is denied. List at least one.`,
        );
      }
      return values;
    };
    const scopes = resolve('@RequiredScopes', get<RequirementMetadata>(REQUIRED_SCOPES_KEY));
    const appPermissions = resolve('@RequiredAppPermissions', get<RequirementMetadata>(REQUIRED_APP_PERMISSIONS_KEY));
    const eitherMeta = get<ScopesOrAppPermissionsMetadata>(REQUIRED_SCOPES_OR_APP_PERMISSIONS_KEY);
    let scopesOrAppPermissions: ResolvedRequirements['scopesOrAppPermissions'];
    if (eitherMeta) {
      const s =
        eitherMeta.scopes?.configKey !== undefined
          ? this.fromConfiguration(eitherMeta.scopes.configKey)
          : [...(eitherMeta.scopes?.values ?? [])];
      const a =
        eitherMeta.appPermissions?.configKey !== undefined
          ? this.fromConfiguration(eitherMeta.appPermissions.configKey)
          : [...(eitherMeta.appPermissions?.values ?? [])];
      if (!s.length && !a.length)
        problems.push('@RequiredScopesOrAppPermissions resolves to no scope and no app permission: access is denied.');
      scopesOrAppPermissions = { scopes: s, appPermissions: a };
    }
    const misconfigured = problems.length ? problems.join(' ') : undefined;
    if (misconfigured) this.logger.warn(`${AuthErrorCode.EmptyAuthorizationRequirement}: ${misconfigured}`);
    const schemes = get<readonly string[]>(AUTH_SCHEMES_KEY);
    return { isPublic: false, scopes, appPermissions, scopesOrAppPermissions, misconfigured, schemes };
  }

  private fromConfiguration(key: string): string[] {
    const read = this.configuration;
    let value = read(key);
    if (value === undefined || value === null || value === '') {
      const alternative = key.includes(':') ? key.replaceAll(':', '__') : key.replaceAll('__', ':');
      value = read(alternative);
    }
    const items = Array.isArray(value) ? (value as unknown[]) : typeof value === 'string' ? value.split(/[\s,]+/) : [];
    return items.filter((v): v is string => typeof v === 'string' && v.length > 0);
  }
}
