// dist/bundle/load.cjs: loads the package's bundled CommonJS modules — the library (library.cjs), once for
// both entry points, and the `rtnl` command (cli.cjs) — each compiled from the V8 code cache built beside
// it (<name>.cache) when that cache belongs to exactly that file and this V8. Bundled by scripts/bundle.mjs
// with the one module it imports (the native helper's path, lib/netlink/transport/native-path.ts); see
// there for why.
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
// cannot be set back). Then only the cache file is read, and the compiled string is cut from it: no
// comparison of 400 KB. A package unpacked elsewhere (other stamps) compares; the install script
// (code-cache.js --if-stale) stamps the cache anew when the comparison holds.
//
// The cache file is read by the native helper when one loads (the binary the library would load, found
// as the library finds it, loaded here with process.dlopen and handed to the library, so it is loaded
// once). Three calls: fileOpen (open, statx and the header in one call; fs takes three, each with a
// first-call cost in a fresh process, ~0.5 ms in all here), fileStamp (the module's stamp: one statx;
// fs's first stat with bigints costs ~0.4 ms) and fileReadScript, which reads the module and the
// payload into one mapping of fresh memory: huge pages where the kernel offers transparent ones (one
// fault for the ~850 KB instead of ~210, and no first-write cost per 4 KiB page: ~7 µs each on a VM
// that shadows page tables, ~0.7 ms in all here), else pages populated at once (MAP_POPULATE).
// On the main thread the module's string stays in that memory (a Node-API external string, kept as
// long as the script, i.e. the process) instead of being copied into V8's heap (~1.5 ms more); a
// worker copies it (Node 20 crashes tearing down a worker that holds an external string with a
// finalizer, and a worker must give its memory back). The payload's pages are unmapped when V8 has
// collected it. Anonymous memory, not a mapping of the file: V8 reads the module's text again
// whenever it compiles a function lazily, and a file truncated in place meanwhile would make that a
// SIGBUS. Without a helper (not built yet, another libc, `node --no-addons`), fs reads the same bytes.
//
// With source maps enabled (`--enable-source-maps`, `process.setSourceMapsEnabled(true)`), a module is
// `require`d instead: Node 20 maps stack traces only of the modules its loaders compiled. With
// RTNETLINK_CODE_CACHE=0 in the environment no cache is read (a user who trusts only the .cjs files).
'use strict';
const { closeSync, constants: { O_NONBLOCK, O_RDONLY }, fstatSync, openSync, readFileSync, readSync, statSync } = require('node:fs');
const { Script } = require('node:vm');
const { join } = require('node:path');
// Resolved by scripts/bundle.mjs, which bundles it into load.cjs (tsc's output of native-path.ts).
const { helperFiles } = require('../dist/lib/netlink/transport/native-path.js');

/** What wraps a module when it is compiled here: the CommonJS module wrapper, on a line of its own. */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const WRAPPER_TAIL = '\n})';

/** The longest first line a cache file may have (bytes). */
const HEADER_MAX = 512;

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
  const compiledLength = WRAPPER_HEAD.length + source.length + WRAPPER_TAIL.length;
  const header = Buffer.from(`${CACHE_KIND} ${stamp} ${compiledLength} ${payload.length}\n`, 'latin1');
  return Buffer.concat([header, Buffer.from(WRAPPER_HEAD, 'latin1'), source, Buffer.from(WRAPPER_TAIL, 'latin1'), payload]);
}

/** A cache that cannot be used, and why. */
function unusable(status) {
  return { status, check: undefined, reader: undefined, compiled: undefined, payload: undefined };
}

/**
 * The native helper (native/rtnetlink.c), or undefined when none loads: the first of the files the
 * library's native.ts would try (lib/netlink/transport/native-path.ts) that loads, in that order.
 * Loaded once per process with `process.dlopen`, as `require` does but without its resolution
 * (~1 ms less); each module this file runs is handed it (`__adoptNativeBinding`), so the library does
 * not load it again.
 */
let helper = null;
function nativeHelper() {
  if (helper === null) {
    helper = undefined;
    for (const file of helperFiles(join(__dirname, '..', '..')).files) {
      const module = { exports: {} };
      try {
        process.dlopen(module, file);
      } catch {
        continue; // another libc's binary: the next one, as native.ts does
      }
      helper = module.exports;
      break;
    }
  }
  return helper;
}

/**
 * The native helper when it offers the file functions this file uses (an older helper, built from
 * source and not rebuilt, may lack them), else undefined.
 */
