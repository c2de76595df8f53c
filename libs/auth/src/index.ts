export { AuthModule } from './auth.module.js';
export type { AuthModuleOptions } from './auth-module-options.interface.js';
export { InjectAuthOptions } from './auth-options.decorator.js';
export { AuthErrorCode, type AuthErrorCodeValue } from './errors/auth-error-codes.js';
export { AuthError, AuthConfigurationError } from './errors/auth.error.js';

// --- incoming token validation and authorization ---
export {
  ENTRA_STRATEGY_NAME,
  PASSPORT_AZURE_AD_STRATEGY_NAME,
  ClaimTypes,
  DEFAULT_AUTH_SCHEME,
} from './auth.constants.js';
export {
  getTokenAcquisitionToken,
  getDownstreamApiToken,
  getLongRunningSessionsToken,
  InjectTokenAcquisition,
  InjectDownstreamApi,
} from './auth-scheme.tokens.js';
export { AuthScheme } from './authorization/auth-scheme.decorator.js';
export { loadAzureAdOptions, type AzureAdSettingsSource } from './azure-ad-options.loader.js';
export { TokenValidationError } from './errors/token-validation.error.js';
export { IdentityProviderUnavailableError } from './errors/identity-provider-unavailable.error.js';
export type { AuthPrincipal } from './principal/auth-principal.interface.js';
export { EntraTokenValidator } from './validation/entra-token-validator.js';
export { EntraJwtStrategy } from './validation/entra-jwt.strategy.js';
export { AuthGuard, type AuthenticatedRequest } from './authorization/auth.guard.js';
export { Public } from './authorization/public.decorator.js';
export { RequiredScopes } from './authorization/required-scopes.decorator.js';
export { RequiredAppPermissions } from './authorization/required-app-permissions.decorator.js';
export {
  RequiredScopesOrAppPermissions,
  type ScopesOrAppPermissions,
} from './authorization/required-scopes-or-app-permissions.decorator.js';
export type { FromConfiguration } from './authorization/authorization-metadata.constants.js';
export { CurrentUser } from './authorization/current-user.decorator.js';
export { verifyUserHasAnyAcceptedScope, verifyUserHasAnyAcceptedRole } from './authorization/scope-verification.js';

// --- token acquisition ---
export { ITokenAcquisition } from './token-acquisition/token-acquisition.js';
export { LongRunningSessions } from './token-acquisition/long-running/long-running-sessions.js';
export type {
  LongRunningSessionStart,
  LongRunningTokenOptions,
  StartLongRunningSessionOptions,
} from './token-acquisition/long-running/long-running-session.types.js';
export type { LongRunningSessionOptions } from './token-acquisition/long-running/long-running-session-options.interface.js';
export { LongRunningSessionError } from './errors/long-running-session.error.js';
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
export { AuthExceptionFilter, TokenAcquisitionExceptionFilter } from './errors/auth-exception.filter.js';
export type {
  ClientAssertionCallback,
  ClientCertificateCredential,
  ClientCertificateLoader,
} from './token-acquisition/client-credentials.interface.js';
export type { TokenCacheStore } from './token-cache/token-cache-store.interface.js';
export type {
  RedisTokenCacheConfig,
  TokenCacheEncryptionOptions,
  TokenCacheOptions,
} from './token-cache/token-cache-options.interface.js';
export {
  RedisTokenCacheStore,
  type RedisTokenCacheClient,
  type RedisTokenCacheStoreOptions,
} from './token-cache/redis-token-cache.store.js';
export type { L2FailureEvent, L2Operation, L2RecoveredEvent } from './token-cache/l2-events.types.js';
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

// --- downstream APIs ---
export { DownstreamApi } from './downstream-api/downstream-api.js';
export { AuthorizationHeaderProvider } from './downstream-api/authorization-header-provider.js';
export type {
  DownstreamApiMethod,
  DownstreamApiOptions,
  DownstreamApiRawBody,
  DownstreamApiRequest,
  DownstreamApiResponseType,
  DownstreamApiTypedRequest,
} from './downstream-api/downstream-api-options.interface.js';
export { DownstreamApiError, type DownstreamApiErrorDetails } from './errors/downstream-api.error.js';
