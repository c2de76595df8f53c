// Redis as the L2 token cache, on loopback: an L2 hit (a replica with an empty L1 reading a token
// another replica wrote) against a raw ioredis GET of the same entry in the same run, and the L1
// hit with and without an L2 configured (it must not change: no L2 traffic on an L1 hit). Also
// Redis's own MEMORY USAGE per entry, for sizing. Run by `npm run bench` after the token-cache
// benchmark; adds `redis_l2` to bench/results/latest.json. Skipped (and said so) without Redis.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { NestFactory } from '@nestjs/core';
import { latestPath } from './results.js';
import { Redis } from 'ioredis';
import {
  AuthModule,
  type IdentityProviderResponse,
  type IdentityProviderTransport,
  ITokenAcquisition,
  type TokenCacheOptions,
} from 'nest-identity-web';

const quick = process.argv.includes('--quick');
const USERS = quick ? 200 : 1_000;
const LOOKUPS = quick ? 2_000 : 10_000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const HOST = 'login.microsoftonline.com';
const TID = '72f988bf-0000-4000-8000-000000000001';
const CLIENT_ID = '11111111-0000-4000-8000-0000000000a1';
const SCOPE = 'api://todolist-service/access_as_user';
const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

const metadata = {
  issuer: `https://${HOST}/${TID}/v2.0`,
  authorization_endpoint: `https://${HOST}/${TID}/oauth2/v2.0/authorize`,
  token_endpoint: `https://${HOST}/${TID}/oauth2/v2.0/token`,
  jwks_uri: `https://${HOST}/${TID}/discovery/v2.0/keys`,
};

/** The identity provider, in process: ~1.3 KB access tokens, distinct per call. */
class StubTransport implements IdentityProviderTransport {
  posts = 0;
  request(_url: string, init?: { method?: string }): Promise<IdentityProviderResponse> {
    if (init?.method !== 'POST') return Promise.resolve({ status: 200, headers: {}, body: JSON.stringify(metadata) });
    this.posts++;
    const token = `${enc({ typ: 'JWT', alg: 'RS256' })}.${enc({ n: this.posts, pad: 'p'.repeat(900) })}.${'s'.repeat(342)}`;
    return Promise.resolve({
      status: 200,
      headers: {},
      body: JSON.stringify({ token_type: 'Bearer', scope: SCOPE, expires_in: 3600, access_token: token }),
    });
  }
}

