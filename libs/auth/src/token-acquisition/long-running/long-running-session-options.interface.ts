/**
 * Options of long-running on-behalf-of sessions (`AuthModuleOptions.longRunningSessions`): how long a
 * background process may keep acting on behalf of a user after the request that started it.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ ...options, longRunningSessions: { maxAgeSeconds: 7 * 86400 } });
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/refresh-tokens
 */
export interface LongRunningSessionOptions {
  /**
   * Maximum age of a session, from its start, in seconds: after it, resuming ends the session with
   * `NIW4015`. An integer between 60 and 31 536 000 (365 days). Entra's refresh tokens live 90 days
   * (sliding), hence the default.
   * @default 7776000 (90 days)
   */
  maxAgeSeconds?: number;
}
