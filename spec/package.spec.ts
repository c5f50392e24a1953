// The published package: `npm pack`, installed into another project, builds its helper offline and
// works, and ships no tests or benchmarks.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');

test('npm pack, then npm install in another project, builds the helper and works', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-consumer-'));
  // dist/ is already built by `npm test`; --ignore-scripts skips prepack so dist is not rebuilt
  // underneath the running tests.
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' });
  const [info] = JSON.parse(packed) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = info!.files.map((f) => f.path);
  t.true(files.includes('native/rtnetlink.c'));
  t.true(files.includes('dist/lib/netlink/index.js'));
  t.true(files.includes('dist/lib/sandbox/index.d.ts'));
  t.false(files.some((f) => f.startsWith('dist/spec/') || f.startsWith('spec/') || f.startsWith('benchmarks/') || f.startsWith('dist/benchmarks/')));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', join(dir, info!.filename)], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  writeFileSync(join(dir, 'use.mjs'), [
    "import { RtNetlink, ValidationError } from 'rtnetlink';",
    "import * as sandbox from 'rtnetlink/sandbox';",
    "const nl = await RtNetlink.open();",
    "const lo = await nl.links.get('lo');",
    "nl.close();",
    "console.log(JSON.stringify({ lo: lo.name, validation: typeof ValidationError, sandbox: typeof sandbox }));",
  ].join('\n'));
  const out = JSON.parse(execFileSync(process.execPath, ['use.mjs'], { cwd: dir, encoding: 'utf8' })) as Record<string, string>;
  t.deepEqual(out, { lo: 'lo', validation: 'function', sandbox: 'object' });
});
