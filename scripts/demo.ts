// `npm run demo`: the sample chain end to end on this machine, with no Azure account.
//
// Starts the Entra ID emulator with the Graph and ARM stand-ins (in this process), todolist-service
// and my-api (child processes on free ports), signs the demo users in with msal-node, walks the
// scenario and prints one line per step. Exits 0 only when every step had the expected outcome.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_IDS, startEntraEmulator, type EntraEmulator } from '@nest-identity-web/entra-emulator';
import { startStandIns, type RunningStandIns } from '../apps/entra-emulator/src/stand-ins/index.js';
import { callApi, claimsFromChallenge, DemoClient } from './demo/demo-client.js';
import { killAllServicesNow, startService, stopAllServices, type ServiceProcess } from './demo/processes.js';
import { exportSteps } from './demo/export-steps.js';
import { demoRedisUrl, redisAnswers, redisTokenCacheEnv } from './demo/redis.js';
import { Scenario } from './demo/scenario.js';
import { wrongScopeToken } from './demo/wrong-scope-token.js';
import { TrustingNetworkClient } from './demo/trusting-network-client.js';

const ids = DEFAULT_IDS;
const entry = (app: string): string => fileURLToPath(new URL(`../apps/${app}/src/main.js`, import.meta.url));
const workerEntry = fileURLToPath(new URL('../apps/my-api/src/export-worker.main.js', import.meta.url));

interface TodoItem {
  id: string;
  title: string;
  owner: { oid: string };
}
interface CacheStats {
  hits: number;
  l2Hits: number;
  misses: number;
  identityProviderCalls: number;
}

/** `Bearer error="insufficient_scope"` out of a WWW-Authenticate header, without the description. */
const challenge = (res: { headers: Headers }): string | undefined =>
  res.headers.get('www-authenticate')?.replace(/,\s*error_description="[^"]*"/, '') ?? undefined;

let emulator: EntraEmulator | undefined;
let standIns: RunningStandIns | undefined;
let workDir: string | undefined;
let cleaning: Promise<void> | undefined;
let interrupted = false;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await stopAllServices();
    await standIns?.close();
    await emulator?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  })();
  return cleaning;
}

