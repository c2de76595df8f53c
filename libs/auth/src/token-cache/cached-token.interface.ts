/**
 * What the cache keeps per token: only what a caller reads. No id token, account or refresh token.
 * @internal
 */
export interface CachedToken {
  readonly accessToken: string;
  readonly tokenType: string;
  /** Epoch ms at which the identity provider says the token expires. */
  readonly expiresOn: number;
  /** Epoch ms after which a hit triggers one background refresh. */
  readonly refreshOn: number;
  /** Epoch ms after which the token is no longer handed out (`expiresOn` minus the refresh margin). */
  readonly staleOn: number;
  readonly scopes: readonly string[];
  readonly tenantId: string;
  /** Correlation id of the identity-provider call that produced the token. */
  readonly correlationId: string;
}

/** Serialises a cached token for an L2 store. @internal */
export function serializeCachedToken(token: CachedToken): string {
  return JSON.stringify(token);
}

/** Parses an L2 value; `undefined` when it is not a token this version wrote. @internal */
export function deserializeCachedToken(value: string): CachedToken | undefined {
  try {
    const v = JSON.parse(value) as Partial<CachedToken>;
    if (
      typeof v.accessToken === 'string' &&
      typeof v.tokenType === 'string' &&
      typeof v.expiresOn === 'number' &&
      typeof v.refreshOn === 'number' &&
      typeof v.staleOn === 'number' &&
      Array.isArray(v.scopes) &&
      typeof v.tenantId === 'string' &&
      typeof v.correlationId === 'string'
    ) {
      return v as CachedToken;
    }
  } catch {
    // A corrupt or foreign value is a miss, never an error.
  }
  return undefined;
}
