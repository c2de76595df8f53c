import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ExportOutcome } from './todolist-export.runner.js';
import { ExportJobs, type TodoListExport } from './todolist-export.types.js';
import type { SessionKeySealer } from './session-key-sealer.js';
import type { TodoItem } from '../todolist/todo-item.interface.js';

/** How long a job waits for a worker, and how long a result is kept for its owner. */
export const PENDING_JOB_TTL_SECONDS = 24 * 3600;
export const FINISHED_JOB_TTL_SECONDS = 3600;
/** A worker whose heartbeat is older than this is gone: its jobs go back to the queue. */
export const WORKER_HEARTBEAT_TTL_MS = 15_000;
/** How often a job is tried when the store or the identity provider is unavailable. */
export const MAX_ATTEMPTS = 3;

/** Job ids are `randomUUID()`s: anything else is not looked up. */
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A job a worker has taken from the queue. */
export interface TakenJob {
  readonly id: string;
  /** The session key, unsealed. */
  readonly sessionKey: string;
  /** 1 for the first try. */
  readonly attempt: number;
}

/** What the queue's error code is when a queued session key cannot be unsealed (encryption keys changed). */
export const UNREADABLE_SESSION_KEY = 'EXPORT_SESSION_KEY_UNREADABLE';

/**
 * A small reliable queue of export jobs on Redis (ioredis), shared by my-api (producer, and reader of
 * results) and the export workers (consumers):
 *
 * - `…pending`: a list of job ids; `…job:<id>`: a hash (owner oid, status, sealed session key,
 *   attempts, result) with a TTL;
 * - a worker takes a job with `BLMOVE pending → processing:<worker>` (blocking, no polling), so a
 *   job is never only in a worker's memory; it finishes with one `MULTI` (result, session key
 *   deleted, id removed from its processing list);
 * - each worker refreshes `worker:<id>` every few seconds; the processing list of a worker whose
 *   heartbeat expired (crashed, killed) is moved back to `pending` by any other worker.
 *
 * Every key carries the hash tag `{todolist-export}`, so on Redis Cluster the multi-key commands
 * stay in one slot.
 */
export class RedisExportQueue extends ExportJobs {
  private readonly k: {
    pending: string;
    workers: string;
    job(id: string): string;
    processing(worker: string): string;
    heartbeat(worker: string): string;
  };

  constructor(
    private readonly redis: Redis,
    private readonly sealer: SessionKeySealer,
    keyPrefix = '',
  ) {
    super();
    const p = `${keyPrefix}{todolist-export}:`;
    this.k = {
      pending: `${p}pending`,
      workers: `${p}workers`,
      job: (id) => `${p}job:${id}`,
      processing: (worker) => `${p}processing:${worker}`,
      heartbeat: (worker) => `${p}worker:${worker}`,
    };
  }

  async enqueue(ownerOid: string, sessionKey: string): Promise<TodoListExport> {
    const id = randomUUID();
    await this.redis
      .multi()
      .hset(this.k.job(id), {
        owner: ownerOid,
        status: 'pending',
        session: this.sealer.seal(sessionKey, id),
        attempts: '0',
        createdAt: new Date().toISOString(),
      })
      .expire(this.k.job(id), PENDING_JOB_TTL_SECONDS)
      .lpush(this.k.pending, id)
      .exec()
      .then(throwOnCommandError);
    return { id, status: 'pending' };
  }

  async find(id: string, ownerOid: string): Promise<TodoListExport | undefined> {
    if (!JOB_ID.test(id)) return undefined;
    const job = await this.redis.hgetall(this.k.job(id));
    if (job.owner !== ownerOid) return undefined;
    if (job.status === 'done') return { id, status: 'done', items: JSON.parse(job.items ?? '[]') as TodoItem[] };
    if (job.status === 'failed') return { id, status: 'failed', error: job.error ?? 'unknown' };
    return { id, status: 'pending' };
  }

  // --- consumer side (export workers) ---

