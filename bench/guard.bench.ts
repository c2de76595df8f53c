// Requests per second of one protected route, end to end over loopback HTTP: the same Nest
// (Express) route without a guard, behind AuthGuard with our validator (validated-token cache on,
// then off: every token seen for the first time), behind AuthGuard with passport-azure-ad, and
// behind a guard that only checks the signature (`verify_only`: the floor of any validator that
// verifies on the event loop, so the first-sight ratio can be read against what is reachable).
// Each mode is a child process (bench/guard-server.ts); autocannon drives it from this process
// with a rotating pool of distinct valid tokens; modes are interleaved and repeated, and each
// figure is the median of its repetitions. Signing keys come from the Entra emulator over HTTPS.
// Adds `guard_rps` to bench/results/latest.json.
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { DEFAULT_IDS, startEntraEmulator } from '@nest-identity-web/entra-emulator';
import type { GuardMode, GuardServerConfig } from './guard-server.js';
import { median, mergeLatest, quick, round } from './results.js';

const MODES: readonly GuardMode[] = ['unprotected', 'ours', 'ours_first_sight', 'passport_azure_ad', 'verify_only'];
// Many short interleaved rounds rather than a few long ones: on a shared machine the load of other
// processes changes from second to second, and a ratio is only meaningful between runs that saw
// the same load, so ratios are computed within each round (paired) and then their median is taken.
const REPETITIONS = quick ? 2 : 12;
const SECONDS = 1;
const CONNECTIONS = 8;
const TOKENS = quick ? 100 : 1_000;
const { myApi, demoClient } = DEFAULT_IDS.apps;
const tenant = DEFAULT_IDS.tenants.contoso;

function startServer(mode: GuardMode, config: GuardServerConfig): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(join(dirname(fileURLToPath(import.meta.url)), 'guard-server.js'), [mode], {
    env: { ...process.env, NIW_BENCH_GUARD: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`guard server ${mode} did not start in 30 s`));
    }, 30_000);
    child.once('message', (m: { port: number }) => {
      clearTimeout(timer);
      resolve({ child, url: `http://127.0.0.1:${m.port}/me` });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`guard server ${mode} exited with ${code}`));
    });
  });
}

function cpuMicros(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('guard server did not report its CPU time')), 10_000);
    const onMessage = (m: { cpuMicros?: number }) => {
      if (m.cpuMicros === undefined) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m.cpuMicros);
    };
    child.on('message', onMessage);
    child.send({ cpu: true });
  });
}

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
}

/**
 * One autocannon run; every request carries the next token of the pool. Returns requests/s and
 * the server's CPU microseconds per request. Throws on any non-2xx.
 */
