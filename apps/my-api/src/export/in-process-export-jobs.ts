import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { TodoListExportRunner } from './todolist-export.runner.js';
import { ExportJobs, type TodoListExport } from './todolist-export.types.js';

interface Job {
  readonly ownerOid: string;
  state: TodoListExport;
}

/**
 * Export jobs without Redis: kept in a map of this process and run by a timer, after the request
 * that queued them has answered. Jobs and results are lost when the process stops.
 */
@Injectable()
export class InProcessExportJobs extends ExportJobs implements OnApplicationShutdown {
  private readonly jobs = new Map<string, Job>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly runner: TodoListExportRunner) {
    super();
  }

  enqueue(ownerOid: string, sessionKey: string): Promise<TodoListExport> {
    const id = randomUUID();
    const job: Job = { ownerOid, state: { id, status: 'pending' } };
    this.jobs.set(id, job);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.runner.run(id, sessionKey).then((outcome) => {
        job.state =
          outcome.status === 'done'
            ? { id, status: 'done', items: outcome.items }
            : { id, status: 'failed', error: outcome.error };
      });
    }, 50);
    this.timers.add(timer);
    return Promise.resolve(job.state);
  }

  find(id: string, ownerOid: string): Promise<TodoListExport | undefined> {
    const job = this.jobs.get(id);
    return Promise.resolve(job && job.ownerOid === ownerOid ? job.state : undefined);
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
