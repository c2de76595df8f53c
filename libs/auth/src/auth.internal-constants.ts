/** Injection token of the normalized options. @internal */
export const NORMALIZED_AUTH_OPTIONS = Symbol('NORMALIZED_AUTH_OPTIONS');
/** Injection token of the active {@link BearerAuthenticator} (entra or passport-azure-ad). @internal */
export const BEARER_AUTHENTICATOR = Symbol('BEARER_AUTHENTICATOR');
/** Injection token of the normalized token-acquisition settings. @internal */
export const TOKEN_ACQUISITION_SETTINGS = Symbol('TOKEN_ACQUISITION_SETTINGS');
/** Injection token of the identity-provider transport used for token acquisition. @internal */
export const IDP_TRANSPORT = Symbol('IDP_TRANSPORT');
/** Injection token of the L2 token cache (`DistributedTokenCache`, or `null` without one). @internal */
export const TOKEN_CACHE_L2 = Symbol('TOKEN_CACHE_L2');