function fileHelper() {
  const native = nativeHelper();
  return native !== undefined && Object.hasOwn(native, 'fileOpen') && Object.hasOwn(native, 'fileStamp') && Object.hasOwn(native, 'fileReadScript') ? native : undefined;
}

/**
 * {@link stampOf} by the native helper when one loads (one statx(2); fs's first stat with bigints costs
 * ~0.4 ms in a fresh process), else by fs. `-` when the file is missing.
 */
function currentStamp(file) {
  const native = fileHelper();
  if (native !== undefined) {
    let stamp;
    try {
      stamp = native.fileStamp(file);
    } catch {
      stamp = undefined; // a helper of another version, whose fileStamp takes other arguments
    }
    if (typeof stamp === 'string') return stamp;
    // -errno: fs says the same, or throws what the content comparison would meet anyway.
  }
  return stampOf(file);
}

/**
 * The cache's two parts, stored one after the other in the open file `fd` from byte `offset`: the
 * compiled module (`compiledLength` bytes), as a Latin-1 string the process keeps for its life, and
 * V8's payload (`payloadLength` bytes), as a Uint8Array; and what read them. Read by the helper into
 * fresh memory when it can (see the header), else (`reader`: `fs`) by fs. Undefined when the file ends
 * early (truncated meanwhile).
 */
function readParts(fd, offset, compiledLength, payloadLength) {
  const native = fileHelper();
  if (native !== undefined) {
    let got;
    try {
      got = native.fileReadScript(fd, offset, compiledLength, payloadLength);
    } catch {
      got = -1; // a helper of another version, whose fileReadScript takes other arguments
    }
    if (Array.isArray(got)) return { compiled: got[0], payload: new Uint8Array(got[1]), reader: 'helper' };
    // -errno: read again with fs, which meets the same end of file or reads what mmap could not hold.
  }
  const compiled = readExactly(fd, offset, compiledLength);
  const payload = compiled === undefined ? undefined : readExactly(fd, offset + compiledLength, payloadLength);
  return payload === undefined ? undefined : { compiled: compiled.latin1Slice(0, compiledLength), payload, reader: 'fs' };
}

/**
 * `length` bytes of the open file `fd` from byte `offset`, read by fs into a buffer of their own (V8
 * copies a payload that does not start 8-byte aligned); undefined when the file ends first or a read
 * fails.
 */
function readExactly(fd, offset, length) {
  const bytes = Buffer.allocUnsafeSlow(length);
  try {
    for (let done = 0; done < length;) {
      const n = readSync(fd, bytes, done, length - done, offset + done);
      if (n === 0) return undefined;
      done += n;
    }
  } catch {
    return undefined; // a read error (EIO): not used, as a truncated cache is not
  }
  return bytes;
}

/**
 * What `file`'s cache offers: when it belongs to `file` and this process, the compiled string (the
 * wrapped module) and V8's payload, how that was established (`stamp`: the file is the one the
 * cache was made beside; `content`: the module was compared) and what read it (`helper`: the native
 * helper, into pre-faulted memory; `fs`); else why not.
 */
function readCache(file) {
  if (process.env.RTNETLINK_CODE_CACHE === '0') return unusable('disabled');
  const opened = openCache(`${file}.cache`);
  if (typeof opened === 'string') return unusable(opened);
  const [fd, size, head] = opened;
  try {
    return readOpenCache(fd, size, head, file);
  } finally {
    closeSync(fd);
  }
}

/**
 * The cache file `path` opened: [fd, its size, its first HEADER_MAX bytes (fewer when it is shorter)
 * as a Latin-1 string]; `missing` when it cannot be opened, `stale` when it is no regular file or
 * cannot be read. By
 * the native helper when one loads (one call: open, statx, pread), else by fs (three calls, each with
 * a first-call cost in a fresh process). Never blocks: a FIFO is opened without waiting for a writer.
 */
function openCache(path) {
  const native = fileHelper();
  if (native !== undefined) {
    let opened;
    try {
      opened = native.fileOpen(path, HEADER_MAX);
    } catch {
      opened = undefined; // a helper of another version: fs below
    }
    if (Array.isArray(opened)) return opened;
    if (opened === -2) return 'missing'; // -ENOENT
    if (opened === -22) return 'stale'; // -EINVAL: no regular file
    // Another -errno (EACCES, or ENOSYS from a kernel before statx): fs below meets or reads it.
  }
  let fd;
  try {
    fd = openSync(path, O_RDONLY | O_NONBLOCK);
  } catch {
    return 'missing';
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isFile()) {
      const head = Buffer.allocUnsafe(HEADER_MAX);
      return [fd, stat.size, head.latin1Slice(0, readSync(fd, head, 0, HEADER_MAX, 0))];
    }
  } catch {
    // A cache that cannot be read (EIO) is not used: the module compiles from source.
  }
  closeSync(fd);
  return 'stale';
}

