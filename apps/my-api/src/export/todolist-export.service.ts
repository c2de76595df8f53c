import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { LongRunningSessionError, LongRunningSessions } from 'nest-identity-web';
import { MY_API_CONFIG } from '../config/my-api.constants.js';
import { DownstreamApiNames, type MyApiConfig } from '../config/my-api.config.js';
import { DownstreamHttpClient } from '../downstream/downstream-http.client.js';
import type { TodoItem } from '../todolist/todo-item.interface.js';

const TODO_SCOPE = 'api://todolist-service/access_as_user';

/** An export job as its owner sees it. */
export interface TodoListExport {
  readonly id: string;
  readonly status: 'pending' | 'done' | 'failed';
  readonly items?: readonly TodoItem[];
  /** Why it failed: an error code, never a token. */
  readonly error?: string;
}

interface Job {
  readonly ownerOid: string;
  sessionKey: string | undefined;
  state: TodoListExport;
}

/**
 * Exports the user's todo items in the background: the request starts a long-running on-behalf-of
 * session and queues an in-process job, which later reads the items from todolist-service as that
 * user (by the session key alone, after the request has ended) and keeps the result for its owner.
 * A real deployment would use a queue (BullMQ) and a shared token cache store (Redis) so a worker
 * process can run the job.
 */
@Injectable()
export class TodoListExportService {
  private readonly logger = new Logger('TodoListExport');
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly sessions: LongRunningSessions,
    private readonly http: DownstreamHttpClient,
    @Inject(MY_API_CONFIG) private readonly config: MyApiConfig,
  ) {}

  /** Starts a session for the caller and queues the export; answers before the work is done. */
  async start(ownerOid: string): Promise<TodoListExport> {
    const scope = this.config.azureAd.downstreamApis?.[DownstreamApiNames.TodoList]?.scopes?.[0] ?? TODO_SCOPE;
    const { sessionKey } = await this.sessions.start([scope]);
    const id = randomUUID();
    const job: Job = { ownerOid, sessionKey, state: { id, status: 'pending' } };
    this.jobs.set(id, job);
    setTimeout(() => void this.run(job), 50);
    return job.state;
  }

  /** The export `id` if the caller owns it (404 otherwise, so ids of others are not revealed). */
  get(id: string, callerOid: string): TodoListExport {
    const job = this.jobs.get(id);
    if (!job || job.ownerOid !== callerOid) throw new NotFoundException(`No export ${id}.`);
    return job.state;
  }

  private async run(job: Job): Promise<void> {
    const key = job.sessionKey!;
    try {
      const api = this.config.azureAd.downstreamApis?.[DownstreamApiNames.TodoList];
      if (!api) throw new Error('DownstreamApis__TodoList__BaseUrl is not configured.');
      const accessToken = await this.sessions.getAccessToken(key);
      const items = await this.http.request<TodoItem[]>({
        api: 'todolist-service',
        baseUrl: api.baseUrl.replace(/\/+$/, ''),
        path: '/api/todolist',
        accessToken,
      });
      job.state = { ...job.state, status: 'done', items };
    } catch (e) {
      const code = e instanceof LongRunningSessionError ? e.code : e instanceof Error ? e.name : 'error';
      this.logger.warn({ event: 'export_failed', id: job.state.id, code });
      job.state = { ...job.state, status: 'failed', error: code };
    } finally {
      // A one-shot job: end the session (and forget the key) once done.
      job.sessionKey = undefined;
      await this.sessions.end(key).catch(() => undefined);
    }
  }
}
