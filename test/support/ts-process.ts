// A TypeScript entry point of this repository as its own OS process, compiled on load by swc
// (ts-loader.mjs), so tests need no prior build.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LOADER = fileURLToPath(new URL('./ts-loader.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The demo's lifeline: the child stops when this process goes away, even killed (see the file). */
const EXIT_WITH_PARENT = fileURLToPath(new URL('../../scripts/demo/exit-with-parent.ts', import.meta.url));

/** A child process started by {@link startTsProcess}. */
export interface TsProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far (for failure messages). */
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after `timeoutMs`); resolves with how it ended. */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }>;
}

/**
 * Starts `node --import ts-loader.mjs <entry>` (path relative to the repository root) with `env`
 * added to this process's environment, and resolves once its output matches `ready`. Rejects when
 * it exits first or is not ready within `timeoutMs`.
 */
export function startTsProcess(
  entry: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs = 20_000,
): Promise<TsProcess> {
  const child = spawn(process.execPath, ['--import', LOADER, '--import', EXIT_WITH_PARENT, entry], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.channel?.unref();
  let log = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const handle: TsProcess = {
    child,
    output: () => log,
    stop: async (stopTimeoutMs = 10_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, stopTimeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return { ...result, killed };
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`not ready within ${timeoutMs} ms`), timeoutMs);
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${entry}: ${why}\n--- output ---\n${log}`));
    };
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (ready.test(log)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(handle);
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(`exited during start-up (${signal ?? `exit ${code}`})`);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (e) => fail(e.message));
  });
}
