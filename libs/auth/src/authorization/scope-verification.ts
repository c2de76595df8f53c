import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';

/**
 * Any-of, case-sensitive match of `accepted` against `held` (Microsoft.Identity.Web's
 * `Intersect(...).Any()`).
 * @internal
 */
export function hasAny(held: readonly string[], accepted: readonly string[]): boolean {
  for (const value of accepted) if (held.includes(value)) return true;
  return false;
}

function unauthenticated(): UnauthorizedException {
  return new UnauthorizedException({
    statusCode: 401,
    error: 'Unauthorized',
    code: AuthErrorCode.Unauthenticated,
    message: 'The user is unauthenticated. The request carries no authenticated principal.',
  });
}

/**
 * Imperative scope check for a handler (Microsoft.Identity.Web's `VerifyUserHasAnyAcceptedScope`):
 * passes when the caller holds any of `acceptedScopes` (`scp` ∪ long-form scope claim).
 *
 * @example
 * ```ts
 * @Get()
 * list(@CurrentUser() user: AuthPrincipal) {
 *   verifyUserHasAnyAcceptedScope(user, 'access_as_user', 'Todo.Read');
 * }
 * ```
 * @throws UnauthorizedException (401, NIW2004) without a principal
 * @throws ForbiddenException (403, NIW2001) when no accepted scope is held, or none is given
 */
export function verifyUserHasAnyAcceptedScope(
  user: AuthPrincipal | undefined | null,
  ...acceptedScopes: string[]
): void {
  if (!user) throw unauthenticated();
  if (acceptedScopes.length === 0 || !hasAny(user.scopes, acceptedScopes)) {
    throw new ForbiddenException({
      statusCode: 403,
      error: 'Forbidden',
      code: AuthErrorCode.InsufficientScope,
      message: `The 'scope' or 'scp' claim does not contain scopes '${acceptedScopes.join(',')}' or was not found.`,
      scopes: acceptedScopes,
    });
  }
}

/**
 * Imperative app-role check (Microsoft.Identity.Web's `ValidateAppRole`): passes when the caller
 * holds any of `acceptedRoles` (`roles` ∪ long-form role claim).
 *
 * @example
 * ```ts
 * verifyUserHasAnyAcceptedRole(user, 'TodoList.ReadWrite.All');
 * ```
 * @throws UnauthorizedException (401, NIW2004) without a principal
 * @throws ForbiddenException (403, NIW2002) when no accepted role is held, or none is given
 */
export function verifyUserHasAnyAcceptedRole(user: AuthPrincipal | undefined | null, ...acceptedRoles: string[]): void {
  if (!user) throw unauthenticated();
  if (acceptedRoles.length === 0 || !hasAny(user.roles, acceptedRoles)) {
    throw new ForbiddenException({
      statusCode: 403,
      error: 'Forbidden',
      code: AuthErrorCode.InsufficientAppPermission,
      message: `The 'roles' or 'role' claim does not contain roles '${acceptedRoles.join(', ')}' or was not found.`,
      roles: acceptedRoles,
    });
  }
}
