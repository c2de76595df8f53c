// Shared by the benchmarks: where results go, merging into them, percentiles, medians.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Running from dist/bench: the repository root is two levels up. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const quick = process.argv.includes('--quick');
/**
 * A full run writes bench/results/latest.json (committed: the figures docs/benchmarks.md quotes);
 * a quick run (the test gate's) writes bench/results/quick.json, so it never overwrites them.
 */
export const latestPath = join(repoRoot, 'bench', 'results', quick ? 'quick.json' : 'latest.json');

export function readLatest(): Record<string, unknown> {
  return existsSync(latestPath) ? (JSON.parse(readFileSync(latestPath, 'utf8')) as Record<string, unknown>) : {};
}

/** Adds `patch` to bench/results/latest.json (written first by the token-cache benchmark). */
export function mergeLatest(patch: Record<string, unknown>): void {
  mkdirSync(dirname(latestPath), { recursive: true });
  writeFileSync(latestPath, `${JSON.stringify({ ...readLatest(), ...patch }, null, 2)}\n`);
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const round = (x: number) => Math.round(x * 100) / 100;

/**
 * Times `fn` over `inputs` in `rounds` rounds; p50 is the median of the rounds' medians (robust
 * to a noisy neighbour on a shared machine), p99 is over all samples. Each call gets a fresh copy
 * of its input string, as a request would.
 */
export async function timeCalls(
  inputs: readonly string[],
  rounds: number,
  fn: (input: string) => unknown,
): Promise<{ p50: number; p99: number }> {
  const medians: number[] = [];
  const all: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const samples: number[] = [];
    for (const input of inputs) {
      const copy = Buffer.from(input, 'latin1').toString('latin1');
      const t0 = process.hrtime.bigint();
      await fn(copy);
      samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    samples.sort((a, b) => a - b);
    medians.push(percentile(samples, 50));
    all.push(...samples);
  }
  all.sort((a, b) => a - b);
  return { p50: median(medians), p99: percentile(all, 99) };
}
