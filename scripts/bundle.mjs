// Bundles the package's code into a few files, the last step of `npm run build`.
//
// Why: an unbundled `import('rtnetlink')` loads ~60 ES modules; Node resolves, reads, compiles and links
// each one, which cost ~60–100 ms of a process's start (issue 9, item 5). One ES module holding the whole
// library still cost ~10 ms to compile on each start (V8 parses ~30 µs per KB here), and Node 20 has no
// compile cache for ES modules. So the library is one CommonJS module, which load.cjs compiles with
// node:vm from a V8 code cache made at build time (~2 ms instead of ~10); the `rtnl` command likewise.
// The entry points are small CommonJS modules too: `import` of an ES module file makes Node 20 load its
// promise-based file reading (fs/promises, readline: ~4 ms), which CommonJS files do not need;
// `import { X } from 'rtnetlink'` finds their names with Node's CommonJS export lexer, and
// `require('rtnetlink')` works on every Node 20.
//   dist/bundle/library.cjs       the code of both entry points (lib/library.ts; esbuild's CommonJS
//                                 output of tsc's output): one copy of every class, so `instanceof
//                                 NetlinkError` holds across the two entry points
//   dist/bundle/cli.cjs           the `rtnl` command's code (lib/cli/run.ts), self-contained
//   dist/bundle/*.cjs.cache       their V8 code caches (made by code-cache.js, scripts/code-cache.js, in
//                                 a fresh process, after read-only work; the install script remakes
//                                 them for a node that cannot use them): a header naming the V8
//                                 version, the architecture and the lengths, a copy of the module,
//                                 V8's data; load.cjs uses a cache only when all match
//   dist/bundle/load.cjs          compiles and runs each of them once per process, reading the
//                                 caches with the native helper when it loads
//                                 (scripts/library-loader.cjs bundled with native-path.ts; with
//                                 source maps enabled it `require`s)
//   dist/bundle/facade.cjs        what both entry points export, without the library's code: classes
//                                 joined to the library's on first use, forwarding functions, constant
//                                 copies (scripts/library-facade.cjs and code generated from tsc's
//                                 exports); the first use loads library.cjs through load.cjs
//   dist/bundle/rtnetlink.cjs     the root entry (package.json `exports["."].default`): exports, by
//                                 name, what dist/lib/netlink/index.js exports (facade.cjs's)
//   dist/bundle/sandbox.cjs       `rtnetlink/sandbox`: likewise for dist/lib/sandbox/index.js
//   dist/bundle/rtnl.cjs          the `rtnl` executable (package.json `bin`): runs cli.cjs's `runCli`
// with source maps that point through tsc's maps to lib/**/*.ts (shipped in the tarball). The type
// declarations stay tsc's (dist/lib/**/*.d.ts, package.json `exports[*].types`). The code is the tsc
// output as is, except for link-time rewrites, each checked so that a change of the source fails the
// build instead of shipping something wrong:
// - the native helper's loader finds the package root relative to its own file; in the bundle that
//   file is dist/bundle/*, two folders below the root instead of four.
// - `import.meta.url` in library.cjs and cli.cjs is the module's own URL, made from `__filename`.
// And one rewrite of esbuild's output: esbuild turns a top-level class that names itself inside its
// body into `var X = class _X {…}`, so `X.name` (what errors, `util.inspect` and users print) would
// be "_X". The inner name is changed back to `X ` (one space: same length, the source maps stay
// exact); that is the binding the class body had in the source.
//
// Usage: node scripts/bundle.mjs        (after tsc; `npm run build` runs both)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tscOut = join(root, 'dist', 'lib');
const outdir = join(root, 'dist', 'bundle');

/**
 * Entry point (dist/bundle/<name>.cjs) → the tsc output whose exports it exports again, and where
 * they are in library.cjs's exports (`null`: at the top; else under that key), as lib/library.ts
 * arranges them.
 */
const ENTRIES = {
  rtnetlink: { tsc: join(tscOut, 'netlink', 'index.js'), key: null },
  sandbox: { tsc: join(tscOut, 'sandbox', 'index.js'), key: 'sandbox' },
};

/** What stands for `import.meta` in library.cjs and cli.cjs: an object whose `url` is the module's own URL. */
const IMPORT_META = '__importMeta';

/** The `rtnl` command's code (lib/cli/run.ts: `runCli`), bundled self-contained into cli.cjs. */
const COMMAND = join(tscOut, 'cli', 'run.js');

