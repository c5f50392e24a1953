// dist/bundle/code-cache.js (copied verbatim by scripts/bundle.mjs): writes dist/bundle/library.cjs.cache,
// V8's code cache of the library, made by loading it exactly as an import does (load.cjs, which exports
// the compiled script for this purpose), with the header and the copy of the source load.cjs checks.
// Run in a fresh process without NODE_OPTIONS, so the cache is made under the V8 flags a plain `node`
// has (V8 refuses a cache made under other flags): by scripts/bundle.mjs at every build, and by the
// install script (native/build.mjs) with `--if-stale`, which keeps a cache this node accepts and
// otherwise makes one for it (a package packed on another Node version).
//
// Before the cache is taken, the library lists what the build machine's network namespace has (links,
// addresses, routes, neighbours, rules: read-only dumps, no privileges needed) and turns every object into
// JSON, a plain object and text: the cache then holds the bytecode of the functions a first dump runs, so
// a fresh process does not compile them (~4 ms less for a first `links.list()` with `toObject()` here).
// Nothing is changed. Without the native helper (not built yet) the cache holds the top-level code only.
//
// Usage: node dist/bundle/code-cache.js [--if-stale]
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bundle = dirname(fileURLToPath(import.meta.url));
const ifStale = process.argv.includes('--if-stale');
const { cacheFile, codeCache, library, libraryScript } = createRequire(import.meta.url)('./load.cjs');
if (libraryScript === undefined) throw new Error('code-cache: the library was required (source maps are on): no script to take a cache of');
if (ifStale && codeCache === 'accepted') process.exit(0);
if (!ifStale && codeCache !== 'missing') throw new Error(`code-cache: expected no cache yet, found one (${codeCache})`);

/** Runs the read-only dumps (see the header); returns why not if they could not run, or failed. */
async function warmUp() {
  let nl;
  try {
    nl = await library.RtNetlink.open();
    for (const list of [() => nl.links.list(), () => nl.addresses.list(), () => nl.routes.list(), () => nl.neighbors.list(), () => nl.rules.list()]) {
      for (const x of await list()) {
        x.toObject();
        JSON.stringify(x);
        String(x);
      }
    }
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0] : String(e);
  } finally {
    nl?.close();
  }
}

const skipped = await warmUp();
if (skipped !== undefined) process.stderr.write(`rtnetlink: code cache without (all) warm-up dumps (${skipped}): a first dump compiles what is missing\n`);
const payload = libraryScript.createCachedData();
const source = readFileSync(join(bundle, 'library.cjs'));
// Written aside and renamed: a process importing meanwhile reads the old cache or the new one, whole.
const file = join(bundle, 'library.cjs.cache');
writeFileSync(`${file}.${process.pid}.tmp`, cacheFile(source, payload));
renameSync(`${file}.${process.pid}.tmp`, file);
if (ifStale) console.log(`rtnetlink: made the library's code cache for this node (it had ${codeCache === 'missing' ? 'none' : `one it could not use: ${codeCache}`})`);
