import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** The Redis the demo uses when it answers: REDIS_URL, else the local default. */
export const demoRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when Redis answers PING within `timeoutMs`. */
export function redisAnswers(url = demoRedisUrl, timeoutMs = 500): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    // A password-protected Redis answers -NOAUTH: it is there, and my-api authenticates with the URL.
    socket.once('data', (chunk) => done(/^(\+PONG|-NOAUTH)/.test(chunk.toString())));
  });
}

/**
 * my-api's environment for a shared, encrypted Redis L2: a key prefix and an encryption key of
 * this run only, so runs never read each other's entries; they expire with their tokens.
 */
export function redisTokenCacheEnv(url = demoRedisUrl): Record<string, string> {
  return {
    TokenCache__Redis__Url: url,
    TokenCache__Redis__KeyPrefix: `nest-identity-web-demo:${randomBytes(4).toString('hex')}:`,
    TokenCache__Encryption__Keys: randomBytes(32).toString('base64'),
  };
}
