import type { NormalizedDownstreamApis } from './downstream-api-options.normalize.js';

/** Injection token of the validated downstream-API settings. @internal */
export const DOWNSTREAM_API_SETTINGS = Symbol('DOWNSTREAM_API_SETTINGS');

/** The validated downstream-API settings. @internal */
export interface DownstreamApiSettings {
  readonly apis: NormalizedDownstreamApis;
  /** Where a client signs in again after a downstream claims challenge that could not be satisfied. */
  readonly authorizeEndpoint: string;
}
