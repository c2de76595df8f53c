/** Injection token of the options as given to `forRoot`/`forRootAsync` (kept as Nest's generated name). @internal */
export const AUTH_MODULE_OPTIONS = 'AUTH_MODULE_OPTIONS';
/** Injection token of the scheme name of an `AuthModule` registration (`'default'` unless named). @internal */
export const AUTH_SCHEME_NAME = Symbol('AUTH_SCHEME_NAME');
/** Injection token of the normalized options. @internal */
export const NORMALIZED_AUTH_OPTIONS = Symbol('NORMALIZED_AUTH_OPTIONS');
/** Injection token of the active {@link BearerAuthenticator} (entra or passport-azure-ad). @internal */
export const BEARER_AUTHENTICATOR = Symbol('BEARER_AUTHENTICATOR');
/** Injection token of the normalized token-acquisition settings. @internal */
export const TOKEN_ACQUISITION_SETTINGS = Symbol('TOKEN_ACQUISITION_SETTINGS');
/** Injection token of the identity-provider transport used for token acquisition. @internal */
export const IDP_TRANSPORT = Symbol('IDP_TRANSPORT');
/** Injection token of the token cache (L1 → L2 → single-flight acquisition). @internal */
export const TOKEN_CACHE = Symbol('TOKEN_CACHE');
/** Injection token of the client credential provider (secret, certificate, assertion or file). @internal */
export const CLIENT_CREDENTIAL_PROVIDER = Symbol('CLIENT_CREDENTIAL_PROVIDER');
/** Injection token of the factory of short-lived msal-node clients. @internal */
export const MSAL_CLIENT_FACTORY = Symbol('MSAL_CLIENT_FACTORY');
/** Injection token of the sender of one token request through msal-node. @internal */
export const MSAL_TOKEN_REQUESTER = Symbol('MSAL_TOKEN_REQUESTER');
/** Injection token of the one OpenID metadata provider (signing keys and msal authority metadata). @internal */
export const OPENID_METADATA = Symbol('OPENID_METADATA');
/** Injection token of the L2 token cache (`DistributedTokenCache`, or `null` without one). @internal */
export const TOKEN_CACHE_L2 = Symbol('TOKEN_CACHE_L2');

/** Injection token of a named scheme's handle (its name and bearer authenticator), found by the guard. @internal */
export function authSchemeToken(scheme: string): string {
  return `nest-identity-web:scheme:${scheme}`;
}
