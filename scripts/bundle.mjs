// Bundles each public entry point of the package into one ESM file, the last step of `npm run build`.
//
// Why: an unbundled `import('rtnetlink')` loads ~60 ES modules; Node resolves, reads, compiles and links
// each one, which cost ~60–100 ms of a process's start (issue 9, item 5). One file per entry point
// costs a fraction of that.
//
// What: esbuild links tsc's output (dist/lib/**/*.js, the code the tests run) into
//   dist/bundle/rtnetlink.js   the root entry (package.json `exports["."].default`)
//   dist/bundle/sandbox.js     `rtnetlink/sandbox`
//   dist/bundle/rtnl.js        the `rtnl` command (package.json `bin`), self-contained
//   dist/bundle/shared-*.js    the code both use (esbuild's code splitting): one copy of every class,
//                              so `instanceof NetlinkError` holds across the two entry points
// with source maps that point through tsc's maps to lib/**/*.ts (shipped in the tarball). The type
// declarations stay tsc's (dist/lib/**/*.d.ts, package.json `exports[*].types`). The code is the tsc
// output as is, except for two link-time rewrites below, each checked so that a change of the source
// fails the build instead of shipping something wrong:
// - `node:` built-in modules (except `node:module`) are read with `process.getBuiltinModule` (Node >=
//   20.16; `createRequire` before that) instead of `import`: importing a built-in as ESM builds its
//   ESM facade, which reads every export — for `node:fs` that loads the streams stack (22 internal
//   modules, ~2 ms).
// - the native helper's loader finds the package root relative to its own file; in the bundle that
//   file is dist/bundle/*.js, two folders below the root instead of four.
// And one rewrite of esbuild's output: esbuild turns a top-level class that names itself inside its
// body into `var X = class _X {…}`, so `X.name` (what errors, `util.inspect` and users print) would
// be "_X". The inner name is changed back to `X ` (one space: same length, the source maps stay
// exact); that is the binding the class body had in the source.
//
// Usage: node scripts/bundle.mjs        (after tsc; `npm run build` runs both)
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tscOut = join(root, 'dist', 'lib');
const outdir = join(root, 'dist', 'bundle');

/** Bundle name (dist/bundle/<name>.js) → the tsc output it starts from. */
const ENTRIES = {
  rtnetlink: join(tscOut, 'netlink', 'index.js'),
  sandbox: join(tscOut, 'sandbox', 'index.js'),
};

/**
 * The `rtnl` command (package.json `bin`): one self-contained file, bundled apart from the library's
 * entries (every invocation is a new process, and sharing chunks with it would split the library's
 * shared chunk in two, one more module for every `import('rtnetlink')`).
 */
const COMMANDS = {
  rtnl: join(tscOut, 'cli', 'main.js'),
};

/** Built-ins still imported as ESM: `node:module`'s facade is cheap, and the shims below use it. */
const ESM_BUILTINS = new Set(['node:module']);

/**
 * The named imports of each `node:` built-in across the tsc output, e.g. `node:fs` → {readdirSync, …}.
 * Any other import form of a built-in (namespace, default) fails the build: the shim would not know
 * what to export.
 */
function builtinImports() {
  const names = new Map();
  for (const file of readdirSync(tscOut, { recursive: true })) {
    if (!file.endsWith('.js')) continue;
    const src = readFileSync(join(tscOut, file), 'utf8');
    for (const m of src.matchAll(/^import\s+([^'";]*?)\s+from\s+'(node:[^']+)';/gm)) {
      const [, clause, id] = m;
      if (ESM_BUILTINS.has(id)) continue;
      const named = /^\{([^}]*)\}$/.exec(clause.trim());
      if (named === null) throw new Error(`scripts/bundle: ${file}: unsupported import of ${id} (${clause}): use named imports`);
      const set = names.get(id) ?? names.set(id, new Set()).get(id);
      for (const spec of named[1].split(',')) {
        const name = spec.trim().split(/\s+as\s+/)[0];
        if (name !== '') set.add(name);
      }
    }
  }
  return names;
}

/** Serves `node:*` imports from a module that reads the built-in without building its ESM facade. */
function builtinsWithoutFacades(names) {
  return {
    name: 'builtins-without-facades',
    setup(build) {
      build.onResolve({ filter: /^node:/ }, (args) =>
        ESM_BUILTINS.has(args.path) || args.namespace === 'builtin'
          ? { path: args.path, external: true }
          : { path: args.path, namespace: 'builtin' });
      build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => {
        const used = [...(names.get(args.path) ?? [])];
        const id = JSON.stringify(args.path);
        return {
          loader: 'js',
          contents: [
            "import { createRequire } from 'node:module';",
            `const m = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule(${id}) : createRequire(import.meta.url)(${id});`,
            `export const { ${used.join(', ')} } = m;`,
          ].join('\n'),
        };
      });
    },
  };
}

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

rmSync(outdir, { recursive: true, force: true });
const sources = tscSources();
mkdirSync(outdir, { recursive: true });
for (const [entryPoints, splitting] of [[ENTRIES, true], [COMMANDS, false]]) {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints,
    outdir,
    entryNames: '[name]',
    chunkNames: 'shared-[hash]',
    bundle: true,
    splitting,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The CommonJS loader of the native helper: loaded with require() on first use.
    external: ['node-gyp-build'],
    sourcemap: 'linked',
    // lib/**/*.ts ships in the tarball: the maps point at it instead of carrying copies.
    sourcesContent: false,
    minifyWhitespace: true,
    // Lines of at most ~160 characters: Node prints the source line of an uncaught error's first
    // frame, which in a one-line bundle is the whole library.
    lineLimit: 160,
    plugins: [builtinsWithoutFacades(builtinImports()), nativePackageRoot],
    write: false,
    logLevel: 'warning',
  });
  if (result.errors.length > 0) process.exit(1);
  for (const file of result.outputFiles) {
    writeFileSync(file.path, file.path.endsWith('.js') ? restoreClassNames(file.text, sources) : file.contents);
  }
}
