// Cached on-behalf-of lookups: nest-identity-web's token cache vs one shared msal-node
// ConfidentialClientApplication, at growing numbers of cached users; plus 100 concurrent identical
// cold calls. The identity provider is stubbed in process (no HTTP) on both sides, so this measures
// cache cost only. Run: `npm run bench` (or `npm run bench -- --quick`). Writes bench/results/latest.json
// afresh (quick.json for a quick run).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfidentialClientApplication, type INetworkModule, type NetworkResponse } from '@azure/msal-node';
import { NestFactory } from '@nestjs/core';
import { latestPath } from './results.js';
import {
  AuthModule,
  type IdentityProviderResponse,
  type IdentityProviderTransport,
  ITokenAcquisition,
  TokenAcquisitionStatistics,
} from 'nest-identity-web';

const quick = process.argv.includes('--quick');
const OURS_N = quick ? [1, 1_000, 10_000] : [1, 1_000, 10_000, 100_000];
const MSAL_N = quick ? [1, 100, 1_000] : [1, 1_000, 10_000];
const LOOKUPS = quick ? 5_000 : 20_000;
const MSAL_LOOKUPS = (n: number) => (n >= 10_000 ? 60 : n >= 1_000 ? (quick ? 100 : 300) : 2_000);
const CONCURRENT = 100;

const HOST = 'login.microsoftonline.com';
const TID = '72f988bf-0000-4000-8000-000000000001';
const CLIENT_ID = '11111111-0000-4000-8000-0000000000a1';
const SCOPE = 'api://todolist-service/access_as_user';
const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const gc = (globalThis as { gc?: () => void }).gc;

/** A realistic ~1.3 KB user access token (the incoming assertion). */
function assertionFor(i: number): string {
  const claims = {
    aud: 'api://my-api',
    iss: `https://${HOST}/${TID}/v2.0`,
    iat: 1_700_000_000,
    nbf: 1_700_000_000,
    exp: 1_700_003_600,
    aio: 'A'.repeat(120),
    azp: '11111111-0000-4000-8000-000000000001',
    azpacr: '0',
    name: `User ${i}`,
    oid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    preferred_username: `user${i}@contoso.onmicrosoft.com`,
    rh: 'R'.repeat(60),
    scp: 'access_as_user',
    sub: 'S'.repeat(43),
    tid: TID,
    uti: 'U'.repeat(22),
    ver: '2.0',
  };
  return `${enc({ typ: 'JWT', alg: 'RS256', kid: 'K'.repeat(27) })}.${enc(claims)}.${'s'.repeat(342)}`;
}

/** The downstream token the stub issues: ~1.3 KB, distinct per call. */
let serial = 0;
function tokenResponse(extra: Record<string, unknown> = {}) {
  serial++;
  return {
    token_type: 'Bearer',
    scope: SCOPE,
    expires_in: 3600,
    ext_expires_in: 3600,
    access_token: `${enc({ typ: 'JWT', alg: 'RS256' })}.${enc({ n: serial, pad: 'p'.repeat(900) })}.${'s'.repeat(342)}`,
    ...extra,
  };
}

const metadata = {
  issuer: `https://${HOST}/${TID}/v2.0`,
  authorization_endpoint: `https://${HOST}/${TID}/oauth2/v2.0/authorize`,
  token_endpoint: `https://${HOST}/${TID}/oauth2/v2.0/token`,
  jwks_uri: `https://${HOST}/${TID}/discovery/v2.0/keys`,
};

class StubTransport implements IdentityProviderTransport {
  posts = 0;
  delayMs = 0;
  async request(url: string, init?: { method?: string }): Promise<IdentityProviderResponse> {
    if (init?.method !== 'POST') return { status: 200, headers: {}, body: JSON.stringify(metadata) };
    this.posts++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    return { status: 200, headers: {}, body: JSON.stringify(tokenResponse()) };
  }
}

