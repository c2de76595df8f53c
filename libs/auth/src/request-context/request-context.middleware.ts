import { Injectable, type NestMiddleware } from '@nestjs/common';
import { RequestContextStore } from './request-context.js';

/**
 * Gives every HTTP request its own request-context holder before guards run (Express and
 * Fastify). Registered for all routes by `AuthModule`.
 * @internal
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(_req: unknown, _res: unknown, next: (error?: unknown) => void): void {
    RequestContextStore.enter(next);
  }
}