/** Points the native loader's package root at the bundle's place (see the header). */
const PACKAGE_ROOT_FROM_TSC_OUTPUT = "new URL('../../../../', import.meta.url)";
const nativePackageRoot = {
  name: 'native-package-root',
  setup(build) {
    const native = join(tscOut, 'netlink', 'transport', 'native.js');
    build.onLoad({ filter: /[\\/]native\.js$/ }, (args) => {
      if (args.path !== native) return undefined;
      const src = readFileSync(native, 'utf8');
      const found = src.split(PACKAGE_ROOT_FROM_TSC_OUTPUT).length - 1;
      if (found !== 1) {
        throw new Error(`scripts/bundle: expected ${PACKAGE_ROOT_FROM_TSC_OUTPUT} once in ${relative(root, native)}, found it ${found} times: update this script`);
      }
      const fromBundle = `new URL(${JSON.stringify(`${relative(outdir, root)}/`)}, import.meta.url)`;
      return { loader: 'js', resolveDir: dirname(native), contents: src.replace(PACKAGE_ROOT_FROM_TSC_OUTPUT, fromBundle) };
    });
  },
};

/** Every `.js` file of the tsc output, as text. */
function tscSources() {
  return readdirSync(tscOut, { recursive: true }).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(tscOut, f), 'utf8'));
}

/** Gives back their own names to the classes esbuild renamed `_X` (see the header). */
function restoreClassNames(code, sources) {
  for (const [, name] of code.matchAll(/\bclass _([A-Za-z$][\w$]*)\b/g)) {
    const inner = `_${name}`;
    if (!code.includes(`${name}=class ${inner}`)) throw new Error(`scripts/bundle: class ${inner} is not \`${name}=class ${inner}\`: update this script`);
    if (sources.some((s) => s.includes(inner))) throw new Error(`scripts/bundle: ${inner} appears in the tsc output, cannot tell it from esbuild's renaming`);
    code = code.replace(new RegExp(`(?<![\\w$.])${inner.replaceAll('$', '\\$')}(?![\\w$])`, 'g'), `${name} `);
  }
  return code;
}

/** What esbuild's options for every bundle share. */
const COMMON = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // The library loads its native helper by path (lib/netlink/transport/native-path.ts); the install
  // script alone uses node-gyp-build. Kept external should anything require it again.
  external: ['node-gyp-build'],
  sourcemap: 'linked',
  // lib/**/*.ts ships in the tarball: the maps point at it instead of carrying copies.
  sourcesContent: false,
  minifyWhitespace: true,
  // ASCII only: load.cjs reads library.cjs as Latin-1 (a one-byte string, no UTF-8 decoding).
  charset: 'ascii',
  // Lines of at most ~160 characters: Node prints the source line of an uncaught error's first
  // frame, which in a one-line bundle is the whole library.
  lineLimit: 160,
  write: false,
  logLevel: 'warning',
};

/** Runs esbuild and writes its output, class names restored (see the header). */
async function build(options) {
  const result = await esbuild.build({ ...COMMON, ...options });
  if (result.errors.length > 0) process.exit(1);
  for (const file of result.outputFiles) {
    const text = /\.c?js$/.test(file.path) ? restoreClassNames(file.text, sources) : file.text;
    if (!/^[\x00-\x7f]*$/.test(text)) throw new Error(`scripts/bundle: ${relative(root, file.path)} is not ASCII`);
    writeFileSync(file.path, text);
  }
}

/**
 * dist/bundle/<name>.cjs: a CommonJS module exporting, by name, `names` of the facade (under `key`),
 * one `exports.X = …` line each, the form Node's CommonJS export lexer finds for `import { X }`.
 */
function entryModule(names, key) {
  const from = key === null ? '' : `.${key}`;
  return [
    '// Generated by scripts/bundle.mjs: the names are facade.cjs\'s; the code is in library.cjs, loaded on first use.',
    "'use strict';",
    `const l = require('./facade.cjs')${from};`,
    ...names.map((n) => `exports.${n} = l.${n};`),
    '',
  ].join('\n');
}

