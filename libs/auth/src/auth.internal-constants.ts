/** Injection token of the normalized options. @internal */
export const NORMALIZED_AUTH_OPTIONS = Symbol('NORMALIZED_AUTH_OPTIONS');
