// Installing from git (`npm install git+file://…`, as `git+https://` works): npm clones the
// repository, installs its dev dependencies, runs `prepare` (which builds and bundles dist/) and packs it. The
// repository here is a fresh git repository holding this working tree's files (tracked and new,
// not ignored), so what is tested is the tree under test, not the last commit.
import test from 'ava';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { consumerProject, npm, packRegistryDeps, root, run, tempDir } from './helpers/package-fixtures.js';

test('npm install git+file://<repo> builds dist/ through prepare and the package works', async (t) => {
  const repo = tempDir(t, 'rtnl-git-');
  const listed = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root });
  t.is(listed.code, 0, listed.stderr);
  for (const file of listed.stdout.split('\0')) {
    if (file === '' || !existsSync(join(root, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    copyFileSync(join(root, file), join(repo, file));
  }
  const git = (...args: string[]) => run('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], { cwd: repo });
  t.is((await git('init', '-q')).code, 0);
  t.is((await git('add', '-A')).code, 0);
  t.is((await git('commit', '-q', '-m', 'the working tree')).code, 0);

  const dir = consumerProject(t);
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  // The clone's own install (for `prepare`) follows its package-lock.json; the consumer's
  // resolution of node-gyp-build gets the dependency as a tarball (see packRegistryDeps).
  const install = await npm(['install', `git+file://${repo}`, ...await packRegistryDeps(dir)], dir, env);
  t.is(install.code, 0, install.stderr);
  const pkg = join(dir, 'node_modules', 'rtnetlink');
  t.true(existsSync(join(pkg, 'dist', 'bundle', 'rtnetlink.cjs')), 'prepare built dist/ and bundled it');
  t.true(existsSync(join(pkg, 'dist', 'bundle', 'sandbox.cjs')));
  t.true(existsSync(join(pkg, 'dist', 'lib', 'sandbox', 'index.d.ts')));

  const use = await run(process.execPath, ['--input-type=module', '-e', [
    "import { RtNetlink } from 'rtnetlink';",
    "import { Sandbox } from 'rtnetlink/sandbox';",
    'const nl = await RtNetlink.open();',
    'const links = (await nl.links.list()).map((l) => l.name);',
    'nl.close();',
    'console.log(JSON.stringify({ links, sandbox: typeof Sandbox }));',
  ].join('\n')], { cwd: dir, env });
  t.is(use.code, 0, use.stderr);
  const out = JSON.parse(use.stdout) as { links: string[]; sandbox: string };
  t.true(out.links.includes('lo'));
  t.is(out.sandbox, 'function');
});
