// `npm run docs` builds the API reference: TypeDoc (with its own TypeScript 5.9, tools/typedoc/)
// over both entry points, failing on any undocumented export. One test, as TypeDoc is slow: the
// real run into a temporary folder, then the same options on a one-line module with an
// undocumented export, which must fail.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (this file runs from dist/spec/). */
const root = fileURLToPath(new URL('../..', import.meta.url));
const RUN = join(root, 'tools', 'typedoc', 'run.mjs');

test('npm run docs builds the reference of both entry points, and an undocumented export fails it', (t) => {
  t.timeout(300_000, 'TypeDoc type-checks the whole library (about 40 s on an idle 2-CPU machine)');
  const out = mkdtempSync(join(tmpdir(), 'rtnl-docs-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const ok = spawnSync(process.execPath, [RUN, '--out', join(out, 'api')], { cwd: root, encoding: 'utf8' });
  t.is(ok.status, 0, `${ok.stdout}\n${ok.stderr}`);
  t.notRegex(ok.stdout + ok.stderr, /\[warning\]|\[error\]/);
  for (const page of ['index.html', 'modules/rtnetlink.html', 'modules/rtnetlink_sandbox.html', 'classes/rtnetlink.RtNetlink.html',
    'classes/rtnetlink_sandbox.Sandbox.html', 'interfaces/rtnetlink.BridgeOptions.html']) {
    t.true(existsSync(join(out, 'api', page)), page);
  }
  // Units are in the reference: bridge times in hundredths of a second, lifetimes in seconds.
  const text = (page: string): string => readFileSync(join(out, 'api', page), 'utf8').replace(/<[^>]*>/g, ' ');
  t.regex(text('interfaces/rtnetlink.BridgeOptions.html'), /STP forward delay, in hundredths of a second/);
  t.regex(text('interfaces/rtnetlink.AddressAddOptions.html'), /Valid lifetime[^.]*seconds/);

  // The same options on a module with an undocumented export: the run fails and names it.
  const fixture = mkdtempSync(join(tmpdir(), 'rtnl-docs-fixture-'));
  t.teardown(() => rmSync(fixture, { recursive: true, force: true }));
  writeFileSync(join(fixture, 'index.ts'), '/** A documented one. */\nexport const documented = 1;\nexport const forgotten = 2;\n');
  writeFileSync(join(fixture, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', target: 'es2022' }, files: ['index.ts'] }));
  const options = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(fixture, 'typedoc.json'), JSON.stringify({
    ...options, $schema: undefined, entryPoints: [join(fixture, 'index.ts')], tsconfig: join(fixture, 'tsconfig.json'), out: join(fixture, 'api'),
  }));
  const bad = spawnSync(process.execPath, [RUN, '--options', join(fixture, 'typedoc.json')], { cwd: root, encoding: 'utf8' });
  t.not(bad.status, 0);
  t.regex(bad.stdout + bad.stderr, /forgotten[^\n]*does not have any documentation/);
});
