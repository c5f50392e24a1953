// The C helper's file functions, with which the package's loader (scripts/library-loader.cjs) reads the
// code cache: fileOpen (open, fstat and the header in one call), fileStamp (a file's identity, as
// the loader's stampOf makes it with fs) and fileReadScript (a script's source and its cache, read
// into one mapping of fresh memory: the source a string, the cache an ArrayBuffer). Checked against
// fs on real files: every byte value, offsets that are not page-aligned, small reads and reads of
// many pages (huge pages), the end of the file, bad descriptors, directories, FIFOs and bad arguments;
// that what fileReadScript returned stays intact while the memory of collected results is given
// back; and that workers using it exit cleanly.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { native } from '../../../lib/netlink/transport/native.js';
import { helperFiles } from '../../../lib/netlink/transport/native-path.js';
import { root, run } from '../../helpers/package-fixtures.js';

const ENOENT = 2;
const EBADF = 9;
const EIO = 5;
const EINVAL = 22;
const EISDIR = 21;
const ESPIPE = 29;
/** O_CLOEXEC as /proc/self/fdinfo prints flags (octal). */
const O_CLOEXEC = 0o2000000;

/** A temporary folder, removed after the test. */
function scratch(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-file-read-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `bytes` written to a new file in `dir`, open for reading; closed after the test. */
function openWith(t: { teardown(fn: () => void): void }, dir: string, name: string, bytes: Uint8Array): number {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const fd = openSync(file, 'r');
  t.teardown(() => closeSync(fd));
  return fd;
}

/** fileReadScript's result, which must be a pair. */
function pair(got: [string, ArrayBuffer] | number): [string, Buffer] {
  if (typeof got === 'number') throw new Error(`fileReadScript returned ${got}`);
  return [got[0], Buffer.from(got[1])];
}

/** The numbers of this process's open descriptors. */
function openFds(): string[] {
  return readdirSync('/proc/self/fd').sort();
}

test('fileReadScript gives the bytes fs reads: every byte value, from offsets inside a page, small and across many pages', (t) => {
  const dir = scratch(t);
  const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const small = openWith(t, dir, 'every-byte', every);
  const b = native();
  t.deepEqual(pair(b.fileReadScript(small, 0, 256, 0)), [every.toString('latin1'), Buffer.alloc(0)]);
  t.deepEqual(pair(b.fileReadScript(small, 0, 100, 156)), [every.toString('latin1', 0, 100), every.subarray(100)]);
  t.deepEqual(pair(b.fileReadScript(small, 7, 1, 100)), [every.toString('latin1', 7, 8), every.subarray(8, 108)]);
  // 1 MiB and 1 byte of random bytes: 257 pages (huge pages where the kernel offers them).
  const big = randomBytes((1 << 20) + 1);
  const fd = openWith(t, dir, 'big', big);
  t.deepEqual(pair(b.fileReadScript(fd, 0, 400_003, big.length - 400_003)), [big.toString('latin1', 0, 400_003), big.subarray(400_003)]);
  t.deepEqual(pair(b.fileReadScript(fd, 4095, big.length - 4095, 0)), [big.toString('latin1', 4095), Buffer.alloc(0)]);
  t.deepEqual(pair(b.fileReadScript(fd, 12345, 1, 70000)), [big.toString('latin1', 12345, 12346), big.subarray(12346, 12346 + 70000)]);
  t.deepEqual(pair(b.fileReadScript(fd, 1, 300_000, 300_001)), [big.toString('latin1', 1, 300_001), big.subarray(300_001, 600_002)]);
});

test('fileReadScript: a file that ends first is -EIO; a bad descriptor, a directory or a FIFO is -errno', (t) => {
  const dir = scratch(t);
  const fd = openWith(t, dir, 'ten', Buffer.from('0123456789'));
  const b = native();
  t.is(b.fileReadScript(fd, 5, 6, 0), -EIO, 'the source one byte past the end');
  t.is(b.fileReadScript(fd, 5, 3, 3), -EIO, 'the cache one byte past the end');
  t.is(b.fileReadScript(fd, 10, 1, 0), -EIO, 'at the end');
  t.is(b.fileReadScript(fd, 2 ** 40, 1, 1), -EIO, 'far past the end');
  t.deepEqual(pair(b.fileReadScript(fd, 5, 2, 3)), ['56', Buffer.from('789')], 'up to the end exactly');
  const folder = openSync(dir, 'r');
  t.teardown(() => closeSync(folder));
  t.is(b.fileReadScript(folder, 0, 1, 0), -EISDIR);
  const closed = openSync(join(dir, 'ten'), 'r');
  closeSync(closed);
  t.is(b.fileReadScript(closed, 0, 1, 0), -EBADF);
  // A FIFO (opened read-write, so the open does not wait for a writer) has no offsets to read at.
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  const fifo = openSync(join(dir, 'fifo'), 'r+');
  t.teardown(() => closeSync(fifo));
  t.is(b.fileReadScript(fifo, 0, 1, 0), -ESPIPE);
});

test('fileReadScript refuses bad arguments with a TypeError before reading', (t) => {
  const dir = scratch(t);
  const fd = openWith(t, dir, 'ten', Buffer.from('0123456789'));
  const read = native().fileReadScript as (...args: unknown[]) => unknown;
  const bad: unknown[][] = [
    [-1, 0, 1, 1], [1.5, 0, 1, 1], ['3', 0, 1, 1], [2 ** 31, 0, 1, 1], [null, 0, 1, 1],
    [fd, -1, 1, 1], [fd, Number.NaN, 1, 1], [fd, Infinity, 1, 1], [fd, 2 ** 53, 1, 1], [fd, '0', 1, 1],
    [fd, 0, 0, 1], [fd, 0, -1, 1], [fd, 0, 2 ** 27 + 1, 1], [fd, 0, 0.5, 1], [fd, 0, null, 1], [fd, 0, -Infinity, 1],
    [fd, 0, 1, -1], [fd, 0, 1, 2 ** 27 + 1], [fd, 0, 1, 1.5], [fd, 0, 1, true], [fd, 0, 1, '1'], [fd, 0, 1, undefined], [fd, 0, 1], [],
  ];
  for (const args of bad) t.throws(() => read(...args), { instanceOf: TypeError }, JSON.stringify(args));
  t.deepEqual(pair(read(fd, 0, 4, 6) as [string, ArrayBuffer]), ['0123', Buffer.from('456789')], 'the file is still there to read');
});

test('fileReadScript: results stay intact while the memory of collected ones is unmapped', (t) => {
  const dir = scratch(t);
  const bytes = randomBytes(600_000);
  const fd = openWith(t, dir, 'bytes', bytes);
  const b = native();
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const [keptSource, keptCache] = b.fileReadScript(fd, 1, 299_999, 300_000) as [string, ArrayBuffer];
  const [smallSource, smallCache] = b.fileReadScript(fd, 3, 1000, 5000) as [string, ArrayBuffer];
  for (let round = 0; round < 20; round++) {
    // 20 × 3 × 600 KB of results dropped at once: the ArrayBuffers' finalizers unmap their pages at
    // the next collections (every page but the source's on this thread: those it keeps).
    b.fileReadScript(fd, 0, 300_000, 300_000);
    b.fileReadScript(fd, 0, 1, 599_999);
    b.fileReadScript(fd, 0, 599_999, 1);
    gc();
  }
  t.is(keptSource, bytes.toString('latin1', 1, 300_000));
  t.deepEqual(Buffer.from(keptCache), bytes.subarray(300_000));
  t.is(smallSource, bytes.toString('latin1', 3, 1003));
  t.deepEqual(Buffer.from(smallCache), bytes.subarray(1003, 6003));
});

test('worker threads read with fileReadScript and exit, one after another, and the process ends cleanly', async (t) => {
  // In a fresh process, so that a crash at a worker's teardown (Node 20 crashes tearing down a worker
  // holding an external string with a finalizer) fails this test instead of ending the test run.
  const dir = scratch(t);
  const bytes = randomBytes(600_000);
  writeFileSync(join(dir, 'bytes'), bytes);
  const helper = helperFiles(root).files[0];
  t.truthy(helper, 'a built helper');
  const script = `
    const { Worker } = require('node:worker_threads');
    const code = ${JSON.stringify(`
      const m = { exports: {} };
      process.dlopen(m, ${JSON.stringify(helper)});
      const fs = require('node:fs');
      const fd = fs.openSync(${JSON.stringify(join(dir, 'bytes'))}, 'r');
      globalThis.kept = [m.exports.fileReadScript(fd, 0, 300000, 300000), m.exports.fileReadScript(fd, 0, 1000, 2000)];
      fs.closeSync(fd);
      require('node:worker_threads').parentPort.postMessage(globalThis.kept.map(([s, b]) => [s.length, b.byteLength]));
    `)};
    (async () => {
      const out = [];
      for (let i = 0; i < 3; i++) {
        const w = new Worker(code, { eval: true });
        out.push(await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); }));
        await w.terminate();
      }
      // And one that ends by itself.
      const w = new Worker(code + 'process.exitCode = 0;', { eval: true });
      out.push(await new Promise((resolve) => w.once('message', resolve)));
      await new Promise((resolve) => w.once('exit', resolve));
      console.log(JSON.stringify(out));
    })();
  `;
  const r = await run(process.execPath, ['-e', script]);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(JSON.parse(r.stdout), Array.from({ length: 4 }, () => [[300000, 300000], [1000, 2000]]));
});

test('fileOpen opens a regular file close-on-exec and gives its size and header; the caller closes it', (t) => {
  const dir = scratch(t);
  const bytes = randomBytes(10_000);
  writeFileSync(join(dir, 'file'), bytes);
  const b = native();
  const got = b.fileOpen(join(dir, 'file'), 4096);
  if (typeof got === 'number') return t.fail(`fileOpen returned ${got}`);
  const [fd, size, head] = got;
  t.teardown(() => closeSync(fd));
  t.is(size, 10_000);
  t.is(head, bytes.toString('latin1', 0, 4096));
  const flags = /^flags:\s*(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
  t.truthy(flags);
  t.true((Number.parseInt(flags?.[1] ?? '0', 8) & O_CLOEXEC) !== 0, 'close-on-exec');
  // A file shorter than the header asked for: all of it; none asked: nothing.
  writeFileSync(join(dir, 'short'), 'abc\n');
  const short = b.fileOpen(join(dir, 'short'), 512) as [number, number, string];
  closeSync(short[0]);
  t.deepEqual(short.slice(1), [4, 'abc\n']);
  const none = b.fileOpen(join(dir, 'short'), 0) as [number, number, string];
  closeSync(none[0]);
  t.deepEqual(none.slice(1), [4, '']);
  writeFileSync(join(dir, 'empty'), '');
  const empty = b.fileOpen(join(dir, 'empty'), 512) as [number, number, string];
  closeSync(empty[0]);
  t.deepEqual(empty.slice(1), [0, '']);
});

test('fileOpen: a missing file, a directory or a FIFO is -errno, at once, with nothing left open', (t) => {
  const dir = scratch(t);
  const b = native();
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  const before = openFds();
  t.is(b.fileOpen(join(dir, 'missing'), 512), -ENOENT);
  t.is(b.fileOpen(dir, 512), -EINVAL, 'a directory');
  t.is(b.fileOpen(join(dir, 'fifo'), 512), -EINVAL, 'a FIFO without a writer: no wait');
  t.is(b.fileOpen('/dev/null', 512), -EINVAL, 'a device');
  t.deepEqual(openFds(), before);
});

test('fileOpen and fileStamp refuse bad arguments with a TypeError', (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'file'), 'x');
  const open = native().fileOpen as (...args: unknown[]) => unknown;
  const stamp = native().fileStamp as (...args: unknown[]) => unknown;
  const file = join(dir, 'file');
  const before = openFds();
  for (const args of [[file, -1], [file, 4097], [file, 1.5], [file, Number.NaN], [file, '1'], [file], [`${file}\0.cache`, 1], [1, 1], [null, 1], [{ toString: () => file }, 1], []]) {
    t.throws(() => open(...args), { instanceOf: TypeError }, JSON.stringify(args));
  }
  for (const args of [[`${file}\0`], [1], [undefined], [Buffer.from(file)], []]) {
    t.throws(() => stamp(...args), { instanceOf: TypeError }, JSON.stringify(args));
  }
  t.deepEqual(openFds(), before);
});

test('fileStamp is the stamp fs gives: device, inode, size and times in ns; it follows symlinks and changes with a write', (t) => {
  const dir = scratch(t);
  const file = join(dir, 'file');
  writeFileSync(file, 'one');
  symlinkSync(file, join(dir, 'link'));
  const fsStamp = (path: string): string => {
    const s = statSync(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  };
  const b = native();
  t.is(b.fileStamp(file), fsStamp(file));
  t.is(b.fileStamp(join(dir, 'link')), fsStamp(file));
  t.is(b.fileStamp(dir), fsStamp(dir));
  const first = b.fileStamp(file);
  appendFileSync(file, 'two');
  t.not(b.fileStamp(file), first);
  t.is(b.fileStamp(file), fsStamp(file));
  t.is(b.fileStamp(join(dir, 'missing')), -ENOENT);
});