async function load(server: Server, tokens: readonly string[], seconds: number): Promise<{ rps: number; cpu: number }> {
  const cpuBefore = await cpuMicros(server.child);
  const url = server.url;
  let next = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]!}` },
        }),
      },
    ],
  });
  if (result.non2xx || result.errors || result.timeouts) {
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  const cpu = (await cpuMicros(server.child)) - cpuBefore;
  return { rps: result.requests.average, cpu: cpu / Math.max(1, result.requests.total) };
}

export async function guardBenchmark(): Promise<Record<GuardMode, number>> {
  const emu = await startEntraEmulator();
  const children: ChildProcess[] = [];
  try {
    const config: GuardServerConfig = {
      instance: emu.instance,
      tenantId: tenant.id,
      clientId: myApi.clientId,
      caCertPem: emu.caCertPem,
    };
    const tokens = Array.from({ length: TOKENS }, (_, i) =>
      emu.issueToken({
        aud: myApi.clientId,
        azp: demoClient.clientId,
        scp: 'access_as_user',
        oid: randomUUID(),
        sub: randomUUID(),
        name: `User ${i}`,
        preferred_username: `user${i}@${tenant.domain}`,
      }),
    );
    const started = await Promise.allSettled(MODES.map((mode) => startServer(mode, config)));
    const servers = new Map<GuardMode, Server>();
    started.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        children.push(r.value.child);
        servers.set(MODES[i]!, r.value);
      }
    });
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    // Warm up: keys fetched, JIT warm, every token seen once by the caching mode.
    for (const mode of MODES) await load(servers.get(mode)!, tokens, quick ? 0.5 : 1);

    const samples = new Map<GuardMode, number[]>(MODES.map((m) => [m, []]));
    const cpuSamples = new Map<GuardMode, number[]>(MODES.map((m) => [m, []]));
    for (let r = 0; r < REPETITIONS; r++) {
      // Rotate the order so no mode always runs first or last.
      const order = MODES.map((_, i) => MODES[(i + r) % MODES.length]!);
      for (const mode of order) {
        const { rps, cpu } = await load(servers.get(mode)!, tokens, SECONDS);
        samples.get(mode)!.push(rps);
        cpuSamples.get(mode)!.push(cpu);
      }
    }
    const rps = Object.fromEntries(MODES.map((m) => [m, Math.round(median(samples.get(m)!))])) as Record<
      GuardMode,
      number
    >;
    const cpu = Object.fromEntries(MODES.map((m) => [m, round(median(cpuSamples.get(m)!))])) as Record<
      GuardMode,
      number
    >;
    // Paired ratios: numerator and denominator from the same round, then the median over rounds.
    const paired = (
      of: Map<GuardMode, number[]>,
      numerator: GuardMode,
      denominator: GuardMode,
      inverted = false,
    ): number => {
      const a = of.get(numerator)!;
      const b = of.get(denominator)!;
      return round(median(a.map((x, r) => (inverted ? b[r]! / x : x / b[r]!))));
    };
    const pairs: [string, GuardMode, GuardMode][] = [
      ['ours_over_unprotected', 'ours', 'unprotected'],
      ['ours_first_sight_over_unprotected', 'ours_first_sight', 'unprotected'],
      ['ours_over_passport_azure_ad', 'ours', 'passport_azure_ad'],
      ['ours_first_sight_over_passport_azure_ad', 'ours_first_sight', 'passport_azure_ad'],
      ['verify_only_over_unprotected', 'verify_only', 'unprotected'],
      ['ours_first_sight_over_verify_only', 'ours_first_sight', 'verify_only'],
    ];
    const ratios = Object.fromEntries(pairs.map(([name, a, b]) => [name, paired(samples, a, b)]));
    // CPU per request: lower is better, so the ratio is inverted (higher is better, like requests/s).
    const cpuRatios = Object.fromEntries(pairs.map(([name, a, b]) => [name, paired(cpuSamples, a, b, true)]));
    console.log(
      `\nguard requests/s (Express, ${CONNECTIONS} connections, median of ${REPETITIONS} × ${SECONDS} s, ${TOKENS} distinct tokens)`,
    );
    for (const m of MODES) {
      console.log(
        ` ${m.padEnd(18)} ${String(rps[m]).padStart(7)} req/s [${samples.get(m)!.map(Math.round).join(', ')}], server CPU ${cpu[m]} µs/request`,
      );
    }
    console.log(` ratios (requests/s, paired by round, median): ${JSON.stringify(ratios)}`);
    console.log(` ratios (server CPU per request, inverted, paired by round, median): ${JSON.stringify(cpuRatios)}`);
    mergeLatest({
      guard_rps: rps,
      guard_rps_ratios: ratios,
      guard_server_cpu_us_per_request: cpu,
      guard_server_cpu_ratios: cpuRatios,
      guard_rps_setup: {
        platform: 'express',
        connections: CONNECTIONS,
        seconds: SECONDS,
        repetitions: REPETITIONS,
        tokens: TOKENS,
      },
    });
    return rps;
  } finally {
    for (const child of children) child.kill();
    await emu.stop();
  }
}

await guardBenchmark();
