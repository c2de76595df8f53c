// The demo's background-export steps (issue #11): a long-running on-behalf-of session lets a job
// read alice's todos as alice after the request has ended and her token has expired.
import { DEFAULT_IDS, type EntraEmulator } from '@nest-identity-web/entra-emulator';
import { callApi, type DemoClient } from './demo-client.js';
import { startService } from './processes.js';
import type { Scenario } from './scenario.js';

const ids = DEFAULT_IDS;

interface ExportState {
  id: string;
  status: 'pending' | 'done' | 'failed';
  items?: { title: string; owner: { oid: string } }[];
  error?: string;
}

/** What the export steps need from the demo. */
export interface ExportStepsContext {
  readonly scenario: Scenario;
  readonly emu: EntraEmulator;
  readonly client: DemoClient;
  /** my-api's URL for a path. */
  readonly api: (path: string) => string;
  /** A valid token of alice for my-api. */
  readonly aliceToken: () => string;
  /** The export worker's entry and environment when my-api queues exports in Redis; else in process. */
  readonly worker?: { readonly entry: string; readonly env: NodeJS.ProcessEnv };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const items = (s: ExportState | undefined) => `${s?.items?.length ?? 0} item${s?.items?.length === 1 ? '' : 's'}`;
const isAlices = (s: ExportState) =>
  s.status === 'done' && s.items?.length === 2 && s.items.every((t) => t.owner.oid === ids.users.alice.oid);

/** Polls the export until it is no longer pending (at most ~20 s). */
async function whenFinished(ctx: ExportStepsContext, id: string): Promise<{ status: number; body: ExportState }> {
  let res = await callApi<ExportState>(ctx.api(`/api/todolist/export/${id}`), { token: ctx.aliceToken() });
  for (let i = 0; i < 200 && res.status === 200 && res.body.status === 'pending'; i++) {
    await sleep(100);
    res = await callApi<ExportState>(ctx.api(`/api/todolist/export/${id}`), { token: ctx.aliceToken() });
  }
  return res;
}

/**
 * Without Redis: my-api runs the job in process. With Redis: my-api queues it in Redis, alice's
 * short-lived incoming token expires, and only then a separate worker process (sharing Redis and
 * my-api's settings) takes the job and redeems the session's refresh token.
 */
export async function exportSteps(ctx: ExportStepsContext): Promise<void> {
  const { scenario, emu, api } = ctx;
  if (!ctx.worker) {
    let id = '';
    await scenario.step('POST /api/todolist/export (alice) → long-running session + in-process job', 202, async () => {
      const res = await callApi<ExportState>(api('/api/todolist/export'), { method: 'POST', token: ctx.aliceToken() });
      id = res.body.id;
      return { status: res.status, summary: `job ${res.body.status}` };
    });
    await scenario.step(
      'GET /api/todolist/export/:id (alice) once the job has run',
      200,
      async () => {
        const res = await whenFinished(ctx, id);
        return { status: res.status, summary: `${res.body.status}, ${items(res.body)}`, body: res.body };
      },
      (o) => (isAlices(o.body) ? undefined : "the export job must finish with alice's 2 items"),
    );
    scenario.note('(no Redis answered: the export ran in my-api; the separate worker process step is skipped)');
    return;
  }

  // A 3-second token for alice: it, and the access token my-api gets for it on-behalf-of, will have
  // expired before the worker runs the job.
  const lifetime = emu.tokenLifetimeSeconds;
  emu.tokenLifetimeSeconds = 3;
  let shortLived = '';
  let id = '';
  try {
    const user = ids.users.alice;
    shortLived = (await ctx.client.signIn(user.username, user.password, [ids.apps.myApi.scopeUri])).accessToken;
    await scenario.step(
      'POST /api/todolist/export (alice, token valid 3 s) → session + job in Redis',
      202,
      async () => {
        const res = await callApi<ExportState>(api('/api/todolist/export'), { method: 'POST', token: shortLived });
        id = res.body.id;
        return { status: res.status, summary: `job ${res.body.status}, no worker running yet` };
      },
    );
  } finally {
    emu.tokenLifetimeSeconds = lifetime;
  }
  await scenario.step("GET /api/todolist with that token once it expired (my-api's clock)", 401, async () => {
    let res = await callApi(api('/api/todolist'), { token: shortLived });
    for (let i = 0; i < 100 && res.status !== 401; i++) {
      await sleep(100);
      res = await callApi(api('/api/todolist'), { token: shortLived });
    }
    return { status: res.status, summary: 'the incoming token has expired' };
  });
  const refreshes = () => emu.requests({ grantType: 'refresh_token', clientId: ids.apps.myApi.clientId }).length;
  const refreshesBefore = refreshes();
  await scenario.step('start the export worker (its own OS process, same Redis and settings)', 200, async () => {
    const worker = await startService(
      'export-worker',
      ctx.worker!.entry,
      ctx.worker!.env,
      20_000,
      /export worker (\S+) ready/,
    );
    scenario.note(`export worker     pid ${worker.child.pid}`);
    return { status: 200, summary: 'consuming the queue (BLMOVE)' };
  });
  await scenario.step(
    'GET /api/todolist/export/:id (alice) once the worker has run',
    200,
    async () => {
      const res = await whenFinished(ctx, id);
      const redeemed = refreshes() - refreshesBefore;
      return {
        status: res.status,
        summary: `${res.body.status}${res.body.error ? ` ${res.body.error}` : ''}, ${items(res.body)}; refresh-token redemptions ${redeemed}`,
        body: res.body,
        redeemed,
      };
    },
    (o) =>
      !isAlices(o.body)
        ? "the worker must finish with alice's 2 items"
        : o.redeemed < 1
          ? "the worker must redeem the session's refresh token"
          : undefined,
  );
}