function assertionFor(i: number): string {
  const claims = { aud: 'api://my-api', tid: TID, oid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` };
  return `${enc({ typ: 'JWT', alg: 'RS256' })}.${enc({ ...claims, pad: 'c'.repeat(800) })}.${'s'.repeat(342)}`;
}

async function replica(transport: StubTransport, tokenCache: TokenCacheOptions) {
  const app = await NestFactory.createApplicationContext(
    AuthModule.forRoot({
      tenantId: TID,
      clientId: CLIENT_ID,
      clientSecret: 'bench-secret',
      identityProviderTransport: transport,
      tokenCache: { refreshAheadRatio: 1, ...tokenCache },
    }),
    { logger: false },
  );
  return { app, tokens: app.get(ITokenAcquisition) };
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** p50 = median of 5 rounds' medians (robust to a noisy neighbour), p99 over all samples. */
async function time(count: number, n: number, run: (i: number) => Promise<unknown>) {
  const medians: number[] = [];
  const all: number[] = [];
  for (let r = 0, k = 0; r < 5; r++) {
    const samples: number[] = [];
    for (let j = 0; j < Math.ceil(count / 5); j++, k++) {
      const i = (k * 7919) % n;
      const t0 = process.hrtime.bigint();
      await run(i);
      samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    samples.sort((a, b) => a - b);
    medians.push(percentile(samples, 50));
    all.push(...samples);
  }
  medians.sort((a, b) => a - b);
  all.sort((a, b) => a - b);
  return { p50: percentile(medians, 50), p99: percentile(all, 99) };
}

function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (c) => done(c.toString().startsWith('+PONG')));
  });
}

const round = (x: number) => Math.round(x * 100) / 100;

async function measure(): Promise<Record<string, unknown>> {
  const prefix = `niw-bench:${randomBytes(4).toString('hex')}:`;
  const raw = new Redis(REDIS_URL);
  const assertions = Array.from({ length: USERS }, (_, i) => assertionFor(i));
  const transport = new StubTransport();
  const lookup = (tokens: ITokenAcquisition) => (i: number) =>
    tokens.getAccessTokenForUser([SCOPE], { assertion: assertions[i]! });
  try {
    const results: Record<string, unknown> = {};
    for (const variant of ['plain', 'encrypted'] as const) {
      const l2: TokenCacheOptions = {
        store: 'redis',
        redis: { url: REDIS_URL, keyPrefix: `${prefix}${variant}:` },
        // This measures the cost of a hit, not resilience: a scheduling stall on a shared machine
        // must not open an outage window mid-run (the default 50 ms is what production gets).
        l2TimeoutMs: 2_000,
        ...(variant === 'encrypted' ? { encryption: { keys: [randomBytes(32).toString('base64')] } } : {}),
      };
      // Replica A acquires every token once and writes it to Redis.
      const a = await replica(transport, l2);
      for (let i = 0; i < USERS; i++) await lookup(a.tokens)(i);
      // Replica B has no L1: every call is an L2 hit (GET, decrypt, parse) through the public API.
      const b = await replica(transport, { ...l2, disableL1: true });
      const posts = transport.posts;
      await time(Math.min(1_000, LOOKUPS), USERS, lookup(b.tokens));
      const l2Hit = await time(LOOKUPS, USERS, lookup(b.tokens));
      if (transport.posts !== posts) throw new Error('an L2 lookup reached the identity provider');
      const keys = await raw.keys(`${prefix}${variant}:*`);
      const rawGet = await time(LOOKUPS, keys.length, (i) => raw.get(keys[i]!));
      const sizes = await Promise.all(keys.slice(0, 50).map((k) => raw.memory('USAGE', k)));
      const valueBytes = await Promise.all(keys.slice(0, 50).map((k) => raw.strlen(k)));
      results[variant] = {
        l2_hit_p50_us: round(l2Hit.p50),
        l2_hit_p99_us: round(l2Hit.p99),
        raw_redis_get_p50_us: round(rawGet.p50),
        l2_hit_over_raw_get_p50: round(l2Hit.p50 / rawGet.p50),
        redis_memory_usage_bytes_per_entry: Math.round(sizes.reduce<number>((s, x) => s + (x ?? 0), 0) / sizes.length),
        value_bytes_per_entry: Math.round(valueBytes.reduce((s, x) => s + x, 0) / valueBytes.length),
        key_bytes: keys[0]!.length,
      };
      console.log(
        `redis L2 (${variant}): hit p50 ${l2Hit.p50.toFixed(1)} µs, p99 ${l2Hit.p99.toFixed(1)} µs; raw GET p50 ${rawGet.p50.toFixed(1)} µs; ` +
          `${JSON.stringify(results[variant])}`,
      );
      // L1 hits on replica A (L2 configured) against a replica without L2, same users, same run.
      if (variant === 'plain') {
        const c = await replica(transport, {});
        for (let i = 0; i < USERS; i++) await lookup(c.tokens)(i);
        await time(Math.min(2_000, LOOKUPS), USERS, lookup(a.tokens));
        await time(Math.min(2_000, LOOKUPS), USERS, lookup(c.tokens));
        const withL2 = await time(LOOKUPS, USERS, lookup(a.tokens));
        const withoutL2 = await time(LOOKUPS, USERS, lookup(c.tokens));
        results.l1_hit_p50_us_with_l2 = round(withL2.p50);
        results.l1_hit_p50_us_without_l2 = round(withoutL2.p50);
        results.l1_hit_with_over_without_l2_p50 = round(withL2.p50 / withoutL2.p50);
        console.log(`L1 hit p50: ${withL2.p50.toFixed(2)} µs with L2, ${withoutL2.p50.toFixed(2)} µs without`);
        await c.app.close();
      }
      await Promise.all([a.app.close(), b.app.close()]);
    }
    const plain = results.plain as { l2_hit_p50_us: number };
    return {
      users: USERS,
      lookups: LOOKUPS,
      redis_l2_hit_p50_us: plain.l2_hit_p50_us,
      ...results,
      targets: {
        redis_l2_hit_p50_le_1000us: plain.l2_hit_p50_us <= 1_000,
        l1_hit_unchanged_with_l2_le_1_2: (results.l1_hit_with_over_without_l2_p50 as number) <= 1.2,
      },
    };
  } finally {
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length) await raw.del(...keys);
    await raw.quit();
  }
}

const out = latestPath;
let redis_l2: Record<string, unknown>;
if (await redisAnswers(REDIS_URL)) {
  redis_l2 = await measure();
  console.log(`redis L2 targets: ${JSON.stringify(redis_l2.targets)}`);
} else {
  console.warn(`redis L2 benchmark SKIPPED: Redis does not answer on ${REDIS_URL}`);
  redis_l2 = { skipped: `Redis does not answer on ${REDIS_URL}` };
}
const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
writeFileSync(out, `${JSON.stringify({ ...previous, redis_l2 }, null, 2)}\n`);
console.log(`wrote ${out}`);