  /**
   * Waits up to `timeoutSeconds` for a job and moves it to `worker`'s processing list: `'idle'` when
   * none came, `'skipped'` when the job had expired, was already finished, or its key cannot be
   * unsealed (then it is recorded as failed). Call it on a connection of its own: a blocking command
   * holds the connection.
   */
  async take(blocking: Redis, worker: string, timeoutSeconds: number): Promise<TakenJob | 'idle' | 'skipped'> {
    const id = await blocking.blmove(this.k.pending, this.k.processing(worker), 'RIGHT', 'LEFT', timeoutSeconds);
    if (id === null) return 'idle';
    const job = await this.redis.hgetall(this.k.job(id));
    if (job.status !== 'pending' || job.session === undefined) {
      await this.redis.lrem(this.k.processing(worker), 1, id);
      return 'skipped';
    }
    const sessionKey = this.sealer.open(job.session, id);
    if (sessionKey === undefined) {
      await this.fail(worker, id, UNREADABLE_SESSION_KEY);
      return 'skipped';
    }
    return { id, sessionKey, attempt: Number(job.attempts ?? 0) + 1 };
  }

  /** Records the outcome (no token, no key), or puts the job back for another attempt. */
  async finish(worker: string, job: TakenJob, outcome: ExportOutcome): Promise<'recorded' | 'retried'> {
    const tx = this.redis.multi().lrem(this.k.processing(worker), 1, job.id);
    const retry = outcome.status === 'failed' && outcome.transient && job.attempt < MAX_ATTEMPTS;
    if (retry) {
      tx.hset(this.k.job(job.id), 'attempts', String(job.attempt), 'error', outcome.error).lpush(
        this.k.pending,
        job.id,
      );
    } else {
      const result =
        outcome.status === 'done'
          ? { status: 'done', items: JSON.stringify(outcome.items) }
          : { status: 'failed', error: outcome.error };
      tx.hset(this.k.job(job.id), { ...result, attempts: String(job.attempt), finishedAt: new Date().toISOString() })
        .hdel(this.k.job(job.id), 'session')
        .expire(this.k.job(job.id), FINISHED_JOB_TTL_SECONDS);
    }
    await tx.exec().then(throwOnCommandError);
    return retry ? 'retried' : 'recorded';
  }

  /** Marks an unusable job (its key cannot be opened) as failed. */
  async fail(worker: string, id: string, error: string): Promise<void> {
    await this.finish(
      worker,
      { id, sessionKey: '', attempt: MAX_ATTEMPTS },
      {
        status: 'failed',
        error,
        transient: false,
      },
    );
  }

  /** Announces `worker` (and keeps it alive): call every few seconds. */
  async heartbeat(worker: string): Promise<void> {
    await this.redis
      .multi()
      .sadd(this.k.workers, worker)
      .set(this.k.heartbeat(worker), '1', 'PX', WORKER_HEARTBEAT_TTL_MS)
      .exec()
      .then(throwOnCommandError);
  }

  /** `worker` stops: its processing list (normally empty) goes back to the queue. */
  async leave(worker: string): Promise<void> {
    await this.requeue(worker);
    await this.redis.multi().del(this.k.heartbeat(worker)).srem(this.k.workers, worker).exec();
  }

  /** Puts the jobs of workers whose heartbeat expired back in the queue; returns how many. */
  async recoverAbandoned(self: string): Promise<number> {
    let moved = 0;
    for (const worker of await this.redis.smembers(this.k.workers)) {
      if (worker === self || (await this.redis.exists(this.k.heartbeat(worker)))) continue;
      moved += await this.requeue(worker);
      await this.redis.srem(this.k.workers, worker);
    }
    return moved;
  }

  private async requeue(worker: string): Promise<number> {
    let moved = 0;
    // LMOVE is atomic per item: two workers recovering the same list never duplicate a job.
    while ((await this.redis.lmove(this.k.processing(worker), this.k.pending, 'RIGHT', 'RIGHT')) !== null) moved++;
    return moved;
  }
}

/** `MULTI … EXEC` reports command errors per command: make them an exception. */
function throwOnCommandError(results: [Error | null, unknown][] | null): void {
  if (results === null) throw new Error('The Redis transaction was aborted.');
  const failed = results.find(([error]) => error !== null);
  if (failed) throw failed[0]!;
}