class StubNetwork implements INetworkModule {
  posts = 0;
  delayMs = 0;
  sendGetRequestAsync<T>(): Promise<NetworkResponse<T>> {
    return Promise.resolve({ status: 200, headers: {}, body: metadata as T });
  }
  async sendPostRequestAsync<T>(): Promise<NetworkResponse<T>> {
    this.posts++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    return { status: 200, headers: {}, body: tokenResponse() as T };
  }
}

async function ours(transport: StubTransport) {
  const app = await NestFactory.createApplicationContext(
    AuthModule.forRoot({
      tenantId: TID,
      clientId: CLIENT_ID,
      clientSecret: 'bench-secret',
      identityProviderTransport: transport,
      tokenCache: { refreshAheadRatio: 1 },
    }),
    { logger: false },
  );
  return { app, tokens: app.get(ITokenAcquisition), stats: app.get(TokenAcquisitionStatistics) };
}

function msalClient(network: StubNetwork): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: { clientId: CLIENT_ID, clientSecret: 'bench-secret', authority: `https://${HOST}/${TID}` },
    system: { networkClient: network },
  });
}

/**
 * msal's cache for n users, as one OBO call per user would leave it (account, id token, access
 * token, refresh token), built directly: filling it through msal is O(n²) (5,000 users took 211 s).
 */
