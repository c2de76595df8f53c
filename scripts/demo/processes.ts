import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A sample app started as a child process. */
export interface ServiceProcess {
  readonly name: string;
  /** `http://127.0.0.1:PORT`, as the app printed it. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the app printed so far (shown when the demo fails). */
  output(): string;
}

const LISTENING = /listening on (https?:\/\/\S+)/;

/** Makes a child stop when this process goes away, however it ends (see exit-with-parent.ts). */
const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.js', import.meta.url));

/**
 * Starts `node <entry>` with `env` (PORT=0, so the OS picks a free port) and resolves once the app
 * prints `listening on <url>` (or what `ready` matches, for a process without HTTP: its `url` is then
 * the first group, or empty). Rejects if it exits first or takes longer than `timeoutMs`.
 */
export function startService(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 20_000,
  ready: RegExp = LISTENING,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', EXIT_WITH_PARENT, entry], {
    env: { ...process.env, NO_COLOR: '1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // The channel is only a lifeline: it must not keep this process alive.
  child.channel?.unref();
  running.add(child);
  child.once('exit', () => running.delete(child));
  let log = '';
  const output = (): string => log;
  return new Promise<ServiceProcess>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      stopProcess(child);
      reject(new Error(`${error.message}\n--- ${name} output ---\n${log}`));
    };
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      const match = ready.exec(log);
      if (match) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ name, url: match[1] ?? '', child, output });
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(new Error(`${name} exited during start-up (${signal ?? `exit ${code}`})`));
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.once('exit', onExit);
    child.once('error', (e) => fail(e));
  });
}

const running = new Set<ChildProcess>();

function stopProcess(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

/** Stops every child this module started and waits (at most `timeoutMs`) for them to exit. */
export async function stopAllServices(timeoutMs = 5_000): Promise<void> {
  const children = [...running];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, timeoutMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Last resort on process exit: synchronous, so it also runs from an 'exit' handler. */
export function killAllServicesNow(): void {
  for (const child of running) stopProcess(child);
}
