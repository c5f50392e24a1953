// The bundles users import (scripts/bundle.mjs, run by `npm run build`): package.json's `exports`
// point each entry point's code at a small CommonJS file in dist/bundle/ and its types at tsc's
// declarations; each entry exports exactly what its tsc entry exports (to `import` and `require`),
// loads nothing but load.cjs, which compiles library.cjs (the code of both, one copy of every class)
// from its V8 code cache when the cache belongs to exactly that file and this V8, and maps back to
// lib/**/*.ts.
// (package.spec.ts installs the packed tarball and uses the bundles from a consumer project.)
import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nodePrefix, root, run, tempDir } from './helpers/package-fixtures.js';

interface ExportTarget {
  types: string;
  default: string;
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, ExportTarget | string>; files: string[] };
const bundleDir = join(root, 'dist', 'bundle');

/** Each code entry point of `exports`: subpath → its bundle and the tsc output it was built from. */
const ENTRIES = [
  { subpath: '.', bundle: 'dist/bundle/rtnetlink.cjs', tsc: 'dist/lib/netlink/index.js', types: 'dist/lib/netlink/index.d.ts' },
  { subpath: './sandbox', bundle: 'dist/bundle/sandbox.cjs', tsc: 'dist/lib/sandbox/index.js', types: 'dist/lib/sandbox/index.d.ts' },
];

/**
 * The specifiers a bundle loads before its code runs — ESM `import … from "x"`, `export … from "x"`,
 * `import "x"`, CommonJS `require("x")` with a literal — and those it imports dynamically.
 */
function importsOf(file: string): { static: string[]; dynamic: string[] } {
  const src = readFileSync(file, 'utf8');
  return {
    static: [
      ...[...src.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w*${}\s,]*?\bfrom\s*)?["']([^"']+)["']/g)].map((m) => m[1]!),
      ...[...src.matchAll(/\brequire\d*\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!),
    ],
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

test('each bundle exports exactly what its tsc entry exports, the same kinds of values, to import and to require', async (t) => {
  const require = createRequire(import.meta.url);
  for (const e of ENTRIES) {
    const imported = await import(pathToFileURL(join(root, e.bundle)).href) as Record<string, unknown>;
    const required = require(join(root, e.bundle)) as Record<string, unknown>;
    const compiled = await import(pathToFileURL(join(root, e.tsc)).href) as Record<string, unknown>;
    // `import` of a CommonJS module also gives its module.exports as `default`.
    t.is(imported.default, required, e.subpath);
    t.deepEqual(Object.keys(imported).filter((k) => k !== 'default').sort(), Object.keys(compiled).sort(), e.subpath);
    t.deepEqual(Object.keys(required).sort(), Object.keys(compiled).sort(), e.subpath);
    for (const name of Object.keys(compiled)) {
      t.is(imported[name], required[name], `${e.subpath} ${name}`);
      t.is(typeof imported[name], typeof compiled[name], `${e.subpath} ${name}`);
      if (typeof compiled[name] === 'function') t.is((imported[name] as () => void).name, (compiled[name] as () => void).name, `${e.subpath} ${name}.name`);
    }
  }
  // Namespace re-exports (`export * as netns`) keep their members.
  const bundled = await import(pathToFileURL(join(root, 'dist/bundle/rtnetlink.cjs')).href) as { netns: Record<string, unknown> };
  const compiled = await import(pathToFileURL(join(root, 'dist/lib/netlink/index.js')).href) as { netns: Record<string, unknown> };
  t.deepEqual(Object.keys(bundled.netns).sort(), Object.keys(compiled.netns).sort());
});

/** The files of dist/bundle/ after a build. */
const BUNDLE_FILES = ['cli.cjs', 'cli.cjs.cache', 'cli.cjs.map', 'code-cache.js', 'facade.cjs', 'library.cjs', 'library.cjs.cache', 'library.cjs.map', 'load.cjs', 'rtnetlink.cjs', 'rtnl.cjs', 'sandbox.cjs'];

