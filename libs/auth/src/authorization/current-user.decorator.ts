import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';
import { RequestContextStore } from '../request-context/request-context.js';
import { graphQlRequestOf } from './transport-context.js';

/**
 * Injects the authenticated caller (`AuthPrincipal`), or one of its fields. The principal never
 * contains the raw token.
 *
 * @example
 * ```ts
 * @Get('me')
 * me(@CurrentUser() user: AuthPrincipal, @CurrentUser('oid') oid: string) {
 *   return { oid, tid: user.tid, scopes: user.scopes };
 * }
 * ```
 */
export const CurrentUser = createParamDecorator(
  (field: keyof AuthPrincipal | undefined, context: ExecutionContext): unknown => {
    const type = context.getType<string>();
    const request =
      type === 'http'
        ? context.switchToHttp().getRequest<{ user?: AuthPrincipal }>()
        : type === 'graphql'
          ? graphQlRequestOf(context)
          : undefined;
    const user = request?.user ?? RequestContextStore.get()?.principal;
    return field ? user?.[field] : user;
  },
);
