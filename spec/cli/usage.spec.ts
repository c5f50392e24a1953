// The `rtnl` process on command lines it refuses before touching the kernel: ip's messages, exit
// status 2, nothing on stdout; help and version on stdout with status 0; `rtnl bench` from the
// repository and from an installed package (where benchmarks/ is not shipped).
import test from 'ava';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NOT_SHIPPED } from '../../lib/cli/bench.js';
import { npm, root } from '../helpers/package-fixtures.js';
import { RTNL, rtnl } from './cli-helpers.js';

const USAGE_ERRORS: Array<{ args: string[]; stderr: string | RegExp }> = [
  { args: [], stderr: /^Usage: rtnl \[ OPTIONS \] OBJECT/ },
  { args: ['frob'], stderr: 'Object "frob" is unknown, try "rtnl help".\n' },
  { args: ['link', 'frob'], stderr: 'Command "frob" is unknown, try "rtnl link help".\n' },
  { args: ['--frob', 'link'], stderr: /^Unknown option '--frob'.*Try "rtnl help"\.\n$/ },
  { args: ['-4', '-6', 'route'], stderr: '-4 and -6 exclude each other. Try "rtnl help".\n' },
  { args: ['-n'], stderr: /argument missing.*Try "rtnl help"/ },
  { args: ['link', 'set'], stderr: 'Not enough of information: "dev" argument is required.\n' },
  { args: ['link', 'set', 'dev'], stderr: 'Command line is not complete. Try "rtnl link help".\n' },
  { args: ['link', 'set', 'dev', 'x', 'mtu', 'abc'], stderr: 'Error: argument "abc" is wrong: Invalid "mtu" value\n' },
  { args: ['link', 'set', 'x', 'mtu', '1400', 'mtu', '1500'], stderr: 'Error: either "mtu" is duplicate, or "1500" is a garbage.\n' },
  { args: ['link', 'set', 'x', 'y'], stderr: 'Error: either "dev" is duplicate, or "y" is a garbage.\n' },
  { args: ['link', 'set', 'x', 'constructor'], stderr: 'Error: either "dev" is duplicate, or "constructor" is a garbage.\n' },
  { args: ['link', 'add', 'x'], stderr: 'Not enough information: "type" argument is required\n' },
  { args: ['link', 'add', 'x', 'type'], stderr: 'Command line is not complete. Try "rtnl link help".\n' },
  { args: ['link', 'add', 'x', 'type', 'veth', 'frob'], stderr: /^Error: veth takes "peer \[name\] NAME …", not "frob"\n$/ },
  { args: ['link', 'add', 'x', 'type', 'bridge', 'stp_state'], stderr: 'Command line is not complete. Try "rtnl link help".\n' },
  { args: ['link', 'add', 'x', 'type', 'bridge', 'forward_delay', '-5'], stderr: 'Error: argument "-5" is wrong: Invalid "forward_delay" value\n' },
  { args: ['link', 'del'], stderr: 'Not enough information: "dev" argument is required.\n' },
  { args: ['addr', 'add', '10.0.0.1/24'], stderr: 'Not enough information: "dev" argument is required.\n' },
  { args: ['addr', 'add', 'dev', 'x'], stderr: 'Not enough information: the address is required.\n' },
  { args: ['addr', 'add', '10.0.0.1/24', 'dev', 'x', 'scope', 'far'], stderr: 'Error: argument "far" is wrong: invalid scope value.\n' },
  { args: ['addr', 'flush'], stderr: 'Flush requires arguments.\n' },
  { args: ['route', 'add'], stderr: 'Not enough information: the destination prefix is required.\n' },
  { args: ['route', 'add', '10.0.0.0/8', 'metric', 'x'], stderr: 'Error: argument "x" is wrong: Invalid "metric" value\n' },
  { args: ['route', 'add', '10.0.0.0/8', 'table', 'nosuchtable'], stderr: 'Error: argument "nosuchtable" is wrong: "table" value is invalid\n' },
  { args: ['route', 'add', '10.0.0.0/8', '10.1.0.0/16'], stderr: 'Error: either "to" is duplicate, or "10.1.0.0/16" is a garbage.\n' },
  { args: ['route', 'add', '10.0.0.0/8', 'nexthop', 'frob'], stderr: 'Error: unknown nexthop argument "frob". Try "rtnl route help".\n' },
  { args: ['route', 'show', 'table', 'cache'], stderr: 'Error: the route cache cannot be listed (this library dumps FIB routes only)\n' },
  { args: ['neigh', 'add', '10.0.0.2', 'dev', 'x', 'nud', 'bogus'], stderr: 'Error: argument "bogus" is wrong: nud state is bad\n' },
  { args: ['neigh', 'add', '10.0.0.2'], stderr: 'Device and destination are required arguments.\n' },
  { args: ['rule', 'add', 'pref', 'x'], stderr: 'Error: argument "x" is wrong: Invalid "preference" value\n' },
  { args: ['rule', 'add', 'frob'], stderr: 'Error: argument "frob" is wrong: Failed to parse rule type\n' },
  { args: ['rule', 'del'], stderr: '"rtnl rule del" requires a selector (pref, from, table …)\n' },
  { args: ['monitor', 'frob'], stderr: 'Argument "frob" is unknown, try "rtnl monitor help".\n' },
  { args: ['netns', 'add'], stderr: 'No netns name specified. Try "rtnl netns help".\n' },
  { args: ['netns', 'add', 'a/b'], stderr: 'Invalid netns name "a/b" to add\n' },
  { args: ['netns', 'del', '..'], stderr: 'Invalid netns name ".." to delete\n' },
];

