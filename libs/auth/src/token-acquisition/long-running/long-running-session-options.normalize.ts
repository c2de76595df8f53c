import { AuthErrorCode } from '../../errors/auth-error-codes.js';
import { AuthConfigurationError } from '../../errors/auth.error.js';
import type { LongRunningSessionOptions } from './long-running-session-options.interface.js';

/** Defaults of {@link LongRunningSessionOptions}. @internal */
export const DEFAULT_LONG_RUNNING_SESSIONS = { maxAgeSeconds: 90 * 86400 } as const;

/** Normalised long-running session options. @internal */
export interface LongRunningSessionSettings {
  readonly maxAgeMs: number;
}

/**
 * Validates `longRunningSessions` once, at bootstrap.
 * @throws AuthConfigurationError NIW1017 when `maxAgeSeconds` is not an integer in [60, 31536000]
 * @internal
 */
export function normalizeLongRunningSessionOptions(
  options: LongRunningSessionOptions | undefined,
): LongRunningSessionSettings {
  const maxAgeSeconds: unknown = options?.maxAgeSeconds ?? DEFAULT_LONG_RUNNING_SESSIONS.maxAgeSeconds;
  if (
    typeof maxAgeSeconds !== 'number' ||
    !Number.isInteger(maxAgeSeconds) ||
    maxAgeSeconds < 60 ||
    maxAgeSeconds > 365 * 86400
  ) {
    throw AuthConfigurationError.create(
      AuthErrorCode.InvalidLongRunningSessionOptions,
      'longRunningSessions.maxAgeSeconds must be an integer between 60 and 31536000 (365 days).',
      ['Leave it unset for 90 days (the lifetime of an Entra refresh token), or set a shorter bound, e.g. 604800.'],
    );
  }
  return { maxAgeMs: maxAgeSeconds * 1000 };
}
