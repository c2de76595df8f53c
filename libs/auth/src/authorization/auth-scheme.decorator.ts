import { SetMetadata } from '@nestjs/common';
import { AUTH_SCHEMES_KEY } from './authorization-metadata.constants.js';

/**
 * Selects which authentication scheme(s) `AuthGuard` validates a controller's or handler's bearer
 * tokens with (the handler's decorator overrides the controller's). With several names, a token
 * is accepted when any of the schemes accepts it, tried in the order given; the principal's
 * `scheme` says which one did. Without the decorator the default scheme is used
 * (`AuthModule.forRoot` without `scheme`).
 *
 * Every name must be registered (`AuthModule.forRoot({ scheme: 'partner', ... })`): the
 * application fails at bootstrap with `NIW1021` otherwise.
 *
 * @example
 * ```ts
 * @Controller('partner')
 * @UseGuards(AuthGuard)
 * @AuthScheme('partner')
 * export class PartnerController {
 *   @Get('orders') orders() {}                          // partner tokens only
 *   @Get('status') @AuthScheme('default', 'partner') status() {} // either registration's tokens
 * }
 * ```
 */
export function AuthScheme(scheme: string, ...more: string[]): ClassDecorator & MethodDecorator {
  return SetMetadata(AUTH_SCHEMES_KEY, Object.freeze([...new Set([scheme, ...more])]));
}
