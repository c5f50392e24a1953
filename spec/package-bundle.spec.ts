// The bundles users import (scripts/bundle.mjs, run by `npm run build`): package.json's `exports`
// point each entry point's code at one ESM file in dist/bundle/ and its types at tsc's declarations;
// each bundle exports exactly what its tsc entry exports, loads no file but itself and the shared
// chunk, shares every class with the other entry point, and maps back to lib/**/*.ts.
// (package.spec.ts installs the packed tarball and uses the bundles from a consumer project.)
import test from 'ava';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, run } from './helpers/package-fixtures.js';

interface ExportTarget {
  types: string;
  default: string;
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, ExportTarget | string>; files: string[] };
const bundleDir = join(root, 'dist', 'bundle');

/** Each code entry point of `exports`: subpath → its bundle and the tsc output it was built from. */
const ENTRIES = [
  { subpath: '.', bundle: 'dist/bundle/rtnetlink.js', tsc: 'dist/lib/netlink/index.js', types: 'dist/lib/netlink/index.d.ts' },
  { subpath: './sandbox', bundle: 'dist/bundle/sandbox.js', tsc: 'dist/lib/sandbox/index.js', types: 'dist/lib/sandbox/index.d.ts' },
];

/** The specifiers a bundle imports statically (`import … from "x"`, `export … from "x"`, `import "x"`) and dynamically. */
function importsOf(file: string): { static: string[]; dynamic: string[] } {
  const src = readFileSync(file, 'utf8');
  return {
    static: [...src.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w*${}\s,]*?\bfrom\s*)?["']([^"']+)["']/g)].map((m) => m[1]!),
    dynamic: [...src.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!),
  };
}

