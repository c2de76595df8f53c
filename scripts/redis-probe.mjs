// Checks that Redis answers PING on REDIS_URL (default redis://127.0.0.1:6379) within a second.
import net from 'node:net';

/** @returns {{ host: string, port: number, url: string }} */
export function redisTarget() {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 6379), url };
}

/** @returns {Promise<boolean>} true when Redis answered +PONG */
export function probeRedis(timeoutMs = 1000) {
  const { host, port } = redisTarget();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
  });
}

/**
 * Sets REDIS_AVAILABLE for the test run. Without Redis: fails under CI=true, otherwise warns loudly.
 * @returns {Promise<boolean>}
 */
export async function requireOrWarnRedis() {
  if (process.env.REDIS_AVAILABLE === '1' || process.env.REDIS_AVAILABLE === '0') {
    return process.env.REDIS_AVAILABLE === '1';
  }
  const ok = await probeRedis();
  process.env.REDIS_AVAILABLE = ok ? '1' : '0';
  if (!ok) {
    const { url } = redisTarget();
    const banner = '!'.repeat(78);
    if (process.env.CI === 'true') {
      console.error(
        `${banner}\nRedis does not answer on ${url}. CI=true: suites that need Redis cannot be skipped.\n${banner}`,
      );
      throw new Error(`Redis unavailable at ${url}`);
    }
    console.warn(
      `${banner}\nWARNING: Redis does not answer on ${url}.\nSuites that need Redis are SKIPPED. Start it (redis-server) or set REDIS_URL.\n${banner}`,
    );
  }
  return ok;
}
