import type { TodoItem } from '../todolist/todo-item.interface.js';

/** An export job as its owner sees it: never a token or a session key. */
export interface TodoListExport {
  readonly id: string;
  readonly status: 'pending' | 'done' | 'failed';
  readonly items?: readonly TodoItem[];
  /** Why it failed: an error code (`NIW4016`…), never a token. */
  readonly error?: string;
}

/**
 * Where export jobs wait and where their results are kept: in process (no Redis), or a Redis
 * queue consumed by a separate worker process (`export-worker.main.ts`) when the token cache uses Redis.
 */
export abstract class ExportJobs {
  /** Queues a job that will run with `sessionKey` for the user `ownerOid`; returns it as pending. */
  abstract enqueue(ownerOid: string, sessionKey: string): Promise<TodoListExport>;

  /** The job `id` if `ownerOid` owns it, else `undefined` (ids of others are not revealed). */
  abstract find(id: string, ownerOid: string): Promise<TodoListExport | undefined>;
}
