// `npm run depcheck` (and a step of `npm test`): the dependency rules of .dependency-cruiser.mjs over
// the whole tree. Violations listed in .dependency-cruiser-known-violations.json are reported but
// do not fail the check; everything else does. Remove an entry once its violation is fixed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const KNOWN = '.dependency-cruiser-known-violations.json';
const roots = ['libs', 'apps', 'test', 'scripts', 'bench'];
const bin = join('node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

const known = existsSync(KNOWN) ? JSON.parse(readFileSync(KNOWN, 'utf8')) : [];
for (const k of known) {
  console.log(`known violation (tolerated until fixed): ${k.rule.name}: ${k.from} → ${k.to}`);
}
const result = spawnSync(
  process.execPath,
  [bin, '--config', '.dependency-cruiser.mjs', ...(existsSync(KNOWN) ? ['--ignore-known', KNOWN] : []), ...roots],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
