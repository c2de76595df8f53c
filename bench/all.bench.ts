// `npm run bench`: the token-cache benchmark (writes bench/results/latest.json), then the
// validation benchmark (adds `validation` to it), the downstream-call benchmark (adds
// `downstreamApi`), then the Redis L2 benchmark (adds `redis_l2`). `npm run bench -- --quick` for a
// short run.
await import('./token-cache.bench.js');
await import('./validation.bench.js');
await import('./downstream-api.bench.js');
await import('./redis-l2.bench.js');
