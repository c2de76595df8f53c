import { describe } from '@jest/globals';

/**
 * `describe` for suites that need a real Redis. Jest's global setup probes Redis once and sets
 * REDIS_AVAILABLE; without Redis these suites are skipped (loudly), except under CI=true, where the
 * run fails before any suite starts.
 */
export const describeWithRedis = (process.env.REDIS_AVAILABLE === '0' ? describe.skip : describe) as typeof describe;

/** The Redis URL tests connect to. */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