function msalCacheJson(assertions: readonly string[]): string {
  const cache: Record<string, Record<string, unknown>> = {
    Account: {},
    IdToken: {},
    AccessToken: {},
    RefreshToken: {},
    AppMetadata: {},
  };
  const env = 'login.windows.net';
  const now = Math.floor(Date.now() / 1000);
  assertions.forEach((assertion, i) => {
    const oid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const home = `${oid}.${TID}`;
    cache.Account![`${home}-${env}-${TID}`] = {
      home_account_id: home,
      environment: env,
      realm: TID,
      local_account_id: oid,
      username: `user${i}@contoso.onmicrosoft.com`,
      authority_type: 'MSSTS',
      name: '',
      client_info: enc({ uid: oid, utid: TID }),
      tenantProfiles: [
        JSON.stringify({ tenantId: TID, localAccountId: oid, username: `user${i}`, isHomeTenant: true }),
      ],
    };
    cache.IdToken![`${home}-${env}-idtoken-${CLIENT_ID}-${TID}--`] = {
      home_account_id: home,
      environment: env,
      credential_type: 'IdToken',
      client_id: CLIENT_ID,
      secret: `${enc({ alg: 'none' })}.${enc({ oid, tid: TID, sub: 's', aud: CLIENT_ID, iss: metadata.issuer })}.x`,
      realm: TID,
    };
    const target = `${SCOPE} openid profile offline_access`;
    cache.AccessToken![`${home}-${env}-accesstoken-${CLIENT_ID}-${TID}-${target}-`] = {
      home_account_id: home,
      environment: env,
      credential_type: 'AccessToken',
      client_id: CLIENT_ID,
      secret: tokenResponse().access_token,
      realm: TID,
      target,
      cached_at: String(now),
      expires_on: String(now + 3600),
      extended_expires_on: String(now + 3600),
      token_type: 'Bearer',
      userAssertionHash: createHash('sha256').update(assertion).digest('base64url'),
    };
    cache.RefreshToken![`${home}-${env}-refreshtoken-${CLIENT_ID}---`] = {
      home_account_id: home,
      environment: env,
      credential_type: 'RefreshToken',
      client_id: CLIENT_ID,
      secret: 'r'.repeat(900),
    };
  });
  return JSON.stringify(cache);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * Times `count` lookups spread over all n users, in 5 rounds: p50 is the median of the rounds'
 * medians (robust to a noisy neighbour on a shared machine), p99 is over all samples.
 */
async function timeLookups(count: number, n: number, lookup: (assertion: string) => Promise<unknown>) {
  const rounds = count >= 50 ? 5 : 1;
  const perRound = Math.ceil(count / rounds);
  const all: number[] = [];
  const medians: number[] = [];
  let k = 0;
  for (let r = 0; r < rounds; r++) {
    const samples: number[] = [];
    for (let j = 0; j < perRound; j++, k++) {
      const i = (k * 7919) % n; // deterministic spread over all users
      // A request carries a freshly parsed copy of the user's token (the guard just validated it),
      // not a string that has sat in the heap since the cache was filled.
      const assertion = Buffer.from(assertions[i]!, 'latin1').toString('latin1');
      const t0 = process.hrtime.bigint();
      await lookup(assertion);
      samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    samples.sort((a, b) => a - b);
    medians.push(percentile(samples, 50));
    all.push(...samples);
  }
  medians.sort((a, b) => a - b);
  all.sort((a, b) => a - b);
  return { p50: percentile(medians, 50), p99: percentile(all, 99), samples: all.length };
}

function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

const round = (x: number) => Math.round(x * 100) / 100;
const assertions = Array.from({ length: Math.max(...OURS_N) }, (_, i) => assertionFor(i));

async function main() {
  const started = Date.now();
  const maxN = Math.max(...OURS_N);
  console.log(
    `token-cache benchmark (${quick ? 'quick' : 'full'}), node ${process.version}${gc ? '' : ' (run with --expose-gc for heap figures)'}`,
  );

  // --- ours: fill incrementally through the public API, measure at each N ---
  const transport = new StubTransport();
  const o = await ours(transport);
  const oursRows = new Map<number, { p50: number; p99: number; samples: number }>();
  let heapPerToken: number | null = null;
  const heapBase = heapUsed();
  let filled = 0;
  for (const n of OURS_N) {
    const fillStart = Date.now();
    for (; filled < n; filled++) {
      await o.tokens.getAccessTokenForUser([SCOPE], { assertion: assertions[filled]! });
    }
    const fillMs = Date.now() - fillStart;
    if (n === maxN && gc) heapPerToken = (heapUsed() - heapBase) / n;
    // Warm up the JIT on this N before timing.
    const oursLookup = (assertion: string) => o.tokens.getAccessTokenForUser([SCOPE], { assertion });
    heapUsed(); // settle the garbage of the fill before timing
    await timeLookups(Math.min(2_000, LOOKUPS), n, oursLookup);
    const r = await timeLookups(LOOKUPS, n, oursLookup);
    oursRows.set(n, r);
    console.log(`ours  N=${n}: p50 ${r.p50.toFixed(2)} µs, p99 ${r.p99.toFixed(2)} µs (fill ${fillMs} ms)`);
  }
  const s = o.stats.snapshot();
  if (s.identityProviderCalls !== maxN)
    throw new Error(`expected ${maxN} token requests, saw ${s.identityProviderCalls}`);
  await o.app.close();

  // --- raw msal-node: one shared client, cache loaded from a prebuilt snapshot ---
  const msalRows = new Map<number, { p50: number; p99: number; samples: number }>();
  let msalHeapPerUser: number | null = null;
  for (const n of MSAL_N) {
    const network = new StubNetwork();
    const cca = msalClient(network);
    const before = heapUsed();
    cca.getTokenCache().deserialize(msalCacheJson(assertions.slice(0, n)));
    if (n === Math.max(...MSAL_N) && gc) msalHeapPerUser = (heapUsed() - before) / n;
    const lookup = async (assertion: string) => {
      const r = await cca.acquireTokenOnBehalfOf({ oboAssertion: assertion, scopes: [SCOPE] });
      if (!r?.fromCache) throw new Error('msal missed its cache: the prebuilt snapshot is wrong');
    };
    await timeLookups(Math.min(20, MSAL_LOOKUPS(n)), n, lookup);
    const r = await timeLookups(MSAL_LOOKUPS(n), n, lookup);
    msalRows.set(n, r);
    if (network.posts !== 0) throw new Error('msal called the network during cached lookups');
    console.log(`msal  N=${n}: p50 ${r.p50.toFixed(2)} µs, p99 ${r.p99.toFixed(2)} µs`);
  }

  // --- 100 concurrent identical cold calls ---
  const coldTransport = new StubTransport();
  coldTransport.delayMs = 50;
  const cold = await ours(coldTransport);
  await Promise.all(
    Array.from({ length: CONCURRENT }, () => cold.tokens.getAccessTokenForUser([SCOPE], { assertion: assertions[0]! })),
  );
  await cold.app.close();
  const coldNetwork = new StubNetwork();
  coldNetwork.delayMs = 50;
  const coldCca = msalClient(coldNetwork);
  await Promise.all(
    Array.from({ length: CONCURRENT }, () =>
      coldCca.acquireTokenOnBehalfOf({ oboAssertion: assertions[0]!, scopes: [SCOPE] }),
    ),
  );

  const users = [...new Set([...OURS_N, ...MSAL_N])].sort((a, b) => a - b);
  const obo_cache_hit = users.map((n) => {
    const a = oursRows.get(n);
    const m = msalRows.get(n);
    return {
      users: n,
      ours_p50_us: a ? round(a.p50) : null,
      ours_p99_us: a ? round(a.p99) : null,
      msal_p50_us: m ? round(m.p50) : null,
      msal_p99_us: m ? round(m.p99) : null,
      msal_over_ours_p50: a && m ? round(m.p50 / a.p50) : null,
      ours_samples: a?.samples ?? 0,
      msal_samples: m?.samples ?? 0,
    };
  });
  const p50At = (n: number) => oursRows.get(n)?.p50 ?? NaN;
  const flatness = round(p50At(10_000) / p50At(1));
  const result = {
    generated_at: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    node: process.version,
    obo_cache_hit,
    concurrent_cold_obo: {
      concurrent: CONCURRENT,
      ours_idp_calls: coldTransport.posts,
      msal_idp_calls: coldNetwork.posts,
    },
    ours_flatness_p50_10k_over_1: flatness,
    heap_per_cached_token_bytes: heapPerToken === null ? null : Math.round(heapPerToken),
    msal_heap_per_cached_user_bytes: msalHeapPerUser === null ? null : Math.round(msalHeapPerUser),
    targets: {
      p50_le_20us_at_every_n: [...oursRows.values()].every((r) => r.p50 <= 20),
      flat_10k_over_1_le_1_5: flatness <= 1.5,
      heap_le_3kb_per_token: heapPerToken === null ? null : heapPerToken <= 3 * 1024,
    },
    duration_s: round((Date.now() - started) / 1000),
  };

  console.log('\n users  | ours p50 µs | ours p99 µs | msal p50 µs | msal p99 µs | msal/ours');
  for (const r of obo_cache_hit) {
    const f = (x: number | null) => (x === null ? '-' : x.toFixed(2)).padStart(11);
    console.log(
      ` ${String(r.users).padStart(6)} |${f(r.ours_p50_us)} |${f(r.ours_p99_us)} |${f(r.msal_p50_us)} |${f(r.msal_p99_us)} | ${r.msal_over_ours_p50 === null ? '-' : `${r.msal_over_ours_p50}x`}`,
    );
  }
  console.log(`\nflatness (ours p50 N=10k / N=1): ${flatness}`);
  console.log(
    `heap per cached token (ours): ${result.heap_per_cached_token_bytes ?? 'n/a'} bytes; per cached user (msal): ${result.msal_heap_per_cached_user_bytes ?? 'n/a'} bytes`,
  );
  console.log(
    `${CONCURRENT} concurrent identical cold OBO calls: ours ${coldTransport.posts} token request(s), msal ${coldNetwork.posts}`,
  );
  console.log(`targets: ${JSON.stringify(result.targets)} (${result.duration_s} s)`);

  const out = latestPath;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

await main();
