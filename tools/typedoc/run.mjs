// `npm run docs`: the API reference (docs/api/, HTML) from the TSDoc of the package's two entry
// points, with TypeDoc 0.28 and its own TypeScript 5.9 (this folder's workspace: TypeScript 7,
// which builds the package, has no compiler API). The options are in typedoc.json at the top of
// the repository: an undocumented export, a broken {@link} or a type that is used but not
// exported fails the run (exit status 1), so the reference cannot silently lose a symbol.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
// Resolve TypeDoc from this folder, so it finds this folder's TypeScript 5.9 beside it.
const require = createRequire(join(here, 'package.json'));
const bin = join(dirname(require.resolve('typedoc/package.json')), 'bin', 'typedoc');
const args = process.argv.slice(2);
// typedoc.json unless the caller names another options file.
const options = args.includes('--options') ? [] : ['--options', join(root, 'typedoc.json')];
const r = spawnSync(process.execPath, [bin, ...options, ...args], {
  cwd: root,
  stdio: 'inherit',
});
if (r.error) throw r.error;
process.exitCode = r.status ?? 1;
