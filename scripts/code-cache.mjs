// Writes dist/bundle/library.cjs.cache: V8's code cache of the library, made by loading it exactly as an
// import does (dist/bundle/load.js, which exports the compiled script for this purpose), with the header
// and the copy of the source load.js checks. Run by scripts/bundle.mjs in a fresh process without
// NODE_OPTIONS, so the cache is made under the V8 flags a plain `node` has (V8 refuses a cache made under
// other flags).
//
// Before the cache is taken, the library lists what the build machine's network namespace has (links,
// addresses, routes, neighbours, rules: read-only dumps, no privileges needed) and turns every object into
// JSON, a plain object and text: the cache then holds the bytecode of the functions a first dump runs, so
// a fresh process does not compile them (~4 ms less for a first `links.list()` with `toObject()` here).
// Nothing is changed. Without the native helper (not built yet) the cache holds the top-level code only.
//
// Usage: node scripts/code-cache.mjs        (after scripts/bundle.mjs wrote dist/bundle/)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bundle');
const { cacheFile, codeCache, library, libraryScript } = await import(pathToFileURL(join(bundle, 'load.js')).href);
if (codeCache !== 'missing') throw new Error(`scripts/code-cache: expected no cache yet, found one (${codeCache})`);

/** Runs the read-only dumps (see the header); returns why not if they could not run. */
async function warmUp() {
  let nl;
  try {
    nl = await library.RtNetlink.open();
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
  try {
    for (const list of [nl.links.list(), nl.addresses.list(), nl.routes.list(), nl.neighbors.list(), nl.rules.list()]) {
      for (const x of await list) {
        x.toObject();
        JSON.stringify(x);
        String(x);
      }
    }
  } finally {
    nl.close();
  }
  return undefined;
}

const skipped = await warmUp();
if (skipped !== undefined) process.stderr.write(`scripts/code-cache: no warm-up dumps (${skipped}); the cache holds the top-level code\n`);
const payload = libraryScript.createCachedData();
const source = readFileSync(join(bundle, 'library.cjs'));
writeFileSync(join(bundle, 'library.cjs.cache'), cacheFile(source, payload));
