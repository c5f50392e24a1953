// The examples run to completion as written: each script of examples/ and the README's example,
// as `node <file>` inside the test isolation (they make their own namespaces under /run/netns and
// remove them). The README's example is also type-checked as a strict TypeScript consumer would.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import { ip, liveTest } from './helpers/netns.js';

/** The repository (this file runs from dist/spec/). */
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `node file args…` from the repository; the scripts import the package by its name. */
function runNode(file: string, args: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [file, ...args], { cwd: root, encoding: 'utf8', timeout: 90_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The namespace files the examples left behind (they must leave none). */
function leftovers(prefix: string): string[] {
  return readdirSync('/run/netns').filter((n) => n.startsWith(prefix));
}

/** Removes what a failed example may have left (the examples clean up themselves when they work). */
function cleanup(t: ExecutionContext, names: () => string[]): void {
  t.teardown(() => {
    for (const n of names()) {
      try { ip(['netns', 'del', n]); } catch { /* gone */ }
    }
  });
}

liveTest('examples/sandbox-veth-gateway.mjs: a sandbox with a veth and a default gateway', (t) => {
  cleanup(t, () => leftovers('example-'));
  const r = runNode('examples/sandbox-veth-gateway.mjs');
  t.is(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  t.regex(lines[0]!, /^sandbox \/run\/netns\/example-sandbox-\d+: eth0 10\.200\.0\.2\/24 \(host end vethex0\)$/);
  t.deepEqual(lines.slice(1, 3), ['  route default via 10.200.0.1 dev eth0', '  route 10.200.0.0/24 dev eth0']);
  t.regex(lines[3]!, /^ {2}eth0 statistics: RxBytes: \d+, RxPackets: \d+/);
  t.is(r.stderr, '');
  t.deepEqual(leftovers(`example-sandbox-`), []);
  t.deepEqual(leftovers(`example-host-`), []);
});

liveTest('examples/mirror-routes.mjs: a Map kept in step with the main table from a dump and monitor(), stopping by itself', (t) => {
  cleanup(t, () => leftovers('example-routes-'));
  const r = runNode('examples/mirror-routes.mjs');
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.stdout.trimEnd().split('\n'), [
    '10.0.0.0/24 metric 0 tos 0       10.0.0.0/24 proto kernel',
    '10.1.0.0/16 metric 0 tos 0       10.1.0.0/16 via 10.0.0.3 proto boot',
    'default metric 0 tos 0           default via 10.0.0.254 proto static',
  ]);
  t.is(r.stderr, '');
  t.deepEqual(leftovers('example-routes-'), []);
});

liveTest('examples/bulk-routes.mjs: 10,000 routes added and deleted in bulk, one result per route', (t) => {
  cleanup(t, () => leftovers('example-bulk-'));
  const r = runNode('examples/bulk-routes.mjs');
  t.is(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  t.regex(lines[0]!, /^added 10000 of 10001 routes in \d+\.\d{3} s$/);
  t.deepEqual(lines.slice(1, 3), ['  refused 192.0.2.0/24: ENETUNREACH', 'table 100 holds 10000 routes']);
  t.regex(lines[3]!, /^deleted 10000 in \d+\.\d{3} s$/);
  t.is(lines[4], 'table 100 holds 0 routes');
  t.deepEqual(leftovers('example-bulk-'), []);
});

/** The code of the README's "## Example" section. */
function readmeExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const m = /^## Example\n\n```ts\n([\s\S]*?)\n```$/m.exec(readme);
  if (m === null) throw new Error('README.md has no "## Example" section with a ts code block');
  return m[1]!;
}

liveTest('the README example runs to completion as written (its monitor loop sees the change made after subscribing)', (t) => {
  const code = readmeExample();
  // Inside the repository, so that `import … from 'rtnetlink'` resolves to this package.
  const dir = join(root, 'dist', `readme-example-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cleanup(t, () => ['blue', 'red'].filter((n) => existsSync(`/run/netns/${n}`)));
  writeFileSync(join(dir, 'example.mjs'), code);
  const r = runNode(join(dir, 'example.mjs'));
  t.is(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  t.true(lines.some((l) => /^\d+ br0 bridge /.test(l)), r.stdout);
  t.true(lines.includes('ENODEV 19'), r.stdout);
  t.is(lines.at(-1), 'new br0 1400');
  t.false(existsSync('/run/netns/blue') || existsSync('/run/netns/red'), 'the example removed its namespaces');

  // The same code type-checks as a strict TypeScript consumer (nodenext, the package's own types).
  writeFileSync(join(dir, 'example.ts'), code);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, types: ['node'],
      skipLibCheck: false, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true,
    },
    files: ['example.ts'],
  }));
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  t.is(tsc.status, 0, tsc.stdout + tsc.stderr);
});
