import { BadRequestException, NotFoundException } from '@nestjs/common';
import { AuthErrorCode, DownstreamApiError } from 'nest-identity-web';

/**
 * my-api's choice, not the library's: a 400 or 404 from a downstream API is about the caller's own
 * request (a body my-api forwarded, an item that does not exist), so it is passed through with the
 * downstream details. Every other failure keeps the library's answer (502, 503 + `Retry-After`,
 * 504, or the 401 claims challenge).
 *
 * @example
 * ```ts
 * return this.downstream.getForUser<TodoItem>('TodoList', { relativePath }).catch(passThroughClientErrors);
 * ```
 */
export function passThroughClientErrors(error: unknown): never {
  if (error instanceof DownstreamApiError && error.code === AuthErrorCode.DownstreamApiRefused) {
    if (error.status === 400) {
      throw new BadRequestException(error.responseBody ?? `${error.apiName} refused the request.`, { cause: error });
    }
    if (error.status === 404) {
      throw new NotFoundException(error.responseBody ?? `${error.apiName} has no such resource.`, { cause: error });
    }
  }
  throw error;
}
