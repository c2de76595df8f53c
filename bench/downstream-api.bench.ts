// DownstreamApi's own cost per call against its raw peer in the same run: `getForApp` (URL and
// header building, the token through AuthorizationHeaderProvider, fetch with a timeout signal, JSON)
// versus a hand-written `fetch` + `AbortSignal.timeout` + `res.json()` with the same token, both
// against a loopback HTTP server answering a small JSON body. The token comes from a constant
// ITokenAcquisition, so the token cache (benchmarked by token-cache.bench) is not counted twice.
// Run by `npm run bench`; adds `downstreamApi` to bench/results/latest.json.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Test } from '@nestjs/testing';
import { AuthModule, DownstreamApi, ITokenAcquisition, type TokenAcquisitionResult } from 'nest-identity-web';
import { latestPath, mergeLatest } from './results.js';

const quick = process.argv.includes('--quick');
const CALLS = quick ? 1_000 : 5_000;
const CONCURRENCY = 16;
const TOKEN = 'x'.repeat(1500); // about the size of an access token

class ConstantTokens extends ITokenAcquisition {
  override getAccessTokenForUser(): Promise<string> {
    return Promise.resolve(TOKEN);
  }
  override getAccessTokenForApp(): Promise<string> {
    return Promise.resolve(TOKEN);
  }
  override getAuthenticationResultForUser(): Promise<TokenAcquisitionResult> {
    throw new Error('not used');
  }
  override getAuthenticationResultForApp(): Promise<TokenAcquisitionResult> {
    throw new Error('not used');
  }
}

async function measure(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number; perSecond: number }> {
  const samples: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < CALLS) {
        const t0 = process.hrtime.bigint();
        await fn();
        samples.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  samples.sort((a, b) => a - b);
  const at = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
  return { p50: at(0.5), p99: at(0.99), perSecond: CALLS / seconds };
}

const round = (x: number) => Math.round(x * 100) / 100;

async function main() {
  const body = JSON.stringify([{ id: '1', title: 'Buy milk', done: false }]);
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const moduleRef = await Test.createTestingModule({
    imports: [
      AuthModule.forRoot({
        tenantId: '72f988bf-0000-4000-8000-000000000001',
        clientId: '11111111-0000-4000-8000-0000000000a1',
        clientSecret: 'bench',
        downstreamApis: { TodoList: { baseUrl, scopes: ['api://todolist-service/access_as_user'] } },
      }),
    ],
  })
    .overrideProvider(ITokenAcquisition)
    .useValue(new ConstantTokens())
    .compile();
  const downstream = moduleRef.get(DownstreamApi);
  const tokens = moduleRef.get(ITokenAcquisition);

  const ours = () => downstream.getForApp('TodoList', { relativePath: 'api/todolist' });
  const raw = async () => {
    const token = await tokens.getAccessTokenForApp('api://todolist-service/.default');
    const res = await fetch(`${baseUrl}/api/todolist`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.json();
  };

  await measure(raw); // warm up both paths and the keep-alive pool
  await measure(ours);
  const rawResult = await measure(raw);
  const oursResult = await measure(ours);
  await moduleRef.close();
  server.close();

  const downstreamApi = {
    calls: CALLS,
    concurrency: CONCURRENCY,
    ours_p50_us: round(oursResult.p50),
    ours_p99_us: round(oursResult.p99),
    raw_fetch_p50_us: round(rawResult.p50),
    raw_fetch_p99_us: round(rawResult.p99),
    ours_per_second: Math.round(oursResult.perSecond),
    raw_fetch_per_second: Math.round(rawResult.perSecond),
    ours_over_raw_p50: round(oursResult.p50 / rawResult.p50),
  };
  console.log(`\ndownstream call over loopback, ${CONCURRENCY} concurrent (µs)`);
  console.log(
    ` DownstreamApi.getForApp:  p50 ${oursResult.p50.toFixed(1)}, p99 ${oursResult.p99.toFixed(1)}, ${downstreamApi.ours_per_second}/s`,
  );
  console.log(
    ` raw fetch + json:         p50 ${rawResult.p50.toFixed(1)}, p99 ${rawResult.p99.toFixed(1)}, ${downstreamApi.raw_fetch_per_second}/s`,
  );
  console.log(` ratio ours/raw (p50): ${downstreamApi.ours_over_raw_p50}x`);

  mergeLatest({ downstreamApi });
  console.log(`updated ${latestPath}`);
}

await main();