/** The files a bundle loads before its code runs: itself and its static imports of files, transitively. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  seen.add(file);
  for (const spec of importsOf(file).static) {
    if (!spec.startsWith('.')) continue;
    const next = resolve(dirname(file), spec);
    if (!seen.has(next)) staticClosure(next, seen);
  }
  return seen;
}

test('package.json exports: code from dist/bundle/, types from tsc\'s declarations; dist/bundle/ ships', (t) => {
  t.deepEqual(Object.keys(pkg.exports).sort(), ['.', './package.json', './sandbox']);
  for (const e of ENTRIES) {
    t.deepEqual(pkg.exports[e.subpath], { types: `./${e.types}`, default: `./${e.bundle}` }, e.subpath);
    t.true(existsSync(join(root, e.bundle)), e.bundle);
    t.true(existsSync(join(root, e.types)), e.types);
  }
  t.true(pkg.files.includes('dist/bundle/'));
  t.true(pkg.files.includes('lib/'), 'the TypeScript sources the source maps point at');
});

test('each bundle exports exactly what its tsc entry exports, the same kinds of values', async (t) => {
  for (const e of ENTRIES) {
    const bundled = await import(pathToFileURL(join(root, e.bundle)).href) as Record<string, unknown>;
    const compiled = await import(pathToFileURL(join(root, e.tsc)).href) as Record<string, unknown>;
    t.deepEqual(Object.keys(bundled).sort(), Object.keys(compiled).sort(), e.subpath);
    for (const name of Object.keys(compiled)) {
      t.is(typeof bundled[name], typeof compiled[name], `${e.subpath} ${name}`);
      if (typeof compiled[name] === 'function') t.is((bundled[name] as () => void).name, (compiled[name] as () => void).name, `${e.subpath} ${name}.name`);
    }
  }
  // Namespace re-exports (`export * as netns`) keep their members.
  const bundled = await import(pathToFileURL(join(root, 'dist/bundle/rtnetlink.js')).href) as { netns: Record<string, unknown> };
  const compiled = await import(pathToFileURL(join(root, 'dist/lib/netlink/index.js')).href) as { netns: Record<string, unknown> };
  t.deepEqual(Object.keys(bundled.netns).sort(), Object.keys(compiled.netns).sort());
});

test('an entry point loads one bundle and the shared chunk, nothing from dist/lib/, and imports only node: built-ins (node-gyp-build is required on first use)', (t) => {
  const closures = ENTRIES.map((e) => staticClosure(join(root, e.bundle)));
  for (const [i, closure] of closures.entries()) {
    const files = [...closure].map((f) => relative(root, f)).sort();
    t.true(files.length <= 2, `${ENTRIES[i]!.subpath} loads ${files.join(', ')}`);
    for (const f of files) {
      t.true(f.startsWith('dist/bundle/') && existsSync(join(root, f)), f);
      const { static: specs, dynamic } = importsOf(join(root, f));
      for (const spec of specs) t.true(spec.startsWith('node:') || /^\.\/[\w-]+\.js$/.test(spec), `${f} imports ${spec}`);
      t.deepEqual(dynamic, [], `${f} imports nothing dynamically`);
    }
  }
  // The root entry's code is all in the shared chunk, which the sandbox entry loads too.
  const shared = [...closures[0]!].filter((f) => f !== join(root, ENTRIES[0]!.bundle));
  t.is(shared.length, 1);
  t.true(closures[1]!.has(shared[0]!), 'the sandbox bundle loads the root entry\'s chunk');
  // The rtnl command is one self-contained file (a new process each time: one module to load).
  const command = staticClosure(join(bundleDir, 'rtnl.js'));
  t.deepEqual([...command].map((f) => relative(bundleDir, f)), ['rtnl.js']);
  t.true(readFileSync(join(bundleDir, 'rtnl.js'), 'utf8').startsWith('#!/usr/bin/env node\n'));
  // No leftovers of earlier builds (a stale chunk would ship).
  const js = readdirSync(bundleDir).filter((f) => f.endsWith('.js'));
  t.deepEqual(js.sort(), [...new Set([...closures, command].flatMap((c) => [...c]))].map((f) => relative(bundleDir, f)).sort());
});

test('the two entry points share their classes: errors thrown by one are instances of the other\'s exports', async (t) => {
  const rtnetlink = await import(pathToFileURL(join(root, 'dist/bundle/rtnetlink.js')).href) as typeof import('../lib/netlink/index.js');
  const sandbox = await import(pathToFileURL(join(root, 'dist/bundle/sandbox.js')).href) as typeof import('../lib/sandbox/index.js');
  t.is(sandbox.NetlinkError, rtnetlink.NetlinkError);
  t.is(sandbox.ValidationError, rtnetlink.ValidationError);
  const e = t.throws(() => sandbox.generateKey(''));
  t.true(e instanceof rtnetlink.ValidationError);
  t.is(e?.constructor.name, 'ValidationError');
});

test('the bundles read node: built-ins without process.getBuiltinModule too (Node 20 before 20.16)', async (t) => {
  // A fresh process in which process.getBuiltinModule does not exist: the shims fall back to require().
  const script = [
    'delete process.getBuiltinModule;',
    `const { netns, errnoName } = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/bundle/rtnetlink.js')).href)});`,
    `const { generateKey, setBasePath } = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/bundle/sandbox.js')).href)});`,
    "setBasePath('/tmp/rtnl-keys/');",
    'console.log(JSON.stringify({ listed: Array.isArray(await netns.list(\'/\')), key: generateKey(\'0123456789abcdef\'), errno: errnoName(19) }));',
  ].join('\n');
  const r = await run(process.execPath, ['--input-type=module', '-e', script]);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(JSON.parse(r.stdout), { listed: true, key: '/tmp/rtnl-keys/0123456789ab', errno: 'ENODEV' });
});

test('bundling renames no class (class names show in errors and in util.inspect of views)', (t) => {
  const declared = new Set<string>();
  for (const f of readdirSync(join(root, 'lib'), { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.ts')) continue;
    for (const m of readFileSync(join(root, 'lib', f), 'utf8').matchAll(/\bclass\s+([A-Za-z_$][\w$]*)/g)) declared.add(m[1]!);
  }
  // What names a class at run time: `class X` (declaration or named expression), else the binding
  // of `var X = class …` (esbuild's form for most top-level classes).
  const bundled = readdirSync(bundleDir).filter((f) => f.endsWith('.js'))
    .flatMap((f) => [...readFileSync(join(bundleDir, f), 'utf8').matchAll(/\b(?:(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*)?class(?:\s+(?!extends\b)([A-Za-z_$][\w$]*))?(?=[\s{])/g)]
      .map((m) => m[2] ?? m[1] ?? '(anonymous)'));
  t.true(bundled.length >= declared.size / 2, `${bundled.length} classes in the bundles, ${declared.size} declared in lib/`);
  t.deepEqual(bundled.filter((name) => !declared.has(name)), []);
});

test('bundles keep lines short: Node prints the source line of an uncaught error, which must not be the whole library', (t) => {
  for (const f of readdirSync(bundleDir).filter((x) => x.endsWith('.js'))) {
    const lines = readFileSync(join(bundleDir, f), 'utf8').split('\n');
    const longest = Math.max(...lines.map((l) => l.length));
    t.true(longest <= 1000, `${f}: a line of ${longest} characters`);
  }
});

test('source maps: every bundle links its map, and the map points through tsc\'s maps at lib/**/*.ts files that ship', (t) => {
  for (const f of readdirSync(bundleDir).filter((x) => x.endsWith('.js'))) {
    const src = readFileSync(join(bundleDir, f), 'utf8');
    t.true(src.endsWith(`//# sourceMappingURL=${f}.map\n`), f);
    const map = JSON.parse(readFileSync(join(bundleDir, `${f}.map`), 'utf8')) as { sources: string[]; mappings: string };
    const files = map.sources.filter((s) => !s.startsWith('builtin:'));
    if (f.startsWith('shared-') || f === 'sandbox.js') t.true(files.length > 10, f);
    for (const s of files) {
      const path = relative(root, resolve(bundleDir, s));
      t.regex(path, /^lib\/.*\.ts$/, `${f}: ${s}`);
      t.true(existsSync(join(root, path)), path);
    }
  }
});
