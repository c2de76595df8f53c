export { AuthModule } from './auth.module.js';
export type { AuthModuleOptions } from './auth-module-options.interface.js';
export { AuthErrorCode, type AuthErrorCodeValue } from './errors/auth-error-codes.js';
export { AuthError, AuthConfigurationError } from './errors/auth.error.js';

// --- token acquisition ---
export { ITokenAcquisition } from './token-acquisition/token-acquisition.js';
export type {
  AppTokenOptions,
  CacheLevel,
  CacheRefreshReason,
  TokenAcquisitionMetadata,
  TokenAcquisitionResult,
  TokenSource,
  UserTokenOptions,
} from './token-acquisition/token-acquisition.types.js';
export {
  TokenAcquisitionStatistics,
  type TokenAcquisitionStatisticsSnapshot,
} from './token-acquisition/token-acquisition-statistics.js';
export { TokenAcquisitionExceptionFilter } from './token-acquisition/claims-challenge.filter.js';
export type {
  ClientAssertionCallback,
  ClientCertificateCredential,
  ClientCertificateLoader,
} from './token-acquisition/client-credentials.interface.js';
export type { TokenCacheStore } from './token-cache/token-cache-store.interface.js';
export type { TokenCacheOptions } from './token-cache/token-cache-options.interface.js';
export type {
  IdentityProviderRequest,
  IdentityProviderResponse,
  IdentityProviderTransport,
} from './http/identity-provider-transport.interface.js';
export {
  TokenAcquisitionError,
  type TokenAcquisitionErrorDetails,
  type TokenAcquisitionFlow,
} from './errors/token-acquisition.error.js';
export { ClaimsChallengeError } from './errors/claims-challenge.error.js';
export { IdentityProviderUnavailableError } from './errors/identity-provider-unavailable.error.js';
