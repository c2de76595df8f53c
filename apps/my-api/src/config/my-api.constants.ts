/** Injection token of my-api's {@link MyApiConfig}. */
export const MY_API_CONFIG = Symbol('MY_API_CONFIG');
