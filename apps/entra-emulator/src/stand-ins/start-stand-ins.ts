import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CaeSessions } from './cae-sessions.js';
import { ArmStandInModule, GraphStandInModule, type StandInAuthOptions } from './stand-ins.module.js';

/** The running stand-ins. */
export interface RunningStandIns {
  /** Graph base URL, e.g. `http://127.0.0.1:PORT/v1.0` (what `DownstreamApis__Graph__BaseUrl` is set to). */
  readonly graphBaseUrl: string;
  /** ARM base URL, e.g. `http://127.0.0.1:PORT` (what `DownstreamApis__Arm__BaseUrl` is set to). */
  readonly armBaseUrl: string;
  /**
   * Revokes every session of a user at Graph (Continuous Access Evaluation): Graph then answers
   * tokens issued before `at` (epoch seconds, default now) with a 401 claims challenge (CAE-capable
   * clients) or a plain 401.
   */
  revokeSignInSessions(oid: string, at?: number): void;
  /** Stops both servers. */
  close(): Promise<void>;
}

/**
 * Starts the Microsoft Graph and Azure Resource Manager stand-ins, each on its own port on
 * 127.0.0.1 (0 = a free port), over plain http: they are loopback-only test doubles.
 *
 * @example
 * ```ts
 * const emu = await startEntraEmulator();
 * const standIns = await startStandIns({ instance: emu.instance, trustedCa: [emu.caCertPem] });
 * // DownstreamApis__Graph__BaseUrl = standIns.graphBaseUrl
 * await standIns.close();
 * ```
 */
export async function startStandIns(
  options: StandInAuthOptions & {
    readonly graphPort?: number;
    readonly armPort?: number;
    /** The stand-ins' clock in epoch seconds, e.g. the emulator's (`() => emu.clock.now()`). */
    readonly clock?: () => number;
  },
): Promise<RunningStandIns> {
  const sessions = new CaeSessions(options.clock);
  const apps: INestApplication[] = [];
  const listen = async (module: Parameters<typeof NestFactory.create>[0], port: number): Promise<string> => {
    const app = await NestFactory.create(module, { logger: ['error', 'warn'] });
    apps.push(app);
    await app.listen(port, '127.0.0.1');
    return app.getUrl();
  };
  try {
    const graph = await listen(GraphStandInModule.forRoot({ ...options, sessions }), options.graphPort ?? 0);
    const arm = await listen(ArmStandInModule.forRoot(options), options.armPort ?? 0);
    return {
      graphBaseUrl: `${graph}/v1.0`,
      armBaseUrl: arm,
      revokeSignInSessions: (oid, at) => sessions.revokeSignInSessions(oid, at),
      close: async () => {
        await Promise.all(apps.map((a) => a.close()));
      },
    };
  } catch (e) {
    await Promise.all(apps.map((a) => a.close()));
    throw e;
  }
}
