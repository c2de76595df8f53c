import type { Provider } from '@nestjs/common';
import { BEARER_AUTHENTICATOR, NORMALIZED_AUTH_OPTIONS } from '../auth.internal-constants.js';
import type { NormalizedAuthOptions } from '../auth-options.normalize.js';
import type { BearerAuthenticator } from './bearer-authenticator.js';
import { EntraJwtStrategy } from './entra-jwt.strategy.js';
import { EntraTokenValidator } from './entra-token-validator.js';
import { createPassportAzureAdStrategy, PassportAzureAdAuthenticator } from './passport-azure-ad.strategy.js';

/**
 * Providers of incoming token validation of one scheme (the guard is registered by the module).
 * The passport-azure-ad package is imported only when that strategy is selected.
 * @internal
 */
export const schemeValidationProviders: Provider[] = [
  EntraTokenValidator,
  {
    provide: BEARER_AUTHENTICATOR,
    inject: [NORMALIZED_AUTH_OPTIONS, EntraTokenValidator],
    useFactory: async (options: NormalizedAuthOptions, entra: EntraTokenValidator): Promise<BearerAuthenticator> =>
      options.validation.strategy === 'passport-azure-ad'
        ? new PassportAzureAdAuthenticator(await createPassportAzureAdStrategy(options))
        : entra,
  },
];

/**
 * The default scheme's validation providers: those of every scheme, plus the passport strategy
 * registered under `ENTRA_STRATEGY_NAME` (one passport name per process, so the default's only).
 * @internal
 */
export const validationProviders: Provider[] = [...schemeValidationProviders, EntraJwtStrategy];

/** What `AuthModule` exports for validation, so the guard and custom guards resolve in importing modules. @internal */
export const validationExports = [EntraTokenValidator, EntraJwtStrategy, BEARER_AUTHENTICATOR];
