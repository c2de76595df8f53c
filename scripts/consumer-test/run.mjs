// `npm run test:consumer`: packs both libraries, installs the tarballs into two fresh NestJS 12 apps
// outside the repository (one ES module, one CommonJS), compiles each with tsc under `nodenext` and
// under the classic `node` resolution, runs a jest e2e suite against the emulator (200, 401, 403,
// on-behalf-of to a stub), and runs the compiled CommonJS and ES module apps with plain Node against
// the `entra-emulator` command. Offline: the apps get a package-lock.json built from this
// repository's lock, so `npm ci --offline` takes every package from the cache that `npm ci` filled.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { URLSearchParams } from 'node:url';

const root = join(import.meta.dirname, '..', '..');
const templateDir = join(import.meta.dirname, 'template');
const work = mkdtempSync(join(tmpdir(), 'niw-consumer-'));
const keep = process.env['CONSUMER_TEST_KEEP'] === '1';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();

function run(name, command, args, options = {}) {
  const t = Date.now();
  console.log(`\n--- ${name}`);
  // A hung step (e.g. jest kept alive by an open handle after a failure) must not hang CI.
  const r = spawnSync(command, args, { stdio: 'inherit', timeout: 15 * 60_000, killSignal: 'SIGKILL', ...options });
  if (r.status !== 0) {
    console.error(`--- ${name} FAILED (exit ${r.status ?? r.signal})${keep ? `; kept ${work}` : ''}`);
    if (!keep) rmSync(work, { recursive: true, force: true });
    process.exit(1);
  }
  console.log(`--- ${name} ok (${((Date.now() - t) / 1000).toFixed(1)}s)`);
}

