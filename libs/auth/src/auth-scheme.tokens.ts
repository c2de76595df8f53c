import { Inject, type InjectionToken } from '@nestjs/common';
import { DEFAULT_AUTH_SCHEME } from './auth.constants.js';
import { DownstreamApi } from './downstream-api/downstream-api.js';
import { LongRunningSessions } from './token-acquisition/long-running/long-running-sessions.js';
import { ITokenAcquisition } from './token-acquisition/token-acquisition.js';

/**
 * The injection token of a scheme's `ITokenAcquisition`: the `ITokenAcquisition` class itself for
 * the default scheme, a scheme-specific token for a named one (`AuthModule.forRoot({ scheme })`).
 *
 * @example
 * ```ts
 * const partnerTokens = app.get<ITokenAcquisition>(getTokenAcquisitionToken('partner'));
 * ```
 */
export function getTokenAcquisitionToken(scheme: string = DEFAULT_AUTH_SCHEME): InjectionToken<ITokenAcquisition> {
  return scheme === DEFAULT_AUTH_SCHEME ? ITokenAcquisition : `nest-identity-web:ITokenAcquisition:${scheme}`;
}

/**
 * The injection token of a scheme's `DownstreamApi` (the class itself for the default scheme).
 *
 * @example
 * ```ts
 * const partnerApis = app.get<DownstreamApi>(getDownstreamApiToken('partner'));
 * ```
 */
export function getDownstreamApiToken(scheme: string = DEFAULT_AUTH_SCHEME): InjectionToken<DownstreamApi> {
  return scheme === DEFAULT_AUTH_SCHEME ? DownstreamApi : `nest-identity-web:DownstreamApi:${scheme}`;
}

/**
 * The injection token of a scheme's `LongRunningSessions` (the class itself for the default scheme).
 *
 * @example
 * ```ts
 * const sessions = app.get<LongRunningSessions>(getLongRunningSessionsToken('partner'));
 * ```
 */
export function getLongRunningSessionsToken(scheme: string = DEFAULT_AUTH_SCHEME): InjectionToken<LongRunningSessions> {
  return scheme === DEFAULT_AUTH_SCHEME ? LongRunningSessions : `nest-identity-web:LongRunningSessions:${scheme}`;
}

/**
 * Injects the `ITokenAcquisition` of a scheme: its app registration's credentials, its token-cache
 * namespace. Without an argument, the default scheme's (same as injecting `ITokenAcquisition`).
 * On-behalf-of is only done for callers that scheme validated (`NIW2005` otherwise).
 *
 * @example
 * ```ts
 * @Controller('partner')
 * @AuthScheme('partner')
 * export class PartnerController {
 *   constructor(@InjectTokenAcquisition('partner') private readonly tokens: ITokenAcquisition) {}
 *   @Get('graph') graph() {
 *     return this.tokens.getAccessTokenForUser(['https://graph.microsoft.com/.default']);
 *   }
 * }
 * ```
 */
export function InjectTokenAcquisition(scheme?: string): ParameterDecorator & PropertyDecorator {
  return Inject(getTokenAcquisitionToken(scheme));
}

/**
 * Injects the `DownstreamApi` of a scheme (its `downstreamApis` and its token acquisition).
 *
 * @example
 * ```ts
 * constructor(@InjectDownstreamApi('partner') private readonly apis: DownstreamApi) {}
 * ```
 */
export function InjectDownstreamApi(scheme?: string): ParameterDecorator & PropertyDecorator {
  return Inject(getDownstreamApiToken(scheme));
}