/** Whether a function's source uses `super.x` or `super[x]` (see library-facade.cjs: no copies then). */
const USES_SUPER_MEMBER = /\bsuper\s*(\.|\[)/;

/** `a0, a1, …`: a parameter list of `length` names, so that a generated function has that `length`. */
function params(length) {
  return Array.from({ length }, (_, i) => `a${i}`).join(', ');
}

/**
 * The code that makes a JSON-shaped constant: null, strings, finite numbers, booleans, arrays and plain
 * objects, each array or object frozen where the library's is; anything else fails the build.
 */
function constantCode(value, where) {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0)) throw new Error(`scripts/bundle: ${where} is ${value}, which facade.cjs cannot copy`);
    return JSON.stringify(value);
  }
  const array = Array.isArray(value);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== (array ? Array.prototype : Object.prototype) || !Object.isExtensible(value) && !Object.isFrozen(value)) {
    throw new Error(`scripts/bundle: ${where} is no JSON-shaped constant facade.cjs can copy: update this script`);
  }
  const parts = [];
  for (const k of Reflect.ownKeys(value)) {
    if (array && k === 'length') continue;
    const d = Object.getOwnPropertyDescriptor(value, k);
    if (typeof k !== 'string' || k === '__proto__' || !('value' in d) || !d.enumerable || !d.writable && !Object.isFrozen(value)) {
      throw new Error(`scripts/bundle: ${where}.${String(k)} is no plain data property`);
    }
    const code = constantCode(d.value, `${where}.${k}`);
    parts.push(array ? code : `${JSON.stringify(k)}: ${code}`);
  }
  if (array && parts.length !== value.length) throw new Error(`scripts/bundle: ${where} is a sparse array`);
  const literal = array ? `[${parts.join(', ')}]` : `{ ${parts.join(', ')} }`;
  return Object.isFrozen(value) ? `Object.freeze(${literal})` : literal;
}

/**
 * The generated part of dist/bundle/facade.cjs (see scripts/library-facade.cjs): both entry points'
 * exports as classes, forwarding functions and constants, each class and function once (by identity,
 * with the path of its first export in library.cjs's exports).
 */
async function facadeCode() {
  const classes = [];
  const functions = [];
  const index = new Map();
  const describe = (module, path) => Object.keys(module).map((name) => {
    const value = module[name];
    const at = [...path, name];
    const where = at.join('.');
    if (typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value))) {
      if (!index.has(value)) {
        if (value.name !== name) throw new Error(`scripts/bundle: class ${value.name} is exported as ${where}: facade.cjs names a class as it is exported`);
        const parent = Object.getPrototypeOf(value);
        const builtin = ['Error', 'TypeError', 'RangeError'].find((n) => globalThis[n] === parent);
        const statics = Reflect.ownKeys(value).filter((k) => !['length', 'name', 'prototype'].includes(k));
        for (const k of statics) {
          if (typeof k !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(k) || typeof Object.getOwnPropertyDescriptor(value, k).value !== 'function') {
            throw new Error(`scripts/bundle: ${where}.${String(k)} is a static that is no named method: update this script (facade.cjs)`);
          }
        }
        const sources = Reflect.ownKeys(value.prototype).map((k) => Object.getOwnPropertyDescriptor(value.prototype, k))
          .flatMap((d) => [d.value, d.get, d.set]).filter((f) => typeof f === 'function' && f !== value);
        const copy = !sources.some((f) => USES_SUPER_MEMBER.test(Function.prototype.toString.call(f)));
        const i = classes.length;
        const accessors = statics.map((k) => `static get ${k}() { return staticMember(${i}, '${k}'); } static set ${k}(value) { setStaticMember(${i}, '${k}', value); }`);
        const code = `class ${name}${builtin === undefined ? '' : ` extends ${builtin}`} {\n  constructor(${params(value.length)}) { return constructClass(${i}, new.target, arguments); }${accessors.map((a) => `\n  ${a}`).join('')}\n}`;
        index.set(value, `facadeClasses[${i}]`);
        classes.push({ path: at, copy, statics, code });
      }
      return [name, index.get(value)];
    }
    if (typeof value === 'function') {
      if (!index.has(value)) {
        if (!/^[A-Za-z_$][\w$]*$/.test(value.name)) throw new Error(`scripts/bundle: ${where} is a function named ${JSON.stringify(value.name)}: update this script (facade.cjs)`);
        index.set(value, `FUNCTIONS[${functions.length}]`);
        functions.push({ path: at, code: `function ${value.name}(${params(value.length)}) { return callFunction(${functions.length}, this, arguments); }` });
      }
      return [name, index.get(value)];
    }
    if (Object.prototype.toString.call(value) === '[object Module]') return [name, `Object.freeze({ ${describe(value, at).map(([k, c]) => `${k}: ${c}`).join(', ')} })`];
    return [name, constantCode(value, where)];
  });
  const root = describe(await import(pathToFileURL(ENTRIES.rtnetlink.tsc).href), []);
  const sandbox = describe(await import(pathToFileURL(ENTRIES.sandbox.tsc).href), ['sandbox']);
  const object = (entries) => `{\n${entries.map(([k, c]) => `  ${k}: ${c},`).join('\n')}\n}`;
  return [
    `const CLASS_PATHS = ${JSON.stringify(classes.map((c) => c.path))};`,
    `const CLASS_COPIES = ${JSON.stringify(classes.map((c) => c.copy))};`,
    `const CLASS_STATICS = ${JSON.stringify(classes.map((c) => c.statics))};`,
    `const FUNCTION_PATHS = ${JSON.stringify(functions.map((f) => f.path))};`,
    `facadeClasses.push(\n${classes.map((c) => c.code).join(',\n')},\n);`,
    `const FUNCTIONS = [\n${functions.map((f) => f.code).join(',\n')},\n];`,
    `Object.assign(exports, ${object(root)});`,
    `exports.sandbox = ${object(sandbox)};`,
    '',
  ].join('\n');
}

