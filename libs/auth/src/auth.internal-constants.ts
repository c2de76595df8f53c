/** Injection token of the normalized options. @internal */
export const NORMALIZED_AUTH_OPTIONS = Symbol('NORMALIZED_AUTH_OPTIONS');
/** Injection token of the active {@link BearerAuthenticator} (entra or passport-azure-ad). @internal */
export const BEARER_AUTHENTICATOR = Symbol('BEARER_AUTHENTICATOR');
