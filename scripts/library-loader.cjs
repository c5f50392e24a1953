// dist/bundle/load.cjs: loads the package's bundled CommonJS modules — the library (library.cjs), once for
// both entry points, and the `rtnl` command (cli.cjs) — each compiled from the V8 code cache built beside
// it (<name>.cache) when that cache belongs to exactly that file and this V8. Copied verbatim by
// scripts/bundle.mjs; see there for why.
//
// A cache file is a header line, the module as it is compiled (the module's bytes inside the CommonJS
// wrapper) and V8's data. It is used when its header names this V8 version and this CPU architecture,
// the file has the lengths the header says, and the module it carries is byte for byte the module on
// disk: V8 itself checks only the source's length (an edited library.cjs of the same length would run
// the old code). Anything else — no cache, another Node, an edited module, a truncated cache — compiles
// the module from source. (No hash: loading node:crypto alone costs ~2 ms, as much as the cache saves.)
//
// The comparison is skipped when the module's file is still the very file the cache was made beside:
// the header records its device, inode, size, modification and change times (nanoseconds), as git's
// index does, and a write, a rename onto it, a copy or a chmod changes one of them (the change time
// cannot be set back). Then only the cache file is read, and the compiled string is cut from it: a
// fresh process touches ~200 fewer pages of memory (~2 ms where a page fault costs ~10 µs) and does
// not compare 400 KB. A package unpacked elsewhere (other stamps) compares; the install script
// (code-cache.js --if-stale) stamps the cache anew when the comparison holds.
//
// With source maps enabled (`--enable-source-maps`, `process.setSourceMapsEnabled(true)`), a module is
// `require`d instead: Node 20 maps stack traces only of the modules its loaders compiled. With
// RTNETLINK_CODE_CACHE=0 in the environment no cache is read (a user who trusts only the .cjs files).
'use strict';
const { createRequire } = require('node:module');
const { readFileSync, statSync } = require('node:fs');
const { Script } = require('node:vm');
const { join } = require('node:path');

/** What wraps a module when it is compiled here: the CommonJS module wrapper, on a line of its own. */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const WRAPPER_TAIL = '\n})';
const HEAD_BYTES = Buffer.from(WRAPPER_HEAD, 'latin1');
const TAIL_BYTES = Buffer.from(WRAPPER_TAIL, 'latin1');

/** A cache file's first line up to its stamp: the format, this V8 and this architecture. */
const CACHE_KIND = `rtnetlink-code-cache 3 ${process.versions.v8} ${process.arch}`;

/**
 * What identifies `file` as the very file it was: device, inode, size, modification and change
 * times (ns), or `-` when it is missing.
 */