rmSync(outdir, { recursive: true, force: true });
const sources = tscSources();
mkdirSync(outdir, { recursive: true });

// The library (lib/library.ts: both entry points' code) and the command, each one CommonJS module that
// load.cjs compiles.
for (const [entry, out] of [[join(tscOut, 'library.js'), 'library.cjs'], [COMMAND, 'cli.cjs']]) {
  await build({
    entryPoints: [entry],
    outfile: join(outdir, out),
    outdir: undefined,
    format: 'cjs',
    define: { 'import.meta.url': `${IMPORT_META}.url` },
    // A getter: the URL is made when the code asks for it (on first use of the native helper), not at
    // every import (a first URL costs a fresh process ~0.1-0.3 ms).
    banner: { js: `"use strict";var ${IMPORT_META}={get url(){return require("node:url").pathToFileURL(__filename).href}};` },
    plugins: [nativePackageRoot],
  });
  if (readFileSync(join(outdir, out), 'utf8').includes('import.meta')) throw new Error(`scripts/bundle: ${out} still uses import.meta`);
}

// The loader (with the one module it imports: where the native helper is), the cache writer, the entry
// points and the command's executable. The loader stays readable (not minified); its comments are in
// scripts/library-loader.cjs.
const loader = await esbuild.build({
  absWorkingDir: root,
  entryPoints: [join(root, 'scripts', 'library-loader.cjs')],
  outfile: join(outdir, 'load.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  charset: 'ascii',
  banner: { js: '// Generated by scripts/bundle.mjs from scripts/library-loader.cjs (read the comments there) and\n// lib/netlink/transport/native-path.ts: loads library.cjs and cli.cjs from their V8 code caches.' },
  logLevel: 'warning',
});
if (loader.errors.length > 0) process.exit(1);
writeFileSync(join(outdir, 'code-cache.js'), readFileSync(join(root, 'scripts', 'code-cache.js')));
for (const [name, { tsc, key }] of Object.entries(ENTRIES)) {
  const names = Object.keys(await import(pathToFileURL(tsc).href));
  if (names.length === 0) throw new Error(`scripts/bundle: ${relative(root, tsc)} exports nothing`);
  for (const n of names) if (!/^[A-Za-z_$][\w$]*$/.test(n)) throw new Error(`scripts/bundle: export ${n} is not an identifier`);
  writeFileSync(join(outdir, `${name}.cjs`), entryModule(names, key));
}
// The entry points' facade: their names without the library's code (scripts/library-facade.cjs).
writeFileSync(join(outdir, 'facade.cjs'), [
  '// Generated by scripts/bundle.mjs from scripts/library-facade.cjs (read the comments there): what both entry',
  '// points export, the library loaded on first use.',
  readFileSync(join(root, 'scripts', 'library-facade.cjs'), 'utf8'),
  await facadeCode(),
].join('\n'));
writeFileSync(join(outdir, 'rtnl.cjs'), [
  '#!/usr/bin/env node',
  '// Generated by scripts/bundle.mjs: the `rtnl` command (package.json `bin`); its code is in cli.cjs,',
  '// loaded by load.cjs (lib/cli/main.ts is the same program for tsc\'s output).',
  "'use strict';",
  "const { runCli, STDIO } = require('./load.cjs').loadScript('cli.cjs').exports;",
  '// import() from this file, which Node compiled: cli.cjs, compiled from its code cache, cannot on Node 20.',
  'const io = { ...STDIO, importModule: (url) => import(url) };',
  'runCli(process.argv.slice(2), io).then((code) => { process.exitCode = code; });',
  '',
].join('\n'), { mode: 0o755 });

// The code caches, made in a fresh process under a plain node's V8 flags (no NODE_OPTIONS).
const { NODE_OPTIONS: _ignored, ...env } = process.env;
const cache = spawnSync(process.execPath, [join(outdir, 'code-cache.js')], { stdio: 'inherit', env });
if (cache.status !== 0) throw new Error(`scripts/bundle: dist/bundle/code-cache.js failed (${cache.status ?? cache.signal})`);
