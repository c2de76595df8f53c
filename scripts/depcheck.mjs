// `npm run depcheck` (and a step of `npm test`): the dependency rules of .dependency-cruiser.mjs over
// the whole tree. Any violation fails the check.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const roots = ['libs', 'apps', 'test', 'scripts', 'bench'];
const bin = join('node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

const result = spawnSync(process.execPath, [bin, '--config', '.dependency-cruiser.mjs', ...roots], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
