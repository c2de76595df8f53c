import { Inject } from '@nestjs/common';
import { DEFAULT_AUTH_SCHEME } from './auth.constants.js';
import { DownstreamApi } from './downstream-api/downstream-api.js';
import { LongRunningSessions } from './token-acquisition/long-running/long-running-sessions.js';
import { ITokenAcquisition } from './token-acquisition/token-acquisition.js';

/**
 * The injection token of a scheme's `ITokenAcquisition` (`AuthModule.forRoot({ scheme })`; the
 * default scheme's is also injectable as the `ITokenAcquisition` class). Unambiguous in
 * `app.get(...)` when several schemes are registered, where a non-strict `app.get(ITokenAcquisition)`
 * could return any registration's.
 *
 * @example
 * ```ts
 * const partnerTokens = app.get<ITokenAcquisition>(getTokenAcquisitionToken('partner'));
 * const defaultTokens = app.get<ITokenAcquisition>(getTokenAcquisitionToken());
 * ```
 */
export function getTokenAcquisitionToken(scheme: string = DEFAULT_AUTH_SCHEME): string {
  return `nest-identity-web:ITokenAcquisition:${scheme}`;
}

/**
 * The injection token of a scheme's `DownstreamApi` (the default scheme's is also the `DownstreamApi` class).
 *
 * @example
 * ```ts
 * const partnerApis = app.get<DownstreamApi>(getDownstreamApiToken('partner'));
 * ```
 */
export function getDownstreamApiToken(scheme: string = DEFAULT_AUTH_SCHEME): string {
  return `nest-identity-web:DownstreamApi:${scheme}`;
}

/**
 * The injection token of a scheme's `LongRunningSessions` (the default scheme's is also the `LongRunningSessions` class).
 *
 * @example
 * ```ts
 * const sessions = app.get<LongRunningSessions>(getLongRunningSessionsToken('partner'));
 * ```
 */
export function getLongRunningSessionsToken(scheme: string = DEFAULT_AUTH_SCHEME): string {
  return `nest-identity-web:LongRunningSessions:${scheme}`;
}

/**
 * The scheme-named aliases of a registration's token acquisition, `DownstreamApi` and long-running
 * sessions (provided and exported by every `AuthModule` registration).
 * @internal
 */
export function schemeAliasProviders(scheme: string): { provide: string; useExisting: object }[] {
  return [
    { provide: getTokenAcquisitionToken(scheme), useExisting: ITokenAcquisition },
    { provide: getDownstreamApiToken(scheme), useExisting: DownstreamApi },
    { provide: getLongRunningSessionsToken(scheme), useExisting: LongRunningSessions },
  ];
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
  return Inject(
    scheme === undefined || scheme === DEFAULT_AUTH_SCHEME ? ITokenAcquisition : getTokenAcquisitionToken(scheme),
  );
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
  return Inject(scheme === undefined || scheme === DEFAULT_AUTH_SCHEME ? DownstreamApi : getDownstreamApiToken(scheme));
}