process.on('exit', killAllServicesNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.log(`\n${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** Node reads one file of extra CAs: the emulator's CA, plus whatever the caller already trusted. */
function caBundle(dir: string, emulatorCaPem: string): string {
  const path = join(dir, 'ca-bundle.pem');
  const inherited = process.env.NODE_EXTRA_CA_CERTS ? readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8') : '';
  writeFileSync(path, `${emulatorCaPem.trim()}\n${inherited}`);
  return path;
}

async function main(): Promise<boolean> {
  const started = Date.now();
  const scenario = new Scenario();
  const tenant = ids.tenants.contoso.id;

  emulator = await startEntraEmulator();
  const emu = emulator;
  standIns = await startStandIns({ instance: emu.instance, trustedCa: [emu.caCertPem] });
  workDir = mkdtempSync(join(tmpdir(), 'nest-identity-web-demo-'));
  const azureAd = { AzureAd__Instance: emu.instance, AzureAd__TenantId: tenant };
  const trust = { NODE_EXTRA_CA_CERTS: caBundle(workDir, emu.caCertPem) };

  const todolist: ServiceProcess = await startService('todolist-service', entry('todolist-service'), {
    ...azureAd,
    ...trust,
    AzureAd__ClientId: ids.apps.todolistService.clientId,
    TodoList__DatabasePath: join(workDir, 'todolist.sqlite'),
  });
  // With a Redis on this machine, my-api's replicas share an encrypted L2 token cache; without one
  // the demo runs as before, on the in-process cache only.
  const redis = (await redisAnswers()) ? redisTokenCacheEnv() : undefined;
  const myApiEnv = {
    ...azureAd,
    ...trust,
    AzureAd__ClientId: ids.apps.myApi.clientId,
    AzureAd__ClientSecret: ids.apps.myApi.secret,
    DownstreamApis__TodoList__BaseUrl: todolist.url,
    DownstreamApis__Graph__BaseUrl: standIns.graphBaseUrl,
    DownstreamApis__Arm__BaseUrl: standIns.armBaseUrl,
    ...redis,
    // One machine, one clock: my-api refuses an expired token at once (the export step shows it).
    ...(redis && { AzureAd__ClockSkewSeconds: '0' }),
  };
  const myApi: ServiceProcess = await startService('my-api', entry('my-api'), myApiEnv);
  scenario.note(`emulator          ${emu.baseUrl}`);
  scenario.note(`Graph stand-in    ${standIns.graphBaseUrl}    ARM stand-in ${standIns.armBaseUrl}`);
  scenario.note(`todolist-service  ${todolist.url}`);
  scenario.note(`my-api            ${myApi.url}`);
  scenario.note(`token cache L2    ${redis ? `Redis ${demoRedisUrl} (encrypted)` : 'none (no Redis answered)'}\n`);

  const client = new DemoClient({
    authority: `${emu.instance}${tenant}`,
    authorityHost: emu.host,
    clientId: ids.apps.demoClient.clientId,
    networkClient: new TrustingNetworkClient(emu.caCertPem),
  });
  const scope = ids.apps.myApi.scopeUri;
  const api = (path: string): string => `${myApi.url}${path}`;
  const tokens: Record<string, string> = {};
  const signIn = (name: 'alice' | 'bob' | 'carol') =>
    scenario.step(`sign in ${name} (msal-node PublicClientApplication)`, 200, async () => {
      const user = ids.users[name];
      const result = await client.signIn(user.username, user.password, [scope]);
      tokens[name] = result.accessToken;
      return { status: 200, summary: `token for ${scope}` };
    });
  const items = (body: unknown): string =>
    Array.isArray(body) ? `${body.length} item${body.length === 1 ? '' : 's'}` : 'not a list';

  // 1. The first user lists and adds todos through my-api (on-behalf-of to todolist-service).
  await signIn('alice');
  for (const title of ['Buy milk', 'Write the quarterly report']) {
    await scenario.step(`POST /api/todolist (alice) "${title}"`, 201, async () => {
      const res = await callApi<TodoItem>(api('/api/todolist'), {
        method: 'POST',
        token: tokens.alice,
        body: { title },
      });
      return {
        status: res.status,
        summary: res.status === 201 ? `id ${res.body.id.slice(0, 8)}…` : JSON.stringify(res.body),
      };
    });
  }
  await scenario.step(
    'GET /api/todolist (alice)',
    200,
    async () => {
      const res = await callApi<TodoItem[]>(api('/api/todolist'), { token: tokens.alice });
      return { status: res.status, summary: items(res.body), body: res.body };
    },
    (o) => (Array.isArray(o.body) && o.body.length === 2 ? undefined : 'expected 2 items'),
  );
  await scenario.step('POST /api/todolist (alice) with an empty title', 400, async () => {
    const res = await callApi<{ message: string[] }>(api('/api/todolist'), {
      method: 'POST',
      token: tokens.alice,
      body: { title: '' },
    });
    return { status: res.status, summary: Array.isArray(res.body.message) ? res.body.message.join('; ') : undefined };
  });

  // 2. The second user sees only their own (none of alice's).
  await signIn('bob');
  await scenario.step(
    'GET /api/todolist (bob)',
    200,
    async () => {
      const res = await callApi<TodoItem[]>(api('/api/todolist'), { token: tokens.bob });
      return { status: res.status, summary: `${items(res.body)}, none of alice's`, body: res.body };
    },
    (o) => (Array.isArray(o.body) && o.body.length === 0 ? undefined : "bob must not see alice's items"),
  );

  // 2b. A background export: a long-running on-behalf-of session lets a job read alice's items as
  // alice after the request has ended: in my-api without Redis; with Redis, in a separate worker
  // process that takes the job from Redis after alice's incoming token has expired.
  await exportSteps({
    scenario,
    emu,
    client,
    api,
    aliceToken: () => tokens.alice!,
    worker: redis ? { entry: workerEntry, env: myApiEnv } : undefined,
  });

  // 3. Microsoft Graph /me and Azure Resource Manager /subscriptions, on behalf of alice.
  await scenario.step('GET /api/me (alice) → Graph /v1.0/me', 200, async () => {
    const res = await callApi<{ displayName?: string; userPrincipalName?: string }>(api('/api/me'), {
      token: tokens.alice,
    });
    return { status: res.status, summary: `${res.body.displayName} <${res.body.userPrincipalName}>` };
  });
  await scenario.step('GET /api/subscriptions (alice) → ARM /subscriptions', 200, async () => {
    const res = await callApi<{ subscriptionId: string; displayName: string }[]>(api('/api/subscriptions'), {
      token: tokens.alice,
    });
    const first = Array.isArray(res.body) ? res.body[0] : undefined;
    return {
      status: res.status,
      summary: first ? `${res.body.length}: ${first.displayName} (${first.subscriptionId})` : undefined,
    };
  });

  // 4. An admin call with my-api's own app token (client credentials) to todolist-service.
  await scenario.step(
    'GET /api/admin/todolist (alice, role Admin.All) → app token',
    200,
    async () => {
      const res = await callApi<TodoItem[]>(api('/api/admin/todolist'), { token: tokens.alice });
      return { status: res.status, summary: `${items(res.body)} of all users`, body: res.body };
    },
    (o) => (Array.isArray(o.body) && o.body.length >= 2 ? undefined : 'expected every user’s items'),
  );
  await scenario.step('GET /api/admin/todolist (bob, no Admin.All)', 403, async () => {
    const res = await callApi(api('/api/admin/todolist'), { token: tokens.bob });
    return { status: res.status, summary: challenge(res) };
  });

  // 5. Refusals: no token (401); a valid token for my-api without access_as_user (403).
  await scenario.step('GET /api/todolist (no token)', 401, async () => {
    const res = await callApi(api('/api/todolist'));
    return { status: res.status, summary: challenge(res) };
  });
  await scenario.step('GET /api/todolist (token for my-api with scope User.Read only)', 403, async () => {
    const res = await callApi(api('/api/todolist'), { token: wrongScopeToken(emu) });
    return { status: res.status, summary: challenge(res) };
  });

  // 6. MFA: todolist-service requires it for carol. my-api relays the identity provider's claims
  //    challenge as a 401; the client signs in again with those claims and the retry succeeds.
  await signIn('carol');
  let claims: string | undefined;
  await scenario.step(
    'GET /api/todolist (carol, no MFA yet)',
    401,
    async () => {
      const res = await callApi(api('/api/todolist'), { token: tokens.carol });
      claims = claimsFromChallenge(res.headers.get('www-authenticate'));
      return { status: res.status, summary: claims ? 'claims challenge: insufficient_claims' : 'no claims challenge' };
    },
    () => (claims ? undefined : 'expected a claims challenge'),
  );
  await scenario.step('sign in carol again with the claims (MFA)', 200, async () => {
    if (!claims) throw new Error('no claims challenge to answer');
    const result = await client.signIn(ids.users.carol.username, ids.users.carol.password, [scope], claims);
    tokens.carol = result.accessToken;
    return { status: 200, summary: 'token with amr mfa' };
  });
  await scenario.step('GET /api/todolist (carol, retry)', 200, async () => {
    const res = await callApi<TodoItem[]>(api('/api/todolist'), { token: tokens.carol });
    return { status: res.status, summary: items(res.body) };
  });

  // 7. my-api's token cache: repeated calls for the same user and scope did not go back to the IdP.
  await scenario.step(
    'GET /api/admin/cache-stats (alice)',
    200,
    async () => {
      const res = await callApi<CacheStats>(api('/api/admin/cache-stats'), { token: tokens.alice });
      const idpCalls = emu.requests().filter((r) => r.clientId === ids.apps.myApi.clientId && r.grantType).length;
      return {
        status: res.status,
        summary: `hits ${res.body.hits}, misses ${res.body.misses}, identity-provider calls ${res.body.identityProviderCalls} (emulator saw ${idpCalls})`,
        body: res.body,
      };
    },
    (o) => (o.body.hits > 0 ? undefined : 'expected cache hits'),
  );

  // 8. A second my-api replica shares the Redis L2: alice's token for todolist-service, acquired by
  //    the first replica, is served to the second without a call to the identity provider.
  if (redis) {
    const replica: ServiceProcess = await startService('my-api-2', entry('my-api'), myApiEnv);
    scenario.note(`my-api replica 2  ${replica.url} (same Redis L2)`);
    const idpCallsBefore = emu.requests().filter((r) => r.clientId === ids.apps.myApi.clientId && r.grantType).length;
    await scenario.step(
      'GET /api/todolist (alice) on replica 2 → token from Redis',
      200,
      async () => {
        const res = await callApi<TodoItem[]>(`${replica.url}/api/todolist`, { token: tokens.alice });
        const stats = await callApi<CacheStats>(`${replica.url}/api/admin/cache-stats`, { token: tokens.alice });
        const idpCalls =
          emu.requests().filter((r) => r.clientId === ids.apps.myApi.clientId && r.grantType).length - idpCallsBefore;
        return {
          status: res.status,
          summary: `${items(res.body)}; replica 2: L2 hits ${stats.body.l2Hits}, identity-provider calls ${stats.body.identityProviderCalls} (emulator saw ${idpCalls})`,
          body: { l2Hits: stats.body.l2Hits, idpCalls: stats.body.identityProviderCalls + idpCalls },
        };
      },
      (o) => (o.body.l2Hits > 0 && o.body.idpCalls === 0 ? undefined : 'expected an L2 hit and no token request'),
    );
  } else {
    scenario.note('(no Redis answered: the shared-cache step with a second my-api replica is skipped)');
  }

  const { passed, total, ok } = scenario.verdict();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nverdict: ${ok ? 'PASS' : 'FAIL'} (${passed}/${total} steps, ${seconds} s)`);
  if (!ok) {
    for (const service of [todolist, myApi]) console.log(`\n--- ${service.name} output ---\n${service.output()}`);
  }
  return ok;
}

let ok = false;
try {
  ok = await main();
} catch (e) {
  if (interrupted) process.exit(130);
  console.error(`demo failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  console.log('\nverdict: FAIL (the demo could not start)');
} finally {
  await cleanup();
}
process.exit(ok ? 0 : 1);