function stampOf(file) {
  const s = statSync(file, { bigint: true, throwIfNoEntry: false });
  return s === undefined ? '-' : `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/**
 * The cache file of module `file`, whose bytes are `source`, with V8's `payload`: a header line (the
 * kind, `stamp`, the lengths), the wrapped module, the payload. `stamp` is `file`'s stamp when it was
 * taken, or `-`: a cache whose module is always compared.
 */
function cacheFile(stamp, source, payload) {
  const compiledLength = HEAD_BYTES.length + source.length + TAIL_BYTES.length;
  const header = Buffer.from(`${CACHE_KIND} ${stamp} ${compiledLength} ${payload.length}\n`, 'latin1');
  return Buffer.concat([header, HEAD_BYTES, source, TAIL_BYTES, payload]);
}

/** A cache that cannot be used, and why. */
function unusable(status) {
  return { status, check: undefined, compiled: undefined, payload: undefined };
}

/**
 * What `file`'s cache offers: when it belongs to `file` and this process, the compiled string (the
 * wrapped module) and V8's payload, and how that was established (`stamp`: the file is the one the
 * cache was made beside; `content`: the module was compared); else why not.
 */
function readCache(file) {
  if (process.env.RTNETLINK_CODE_CACHE === '0') return unusable('disabled');
  let cache;
  try {
    cache = readFileSync(`${file}.cache`);
  } catch {
    return unusable('missing');
  }
  const end = cache.indexOf(10);
  if (end === -1 || end > 512) return unusable('stale');
  const fields = cache.toString('latin1', 0, end).split(' ');
  if (fields.length !== 7 || fields.slice(0, 4).join(' ') !== CACHE_KIND) return unusable('stale');
  const compiledLength = Number(fields[5]);
  const payloadLength = Number(fields[6]);
  const start = end + 1;
  const stop = start + compiledLength;
  if (!Number.isSafeInteger(compiledLength) || !Number.isSafeInteger(payloadLength) || compiledLength < HEAD_BYTES.length + TAIL_BYTES.length || cache.length !== stop + payloadLength) return unusable('stale');
  if (!cache.subarray(start, start + HEAD_BYTES.length).equals(HEAD_BYTES) || !cache.subarray(stop - TAIL_BYTES.length, stop).equals(TAIL_BYTES)) return unusable('stale');
  let check = 'stamp';
  if (fields[4] === '-' || fields[4] !== stampOf(file)) {
    if (!readFileSync(file).equals(cache.subarray(start + HEAD_BYTES.length, stop - TAIL_BYTES.length))) return unusable('stale');
    check = 'content';
  }
  return { status: 'accepted', check, compiled: cache.toString('latin1', start, stop), payload: cache.subarray(stop) };
}

/**
 * Compiles `file` (from its cache when it may) and runs it; returns its exports, what the cache did,
 * how it was checked, the compiled script and the payload it used.
 */
function compileAndRun(file) {
  const cache = readCache(file);
  // The modules are ASCII (scripts/bundle.mjs checks): Latin-1 makes a one-byte string without
  // decoding. With a cache, the string is cut from the cache file, which holds it wrapped.
  const compiled = cache.compiled ?? `${WRAPPER_HEAD}${readFileSync(file, 'latin1')}${WRAPPER_TAIL}`;
  // No prototype: an option this file does not set must not come from a polluted Object.prototype.
  // (No `import()` in these modules: on Node 20 it fails in a script compiled from a code cache.)
  const script = new Script(compiled, {
    __proto__: null, filename: file, lineOffset: -1, cachedData: cache.payload,
  });
  const status = cache.status === 'accepted' && script.cachedDataRejected === true ? 'rejected' : cache.status;
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, __dirname);
  return { exports: module.exports, status, check: status === 'accepted' ? cache.check : undefined, script, payload: cache.payload };
}

/** What each module's loading gave, by file name. */
const loaded = new Map();

/**
 * Loads `name` (a module of dist/bundle/) once per process and returns its exports, what happened
 * to its code cache — `accepted` (used), `rejected` (V8 refused it: other V8 flags), `stale` (made
 * for another file, V8 or architecture, or damaged), `missing`, `disabled` (RTNETLINK_CODE_CACHE=0),
 * or `bypassed` (source maps are enabled: the module was `require`d) — how an accepted cache was
 * matched to the module (`check`: `stamp` or `content`), its compiled script and the cache's V8
 * payload (undefined when `require`d or when there was none).
 */
function loadScript(name) {
  let entry = loaded.get(name);
  if (entry === undefined) {
    const file = join(__dirname, name);
    entry = process.sourceMapsEnabled === true
      ? { exports: require(file), status: 'bypassed', check: undefined, script: undefined, payload: undefined }
      : compileAndRun(file);
    loaded.set(name, entry);
  }
  return entry;
}

exports.loadScript = loadScript;

/** How code-cache.js lays out the cache files this module reads, and the stamp they carry. */
exports.cacheFile = cacheFile;
exports.stampOf = stampOf;

/** Everything both entry points export (library.cjs): the root's exports, and the sandbox's as `sandbox`. */
Object.defineProperty(exports, 'library', { enumerable: true, get: () => loadScript('library.cjs').exports });

/** What happened to the library's code cache (see {@link loadScript}). */
Object.defineProperty(exports, 'codeCache', { enumerable: true, get: () => loadScript('library.cjs').status });
