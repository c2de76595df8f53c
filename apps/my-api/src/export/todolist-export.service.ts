import { Inject, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { LongRunningSessions } from 'nest-identity-web';
import { MY_API_CONFIG } from '../config/my-api.constants.js';
import { DownstreamApiNames, type MyApiConfig } from '../config/my-api.config.js';
import { ExportJobs, type TodoListExport } from './todolist-export.types.js';

export type { TodoListExport } from './todolist-export.types.js';

const TODO_SCOPE = 'api://todolist-service/access_as_user';

/**
 * Exports the user's todo items in the background: the request starts a long-running on-behalf-of
 * session and queues a job with its key ({@link ExportJobs}: a Redis queue consumed by the export
 * worker process when the token cache uses Redis, in process otherwise). The job later reads the
 * items from todolist-service as that user, by the session key alone, after the request has ended,
 * and keeps the result for its owner.
 */
@Injectable()
export class TodoListExportService {
  constructor(
    private readonly sessions: LongRunningSessions,
    private readonly jobs: ExportJobs,
    @Inject(MY_API_CONFIG) private readonly config: MyApiConfig,
  ) {}

  /** Starts a session for the caller and queues the export; answers before the work is done. */
  async start(ownerOid: string): Promise<TodoListExport> {
    const scope = this.config.azureAd.downstreamApis?.[DownstreamApiNames.TodoList]?.scopes?.[0] ?? TODO_SCOPE;
    const { sessionKey } = await this.sessions.start([scope]);
    try {
      return await this.jobs.enqueue(ownerOid, sessionKey);
    } catch (cause) {
      // No job will use the session: end it rather than leave a refresh token behind.
      await this.sessions.end(sessionKey).catch(() => undefined);
      throw new ServiceUnavailableException('The export queue is unavailable; try again later.', { cause });
    }
  }

  /** The export `id` if the caller owns it (404 otherwise, so ids of others are not revealed). */
  async get(id: string, callerOid: string): Promise<TodoListExport> {
    let job: TodoListExport | undefined;
    try {
      job = await this.jobs.find(id, callerOid);
    } catch (cause) {
      throw new ServiceUnavailableException('The export queue is unavailable; try again later.', { cause });
    }
    if (!job) throw new NotFoundException(`No export ${id}.`);
    return job;
  }
}
