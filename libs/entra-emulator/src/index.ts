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
export { EntraEmulator } from './emulator.js';
export { startEntraEmulator } from './start-emulator.js';
export type { EntraEmulatorOptions, IssueTokenOptions, SignInInput, ClientCertificate } from './emulator.types.js';
export { EmulatorClock } from './controls/clock.js';
export type { FaultSpec, FaultHandle } from './controls/faults.js';
export type { RequestLogEntry, RequestLogFilter, EmulatorRoute } from './controls/request-log.js';
export { EntraProtocolError, type EntraErrorBody } from './protocol/protocol-error.js';
export type { TokenResponse } from './protocol/token-service.js';
export type { EmulatorNetworkClient, EmulatorNetworkResponse } from './network/trusting-client.js';
