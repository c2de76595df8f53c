// Dependency rules of the monorepo, checked by `npm run depcheck` and by `npm test` (scripts/test-gate.mjs).
// The picture behind them is docs/architecture.md. Each rule says why it exists; a violation prints
// the rule name, the importing file and the imported file.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make load order fragile (undefined classes at decoration time) and blur layers.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'token-cache-not-to-token-acquisition',
      severity: 'error',
      comment: 'token-cache/ stores and looks up tokens; it knows nothing of how they are acquired.',
      from: { path: '^libs/auth/src/token-cache/' },
      to: { path: '^libs/auth/src/token-acquisition/' },
    },
    {
      name: 'token-cache-not-to-incoming-tokens',
      severity: 'error',
      comment: 'token-cache/ knows nothing of incoming tokens (validation/, authorization/, request-context/).',
      from: { path: '^libs/auth/src/token-cache/' },
      to: { path: '^libs/auth/src/(validation|authorization|request-context)/' },
    },
    {
      name: 'validation-not-to-authorization-or-acquisition',
      severity: 'error',
      comment: 'validation/ turns a bearer token into a principal: it neither knows the guard nor acquires tokens.',
      from: { path: '^libs/auth/src/validation/' },
      to: { path: '^libs/auth/src/(authorization|token-acquisition|token-cache|downstream-api)/' },
    },
    {
      name: 'authorization-not-to-token-acquisition',
      severity: 'error',
      comment: 'authorization/ (guard, decorators) never acquires tokens.',
      from: { path: '^libs/auth/src/authorization/' },
      to: { path: '^libs/auth/src/(token-acquisition|token-cache|downstream-api)/' },
    },
    {
      name: 'errors-and-http-stay-low',
      severity: 'error',
      comment: 'errors/ and http/ sit below every feature folder: they import nothing above them.',
      from: { path: '^libs/auth/src/(errors|http)/', pathNot: '\\.spec\\.ts$' },
      to: {
        path: '^libs/auth/src/',
        pathNot: ['^libs/auth/src/(errors|http|testing)/', '^libs/auth/src/auth\\.internal-constants\\.ts$'],
      },
    },
    {
      name: 'library-code-not-to-testing',
      severity: 'error',
      comment: 'libs/auth/src/testing/ holds fakes for tests; shipped library code never imports it.',
      from: { path: '^libs/auth/src/', pathNot: ['^libs/auth/src/testing/', '\\.spec\\.ts$'] },
      to: { path: '^libs/auth/src/testing/' },
    },
    {
      name: 'auth-not-to-emulator',
      severity: 'error',
      comment: 'The library never depends on the emulator; they meet only over HTTPS.',
      from: { path: '^libs/auth/' },
      to: { path: '^libs/entra-emulator/' },
    },
    {
      name: 'emulator-not-to-auth',
      severity: 'error',
      comment: 'The emulator speaks the protocol on its own; it never imports the library.',
      from: { path: '^libs/entra-emulator/' },
      to: { path: '^libs/auth/' },
    },
    {
      name: 'libs-not-to-test-apps-scripts',
      severity: 'error',
      comment: 'Libraries (and their specs) stand alone: fakes live in libs/auth/src/testing/.',
      from: { path: '^libs/' },
      to: { path: '^(test|apps|scripts|bench)/' },
    },
    {
      name: 'optional-entry-points-stay-apart',
      severity: 'error',
      comment:
        "nest-identity-web must load without its optional peers: no other library code imports the 'openapi' and 'health' entry points (libs/auth/src/openapi/, health/), the only code that imports @nestjs/swagger and @nestjs/terminus (ESLint checks those package imports).",
      from: { path: '^libs/auth/src/', pathNot: '^libs/auth/src/(openapi|health)/' },
      to: { path: '^libs/auth/src/(openapi|health)/' },
    },
    {
      name: 'apps-use-package-names',
      severity: 'error',
      comment:
        "Apps import a library through its package name ('nest-identity-web', '@nest-identity-web/entra-emulator'), as a user would, never a path into libs/.",
      from: { path: '^apps/' },
      to: { path: '^libs/', pathNot: '^libs/([^/]+/src|auth/src/(openapi|health))/index\\.ts$' },
    },
    {
      name: 'apps-no-relative-path-into-libs',
      severity: 'error',
      comment: 'Even the barrel is imported by package name, never by a relative path.',
      from: { path: '^apps/' },
      to: { path: '^libs/', dependencyTypesNot: ['aliased'] },
    },
    {
      name: 'samples-not-to-emulator',
      severity: 'error',
      comment: 'The sample apps find their authority through configuration, never by importing the emulator.',
      from: { path: '^apps/(my-api|todolist-service)/' },
      to: { path: '^(libs/entra-emulator|apps/entra-emulator)/' },
    },
    {
      name: 'my-api-not-to-todolist-service',
      severity: 'error',
      comment: 'Samples find each other through configuration (a base URL), never by import.',
      from: { path: '^apps/my-api/' },
      to: { path: '^apps/todolist-service/' },
    },
    {
      name: 'todolist-service-not-to-my-api',
      severity: 'error',
      comment: 'Samples find each other through configuration (a base URL), never by import.',
      from: { path: '^apps/todolist-service/' },
      to: { path: '^apps/my-api/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'],
    },
  },
};
