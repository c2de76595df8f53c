// Should the RS256 signature check leave the event loop? Node's `crypto.verify` with a callback
// runs on the libuv thread pool, freeing the main thread while a worker thread computes. This
// compares the two ways on the same tokens and key, interleaved round by round:
//  - latency: one verification at a time (sync: the call; thread pool: call to callback);
//  - throughput: 8 verifications in flight (like 8 connections): verifications/s of wall time,
//    process CPU per verification (all threads), and main-thread time per verification
//    (event-loop utilisation × wall time), the part that competes with request handling.
// Adds `signature_verify_offload` to bench/results/latest.json.
import { generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { median, mergeLatest, quick, round } from './results.js';

const TOKENS = quick ? 400 : 2_000;
const ROUNDS = quick ? 3 : 7;
const IN_FLIGHT = 8;

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
// JWS signing inputs of an Entra access token's size (about 800 bytes before the signature).
const inputs = Array.from({ length: TOKENS }, (_, i) => Buffer.from(`${'x'.repeat(780)}.${i}`, 'latin1'));
const signatures = inputs.map((data) => sign('sha256', data, privateKey));

const verifySync = (i: number, key: KeyObject) => verify('sha256', inputs[i]!, key, signatures[i]!);
const verifyOnPool = (i: number, key: KeyObject) =>
  new Promise<boolean>((resolve, reject) =>
    verify('sha256', inputs[i]!, key, signatures[i]!, (error, ok) => (error ? reject(error) : resolve(ok))),
  );

async function latency(onPool: boolean): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < TOKENS; i++) {
    const t0 = process.hrtime.bigint();
    const ok = onPool ? await verifyOnPool(i, publicKey) : verifySync(i, publicKey);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    if (!ok) throw new Error('signature refused');
  }
  return median(samples);
}

/** IN_FLIGHT workers, each verifying the next input and yielding to the event loop in between. */
async function throughput(onPool: boolean): Promise<{ perSecond: number; cpuUs: number; mainThreadUs: number }> {
  let next = 0;
  const worker = async () => {
    while (next < TOKENS) {
      const i = next++;
      // A request arrives as its own event-loop turn: yield as a socket callback would.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const ok = onPool ? await verifyOnPool(i, publicKey) : verifySync(i, publicKey);
      if (!ok) throw new Error('signature refused');
    }
  };
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  return {
    perSecond: (TOKENS / wallUs) * 1e6,
    cpuUs: (cpu.user + cpu.system) / TOKENS,
    mainThreadUs: (elu.utilization * wallUs) / TOKENS,
  };
}

async function main() {
  await latency(false);
  await latency(true);
  const runs = { sync: [] as number[][], pool: [] as number[][] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const onPool of r % 2 ? [true, false] : [false, true]) {
      const p50 = await latency(onPool);
      const t = await throughput(onPool);
      (onPool ? runs.pool : runs.sync).push([p50, t.perSecond, t.cpuUs, t.mainThreadUs]);
    }
  }
  const med = (rows: number[][], k: number) => round(median(rows.map((row) => row[k]!)));
  const result = {
    tokens: TOKENS,
    in_flight: IN_FLIGHT,
    sync_p50_us: med(runs.sync, 0),
    thread_pool_p50_us: med(runs.pool, 0),
    sync_per_s: Math.round(med(runs.sync, 1)),
    thread_pool_per_s: Math.round(med(runs.pool, 1)),
    sync_cpu_us: med(runs.sync, 2),
    thread_pool_cpu_us: med(runs.pool, 2),
    sync_main_thread_us: med(runs.sync, 3),
    thread_pool_main_thread_us: med(runs.pool, 3),
  };
  console.log('\nRS256 verify: synchronous vs on the libuv thread pool (same tokens, interleaved)');
  console.log(` one at a time, p50: sync ${result.sync_p50_us} µs, thread pool ${result.thread_pool_p50_us} µs`);
  console.log(
    ` ${IN_FLIGHT} in flight: sync ${result.sync_per_s}/s (CPU ${result.sync_cpu_us} µs, main thread ${result.sync_main_thread_us} µs per verify), ` +
      `thread pool ${result.thread_pool_per_s}/s (CPU ${result.thread_pool_cpu_us} µs, main thread ${result.thread_pool_main_thread_us} µs per verify)`,
  );
  mergeLatest({ signature_verify_offload: result });
}

await main();
