// dist/bundle/load.cjs: loads the package's bundled CommonJS modules — the library (library.cjs), once for
// both entry points, and the `rtnl` command (cli.cjs) — each compiled from the V8 code cache built beside
// it (<name>.cache) when that cache belongs to exactly that file and this V8. Copied verbatim by
// scripts/bundle.mjs; see there for why.
//
// A cache is only an optimisation. It is used when its header names this V8 version and this CPU
// architecture, the file has the lengths the header says, and the copy of the module it carries is
// byte for byte the module being compiled: V8 itself checks only the source's length (an edited
// library.cjs of the same length would run the old code). Anything else — no cache, another Node, an
// edited module, a truncated cache — compiles the module from source. (No hash: loading node:crypto
// alone costs ~2 ms, as much as the cache saves; comparing the copy costs ~0.1 ms.)
//
// With source maps enabled (`--enable-source-maps`, `process.setSourceMapsEnabled(true)`), a module is
// `require`d instead: Node 20 maps stack traces only of the modules its loaders compiled. With
// RTNETLINK_CODE_CACHE=0 in the environment no cache is read (a user who trusts only the .cjs files).
'use strict';
const { createRequire } = require('node:module');
const { readFileSync } = require('node:fs');
const { Script } = require('node:vm');
const { join } = require('node:path');

/** What wraps a module when it is compiled here: the CommonJS module wrapper, on a line of its own. */
const WRAPPER_HEAD = Buffer.from('(function (exports, require, module, __filename, __dirname) {\n', 'latin1');
const WRAPPER_TAIL = Buffer.from('\n})', 'latin1');

/**
 * The cache file for `source` (a module's bytes) and V8's `payload`, made by this V8 on this
 * architecture: a header line, the source, the payload.
 */
function cacheFile(source, payload) {
  const header = `${cacheHeader(source.length, payload.length)}\n`;
  return Buffer.concat([Buffer.from(header, 'latin1'), source, payload]);
}

/** A cache file's first line (without its newline). */
function cacheHeader(sourceLength, payloadLength) {
  return `rtnetlink-code-cache 2 ${process.versions.v8} ${process.arch} ${sourceLength} ${payloadLength}`;
}

/** The V8 payload of `file`'s cache if that cache belongs to `source` and this process, else why not. */
function readCache(file, source) {
  if (process.env.RTNETLINK_CODE_CACHE === '0') return { status: 'disabled', payload: undefined };
  let cache;
  try {
    cache = readFileSync(`${file}.cache`);
  } catch {
    return { status: 'missing', payload: undefined };
  }
  const end = cache.indexOf(10);
  if (end === -1 || end > 256) return { status: 'stale', payload: undefined };
  const fields = cache.toString('latin1', 0, end).split(' ');
  const payloadLength = Number(fields.at(-1));
  if (fields.length !== 6 || !Number.isSafeInteger(payloadLength) || cache.length !== end + 1 + source.length + payloadLength) return { status: 'stale', payload: undefined };
  if (fields.join(' ') !== cacheHeader(source.length, payloadLength)) return { status: 'stale', payload: undefined };
  if (!cache.subarray(end + 1, end + 1 + source.length).equals(source)) return { status: 'stale', payload: undefined };
  return { status: 'accepted', payload: cache.subarray(end + 1 + source.length) };
}

/** Compiles `file` (from its cache when it may) and runs it; returns its exports and what the cache did. */
function compileAndRun(file) {
  const source = readFileSync(file);
  const cache = readCache(file, source);
  // The modules are ASCII (scripts/bundle.mjs checks): Latin-1 makes a one-byte string without
  // decoding, and one string of the whole (not wrapper + source, which V8 would copy once more).
  const wrapped = Buffer.concat([WRAPPER_HEAD, source, WRAPPER_TAIL]).toString('latin1');
  // No prototype: an option this file does not set must not come from a polluted Object.prototype.
  // (No `import()` in these modules: on Node 20 it fails in a script compiled from a code cache.)
  const script = new Script(wrapped, {
    __proto__: null, filename: file, lineOffset: -1, cachedData: cache.payload,
  });
  const status = cache.status === 'accepted' && script.cachedDataRejected === true ? 'rejected' : cache.status;
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, __dirname);
  return { exports: module.exports, status, script };
}

/** What each module's loading gave, by file name. */
const loaded = new Map();

/**
 * Loads `name` (a module of dist/bundle/) once per process and returns its exports, what happened
 * to its code cache — `accepted` (used), `rejected` (V8 refused it: other V8 flags), `stale` (made
 * for another file, V8 or architecture, or damaged), `missing`, `disabled` (RTNETLINK_CODE_CACHE=0),
 * or `bypassed` (source maps are enabled: the module was `require`d) — and its compiled script
 * (undefined when `require`d).
 */
function loadScript(name) {
  let entry = loaded.get(name);
  if (entry === undefined) {
    const file = join(__dirname, name);
    entry = process.sourceMapsEnabled === true
      ? { exports: require(file), status: 'bypassed', script: undefined }
      : compileAndRun(file);
    loaded.set(name, entry);
  }
  return entry;
}

exports.loadScript = loadScript;

/** How code-cache.js lays out the cache files this module reads. */
exports.cacheFile = cacheFile;

/** Everything both entry points export (library.cjs): the root's exports, and the sandbox's as `sandbox`. */
Object.defineProperty(exports, 'library', { enumerable: true, get: () => loadScript('library.cjs').exports });

/** What happened to the library's code cache (see {@link loadScript}). */
Object.defineProperty(exports, 'codeCache', { enumerable: true, get: () => loadScript('library.cjs').status });
