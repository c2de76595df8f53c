import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

// Runs the real dependency-cruiser with the repository's rules over small fixture trees in a
// temporary folder: a deliberately bad import must make the check fail, a clean tree must pass.
const root = resolve('.');
const bin = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const config = join(root, '.dependency-cruiser.mjs');

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

function tree(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'niw-depcheck-'));
  const all: Record<string, string> = {
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        paths: {
          'nest-identity-web': ['./libs/auth/src/index.ts'],
          '@nest-identity-web/entra-emulator': ['./libs/entra-emulator/src/index.ts'],
        },
      },
    }),
    'libs/auth/src/index.ts': 'export const auth = 1;\n',
    'libs/entra-emulator/src/index.ts': 'export const emulator = 1;\n',
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function cruise(dir: string, details: boolean): { status: number | null; text: string; violations: Violation[] } {
  const run = (...extra: string[]) =>
    spawnSync(process.execPath, [bin, '--config', config, ...extra, 'libs', 'apps'], { cwd: dir, encoding: 'utf8' });
  // The default reporter is what the gate prints (and sets the exit code); JSON gives the details.
  const plain = run();
  const violations = details
    ? (JSON.parse(run('--output-type', 'json').stdout) as { summary: { violations: Violation[] } }).summary.violations
    : [];
  return { status: plain.status, text: plain.stdout, violations };
}

const BAD_IMPORTS: Readonly<Record<string, readonly [string, string]>> = {
  'no-circular': ['libs/auth/src/errors/a.ts', "import { b } from './b.js';\nexport const a = b;\n"],
  'token-cache-not-to-token-acquisition': [
    'libs/auth/src/token-cache/cache.ts',
    "import { acquire } from '../token-acquisition/acquire.js';\nexport const c = acquire;\n",
  ],
  'validation-not-to-authorization-or-acquisition': [
    'libs/auth/src/validation/validator.ts',
    "import { guard } from '../authorization/guard.js';\nexport const v = guard;\n",
  ],
  'authorization-not-to-token-acquisition': [
    'libs/auth/src/authorization/guard.ts',
    "import { acquire } from '../token-acquisition/acquire.js';\nexport const guard = acquire;\n",
  ],
  'auth-not-to-emulator': [
    'libs/auth/src/http/client.ts',
    "import { emulator } from '@nest-identity-web/entra-emulator';\nexport const client = emulator;\n",
  ],
  'emulator-not-to-auth': [
    'libs/entra-emulator/src/server.ts',
    "import { auth } from 'nest-identity-web';\nexport const server = auth;\n",
  ],
  'libs-not-to-test-apps-scripts': [
    'libs/auth/src/validation/validator.spec.ts',
    "import { helper } from '../../../../test/support/helper.js';\nexport const s = helper;\n",
  ],
  'apps-use-package-names': [
    'apps/my-api/src/app.module.ts',
    "import { guard } from '../../../libs/auth/src/authorization/guard.js';\nexport const m = guard;\n",
  ],
  'apps-no-relative-path-into-libs': [
    'apps/todolist-service/src/app.module.ts',
    "import { auth } from '../../../libs/auth/src/index.js';\nexport const m = auth;\n",
  ],
  'my-api-not-to-todolist-service': [
    'apps/my-api/src/client.ts',
    "import { repo } from '../../todolist-service/src/repo.js';\nexport const c = repo;\n",
  ],
  'todolist-service-not-to-my-api': [
    'apps/todolist-service/src/client.ts',
    "import { c } from '../../my-api/src/client.js';\nexport const d = c;\n",
  ],
  'optional-entry-points-stay-apart': [
    'libs/auth/src/auth.module.ts',
    "import { documented } from './openapi/index.js';\nexport const m = documented;\n",
  ],
  'library-code-not-to-testing': [
    'libs/auth/src/http/transport.ts',
    "import { fake } from '../testing/fake.js';\nexport const t = fake;\n",
  ],
};

const CLEAN: Readonly<Record<string, string>> = {
  'libs/auth/src/errors/b.ts': 'export const b = 1;\n',
  'libs/auth/src/token-acquisition/acquire.ts': "import { b } from '../errors/b.js';\nexport const acquire = b;\n",
  'libs/auth/src/authorization/guard.ts': "import { b } from '../errors/b.js';\nexport const guard = b;\n",
  'libs/auth/src/testing/fake.ts': 'export const fake = 1;\n',
  'libs/auth/src/openapi/index.ts':
    "import { guard } from '../authorization/guard.js';\nexport const documented = guard;\n",
  'test/support/helper.ts': 'export const helper = 1;\n',
  'apps/todolist-service/src/repo.ts': 'export const repo = 1;\n',
  'apps/my-api/src/client.ts': "import { auth } from 'nest-identity-web';\nexport const c = auth;\n",
};

describe('dependency rules (.dependency-cruiser.mjs)', () => {
  const dirs: string[] = [];
  let clean: ReturnType<typeof cruise>;
  let bad: ReturnType<typeof cruise>;

  beforeAll(() => {
    const cleanDir = tree(CLEAN);
    const cyclic = { 'libs/auth/src/errors/b.ts': "import { a } from './a.js';\nexport const b = a ?? 1;\n" };
    const badDir = tree({ ...CLEAN, ...cyclic, ...Object.fromEntries(Object.values(BAD_IMPORTS)) });
    dirs.push(cleanDir, badDir);
    clean = cruise(cleanDir, false);
    bad = cruise(badDir, true);
  }, 60_000);

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('should pass a tree whose imports follow the rules', () => {
    expect(clean.text).toContain('no dependency violations found');
    expect(clean.status).toBe(0);
  });

  it('should fail, naming the rule and both files, when any rule is broken', () => {
    expect(bad.status).not.toBe(0);
    expect(bad.text).toContain(
      'error validation-not-to-authorization-or-acquisition: libs/auth/src/validation/validator.ts → libs/auth/src/authorization/guard.ts',
    );
  });

  it.each(Object.entries(BAD_IMPORTS))('should report %s for a deliberate bad import', (rule, [from]) => {
    expect(bad.violations).toContainEqual(expect.objectContaining({ rule: expect.objectContaining({ name: rule }) }));
    if (rule !== 'no-circular') {
      expect(bad.violations.filter((v) => v.rule.name === rule).map((v) => v.from)).toContain(from);
    }
  });
});
