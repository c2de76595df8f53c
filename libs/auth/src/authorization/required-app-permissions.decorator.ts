import { SetMetadata } from '@nestjs/common';
import {
  REQUIRED_APP_PERMISSIONS_KEY,
  toRequirement,
  type FromConfiguration,
} from './authorization-metadata.constants.js';

/**
 * Requires one of the given app permissions / app roles (`roles` claim) on a controller or route:
 * any-of, case-sensitive, method over class, fail-closed when empty. Failing callers get 403.
 *
 * @example
 * ```ts
 * @RequiredAppPermissions('TodoList.ReadWrite.All')
 * @Post('import')
 * import() {}
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/howto-add-app-roles-in-apps
 */
export function RequiredAppPermissions(...appPermissions: string[]): ClassDecorator & MethodDecorator;
export function RequiredAppPermissions(options: FromConfiguration): ClassDecorator & MethodDecorator;
export function RequiredAppPermissions(...args: (string | FromConfiguration)[]): ClassDecorator & MethodDecorator {
  return SetMetadata(REQUIRED_APP_PERMISSIONS_KEY, toRequirement(args));
}