test('an entry point loads facade.cjs and nothing else, which requires load.cjs (on first use); load.cjs compiles library.cjs (cli.cjs for rtnl), which require only node: built-ins (the native helper by its path, on first use)', (t) => {
  for (const e of ENTRIES) {
    const closure = [...staticClosure(join(root, e.bundle))].map((f) => relative(bundleDir, f)).sort();
    t.deepEqual(closure, [relative(bundleDir, join(root, e.bundle)), 'facade.cjs', 'load.cjs'].sort(), e.subpath);
    for (const f of closure) {
      const { static: specs, dynamic } = importsOf(join(bundleDir, f));
      const allowed = f === relative(bundleDir, join(root, e.bundle)) ? ['./facade.cjs'] : f === 'facade.cjs' ? ['./load.cjs'] : [];
      for (const spec of specs) t.true(spec.startsWith('node:') || allowed.includes(spec), `${f} loads ${spec}`);
      t.deepEqual(dynamic, [], `${f} imports nothing dynamically`);
    }
  }
  for (const module of ['library.cjs', 'cli.cjs']) {
    const code = readFileSync(join(bundleDir, module), 'latin1');
    const required = new Set([...code.matchAll(/\brequire\d*\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!));
    t.deepEqual([...required].filter((r) => !r.startsWith('node:')), [], module);
  }
  t.false(/\bimport\s*\(/.test(readFileSync(join(bundleDir, 'library.cjs'), 'latin1')), 'library.cjs imports nothing dynamically');
  // The rtnl executable loads load.cjs, which compiles cli.cjs (self-contained: one module to load).
  const command = [...staticClosure(join(bundleDir, 'rtnl.cjs'))].map((f) => relative(bundleDir, f)).sort();
  t.deepEqual(command, ['load.cjs', 'rtnl.cjs']);
  t.true(readFileSync(join(bundleDir, 'rtnl.cjs'), 'utf8').startsWith('#!/usr/bin/env node\n'));
  t.true(readFileSync(join(bundleDir, 'rtnl.cjs'), 'utf8').includes("loadScript('cli.cjs')"));
  // No leftovers of earlier builds (a stale file would ship).
  t.deepEqual(readdirSync(bundleDir).sort(), BUNDLE_FILES);
});

/** Runs `code` (an ES module) in a fresh node with `args` (and `env` added); returns its stdout, parsed as JSON. */
async function inFreshNode(t: ExecutionContext, code: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<unknown> {
  const r = await run(process.execPath, [...args, '--input-type=module', '-e', code], { env: { ...process.env, ...env } });
  t.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Code that sets `library` and `codeCache` to what load.cjs in `dir` loaded of library.cjs. */
function loadLibrary(dir: string): string {
  return `const { exports: library, status: codeCache } = (await import(${JSON.stringify(pathToFileURL(join(dir, 'load.cjs')).href)})).loadScript('library.cjs');`;
}

/** A script printing load.cjs's cache status and `errnoName(1)` of the library it loaded, from `dir`. */
function statusScript(dir: string): string {
  return [
    loadLibrary(dir),
    'console.log(JSON.stringify({ codeCache, eperm: library.errnoName(1), sandbox: typeof library.sandbox.Sandbox }));',
  ].join('\n');
}

test('a fresh process compiles the library and the command from the code caches the build made (same node, same V8)', async (t) => {
  t.deepEqual(await inFreshNode(t, statusScript(bundleDir)), { codeCache: 'accepted', eperm: 'EPERM', sandbox: 'function' });
  const command = `const { loadScript } = await import(${JSON.stringify(pathToFileURL(join(bundleDir, 'load.cjs')).href)}); const c = loadScript('cli.cjs'); console.log(JSON.stringify([c.status, typeof c.exports.runCli]));`;
  t.deepEqual(await inFreshNode(t, command), ['accepted', 'function']);
  // The entry points load it that way too.
  const viaEntry = [
    `await import(${JSON.stringify(pathToFileURL(join(bundleDir, 'sandbox.cjs')).href)});`,
    loadLibrary(bundleDir),
    'console.log(JSON.stringify(codeCache));',
  ].join('\n');
  t.is(await inFreshNode(t, viaEntry), 'accepted');
});

/**
 * What makes a copy of the bundle (in a temporary folder, where no native helper is beside it) read
 * its cache with the repository's helper, or with fs only.
 */
const READERS: ReadonlyArray<[string, NodeJS.ProcessEnv]> = [['fs', {}], ['helper', { RTNETLINK_PREBUILD: root }]];

test('the cache is used only for exactly its library.cjs and this V8: an edit of the same length, another V8, a damaged or missing cache compile from source', async (t) => {
  for (const [reader, env] of READERS) await damagedCaches(t, reader, env);
});

/** The cases of the test above, the cache read by `reader` (under `env`). */
async function damagedCaches(t: ExecutionContext, reader: string, env: NodeJS.ProcessEnv): Promise<void> {
  const inFresh = (code: string): Promise<unknown> => inFreshNode(t, code, [], env);
  t.deepEqual(await inFresh(readerScript(bundleDir)), { status: 'accepted', reader: 'helper' }, 'the build\'s own cache, beside the helper');
  const copy = (): string => {
    const dir = tempDir(t, 'rtnl-bundle-');
    cpSync(bundleDir, dir, { recursive: true });
    return dir;
  };
  // An edit of the same length (V8 itself compares only lengths: it would run the cached EPERM).
  const edited = copy();
  const library = readFileSync(join(edited, 'library.cjs'), 'latin1');
  t.is(library.split('[1,"EPERM",').length, 2, 'the errno table as the test expects it');
  writeFileSync(join(edited, 'library.cjs'), library.replace('[1,"EPERM",', '[1,"EPERX",'), 'latin1');
  t.deepEqual(await inFresh(statusScript(edited)), { codeCache: 'stale', eperm: 'EPERX', sandbox: 'function' }, reader);
  // Made by another V8.
  const otherV8 = copy();
  const cache = readFileSync(join(otherV8, 'library.cjs.cache'));
  const header = cache.toString('latin1', 0, cache.indexOf(10));
  t.true(header.includes(` ${process.versions.v8} `), header);
  writeFileSync(join(otherV8, 'library.cjs.cache'), Buffer.from(cache.toString('latin1').replace(` ${process.versions.v8} `, ' 1.2.3.4-other '), 'latin1'));
  t.deepEqual(await inFresh(statusScript(otherV8)), { codeCache: 'stale', eperm: 'EPERM', sandbox: 'function' }, reader);
  // Truncated, garbage, missing.
  const truncated = copy();
  truncateSync(join(truncated, 'library.cjs.cache'), cache.length - 1000);
  t.deepEqual(await inFresh(statusScript(truncated)), { codeCache: 'stale', eperm: 'EPERM', sandbox: 'function' }, reader);
  const garbage = copy();
  writeFileSync(join(garbage, 'library.cjs.cache'), Buffer.alloc(4096, 0x41));
  t.deepEqual(await inFresh(statusScript(garbage)), { codeCache: 'stale', eperm: 'EPERM', sandbox: 'function' }, reader);
  const empty = copy();
  writeFileSync(join(empty, 'library.cjs.cache'), '');
  t.deepEqual(await inFresh(statusScript(empty)), { codeCache: 'stale', eperm: 'EPERM', sandbox: 'function' }, reader);
  const missing = copy();
  rmSync(join(missing, 'library.cjs.cache'));
  t.deepEqual(await inFresh(statusScript(missing)), { codeCache: 'missing', eperm: 'EPERM', sandbox: 'function' }, reader);
  // No regular file: a directory, and a FIFO nothing writes to (opened without waiting for a writer).
  const folder = copy();
  rmSync(join(folder, 'library.cjs.cache'));
  mkdirSync(join(folder, 'library.cjs.cache'));
  t.deepEqual(await inFresh(statusScript(folder)), { codeCache: 'stale', eperm: 'EPERM', sandbox: 'function' }, `${reader}: a directory`);
  const fifo = copy();
  rmSync(join(fifo, 'library.cjs.cache'));
  execFileSync('mkfifo', [join(fifo, 'library.cjs.cache')]);
  t.deepEqual(await inFresh(statusScript(fifo)), { codeCache: 'stale', eperm: 'EPERM', sandbox: 'function' }, `${reader}: a FIFO`);
  // A file whose read fails (/proc/self/mem: a regular file of size 0 whose read at 0 is EIO).
  const unreadable = copy();
  rmSync(join(unreadable, 'library.cjs.cache'));
  symlinkSync('/proc/self/mem', join(unreadable, 'library.cjs.cache'));
  t.deepEqual(await inFresh(statusScript(unreadable)), { codeCache: 'stale', eperm: 'EPERM', sandbox: 'function' }, `${reader}: a read error`);
  // An intact copy: compared, used, read by `reader`.
  t.deepEqual(await inFresh(readerScript(copy())), { status: 'accepted', reader }, reader);
}

/** A script printing how load.cjs in `dir` matched library.cjs's cache, and `errnoName(1)`. */
function checkScript(dir: string): string {
  return [
    `const { exports: library, status, check } = (await import(${JSON.stringify(pathToFileURL(join(dir, 'load.cjs')).href)})).loadScript('library.cjs');`,
    'console.log(JSON.stringify({ status, check: check ?? null, eperm: library.errnoName(1) }));',
  ].join('\n');
}

/** A script printing whether load.cjs in `dir` used library.cjs's cache, and what read it. */
function readerScript(dir: string): string {
  return [
    `const { status, reader } = (await import(${JSON.stringify(pathToFileURL(join(dir, 'load.cjs')).href)})).loadScript('library.cjs');`,
    'console.log(JSON.stringify({ status, reader: reader ?? null }));',
  ].join('\n');
}

test('the native helper reads the cache when one loads; a binary that does not load, or Node refusing addons, leaves it to fs', async (t) => {
  // A folder of prebuilt binaries holding only a file that is no shared object.
  const prebuilds = tempDir(t, 'rtnl-prebuilds-');
  const folder = join(prebuilds, 'prebuilds', `${process.platform}-${process.arch}`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'rtnetlink.glibc.node'), 'not an ELF file');
  writeFileSync(join(folder, 'rtnetlink.musl.node'), '');
  const env = { PREBUILDS_ONLY: '1', RTNETLINK_PREBUILD: prebuilds };
  t.deepEqual(await inFreshNode(t, readerScript(bundleDir), [], env), { status: 'accepted', reader: 'fs' });
  t.deepEqual(await inFreshNode(t, statusScript(bundleDir), [], env), { codeCache: 'accepted', eperm: 'EPERM', sandbox: 'function' });
  t.deepEqual(await inFreshNode(t, readerScript(bundleDir)), { status: 'accepted', reader: 'helper' });
  // Node run with --no-addons refuses every process.dlopen: fs reads the cache, the library loads.
  t.deepEqual(await inFreshNode(t, readerScript(bundleDir), ['--no-addons']), { status: 'accepted', reader: 'fs' });
});

test('worker threads load the library (the cache read by the helper), use it and exit, one after another; the process ends cleanly', async (t) => {
  const load = JSON.stringify(join(bundleDir, 'load.cjs'));
  const worker = [
    `const e = require(${load}).loadScript('library.cjs');`,
    'e.exports.RtNetlink.open().then(async (nl) => {',
    "  const lo = await nl.links.get('lo');",
    '  nl.close();',
    "  require('node:worker_threads').parentPort.postMessage([e.status, e.reader, lo.ifindex]);",
    '});',
  ].join('\n');
  const script = [
    "const { Worker } = require('node:worker_threads');",
    `const code = ${JSON.stringify(worker)};`,
    '(async () => {',
    '  const out = [];',
    '  for (let i = 0; i < 3; i++) {',
    '    const w = new Worker(code, { eval: true });',
    "    out.push(await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); }));",
    '    await w.terminate();',
    '  }',
    `  const main = require(${load}).loadScript('library.cjs');`,
    '  out.push([main.status, main.reader]);',
    '  console.log(JSON.stringify(out));',
    '})();',
  ].join('\n');
  const r = await run(process.execPath, ['-e', script]);
  t.is(r.code, 0, r.stderr);
  const w = ['accepted', 'helper', 1];
  t.deepEqual(JSON.parse(r.stdout), [w, w, w, ['accepted', 'helper']]);
});

test('a helper whose file functions throw (another version\'s arguments), or an older one without them, leaves the cache to fs', async (t) => {
  // Stand-in helpers built here: one with fileOpen, fileStamp and fileReadScript, each throwing a
  // TypeError as a function with other parameters would; one with only the fileRead of an older helper.
  const dir = tempDir(t, 'rtnl-fake-helper-');
  const source = join(dir, 'fake.c');
  writeFileSync(source, [
    '#include <node_api.h>',
    'static napi_value refuse(napi_env env, napi_callback_info info) {',
    '  (void)info;',
    '  napi_throw_type_error(env, NULL, "path must be a string");',
    '  return NULL;',
    '}',
    'static void add(napi_env env, napi_value exports, const char *name) {',
    '  napi_value fn;',
    '  napi_create_function(env, name, NAPI_AUTO_LENGTH, refuse, NULL, &fn);',
    '  napi_set_named_property(env, exports, name, fn);',
    '}',
    'NAPI_MODULE_INIT() {',
    '#ifdef OLDER',
    '  add(env, exports, "fileRead");',
    '#else',
    '  add(env, exports, "fileOpen");',
    '  add(env, exports, "fileStamp");',
    '  add(env, exports, "fileReadScript");',
    '#endif',
    '  return exports;',
    '}',
    '',
  ].join('\n'));
  for (const variant of ['THROWING', 'OLDER']) {
    const prebuilds = join(dir, variant);
    const folder = join(prebuilds, 'prebuilds', `${process.platform}-${process.arch}`);
    mkdirSync(folder, { recursive: true });
    const cc = await run('cc', ['-shared', '-fPIC', '-DNAPI_VERSION=8', `-D${variant}`, '-I', join(nodePrefix, 'include', 'node'), '-o', join(folder, 'rtnetlink.glibc.node'), source]);
    t.is(cc.code, 0, cc.stderr);
    const env = { PREBUILDS_ONLY: '1', RTNETLINK_PREBUILD: prebuilds, LIBC: 'glibc' };
    t.deepEqual(await inFreshNode(t, readerScript(bundleDir), [], env), { status: 'accepted', reader: 'fs' }, variant);
    t.deepEqual(await inFreshNode(t, statusScript(bundleDir), [], env), { codeCache: 'accepted', eperm: 'EPERM', sandbox: 'function' }, variant);
  }
});

test('the library takes the helper the loader loaded: one binary loaded in all; without a cache the library loads its own', async (t) => {
  // Every .node file is loaded through process.dlopen (by the loader, the library, or a `require`):
  // count the calls. The import loads neither the library nor the helper (facade.cjs); the first
  // open loads the library, whose loader loads the helper to read the cache and hands it over.
  const script = [
    'let loads = 0;',
    'const dlopen = process.dlopen;',
    'process.dlopen = function (...args) { loads++; return Reflect.apply(dlopen, this, args); };',
    `const { RtNetlink } = await import(${JSON.stringify(pathToFileURL(join(bundleDir, 'rtnetlink.cjs')).href)});`,
    'const atImport = loads;',
    'const nl = await RtNetlink.open();',
    "const lo = await nl.links.get('lo');",
    'nl.close();',
    'console.log(JSON.stringify({ lo: lo.ifindex, atImport, atOpen: loads - atImport }));',
  ].join('\n');
  t.deepEqual(await inFreshNode(t, script), { lo: 1, atImport: 0, atOpen: 1 });
  t.deepEqual(await inFreshNode(t, script, [], { RTNETLINK_CODE_CACHE: '0' }), { lo: 1, atImport: 0, atOpen: 1 });
});

test('the cache skips comparing library.cjs only while it is the very file the cache was stamped for; the install script stamps a copy', async (t) => {
  // The build stamped its cache: no comparison.
  t.deepEqual(await inFreshNode(t, checkScript(bundleDir)), { status: 'accepted', check: 'stamp', eperm: 'EPERM' });
  // A copy (another inode, other times): compared, and used.
  const copy = tempDir(t, 'rtnl-bundle-');
  cpSync(bundleDir, copy, { recursive: true });
  t.deepEqual(await inFreshNode(t, checkScript(copy)), { status: 'accepted', check: 'content', eperm: 'EPERM' });
  // The install script's --if-stale keeps that cache and stamps it for the copy.
  const stamp = await run(process.execPath, [join(copy, 'code-cache.js'), '--if-stale']);
  t.is(stamp.code, 0, stamp.stderr);
  t.is(stamp.stdout, '', 'nothing was remade');
  t.deepEqual(await inFreshNode(t, checkScript(copy)), { status: 'accepted', check: 'stamp', eperm: 'EPERM' });
  // An edit of the same length, with the modification time set back as it was: the change time
  // (which cannot be set back) differs, so it is compared, and the cache refused.
  // (touch -r copies the times to the nanosecond; utimes from Node rounds them.)
  const file = join(copy, 'library.cjs');
  const times = join(copy, 'times');
  writeFileSync(times, '');
  execFileSync('touch', ['-r', file, times]);
  const before = statSync(file, { bigint: true });
  writeFileSync(file, readFileSync(file, 'latin1').replace('[1,"EPERM",', '[1,"EPERX",'), 'latin1');
  execFileSync('touch', ['-r', times, file]);
  const after = statSync(file, { bigint: true });
  t.deepEqual([after.size, after.mtimeNs, after.ino], [before.size, before.mtimeNs, before.ino]);
  t.deepEqual(await inFreshNode(t, checkScript(copy)), { status: 'stale', check: null, eperm: 'EPERX' });
  // A cache whose wrapper is not the loader's (a hand-made file): refused before anything runs.
  const forged = tempDir(t, 'rtnl-bundle-');
  cpSync(bundleDir, forged, { recursive: true });
  const cache = readFileSync(join(forged, 'library.cjs.cache'));
  const at = cache.indexOf('(function (exports, require, module, __filename, __dirname) {');
  t.true(at > 0);
  cache.write('(function (exports, require, module, __filename, __dirnamX) {', at, 'latin1');
  writeFileSync(join(forged, 'library.cjs.cache'), cache);
  t.deepEqual(await inFreshNode(t, checkScript(forged)), { status: 'stale', check: null, eperm: 'EPERM' });
});

test('loading reads no option from a polluted Object.prototype', async (t) => {
  const missing = tempDir(t, 'rtnl-bundle-');
  cpSync(bundleDir, missing, { recursive: true });
  rmSync(join(missing, 'library.cjs.cache'));
  const pollute = [
    "for (const k of ['payload', 'cachedData', 'produceCachedData', 'importModuleDynamically', 'lineOffset', 'columnOffset', 'filename', 'status', 'exports', 'reader'])",
    "  Object.defineProperty(Object.prototype, k, { value: Buffer.from('polluted'), writable: true, configurable: true, enumerable: false });",
    // Functions the loader calls when a module or the helper has them: only their own are called.
    'globalThis.calls = 0;',
    "for (const k of ['__adoptNativeBinding', 'fileOpen', 'fileStamp', 'fileReadScript'])",
    '  Object.defineProperty(Object.prototype, k, { value: () => { globalThis.calls++; return 0; }, writable: true, configurable: true, enumerable: false });',
  ].join('\n');
  for (const [dir, status] of [[bundleDir, 'accepted'], [missing, 'missing']] as const) {
    t.deepEqual(await inFreshNode(t, `${pollute}\n${statusScript(dir)}`), { codeCache: status, eperm: 'EPERM', sandbox: 'function' }, status);
  }
  // The helper has its own file functions and the library its own __adoptNativeBinding; the command's
  // module (cli.cjs) likewise: none of the polluted functions runs.
  const calls = `${pollute}\nconst { loadScript } = await import(${JSON.stringify(pathToFileURL(join(bundleDir, 'load.cjs')).href)});\n` +
    "console.log(JSON.stringify([loadScript('library.cjs').reader, loadScript('cli.cjs').reader, globalThis.calls]));";
  t.deepEqual(await inFreshNode(t, calls), ['helper', 'helper', 0]);
});

test('RTNETLINK_CODE_CACHE=0 reads no cache: the library compiles from source', async (t) => {
  const r = await run(process.execPath, ['--input-type=module', '-e', statusScript(bundleDir)], { env: { ...process.env, RTNETLINK_CODE_CACHE: '0' } });
  t.is(r.code, 0, r.stderr);
  t.deepEqual(JSON.parse(r.stdout), { codeCache: 'disabled', eperm: 'EPERM', sandbox: 'function' });
});

test('V8 refuses the cache under other V8 flags; the library is compiled from source', async (t) => {
  t.deepEqual(await inFreshNode(t, statusScript(bundleDir), ['--min-semi-space-size=16']), { codeCache: 'rejected', eperm: 'EPERM', sandbox: 'function' });
});

test('with source maps enabled the library is required, and stack traces point at lib/**/*.ts', async (t) => {
  const code = [
    `const { RtNetlink } = await import(${JSON.stringify(pathToFileURL(join(bundleDir, 'rtnetlink.cjs')).href)});`,
    loadLibrary(bundleDir),
    'const e = await RtNetlink.open({ bogus: 1 }).catch((x) => x);',
    'console.log(JSON.stringify({ codeCache, name: e.name, frame: e.stack.split("\\n")[1] }));',
  ].join('\n');
  const r = await inFreshNode(t, code, ['--enable-source-maps']) as { codeCache: string; name: string; frame: string };
  t.is(r.codeCache, 'bypassed');
  t.is(r.name, 'ValidationError');
  t.regex(r.frame, /lib\/netlink\/core\/validate\.ts:\d+:\d+\)$/);
  // Without, they point at library.cjs, with the line numbers of the file.
  const plain = await inFreshNode(t, code) as { codeCache: string; frame: string };
  t.is(plain.codeCache, 'accepted');
  const [, line, column] = /library\.cjs:(\d+):(\d+)\)$/.exec(plain.frame) ?? [];
  t.truthy(line, plain.frame);
  const text = readFileSync(join(bundleDir, 'library.cjs'), 'latin1').split('\n')[Number(line) - 1] ?? '';
  t.true(text.slice(Number(column) - 1).startsWith('throw') || text.slice(Number(column) - 1).startsWith('new '), `${plain.frame}: ${text.slice(Number(column) - 1, Number(column) + 40)}`);
});

test('the two entry points share their classes: errors thrown by one are instances of the other\'s exports', async (t) => {
  const rtnetlink = await import(pathToFileURL(join(root, 'dist/bundle/rtnetlink.cjs')).href) as typeof import('../lib/netlink/index.js');
  const sandbox = await import(pathToFileURL(join(root, 'dist/bundle/sandbox.cjs')).href) as typeof import('../lib/sandbox/index.js');
  t.is(sandbox.NetlinkError, rtnetlink.NetlinkError);
  t.is(sandbox.ValidationError, rtnetlink.ValidationError);
  const e = t.throws(() => sandbox.generateKey(''));
  t.true(e instanceof rtnetlink.ValidationError);
  t.is(e?.constructor.name, 'ValidationError');
});

test('the bundles work without process.getBuiltinModule (Node 20 before 20.16): the library and the rtnl command', async (t) => {
  const rtnl = await run(process.execPath, ['-e', `delete process.getBuiltinModule; process.argv.splice(1, 1, ${JSON.stringify(join(bundleDir, 'rtnl.cjs'))}, '-j', 'link', 'show', 'lo'); require(${JSON.stringify(join(bundleDir, 'rtnl.cjs'))});`]);
  t.is(rtnl.code, 0, rtnl.stderr);
  t.is((JSON.parse(rtnl.stdout) as Array<{ ifname: string }>)[0]?.ifname, 'lo');
  const script = [
    'delete process.getBuiltinModule;',
    `const { netns, errnoName } = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/bundle/rtnetlink.cjs')).href)});`,
    `const { generateKey, setBasePath } = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/bundle/sandbox.cjs')).href)});`,
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
  const bundled = readdirSync(bundleDir).filter((f) => /\.c?js$/.test(f))
    .flatMap((f) => [...readFileSync(join(bundleDir, f), 'utf8').matchAll(/\b(?:(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*)?class(?:\s+(?!extends\b)([A-Za-z_$][\w$]*))?(?=[\s{])/g)]
      .map((m) => m[2] ?? m[1] ?? '(anonymous)'));
  t.true(bundled.length >= declared.size / 2, `${bundled.length} classes in the bundles, ${declared.size} declared in lib/`);
  t.deepEqual(bundled.filter((name) => !declared.has(name)), []);
});

test('bundles keep lines short: Node prints the source line of an uncaught error, which must not be the whole library', (t) => {
  for (const f of readdirSync(bundleDir).filter((x) => /\.c?js$/.test(x))) {
    const lines = readFileSync(join(bundleDir, f), 'utf8').split('\n');
    const longest = Math.max(...lines.map((l) => l.length));
    t.true(longest <= 1000, `${f}: a line of ${longest} characters`);
  }
});

test('source maps: the library and the command link their maps, which point through tsc\'s maps at lib/**/*.ts files that ship', (t) => {
  for (const f of ['library.cjs', 'cli.cjs']) {
    const src = readFileSync(join(bundleDir, f), 'utf8');
    t.true(src.endsWith(`//# sourceMappingURL=${f}.map\n`), f);
    const map = JSON.parse(readFileSync(join(bundleDir, `${f}.map`), 'utf8')) as { sources: string[]; mappings: string };
    const files = map.sources.filter((s) => !s.startsWith('builtin:'));
    t.true(files.length > 10, f);
    for (const s of files) {
      const path = relative(root, resolve(bundleDir, s));
      t.regex(path, /^lib\/.*\.ts$/, `${f}: ${s}`);
      t.true(existsSync(join(root, path)), path);
    }
  }
});
