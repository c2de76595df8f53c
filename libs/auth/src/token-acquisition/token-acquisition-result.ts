import type { CachedToken } from '../token-cache/cached-token.interface.js';
import type { TokenCacheAnswer } from '../token-cache/token-cache.js';
import type { TokenAcquisitionResult } from './token-acquisition.types.js';

/** A token fresh from the identity provider, with what the metadata reports about the call. @internal */
export interface AcquiredToken {
  readonly token: CachedToken;
  readonly httpMs: number;
  readonly tokenEndpoint: string;
}

/**
 * The public result of one call: the token and its metadata (source, cache level and reason,
 * coalescing, durations). On a cache hit the caller's correlation id is echoed; on a call to the
 * identity provider, the id that call used.
 * @internal
 */
export function toAcquisitionResult(
  answer: TokenCacheAnswer<AcquiredToken>,
  correlationId: string | undefined,
  started: number,
  cacheMs: number,
): TokenAcquisitionResult {
  const { token, acquired, coalesced } = answer;
  return {
    accessToken: token.accessToken,
    tokenType: token.tokenType,
    expiresOn: new Date(token.expiresOn),
    scopes: token.scopes,
    tenantId: token.tenantId,
    correlationId: acquired ? token.correlationId : (correlationId ?? token.correlationId),
    metadata: {
      tokenSource: acquired ? 'identityProvider' : 'cache',
      cacheLevel: answer.level,
      cacheRefreshReason: answer.reason,
      coalesced,
      durationTotalMs: performance.now() - started,
      durationInCacheMs: cacheMs,
      durationInHttpMs: acquired && !coalesced ? acquired.httpMs : 0,
      ...(acquired ? { tokenEndpoint: acquired.tokenEndpoint } : {}),
      refreshOn: new Date(token.refreshOn),
    },
  };
}
