// The install script's code-cache step on a package it cannot write (a read-only mount, as a shared
// store or a read-only image has): the cache still works, compared with library.cjs; nothing fails and
// nothing is said. Needs root (a read-only bind mount, inside spec/run.mjs's mount namespace).
import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { liveTest, tempDir } from './helpers/netns.js';
import { root, run } from './helpers/package-fixtures.js';

liveTest('code-cache.js --if-stale on a read-only copy of the bundle exits 0 and says nothing; the cache is used, compared', async (t) => {
  const dir = join(tempDir(t, 'rtnl-ro-'), 'bundle');
  cpSync(join(root, 'dist', 'bundle'), dir, { recursive: true });
  execFileSync('mount', ['--bind', dir, dir]);
  execFileSync('mount', ['-o', 'remount,bind,ro', dir]);
  const stamp = await run(process.execPath, [join(dir, 'code-cache.js'), '--if-stale']);
  t.is(stamp.code, 0, stamp.stderr);
  t.is(`${stamp.stdout}${stamp.stderr}`, '');
  const load = JSON.stringify(pathToFileURL(join(dir, 'load.cjs')).href);
  const r = await run(process.execPath, ['--input-type=module', '-e',
    `const { status, check, exports } = (await import(${load})).loadScript('library.cjs'); console.log(JSON.stringify([status, check, exports.errnoName(1)]));`]);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(JSON.parse(r.stdout), ['accepted', 'content', 'EPERM']);
});
