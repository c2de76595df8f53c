import { Inject } from '@nestjs/common';
import { AUTH_MODULE_OPTIONS } from './auth.internal-constants.js';

/**
 * Injects the options `AuthModule` was configured with (`AuthModuleOptions`, as passed to
 * `forRoot` or returned by the `forRootAsync` factory), for services that need the tenant, the
 * client ID or the instance. The module validates them at bootstrap, so a service that gets them
 * can rely on them being valid. Treat the object as read-only; it may hold the client credential.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class SignInLinks {
 *   constructor(@InjectAuthOptions() private readonly auth: AuthModuleOptions) {}
 *   authorizeUrl(): string {
 *     return `${this.auth.instance ?? 'https://login.microsoftonline.com/'}${this.auth.tenantId}/oauth2/v2.0/authorize`;
 *   }
 * }
 * ```
 * @see https://docs.nestjs.com/fundamentals/dynamic-modules#configurable-module-builder
 */
export function InjectAuthOptions(): ParameterDecorator & PropertyDecorator {
  return Inject(AUTH_MODULE_OPTIONS);
}