// 1. Build the libraries and pack them as they would be published.
run('build the libraries', process.execPath, [
  join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
  '-b',
  join(root, 'libs', 'auth', 'tsconfig.lib.json'),
  join(root, 'libs', 'entra-emulator', 'tsconfig.lib.json'),
]);
const packs = join(work, 'packs');
mkdirSync(packs);
const tarballs = {};
for (const lib of ['auth', 'entra-emulator']) {
  const cwd = join(root, 'libs', lib);
  run(`npm pack libs/${lib}`, npm, ['pack', '--silent', '--pack-destination', packs], { cwd });
  const manifest = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
  const file = join(packs, `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`);
  if (!existsSync(file)) fail(`npm pack wrote no ${file}`);
  tarballs[manifest.name] = { file, manifest };
}
for (const { file, manifest } of Object.values(tarballs)) {
  const listing = spawnSync('tar', ['-tzf', file], { encoding: 'utf8' }).stdout.split('\n');
  for (const required of [
    'package/README.md',
    'package/LICENSE',
    'package/CHANGELOG.md',
    'package/dist/index.js',
    'package/dist/index.d.ts',
  ]) {
    if (!listing.includes(required)) fail(`${manifest.name}: the tarball lacks ${required}`);
  }
  const unwanted = listing.filter((f) => /\.tsbuildinfo$|\.spec\.|\/src\//.test(f));
  if (unwanted.length) fail(`${manifest.name}: the tarball ships ${unwanted.join(', ')}`);
}

// 2. A lock file for an app, from this repository's lock: the closure of the app's dependencies.
const rootLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
const version = (name) => {
  const entry = rootLock[`node_modules/${name}`];
  if (!entry?.version) fail(`${name} is not in package-lock.json`);
  return entry.version;
};
const runtimeDeps = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', 'reflect-metadata', 'rxjs'];
const devDeps = [
  '@nestjs/testing',
  '@jest/globals',
  '@swc/core',
  '@swc/jest',
  '@types/node',
  '@types/supertest',
  'jest',
  'supertest',
  'typescript',
];

/** Optional peers the apps do not install: the main entry must load without them. */
const WITHOUT_OPTIONAL_PEERS = new Set(['@nestjs/swagger', '@nestjs/terminus']);

function lockFor(appDir, pkg) {
  const packages = {
    '': { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies, devDependencies: pkg.devDependencies },
  };
  const tarballEntry = (name) => {
    const { file, manifest } = tarballs[name];
    const integrity = `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
    const entry = {
      version: manifest.version,
      resolved: `file:${relative(appDir, file)}`,
      integrity,
      license: manifest.license,
    };
    for (const k of ['dependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines'])
      if (manifest[k]) entry[k] = manifest[k];
    return entry;
  };
  const queue = [''];
  while (queue.length) {
    const at = queue.shift();
    const entry = packages[at];
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    const wanted = [
      ...Object.keys(entry.dependencies ?? {}).map((n) => [n, false]),
      ...Object.keys(entry.devDependencies ?? {}).map((n) => [n, false]),
      ...Object.keys(entry.optionalDependencies ?? {}).map((n) => [n, true]),
      ...Object.keys(entry.peerDependencies ?? {}).map((n) => [n, !!optionalPeers[n]?.optional]),
    ];
    for (const [name, optional] of wanted) {
      // Node's lookup: <at>/node_modules/<name>, then each ancestor's node_modules.
      let found;
      for (let base = at; ;) {
        const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
        if (packages[candidate] || rootLock[candidate]) {
          found = candidate;
          break;
        }
        if (!base) break;
        const cut = base.lastIndexOf('/node_modules/');
        base = cut < 0 ? '' : base.slice(0, cut);
      }
      // The optional peers of the openapi and health entry points stay out: the apps must work without them.
      if (optional && WITHOUT_OPTIONAL_PEERS.has(name)) continue;
      if (!found) {
        if (optional) continue;
        fail(`cannot find ${name} (needed by ${at || 'the app'}) in package-lock.json`);
      }
      if (packages[found]) continue;
      const source = rootLock[found];
      let copy;
      if (source.link) copy = tarballEntry(name);
      else {
        copy = { ...source };
        delete copy.dev;
        delete copy.devOptional;
        delete copy.peer;
      }
      packages[found] = copy;
      queue.push(found);
    }
  }
  return { name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages };
}

// 3. The two apps.
const kinds = [
  { kind: 'esm', type: 'module', ext: '.js' },
  { kind: 'cjs', type: undefined, ext: '' },
];
// The jest configuration docs/emulator.md gives users (ES module and CommonJS projects alike).
const jestConfig = `/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  // The emulator creates its CA and keys on first use: a few seconds on a busy machine.
  testTimeout: 30000,
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        },
        module: { type: 'es6' },
      },
    ],
  },
  moduleNameMapper: { '^(\\\\.{1,2}/.*)\\\\.js$': '$1' },
};
`;
const appDirs = {};
for (const { kind, type, ext } of kinds) {
  const dir = join(work, `${kind}-app`);
  appDirs[kind] = dir;
  cpSync(templateDir, dir, { recursive: true });
  for (const file of ['src/app.module.ts', 'src/main.ts', 'test/app.e2e-spec.ts']) {
    const source = readFileSync(join(dir, `${file}.tpl`), 'utf8');
    writeFileSync(join(dir, file), source.replaceAll('__EXT__', ext));
    rmSync(join(dir, `${file}.tpl`));
  }
  const pkg = {
    name: `consumer-${kind}`,
    version: '1.0.0',
    private: true,
    ...(type ? { type } : {}),
    scripts: { 'test:e2e': 'node --experimental-vm-modules node_modules/jest/bin/jest.js' },
    dependencies: {
      'nest-identity-web': `file:${relative(dir, tarballs['nest-identity-web'].file)}`,
      ...Object.fromEntries(runtimeDeps.map((n) => [n, version(n)])),
    },
    devDependencies: {
      '@nest-identity-web/entra-emulator': `file:${relative(dir, tarballs['@nest-identity-web/entra-emulator'].file)}`,
      ...Object.fromEntries(devDeps.map((n) => [n, version(n)])),
    },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lockFor(dir, pkg), null, 2)}\n`);
  writeFileSync(
    join(dir, 'jest.config.js'),
    type === 'module' ? jestConfig.replace('module.exports =', 'export default') : jestConfig,
  );
  const compilerOptions = {
    target: 'ES2022',
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: false,
    types: ['node'],
    outDir: 'dist',
  };
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: { ...compilerOptions, module: 'nodenext', moduleResolution: 'nodenext' },
        include: ['src', 'test'],
      },
      null,
      2,
    ),
  );
  // The classic resolver (TypeScript 5.x `moduleResolution: node` of many Nest tsconfigs): no
  // `exports`, only `main`/`types`/`typesVersions`. TypeScript 6 keeps it behind ignoreDeprecations.
  writeFileSync(
    join(dir, 'tsconfig.node10.json'),
    JSON.stringify(
      {
        compilerOptions: {
          ...compilerOptions,
          module: type === 'module' ? 'es2022' : 'commonjs',
          moduleResolution: 'node',
          esModuleInterop: true,
          ignoreDeprecations: '6.0',
          skipLibCheck: true,
          noEmit: true,
        },
        include: ['src', 'test'],
      },
      null,
      2,
    ),
  );

  run(
    `${kind}: npm ci --offline (the tarballs + the cache)`,
    npm,
    ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: dir },
  );
  // The main entry loads without @nestjs/swagger and @nestjs/terminus; the entry points that need
  // them fail to load naming the missing package.
  run(
    `${kind}: nest-identity-web loads without its optional peers; /openapi and /health name theirs`,
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const main = await import('nest-identity-web');
if (typeof main.AuthModule !== 'function') throw new Error('the main entry has no AuthModule');
for (const [entry, peer] of [['nest-identity-web/openapi', '@nestjs/swagger'], ['nest-identity-web/health', '@nestjs/terminus']]) {
  const error = await import(entry).then(() => undefined, (e) => e);
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(peer)) {
    console.error(entry, 'without', peer, ':', error);
    process.exit(1);
  }
}`,
    ],
    { cwd: dir },
  );
  const tsc = join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
  run(`${kind}: tsc (nodenext, declarations checked too) to dist/`, process.execPath, [tsc, '-p', 'tsconfig.json'], {
    cwd: dir,
  });
  run(
    `${kind}: tsc (classic node resolution) over src and test`,
    process.execPath,
    [tsc, '-p', 'tsconfig.node10.json'],
    { cwd: dir },
  );
  run(`${kind}: jest e2e against the emulator`, npm, ['run', '--silent', 'test:e2e'], {
    cwd: dir,
    env: { ...process.env, ENTRA_EMULATOR_CERT_DIR: join(work, 'certs') },
  });
}

// 4. The compiled apps on plain Node, against the emulator started with its command.
await runtimeCheck();
console.log(`\nconsumer test: ok (${((Date.now() - started) / 1000).toFixed(1)}s)`);
if (!keep) rmSync(work, { recursive: true, force: true });

async function runtimeCheck() {
  console.log('\n--- the compiled apps with plain Node and `npx entra-emulator`');
  const t = Date.now();
  const bin = join(appDirs.cjs, 'node_modules', '.bin', 'entra-emulator');
  const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  if (help.status !== 0 || !help.stdout.includes('Usage: entra-emulator')) fail('entra-emulator --help failed');
  const children = [];
  try {
    const emulator = spawn(bin, ['--port', '0', '--cert-dir', join(work, 'certs')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(emulator);
    const banner = await waitFor(emulator, /NODE_EXTRA_CA_CERTS=.*\n/);
    const settings = Object.fromEntries([...banner.matchAll(/^(AzureAd__\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    if (!settings.AzureAd__TrustedCaPath) fail('entra-emulator printed no AzureAd__TrustedCaPath');
    const ca = readFileSync(settings.AzureAd__TrustedCaPath, 'utf8');
    const token = (
      await httpsJson(`${settings.AzureAd__Instance}${settings.AzureAd__TenantId}/oauth2/v2.0/token`, ca, {
        grant_type: 'password',
        client_id: '11111111-0000-4000-8000-000000000001',
        username: 'alice@contoso.onmicrosoft.com',
        password: 'alice-password',
        scope: 'api://my-api/access_as_user openid',
      })
    ).access_token;
    if (!token) fail('the emulator issued no token over HTTP');
    for (const kind of ['cjs', 'esm']) {
      const app = spawn(process.execPath, ['dist/src/main.js'], {
        cwd: appDirs[kind],
        env: { ...process.env, ...settings, PORT: '0' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(app);
      const url = (await waitFor(app, /listening on (\S+)\n/))
        .match(/listening on (\S+)/)[1]
        .replace('[::1]', '127.0.0.1');
      const anonymous = await globalThis.fetch(`${url}/api/me`);
      const signedIn = await globalThis.fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
      if (anonymous.status !== 401 || signedIn.status !== 200) {
        fail(`${kind}: the compiled app answered ${anonymous.status} without a token and ${signedIn.status} with one`);
      }
      console.log(`${kind}: node dist/src/main.js answers 401 without a token, 200 with alice's`);
      app.kill('SIGTERM');
    }
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  }
  console.log(`--- runtime ok (${((Date.now() - t) / 1000).toFixed(1)}s)`);
}

function waitFor(child, pattern, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; got: ${out}`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before ${pattern}; got: ${out}`)));
  });
}

function httpsJson(url, ca, form) {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch (e) {
            reject(e);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(new URLSearchParams(form).toString());
  });
}

function fail(message) {
  console.error(`consumer test: ${message}${keep ? `; kept ${work}` : ''}`);
  if (!keep && existsSync(work)) rmSync(work, { recursive: true, force: true });
  process.exit(1);
}
