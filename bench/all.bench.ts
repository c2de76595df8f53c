// `npm run bench`: the token-cache benchmark (writes bench/results/latest.json), then the
// validation benchmark (adds `validation` to it), then the downstream-call benchmark (adds
// `downstreamApi`). `npm run bench -- --quick` for a short run.
await import('./token-cache.bench.js');
await import('./validation.bench.js');
await import('./downstream-api.bench.js');
