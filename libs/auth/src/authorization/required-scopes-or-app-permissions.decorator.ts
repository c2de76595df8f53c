import { SetMetadata } from '@nestjs/common';
import {
  REQUIRED_SCOPES_OR_APP_PERMISSIONS_KEY,
  type ScopesOrAppPermissionsMetadata,
} from './authorization-metadata.constants.js';

/**
 * Options of {@link RequiredScopesOrAppPermissions}.
 *
 * @example
 * ```ts
 * const req: ScopesOrAppPermissions = { scopes: ['access_as_user'], appPermissions: ['TodoList.ReadWrite.All'] };
 * ```
 */
export interface ScopesOrAppPermissions {
  /** Accepted delegated scopes (`scp`). */
  readonly scopes?: readonly string[];
  /** Accepted app permissions (`roles`). */
  readonly appPermissions?: readonly string[];
  /** Configuration key supplying the scopes instead of `scopes`. */
  readonly scopesConfigKey?: string;
  /** Configuration key supplying the app permissions instead of `appPermissions`. */
  readonly appPermissionsConfigKey?: string;
}

/**
 * Accepts a caller holding one of the scopes (user tokens) **or** one of the app permissions
 * (app-only tokens), like Microsoft.Identity.Web's `RequiredScopeOrAppPermission`. Fail-closed when
 * both resolve to nothing.
 *
 * @example
 * ```ts
 * @RequiredScopesOrAppPermissions({ scopes: ['access_as_user'], appPermissions: ['TodoList.ReadWrite.All'] })
 * @Get()
 * list() {}
 * ```
 */
export function RequiredScopesOrAppPermissions(options: ScopesOrAppPermissions): ClassDecorator & MethodDecorator {
  const metadata: ScopesOrAppPermissionsMetadata = {
    scopes:
      options.scopesConfigKey !== undefined
        ? { configKey: options.scopesConfigKey }
        : { values: [...(options.scopes ?? [])] },
    appPermissions:
      options.appPermissionsConfigKey !== undefined
        ? { configKey: options.appPermissionsConfigKey }
        : { values: [...(options.appPermissions ?? [])] },
  };
  return SetMetadata(REQUIRED_SCOPES_OR_APP_PERMISSIONS_KEY, metadata);
}
