// `npm run bench`: token cache (writes bench/results/latest.json afresh), incoming validation,
// the signature check synchronous vs on the thread pool,
// token acquisition against the emulator, DownstreamApi against a raw fetch, the Redis L2, then the guard under load (each adds its keys); a full
// run also draws docs/benchmarks.svg. `npm run bench -- --quick` is the short run of the test gate.
//
// The benchmarks run in a child process watched by this one: a run that hangs (even one blocked
// in a synchronous call, which an in-process timer could not interrupt) is killed and fails.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { quick } from './results.js';

/**
 * A hang detector, not a timing target: generous, so a busy shared machine does not fail it (a
 * quiet 2-core machine needs well under a minute for --quick and about 5 minutes for a full run).
 */
const LIMIT_MS = quick ? 240_000 : 900_000;

if (process.env.NIW_BENCH_CHILD !== '1') {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      env: { ...process.env, NIW_BENCH_CHILD: '1' },
      stdio: 'inherit',
    },
  );
  const watchdog = setTimeout(() => {
    console.error(`bench: watchdog: no result after ${LIMIT_MS / 1000} s; killing the run`);
    child.kill('SIGKILL');
    process.exit(2);
  }, LIMIT_MS);
  child.on('exit', (code, signal) => {
    clearTimeout(watchdog);
    process.exit(code ?? (signal ? 1 : 0));
  });
} else {
  const started = Date.now();
  await import('./token-cache.bench.js');
  await import('./validation.bench.js');
  await import('./verify-offload.bench.js');
  await import('./token-acquisition.bench.js');
  await import('./downstream-api.bench.js');
  await import('./redis-l2.bench.js');
  await import('./guard.bench.js');
  const { mergeLatest, readLatest } = await import('./results.js');
  const latest = readLatest();
  const ratio = (a: unknown, b: unknown) =>
    typeof a === 'number' && typeof b === 'number' && b > 0 ? Math.round((a / b) * 100) / 100 : null;
  const guardRatios = latest.guard_rps_ratios as Record<string, number> | undefined;
  const acceptance = {
    first_sight_validation_p50_le_60us:
      typeof latest.first_sight_validation_p50_us === 'number' ? latest.first_sight_validation_p50_us <= 60 : null,
    first_sight_over_raw_crypto_verify: ratio(latest.first_sight_validation_p50_us, latest.raw_crypto_verify_p50_us),
    // Paired by round (see guard.bench.ts), not a ratio of medians: robust to a shared machine.
    guard_first_sight_over_unprotected: guardRatios?.ours_first_sight_over_unprotected ?? null,
    guard_ours_over_passport_azure_ad: guardRatios?.ours_over_passport_azure_ad ?? null,
    guard_first_sight_over_signature_only_floor: guardRatios?.ours_first_sight_over_verify_only ?? null,
    guard_signature_only_floor_over_unprotected: guardRatios?.verify_only_over_unprotected ?? null,
  };
  mergeLatest({ acceptance, total_duration_s: Math.round((Date.now() - started) / 100) / 10 });
  console.log(`\nacceptance ratios (same run): ${JSON.stringify(acceptance)}`);
  if (!quick) {
    const { writeChart } = await import('./chart.js');
    console.log(`wrote ${writeChart()}`);
  }
  console.log(`bench: done in ${Math.round((Date.now() - started) / 1000)} s (${quick ? 'quick' : 'full'})`);
  // Keep-alive sockets or a child that is slow to exit must not hold the run open.
  process.exit(0);
}
