import { SetMetadata } from '@nestjs/common';
import { REQUIRED_SCOPES_KEY, toRequirement, type FromConfiguration } from './authorization-metadata.constants.js';

/**
 * Requires one of the given delegated scopes (`scp`) on a controller or route. Microsoft.Identity.Web
 * semantics: any-of, `scp` ∪ the long-form scope claim, split on single spaces, case-sensitive; the
 * method's value wins over the class's. Unlike Microsoft.Identity.Web, a decorator that resolves to
 * no scope denies access (fail-closed), and a mismatch answers 403 with
 * `WWW-Authenticate: Bearer error="insufficient_scope", scope="…"`.
 *
 * @example
 * ```ts
 * @UseGuards(AuthGuard)
 * @RequiredScopes('access_as_user')
 * @Controller('todos')
 * export class TodosController {}
 *
 * @RequiredScopes({ configKey: 'AzureAd__Scopes' }) // scopes from configuration
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/scenario-protected-web-api-verification-scope-app-roles
 */
export function RequiredScopes(...scopes: string[]): ClassDecorator & MethodDecorator;
export function RequiredScopes(options: FromConfiguration): ClassDecorator & MethodDecorator;
export function RequiredScopes(...args: (string | FromConfiguration)[]): ClassDecorator & MethodDecorator {
  return SetMetadata(REQUIRED_SCOPES_KEY, toRequirement(args));
}
