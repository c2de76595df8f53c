// Token acquisition against the Entra emulator over HTTPS, ours (AuthModule + ITokenAcquisition)
// beside raw msal-node (one ConfidentialClientApplication whose network client is a keep-alive
// HTTPS agent that trusts the emulator CA, as our transport is: both sides reuse one connection,
// so neither pays a TLS handshake per call):
//  - app token cache hit: `getAccessTokenForApp` vs `acquireTokenByClientCredential`, once cached;
//  - on-behalf-of cache miss: each call a new user's assertion, so each is a token request; the
//    overhead is ours minus raw msal-node, pairs interleaved, medians.
// Adds `app_cache_hit` and `obo_cache_miss_overhead_us` to bench/results/latest.json.
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { ConfidentialClientApplication, type INetworkModule, type NetworkResponse } from '@azure/msal-node';
import { NestFactory } from '@nestjs/core';
import { DEFAULT_IDS, startEntraEmulator } from '@nest-identity-web/entra-emulator';
import { AuthModule, ITokenAcquisition } from 'nest-identity-web';
import { median, mergeLatest, quick, round, timeCalls } from './results.js';

const { myApi, todolistService, demoClient } = DEFAULT_IDS.apps;
const tenant = DEFAULT_IDS.tenants.contoso;
const USER_SCOPE = todolistService.scopeUri;
const APP_SCOPE = todolistService.defaultScope;
const HITS = quick ? 1_000 : 5_000;
const MISSES = quick ? 20 : 100;

/** msal's network module over one keep-alive agent (msal-node's own client cannot take a CA). */
function keepAliveNetworkClient(caCertPem: string): INetworkModule {
  const agent = new https.Agent({ keepAlive: true, ca: [caCertPem] });
  const send = <T>(method: string, url: string, body?: string, headers?: Record<string, string>) =>
    new Promise<NetworkResponse<T>>((resolve, reject) => {
      const req = https.request(url, { method, agent, headers: headers ?? {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers as Record<string, string>,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T,
          }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, undefined, options?.headers),
    sendPostRequestAsync: (url, options) => send('POST', url, options?.body, options?.headers),
  };
}

async function main() {
  const emu = await startEntraEmulator();
  const app = await NestFactory.createApplicationContext(
    AuthModule.forRoot({
      instance: emu.instance,
      tenantId: tenant.id,
      clientId: myApi.clientId,
      clientSecret: myApi.secret,
      trustedCa: [emu.caCertPem],
    }),
    { logger: false },
  );
  try {
    const ours = app.get(ITokenAcquisition);
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: myApi.clientId,
        clientSecret: myApi.secret,
        authority: `${emu.instance}${tenant.id}`,
        knownAuthorities: [emu.host],
      },
      system: { networkClient: keepAliveNetworkClient(emu.caCertPem) },
    });
    const msalApp = async () => {
      const r = await cca.acquireTokenByClientCredential({ scopes: [APP_SCOPE] });
      if (!r) throw new Error('msal returned no app token');
      return r;
    };

    // --- app token, cache hit ---
    await ours.getAccessTokenForApp(APP_SCOPE);
    await msalApp();
    const keys = Array.from({ length: HITS }, (_, i) => String(i));
    await timeCalls(keys.slice(0, 500), 1, () => ours.getAccessTokenForApp(APP_SCOPE));
    await timeCalls(keys.slice(0, 500), 1, msalApp);
    const oursHit = await timeCalls(keys, 5, () => ours.getAccessTokenForApp(APP_SCOPE));
    const msalHit = await timeCalls(keys, 5, async () => {
      if (!(await msalApp()).fromCache) throw new Error('msal missed its app-token cache');
    });

    // --- on-behalf-of, cache miss (a new assertion each time), pairs interleaved ---
    const assertion = () =>
      emu.issueToken({
        aud: myApi.clientId,
        azp: demoClient.clientId,
        scp: 'access_as_user',
        oid: randomUUID(),
        name: 'Bench User',
      });
    const oursMiss: number[] = [];
    const msalMiss: number[] = [];
    const time = async (fn: () => Promise<unknown>) => {
      const t0 = process.hrtime.bigint();
      await fn();
      return Number(process.hrtime.bigint() - t0) / 1000;
    };
    for (let i = 0; i < MISSES + 5; i++) {
      const a = assertion();
      const b = assertion();
      const o = await time(() => ours.getAccessTokenForUser([USER_SCOPE], { assertion: a }));
      const m = await time(async () => {
        const r = await cca.acquireTokenOnBehalfOf({ oboAssertion: b, scopes: [USER_SCOPE] });
        if (!r || r.fromCache) throw new Error('msal answered an OBO cache miss from its cache');
      });
      if (i >= 5) {
        oursMiss.push(o);
        msalMiss.push(m);
      }
    }
    const oboOurs = median(oursMiss);
    const oboMsal = median(msalMiss);
    const result = {
      app_cache_hit: {
        ours_p50_us: round(oursHit.p50),
        msal_p50_us: round(msalHit.p50),
        ours_p99_us: round(oursHit.p99),
        msal_p99_us: round(msalHit.p99),
      },
      obo_cache_miss_overhead_us: round(oboOurs - oboMsal),
      obo_cache_miss_p50_us: { ours: round(oboOurs), msal: round(oboMsal), calls: MISSES },
    };
    console.log('\ntoken acquisition against the Entra emulator (HTTPS, loopback)');
    console.log(
      ` app token cache hit: ours p50 ${oursHit.p50.toFixed(2)} µs, msal-node p50 ${msalHit.p50.toFixed(2)} µs (${round(msalHit.p50 / oursHit.p50)}x)`,
    );
    console.log(
      ` OBO cache miss: ours p50 ${oboOurs.toFixed(0)} µs, msal-node p50 ${oboMsal.toFixed(0)} µs, overhead ${result.obo_cache_miss_overhead_us} µs`,
    );
    mergeLatest(result);
  } finally {
    await app.close();
    await emu.stop();
  }
}

await main();
