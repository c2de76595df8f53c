import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ENTRA_STRATEGY_NAME } from '../auth.constants.js';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';
import { EntraBearerStrategy } from './entra-bearer.strategy.js';
import { EntraTokenValidator } from './entra-token-validator.js';

/**
 * The default validation strategy, registered with passport as {@link ENTRA_STRATEGY_NAME}: the
 * `jose`-based {@link EntraTokenValidator} behind a `@nestjs/passport` strategy.
 *
 * `AuthGuard` calls the same validator directly (one hash and a map lookup on a repeated token);
 * use this strategy when you compose with `@nestjs/passport`'s own `AuthGuard`, e.g. next to other
 * strategies. Note that passport strategies are process-wide: with several `AuthModule`s in one
 * process, the last one registered answers to the name.
 *
 * @example
 * ```ts
 * import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
 * @UseGuards(PassportAuthGuard(ENTRA_STRATEGY_NAME))
 * @Get('me') me(@Req() req: { user: AuthPrincipal }) { return req.user.oid; }
 * ```
 */
@Injectable()
export class EntraJwtStrategy extends PassportStrategy(EntraBearerStrategy, ENTRA_STRATEGY_NAME) {
  constructor(private readonly validator: EntraTokenValidator) {
    super();
  }

  /** Validates the token; the principal becomes `req.user`. */
  validate(_request: object, token: string): Promise<AuthPrincipal> {
    return this.validator.validate(token);
  }
}
