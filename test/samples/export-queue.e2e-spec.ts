// my-api's export queue on a real Redis: reliable hand-off (a job taken by a worker that dies goes
// back to the queue), retries of transient failures, results without keys, owner-only reads.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisExportQueue, type TakenJob } from '../../apps/my-api/src/export/redis-export-queue.js';
import { SessionKeySealer } from '../../apps/my-api/src/export/session-key-sealer.js';
import { describeWithRedis, redisUrl } from '../support/redis.js';

const sessionKey = () => `lrs_${randomBytes(32).toString('base64url')}`;

describeWithRedis('my-api export queue (Redis)', () => {
  let redis: Redis;
  let blocking: Redis;
  let queue: RedisExportQueue;
  const prefix = `niw-test-export-queue-${randomBytes(6).toString('hex')}:`;

  beforeAll(() => {
    redis = new Redis(redisUrl);
    blocking = new Redis(redisUrl);
    queue = new RedisExportQueue(redis, new SessionKeySealer([randomBytes(32)]), prefix);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    blocking.disconnect();
  });

  const taken = async (worker: string): Promise<TakenJob> => {
    const job = await queue.take(blocking, worker, 1);
    if (typeof job === 'string') throw new Error(`expected a job, got ${job}`);
    return job;
  };

  it('hands a job over once, puts back the jobs of a worker whose heartbeat expired, and shows results to the owner only', async () => {
    const key = sessionKey();
    const { id } = await queue.enqueue('oid-alice', key);
    await queue.heartbeat('w-dead');
    const first = await taken('w-dead');
    expect(first).toEqual({ id, sessionKey: key, attempt: 1 });
    expect(await queue.take(blocking, 'w-live', 1)).toBe('idle');

    // w-dead stops sending heartbeats (killed): another worker recovers its job.
    await redis.del(`${prefix}{todolist-export}:worker:w-dead`);
    await queue.heartbeat('w-live');
    expect(await queue.recoverAbandoned('w-live')).toBe(1);
    const second = await taken('w-live');
    expect(second.id).toBe(id);

    expect(await queue.finish('w-live', second, { status: 'done', items: [] })).toBe('recorded');
    expect(await queue.find(id, 'oid-alice')).toEqual({ id, status: 'done', items: [] });
    expect(await queue.find(id, 'oid-bob')).toBeUndefined();
    expect(await queue.find('*', 'oid-alice')).toBeUndefined();
    const hash = await redis.hgetall(`${prefix}{todolist-export}:job:${id}`);
    expect(hash.session).toBeUndefined();
    expect(JSON.stringify(hash)).not.toContain(key);
    expect(await redis.ttl(`${prefix}{todolist-export}:job:${id}`)).toBeGreaterThan(0);
    await queue.leave('w-live');
  });

  it('retries a transient failure up to three attempts, then records the error code', async () => {
    const { id } = await queue.enqueue('oid-alice', sessionKey());
    const transient = { status: 'failed', error: 'NIW4008', transient: true } as const;
    expect(await queue.finish('w', await taken('w'), transient)).toBe('retried');
    expect(await queue.finish('w', await taken('w'), transient)).toBe('retried');
    const third = await taken('w');
    expect(third.attempt).toBe(3);
    expect(await queue.finish('w', third, transient)).toBe('recorded');
    expect(await queue.find(id, 'oid-alice')).toEqual({ id, status: 'failed', error: 'NIW4008' });
    // A finished job taken again (e.g. recovered twice) is skipped, not run a second time.
    await redis.lpush(`${prefix}{todolist-export}:pending`, id);
    expect(await queue.take(blocking, 'w', 1)).toBe('skipped');
  });
});
