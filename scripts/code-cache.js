// dist/bundle/code-cache.js (copied verbatim by scripts/bundle.mjs): writes the V8 code caches of the
// bundled modules load.cjs compiles — library.cjs.cache and cli.cjs.cache — each made by loading the
// module exactly as the package does (load.cjs, which returns the compiled script for this purpose), with
// the header and the copy of the source load.cjs checks. Run in a fresh process without NODE_OPTIONS, so
// a cache is made under the V8 flags a plain `node` has (V8 refuses a cache made under other flags): by
// scripts/bundle.mjs at every build, and by the install script (native/build.mjs) with `--if-stale`,
// which keeps the caches this node accepts and makes the others for it (a package packed on another
// Node version). A kept cache whose module had to be compared (the package was unpacked or copied: the
// file's stamp changed) gets this file's stamp, so that later loads skip the comparison.
//
// Before a cache is taken, the module does read-only work on the build machine's network namespace: the
// library validates and encodes sample requests into a scratch buffer (lib/warm-up.ts: nothing is sent),
// then lists links, addresses, routes, neighbours and rules and turns every object into JSON, a plain
// object and text; the command runs its `show` commands with their output thrown away. A cache then holds
// the bytecode of the functions a first dump (a first `rtnl … show`) runs, so a fresh process does not
// compile them (~4 ms less for a first `links.list()` with `toObject()` here). Nothing is changed.
// Without the native helper (not built yet) a cache holds the top-level code only.
//
// Usage: node dist/bundle/code-cache.js [--if-stale]
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bundle = dirname(fileURLToPath(import.meta.url));
const ifStale = process.argv.includes('--if-stale');
// The caches are made whatever the caller's RTNETLINK_CODE_CACHE says (load.cjs reads it at each load).
delete process.env.RTNETLINK_CODE_CACHE;
const { cacheFile, loadScript, readCache, stampOf } = createRequire(import.meta.url)('./load.cjs');

/**
 * The library's warm-up: the validation and encoding of common requests (nothing is sent), then
 * read-only dumps, each object used whole.
 */
async function warmLibrary({ RtNetlink, __warmEncoders }) {
  __warmEncoders();
  const nl = await RtNetlink.open();
  try {
    for (const list of [() => nl.links.list(), () => nl.addresses.list(), () => nl.routes.list(), () => nl.neighbors.list(), () => nl.rules.list()]) {
      for (const x of await list()) {
        x.toObject();
        JSON.stringify(x);
        String(x);
      }
    }
  } finally {
    nl.close();
  }
}

/** The command's `show` commands (read-only), text and JSON, output thrown away. */
const SHOW_COMMANDS = [
  ['link', 'show'], ['-j', 'link', 'show'], ['-d', '-s', 'link', 'show'], ['address', 'show'], ['-j', 'address', 'show'],
  ['route', 'show'], ['-j', 'route', 'show'], ['-6', 'route', 'show'], ['neigh', 'show'], ['-j', 'neigh', 'show'],
  ['rule', 'show'], ['-j', 'rule', 'show'], ['help'],
];

/** The command's warm-up; a command that fails is an error (its message went nowhere). */
async function warmCommand({ runCli }) {
  let failure = '';
  const io = { out() {}, err(text) { failure += text; } };
  for (const argv of SHOW_COMMANDS) {
    if (await runCli(argv, io) !== 0) throw new Error(`rtnl ${argv.join(' ')}: ${failure.trim()}`);
  }
}

/** Each bundled module load.cjs compiles, and its warm-up. */
const MODULES = [['library.cjs', warmLibrary], ['cli.cjs', warmCommand]];

/**
 * `file`'s stamp (see load.cjs), taken once the file's change time is ≥ 100 ms old: the kernel's file
 * times tick coarsely (every 1–10 ms), so a write in the same tick as the stamp would keep the times
 * it records. Waiting a tick out means any later write shows.
 */
function settledStamp(file) {
  for (;;) {
    const ageMs = Date.now() - Number(statSync(file, { bigint: true }).ctimeNs / 1_000_000n);
    if (ageMs >= 100) return stampOf(file);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100 - Math.max(ageMs, 0));
  }
}

/**
 * Writes `data` as `file`'s cache: aside, then renamed, so a process starting meanwhile reads the old
 * cache or the new one, whole; a write that fails (a full disk, a read-only package) leaves no
 * partial file behind. Only a file this process created is ever removed.
 */
function writeCache(file, data) {
  const aside = `${file}.cache.${process.pid}.tmp`;
  let created = false;
  try {
    const fd = openSync(aside, 'wx', 0o644);
    created = true;
    try {
      writeFileSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(aside, `${file}.cache`);
  } catch (e) {
    if (created) rmSync(aside, { force: true });
    throw e;
  }
}

for (const [name, warmUp] of MODULES) {
  const { exports, script, status, check } = loadScript(name);
  if (script === undefined) throw new Error(`code-cache: ${name} was required (source maps are on): no script to take a cache of`);
  const file = join(bundle, name);
  if (ifStale && status === 'accepted') {
    // The cache fits this node, but the module was compared to it: the package was unpacked or copied
    // here. Stamp it for this file, so that later loads need not compare. Best effort: a package
    // that cannot be written (read-only, a shared store) keeps comparing, as it did.
    if (check === 'content') {
      try {
        // (readCache reads the module text again, into memory this short-lived process never gives back.)
        writeCache(file, cacheFile(settledStamp(file), readFileSync(file), readCache(file).payload));
      } catch { /* the cache still works, compared */ }
    }
    continue;
  }
  if (!ifStale && status !== 'missing') throw new Error(`code-cache: expected no cache of ${name} yet, found one (${status})`);
  try {
    await warmUp(exports);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    process.stderr.write(`rtnetlink: the code cache of ${name} has no (or part of its) warm-up (${why}): a first call compiles what is missing\n`);
  }
  writeCache(file, cacheFile(settledStamp(file), readFileSync(file), script.createCachedData()));
  if (ifStale) console.log(`rtnetlink: made the code cache of ${name} for this node (it had ${status === 'missing' ? 'none' : `one it could not use: ${status}`})`);
}