for (const { args, stderr } of USAGE_ERRORS) {
  test(`usage error, exit 2: rtnl ${args.join(' ')}`, async (t) => {
    const r = await rtnl(args);
    t.is(r.code, 2, r.stderr);
    t.is(r.stdout, '');
    if (typeof stderr === 'string') t.is(r.stderr, stderr);
    else t.regex(r.stderr, stderr);
  });
}

test('help and version go to stdout with status 0', async (t) => {
  for (const args of [['help'], ['-h'], ['--help']]) {
    const r = await rtnl(args);
    t.is(r.code, 0);
    t.regex(r.stdout, /^Usage: rtnl \[ OPTIONS \] OBJECT \{ COMMAND \| help \}/);
    t.is(r.stderr, '');
  }
  for (const [object, first] of [['link', 'Usage: rtnl link show'], ['addr', 'Usage: rtnl address'], ['route', 'Usage: rtnl route'],
    ['neigh', 'Usage: rtnl neigh'], ['rule', 'Usage: rtnl rule'], ['monitor', 'Usage: rtnl monitor'], ['netns', 'Usage: rtnl netns']] as const) {
    const r = await rtnl([object, 'help']);
    t.is(r.code, 0, object);
    t.true(r.stdout.startsWith(first), `${object}: ${r.stdout}`);
  }
  const v = await rtnl(['-V']);
  t.is(v.code, 0);
  t.regex(v.stdout, /^rtnl, rtnetlink \d+\.\d+\.\d+\n$/);
});

test('rtnl bench runs the repository\'s benchmark (here: its --help)', async (t) => {
  const r = await rtnl(['bench', '--help']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /--filter/);
  const bad = await rtnl(['bench', '--no-such-option']);
  t.is(bad.code, 2);
});

test('rtnl bench from an installed package (no benchmarks/) says where the benchmark is, exit 1', async (t) => {
  // The package ships dist/lib/ and dist/bundle/: the same layout without dist/benchmarks/.
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(fileURLToPath(new URL('../../lib/', import.meta.url)), join(dir, 'dist', 'lib'), { recursive: true });
  cpSync(fileURLToPath(new URL('../../bundle/', import.meta.url)), join(dir, 'dist', 'bundle'), { recursive: true });
  const { spawnSync } = await import('node:child_process');
  for (const entry of [['lib', 'cli', 'main.js'], ['bundle', 'rtnl.cjs']]) {
    const r = spawnSync(process.execPath, [join(dir, 'dist', ...entry), 'bench'], { encoding: 'utf8' });
    t.is(r.status, 1, entry.join('/'));
    t.is(r.stderr, `${NOT_SHIPPED}\n`);
    t.is(r.stdout, '');
  }
});

test('package.json installs rtnl: its bin is the built entry point, shipped in the tarball, with a node shebang', async (t) => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
  t.deepEqual(pkg.bin, { rtnl: 'dist/bundle/rtnl.cjs' });
  t.is(join(root, pkg.bin!.rtnl!), RTNL);
  t.true(readFileSync(RTNL, 'utf8').startsWith('#!/usr/bin/env node\n'));
  const packed = await npm(['pack', '--dry-run', '--json', '--ignore-scripts'], root);
  t.is(packed.code, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout) as Array<{ files: Array<{ path: string }> }>;
  const files = info!.files.map((f) => f.path);
  t.true(files.includes('dist/bundle/rtnl.cjs'));
  t.false(files.some((f) => f.startsWith('benchmarks/') || f.startsWith('dist/benchmarks/') || f.startsWith('examples/') || f.startsWith('tools/')));
});
