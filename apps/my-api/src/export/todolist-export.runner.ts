import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { AuthError, AuthErrorCode, IdentityProviderUnavailableError, LongRunningSessions } from 'nest-identity-web';
import { MY_API_CONFIG } from '../config/my-api.constants.js';
import { DownstreamApiNames, type MyApiConfig } from '../config/my-api.config.js';
import { DownstreamHttpClient } from '../downstream/downstream-http.client.js';
import type { TodoItem } from '../todolist/todo-item.interface.js';

/** What one run of an export job came to. */
export type ExportOutcome =
  | { readonly status: 'done'; readonly items: readonly TodoItem[] }
  | {
      readonly status: 'failed';
      /** An error code (`NIW4016`, `HTTP_502`…), never a token or a key. */
      readonly error: string;
      /** True when a later attempt may succeed (store or identity provider unavailable, 5xx). */
      readonly transient: boolean;
    };

/**
 * The export itself, outside any request: resumes the user's long-running session by its key,
 * reads the user's items from todolist-service as that user, and ends the session once the job is
 * over (done, failed for good, or out of attempts). Used by the in-process jobs and by the worker.
 */
@Injectable()
export class TodoListExportRunner {
  private readonly logger = new Logger('TodoListExport');

  constructor(
    private readonly sessions: LongRunningSessions,
    private readonly http: DownstreamHttpClient,
    @Inject(MY_API_CONFIG) private readonly config: MyApiConfig,
  ) {}

  /** Runs job `id`; `lastAttempt: false` keeps the session after a transient failure, for a retry. */
  async run(id: string, sessionKey: string, lastAttempt = true): Promise<ExportOutcome> {
    let outcome: ExportOutcome;
    try {
      const api = this.config.azureAd.downstreamApis?.[DownstreamApiNames.TodoList];
      if (!api) throw new Error('DownstreamApis__TodoList__BaseUrl is not configured.');
      const accessToken = await this.sessions.getAccessToken(sessionKey, { correlationId: id });
      const items = await this.http.request<TodoItem[]>({
        api: 'todolist-service',
        baseUrl: api.baseUrl.replace(/\/+$/, ''),
        path: '/api/todolist',
        accessToken,
      });
      outcome = { status: 'done', items };
    } catch (e) {
      outcome = { status: 'failed', ...classify(e) };
      this.logger.warn({ event: 'export_failed', id, code: outcome.error, transient: outcome.transient });
    }
    if (outcome.status === 'done' || !outcome.transient || lastAttempt) {
      // A one-shot job: end the session (its refresh token is deleted) once the job is over.
      await this.sessions.end(sessionKey).catch(() => undefined);
    }
    return outcome;
  }
}

/** An error → a code to record (never its message, which might quote an upstream answer) and whether to retry. */
function classify(e: unknown): { error: string; transient: boolean } {
  if (e instanceof IdentityProviderUnavailableError) return { error: e.code, transient: true };
  if (e instanceof AuthError)
    return { error: e.code, transient: e.code === AuthErrorCode.LongRunningSessionStoreFailed };
  if (e instanceof HttpException) return { error: `HTTP_${e.getStatus()}`, transient: e.getStatus() >= 502 };
  return { error: e instanceof Error ? e.name : 'Error', transient: false };
}
