import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { connectExportRedis, type ExportQueueSettings } from './export-redis.js';
import { EXPORT_QUEUE_SETTINGS } from './export.providers.js';
import { MAX_ATTEMPTS, RedisExportQueue, type TakenJob } from './redis-export-queue.js';
import { TodoListExportRunner } from './todolist-export.runner.js';

/** Longest wait of one `BLMOVE`: also the longest a stop waits for an idle worker. */
const TAKE_TIMEOUT_SECONDS = 2;
const HEARTBEAT_INTERVAL_MS = 5_000;
const RECOVERY_INTERVAL_MS = 10_000;
/** Pause after a failure of Redis itself, or before retrying a job whose attempt failed transiently. */
const BACKOFF_MS = 1_000;
/** Longest wait, on stop, for the job in hand. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * The queue consumer of the export worker process: takes export jobs from Redis one at a time
 * (blocking `BLMOVE`, no polling), runs them with the long-running session of their user (outside
 * any request), records the outcome, and keeps a heartbeat so that the jobs of a crashed worker go
 * back to the queue. On SIGTERM it finishes the job in hand, then stops.
 */
@Injectable()
export class ExportWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** This worker's id in Redis (host, pid and a random part; no secret). */
  readonly id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly logger = new Logger('ExportWorker');
  private blocking: Redis | undefined;
  private loop: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly queue: RedisExportQueue,
    private readonly runner: TodoListExportRunner,
    @Inject(EXPORT_QUEUE_SETTINGS) private readonly settings: ExportQueueSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.blocking = await connectExportRedis(this.settings.url, { blocking: true });
    await this.queue.heartbeat(this.id).catch(() => undefined);
    this.heartbeat = setInterval(
      () => void this.queue.heartbeat(this.id).catch(() => undefined),
      HEARTBEAT_INTERVAL_MS,
    );
    this.loop = this.consume(this.blocking);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    // An idle worker returns within TAKE_TIMEOUT_SECONDS and a job in hand is finished first; a
    // BLMOVE waiting for Redis to come back is cut off (its job, if any, is recovered by another worker).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise((r) => (timer = setTimeout(r, STOP_TIMEOUT_MS)))]);
    clearTimeout(timer);
    clearInterval(this.heartbeat);
    this.blocking?.disconnect();
    await this.queue.leave(this.id).catch(() => undefined);
    this.logger.log({ event: 'export_worker_stopped', worker: this.id });
  }

  private async consume(blocking: Redis): Promise<void> {
    let recoveredAt = 0;
    let failing = false;
    while (!this.stopping) {
      try {
        if (Date.now() - recoveredAt >= RECOVERY_INTERVAL_MS) {
          recoveredAt = Date.now();
          const moved = await this.queue.recoverAbandoned(this.id);
          if (moved) this.logger.warn({ event: 'export_jobs_recovered', count: moved });
        }
        const job = await this.queue.take(blocking, this.id, TAKE_TIMEOUT_SECONDS);
        failing = false;
        if (typeof job !== 'string') await this.process(job);
      } catch (e) {
        if (!failing) this.logger.warn({ event: 'export_queue_failed', reason: e instanceof Error ? e.name : 'error' });
        failing = true;
        await this.pause(BACKOFF_MS);
      }
    }
  }

  private async process(job: TakenJob): Promise<void> {
    const outcome = await this.runner.run(job.id, job.sessionKey, job.attempt >= MAX_ATTEMPTS);
    const recorded = await this.queue.finish(this.id, job, outcome);
    if (outcome.status === 'done') {
      this.logger.log({ event: 'export_done', id: job.id, items: outcome.items.length });
    } else if (recorded === 'retried') {
      await this.pause(BACKOFF_MS);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