/** {@link readCache} of the cache file open as `fd`, of `size` bytes, which starts with `head`. */
function readOpenCache(fd, size, head, file) {
  const end = head.indexOf('\n');
  if (end === -1) return unusable('stale');
  const fields = head.slice(0, end).split(' ');
  if (fields.length !== 7 || fields.slice(0, 4).join(' ') !== CACHE_KIND) return unusable('stale');
  const compiledLength = Number(fields[5]);
  const payloadLength = Number(fields[6]);
  const start = end + 1;
  const stop = start + compiledLength;
  if (!Number.isSafeInteger(compiledLength) || !Number.isSafeInteger(payloadLength) || compiledLength < WRAPPER_HEAD.length + WRAPPER_TAIL.length || payloadLength < 0 || size !== stop + payloadLength) return unusable('stale');
  const parts = readParts(fd, start, compiledLength, payloadLength);
  if (parts === undefined) return unusable('stale');
  const { compiled, payload, reader } = parts;
  if (!compiled.startsWith(WRAPPER_HEAD) || !compiled.endsWith(WRAPPER_TAIL)) return unusable('stale');
  let check = 'stamp';
  if (fields[4] === '-' || fields[4] !== currentStamp(file)) {
    if (readFileSync(file, 'latin1') !== compiled.slice(WRAPPER_HEAD.length, compiled.length - WRAPPER_TAIL.length)) return unusable('stale');
    check = 'content';
  }
  return { status: 'accepted', check, reader, compiled, payload };
}

/**
 * Compiles `file` (from its cache when it may) and runs it; returns its exports, what the cache did,
 * how it was checked and read, and the compiled script. (Not the payload: kept, it would hold its
 * ~450 KB for the life of the process.)
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
  // This file's own `require`: the modules it runs are in its folder and require only Node's own
  // modules (a createRequire(file) costs a fresh process ~0.15 ms).
  script.runInThisContext()(module.exports, require, module, file, __dirname);
  // Own properties only: nothing inherited from a polluted Object.prototype is called.
  if (helper !== null && helper !== undefined && Object.hasOwn(module.exports, '__adoptNativeBinding')) module.exports.__adoptNativeBinding(helper);
  const accepted = status === 'accepted';
  return { exports: module.exports, status, check: accepted ? cache.check : undefined, reader: accepted ? cache.reader : undefined, script };
}

/** What each module's loading gave, by file name. */
const loaded = new Map();

/**
 * Loads `name` (a module of dist/bundle/) once per process and returns its exports, what happened
 * to its code cache — `accepted` (used), `rejected` (V8 refused it: other V8 flags), `stale` (made
 * for another file, V8 or architecture, or damaged), `missing`, `disabled` (RTNETLINK_CODE_CACHE=0),
 * or `bypassed` (source maps are enabled: the module was `require`d) — how an accepted cache was
 * matched to the module (`check`: `stamp` or `content`), what read it (`reader`: `helper` or `fs`)
 * and its compiled script (undefined when `require`d).
 */
function loadScript(name) {
  let entry = loaded.get(name);
  if (entry === undefined) {
    const file = join(__dirname, name);
    entry = process.sourceMapsEnabled === true
      ? { exports: require(file), status: 'bypassed', check: undefined, reader: undefined, script: undefined }
      : compileAndRun(file);
    loaded.set(name, entry);
  }
  return entry;
}

exports.loadScript = loadScript;

/** How code-cache.js lays out the cache files this module reads, the stamp they carry, and what one offers. */
exports.cacheFile = cacheFile;
exports.stampOf = stampOf;
exports.readCache = readCache;

/** Everything both entry points export (library.cjs): the root's exports, and the sandbox's as `sandbox`. */
Object.defineProperty(exports, 'library', { enumerable: true, get: () => loadScript('library.cjs').exports });

/** What happened to the library's code cache (see {@link loadScript}). */
Object.defineProperty(exports, 'codeCache', { enumerable: true, get: () => loadScript('library.cjs').status });
