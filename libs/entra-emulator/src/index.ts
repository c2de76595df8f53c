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
export * from './directory/directory.types.js';
export { DEFAULT_IDS, DEFAULT_DIRECTORY } from './directory/default-directory.js';
export {
  ResolvedDirectory,
  EmulatorConfigurationError,
  type ResolvedApp,
  type ResolvedTenant,
  type ResolvedUser,
  type ResolvedPolicy,
  type RegisteredCertificate,
} from './directory/directory.js';
