// `nest-identity-web/health`: a terminus health indicator. Needs the optional peer
// @nestjs/terminus; the main entry `nest-identity-web` never imports this file.
export { IdentityHealthIndicator } from './identity-health.indicator.js';
export {
  DEFAULT_MAX_STALE_SECONDS,
  type IdentityProviderCheckOptions,
  type TokenAcquisitionCheckOptions,
  type TokenCacheCheckOptions,
} from './identity-health.options.js';
