// dist/bundle/load.cjs: loads the library (dist/bundle/library.cjs) once for both entry points, compiled
// from the V8 code cache built beside it (dist/bundle/library.cjs.cache) when that cache belongs to
// exactly this file and this V8. Copied verbatim by scripts/bundle.mjs; see there for why.
//
// The cache is only an optimisation. It is used when its header names this V8 version and this CPU
// architecture, the file has the lengths the header says, and the copy of library.cjs it carries is
// byte for byte the library.cjs being compiled: V8 itself checks only the source's length (an edited
// library.cjs of the same length would run the old code). Anything else — no cache, another Node, an
// edited library.cjs, a truncated cache — compiles library.cjs from source. (No hash: loading
// node:crypto alone costs ~2 ms, as much as the cache saves; comparing the copy costs ~0.1 ms.)
//
// With source maps enabled (`--enable-source-maps`, `process.setSourceMapsEnabled(true)`), the library
// is `require`d instead: Node 20 maps stack traces only of the modules its loaders compiled.
'use strict';
const { createRequire } = require('node:module');
const { readFileSync } = require('node:fs');
const { Script } = require('node:vm');
const { join } = require('node:path');

const LIBRARY_FILE = join(__dirname, 'library.cjs');

/** What wraps library.cjs when it is compiled here: the CommonJS module wrapper, on a line of its own. */
const WRAPPER_HEAD = Buffer.from('(function (exports, require, module, __filename, __dirname) {\n', 'latin1');
const WRAPPER_TAIL = Buffer.from('\n})', 'latin1');

/**
 * The cache file for `source` (library.cjs's bytes) and V8's `payload`, made by this V8 on this
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

/** The cache's V8 payload if the cache file belongs to `source` and this process, else why not. */
function readCache(source) {
  let file;
  try {
    file = readFileSync(`${LIBRARY_FILE}.cache`);
  } catch {
    return { status: 'missing', payload: undefined };
  }
  const end = file.indexOf(10);
  if (end === -1 || end > 256) return { status: 'stale', payload: undefined };
  const fields = file.toString('latin1', 0, end).split(' ');
  const payloadLength = Number(fields.at(-1));
  if (fields.length !== 6 || !Number.isSafeInteger(payloadLength) || file.length !== end + 1 + source.length + payloadLength) return { status: 'stale', payload: undefined };
  if (fields.join(' ') !== cacheHeader(source.length, payloadLength)) return { status: 'stale', payload: undefined };
  if (!file.subarray(end + 1, end + 1 + source.length).equals(source)) return { status: 'stale', payload: undefined };
  return { status: 'accepted', payload: file.subarray(end + 1 + source.length) };
}

/** Compiles library.cjs (from the cache when it may) and runs it; returns its exports and what the cache did. */
function compileAndRun() {
  const source = readFileSync(LIBRARY_FILE);
  const cache = readCache(source);
  // library.cjs is ASCII (scripts/bundle.mjs checks): Latin-1 makes a one-byte string without
  // decoding, and one string of the whole (not wrapper + source, which V8 would copy once more).
  const wrapped = Buffer.concat([WRAPPER_HEAD, source, WRAPPER_TAIL]).toString('latin1');
  // No prototype: an option this file does not set must not come from a polluted Object.prototype.
  const script = new Script(wrapped, {
    __proto__: null, filename: LIBRARY_FILE, lineOffset: -1, cachedData: cache.payload,
  });
  const status = cache.status === 'accepted' && script.cachedDataRejected === true ? 'rejected' : cache.status;
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(LIBRARY_FILE), module, LIBRARY_FILE, __dirname);
  return { exports: module.exports, status, script };
}

const loaded = process.sourceMapsEnabled === true
  ? { exports: require(LIBRARY_FILE), status: 'bypassed', script: undefined }
  : compileAndRun();

/**
 * What happened to the code cache: `accepted` (used), `rejected` (V8 refused it: other V8 flags),
 * `stale` (made for another file, V8 or architecture, or damaged), `missing`, or `bypassed` (source
 * maps are enabled: the library was `require`d).
 */
exports.codeCache = loaded.status;

/** The compiled library, unless it was `require`d (code-cache.js makes the cache from it). */
exports.libraryScript = loaded.script;

/** Everything both entry points export: the root's exports, and the sandbox's as `sandbox`. */
exports.library = loaded.exports;

/** How code-cache.js lays out the cache file this module reads. */
exports.cacheFile = cacheFile;
