/**
 * Version of the emulator package.
 *
 * @example
 * ```ts
 * import { EMULATOR_VERSION } from '@nest-identity-web/entra-emulator';
 * console.log(EMULATOR_VERSION);
 * ```
 */
export const EMULATOR_VERSION = '0.1.0';
