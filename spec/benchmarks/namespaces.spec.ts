// benchmarks/harness/namespaces.ts: a process that uses the harness and never calls
// releaseNamespaces (a script, say), or dies on an uncaught error, leaves no namespace behind in
// /run/netns.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { liveTest } from '../helpers/netns.js';

const HARNESS = fileURLToPath(new URL('../../benchmarks/harness/namespaces.js', import.meta.url));

/** The harness's namespaces of process `pid` still in /run/netns (it names them rtb<pid in base 36>-N). */
const leftBy = (pid: number): string[] => readdirSync('/run/netns').filter((n) => n.startsWith(`rtb${pid.toString(36)}-`));

/**
 * Runs a script that makes a namespace with the link through the harness, deletes it (which makes
 * the control namespace), prints its pid and then runs `tail`; returns the result and the pid.
 */
function harnessScript(tail: string[]): { status: number | null; stderr: string; pid: number } {
  const script = [
    `const h = await import(${JSON.stringify(HARNESS)});`,
    'const ns = await h.createNamespaceWithLink();',
    'await h.deleteNamespace(ns);',
    'console.log(process.pid);',
    ...tail,
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stderr: r.stderr, pid: Number(r.stdout.trim()) };
}

liveTest('a script that makes and deletes a namespace and exits without releaseNamespaces leaves none behind (the control namespace included)', (t) => {
  const r = harnessScript([]);
  t.is(r.status, 0, r.stderr);
  t.true(Number.isInteger(r.pid) && r.pid > 0);
  t.deepEqual(leftBy(r.pid), []);
});

liveTest('a script that dies on an uncaught error after the harness made its control namespace leaves none behind', (t) => {
  const r = harnessScript(["throw new Error('the script fails');"]);
  t.is(r.status, 1, 'it died');
  t.regex(r.stderr, /the script fails/);
  t.true(Number.isInteger(r.pid) && r.pid > 0);
  t.deepEqual(leftBy(r.pid), []);
});

test('the harness names its namespaces as leftBy expects', async (t) => {
  const src = (await import('node:fs')).readFileSync(HARNESS, 'utf8');
  t.regex(src, /`rtb\$\{process\.pid\.toString\(36\)\}-\$\{/);
});
