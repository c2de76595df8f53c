import { SetMetadata } from '@nestjs/common';
import { IS_PUBLIC_KEY } from './authorization-metadata.constants.js';

/**
 * Opts a controller or route out of `AuthGuard` (e.g. health checks when the guard is global).
 * The method's value wins over the class's.
 *
 * @example
 * ```ts
 * @Public()
 * @Get('health')
 * health() { return { status: 'ok' }; }
 * ```
 */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(IS_PUBLIC_KEY, true);
