// `npm test`: the whole gate, in order: lint, format, typecheck, dependency rules, public-API docs, a
// quick benchmark run (so the benchmarks cannot rot), Redis check, unit and e2e suites.
// Ends with one summary line "gate: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireOrWarnRedis } from './redis-probe.mjs';

function step(name, command, args, env = process.env, timeoutMs = undefined) {
  const started = Date.now();
  console.log(`\n=== ${name}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env, timeout: timeoutMs, killSignal: 'SIGKILL' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`=== ${name} FAILED after ${seconds}s (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
  console.log(`=== ${name} ok (${seconds}s)`);
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
step('lint (eslint)', npx, ['eslint', '.', '--max-warnings=0']);
step('format (prettier --check)', npx, ['prettier', '--check', '.', '--log-level', 'warn']);
step('typecheck (tsc --noEmit)', npx, ['tsc', '-p', 'tsconfig.json', '--noEmit']);
step('dependency rules (dependency-cruiser)', process.execPath, ['scripts/depcheck.mjs']);
step('public API (JSDoc with @example, no any)', process.execPath, [
  'scripts/check-public-api.mjs',
  'libs/auth/src/index.ts',
  'libs/auth/src/openapi/index.ts',
  'libs/auth/src/health/index.ts',
  'libs/entra-emulator/src/index.ts',
  'libs/entra-emulator/src/testing.ts',
]);

// The benchmark has its own watchdog; this is the backstop if even the build hangs. It prints
// ratios only and asserts no timing.
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
step('bench (npm run bench -- --quick)', npm, ['run', 'bench', '--', '--quick'], process.env, 300_000);

console.log('\n=== Redis');
try {
  console.log((await requireOrWarnRedis()) ? 'Redis answers PING' : 'Redis missing: Redis suites will be skipped');
} catch {
  process.exit(1);
}

const out = join(mkdtempSync(join(tmpdir(), 'niw-jest-')), 'results.json');
const jestArgs = [
  '--experimental-vm-modules',
  '--no-warnings=ExperimentalWarning',
  'node_modules/jest/bin/jest.js',
  '--json',
  `--outputFile=${out}`,
  ...process.argv.slice(2),
];
console.log('\n=== unit + e2e (jest)');
const jest = spawnSync(process.execPath, jestArgs, { stdio: 'inherit', env: process.env });
let summary = 'gate: 0 passed, 1 failed';
try {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  summary = `gate: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`;
  if (r.numTotalTests === 0) {
    console.error('jest ran no test');
    process.exitCode = 1;
  }
} catch {
  console.error('jest wrote no results');
}
console.log(`\n${summary}`);
if (jest.status !== 0) process.exitCode = jest.status || 1;
