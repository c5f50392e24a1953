// The C helper's fileRead: a file's bytes read into memory mapped with MAP_POPULATE, returned as an
// ArrayBuffer over that memory, a Latin-1 string copied from it, or a string over it that lives as
// long as the process (the package's loader reads the code cache with it, scripts/library-loader.cjs). Checked against fs on real files: every byte value,
// offsets that are not page-aligned, reads of many pages, the end of the file, bad descriptors and
// bad arguments; that what it returned stays intact while the memory of collected results is given
// back; and that workers using it exit cleanly.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { native } from '../../../lib/netlink/transport/native.js';
import { helperFiles } from '../../../lib/netlink/transport/native-path.js';
import { root, run } from '../../helpers/package-fixtures.js';

const EBADF = 9;
const EIO = 5;
const EISDIR = 21;
const ESPIPE = 29;

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

test('fileRead gives the bytes fs reads: every byte value as Latin-1, from offsets inside a page and across many pages', (t) => {
  const dir = scratch(t);
  const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const small = openWith(t, dir, 'every-byte', every);
  const b = native();
  t.is(b.fileRead(small, 0, 256, 2), every.toString('latin1'));
  t.is(b.fileRead(small, 200, 56, 2), every.toString('latin1', 200));
  const ab = b.fileRead(small, 7, 100, 0);
  t.true(ab instanceof ArrayBuffer);
  t.deepEqual(Buffer.from(ab as ArrayBuffer), every.subarray(7, 107));
  // 1 MiB and 1 byte of random bytes: 257 pages, a last page one byte long.
  const big = randomBytes((1 << 20) + 1);
  const fd = openWith(t, dir, 'big', big);
  t.is(b.fileRead(fd, 0, big.length, 2), big.toString('latin1'));
  t.deepEqual(Buffer.from(b.fileRead(fd, 4095, big.length - 4095, 0) as ArrayBuffer), big.subarray(4095));
  t.is(b.fileRead(fd, 12345, 70000, 2), big.toString('latin1', 12345, 12345 + 70000));
});

test('fileRead: nothing asked is an empty result; a file that ends first is -EIO; a bad descriptor, a directory or a fifo is -errno', (t) => {
  const dir = scratch(t);
  const fd = openWith(t, dir, 'ten', Buffer.from('0123456789'));
  const b = native();
  t.is(b.fileRead(fd, 0, 0, 2), '');
  t.is((b.fileRead(fd, 0, 0, 0) as ArrayBuffer).byteLength, 0);
  t.is(b.fileRead(fd, 5, 6, 2), -EIO, 'one byte past the end');
  t.is(b.fileRead(fd, 10, 1, 0), -EIO, 'at the end');
  t.is(b.fileRead(fd, 1 << 40, 1, 2), -EIO, 'far past the end');
  t.is(b.fileRead(fd, 5, 5, 2), '56789', 'up to the end exactly');
  const folder = openSync(dir, 'r');
  t.teardown(() => closeSync(folder));
  t.is(b.fileRead(folder, 0, 1, 2), -EISDIR);
  const closed = openSync(join(dir, 'ten'), 'r');
  closeSync(closed);
  t.is(b.fileRead(closed, 0, 1, 2), -EBADF);
  // A fifo (opened read-write, so the open does not wait for a writer) has no offsets to read at.
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  const fifo = openSync(join(dir, 'fifo'), 'r+');
  t.teardown(() => closeSync(fifo));
  t.is(b.fileRead(fifo, 0, 1, 0), -ESPIPE);
});

test('fileRead refuses bad arguments with a TypeError before reading', (t) => {
  const dir = scratch(t);
  const fd = openWith(t, dir, 'ten', Buffer.from('0123456789'));
  const read = native().fileRead as (...args: unknown[]) => unknown;
  const bad: unknown[][] = [
    [-1, 0, 1, 1], [1.5, 0, 1, 1], ['3', 0, 1, 1], [2 ** 31, 0, 1, 1],
    [fd, -1, 1, 1], [fd, Number.NaN, 1, 1], [fd, Infinity, 1, 1], [fd, 2 ** 53, 1, 1], [fd, '0', 1, 1],
    [fd, 0, -1, 1], [fd, 0, 2 ** 28 + 1, 1], [fd, 0, 0.5, 1], [fd, 0, null, 1],
    [fd, 0, 1, 3], [fd, 0, 1, -1], [fd, 0, 1, 1.5], [fd, 0, 1, true], [fd, 0, 1, '1'], [fd, 0, 1, undefined], [fd, 0, 1], [],
  ];
  for (const args of bad) t.throws(() => read(...args), { instanceOf: TypeError }, JSON.stringify(args));
  t.is(read(fd, 0, 10, 1), '0123456789', 'the file is still there to read');
});

test('results stay intact while the memory of collected ones is unmapped', (t) => {
  const dir = scratch(t);
  const bytes = randomBytes(300_000);
  const fd = openWith(t, dir, 'bytes', bytes);
  const b = native();
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const lasting = b.fileRead(fd, 1, bytes.length - 1, 2) as string;
  const copied = b.fileRead(fd, 2, bytes.length - 2, 1) as string;
  const kept = b.fileRead(fd, 0, bytes.length, 0) as ArrayBuffer;
  for (let round = 0; round < 20; round++) {
    // 20 × 2 × 300 KB of results dropped at once: the ArrayBuffers' finalizers unmap their memory at
    // the next collections (a copied string's memory is unmapped before fileRead returns).
    b.fileRead(fd, 0, bytes.length, 1);
    b.fileRead(fd, 0, bytes.length, 0);
    gc();
  }
  t.is(lasting, bytes.toString('latin1', 1));
  t.is(copied, bytes.toString('latin1', 2));
  t.deepEqual(Buffer.from(kept), bytes);
});

test('worker threads read with fileRead and exit, one after another, and the process ends cleanly', async (t) => {
  // In a fresh process, so that a crash at a worker's teardown (Node 20 crashes tearing down a worker
  // holding an external string with a finalizer) fails this test instead of ending the test run.
  const dir = scratch(t);
  const bytes = randomBytes(200_000);
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
      globalThis.kept = [0, 1, 2].map((as) => m.exports.fileRead(fd, 0, 200000, as));
      fs.closeSync(fd);
      require('node:worker_threads').parentPort.postMessage(globalThis.kept.map((v) => typeof v === 'string' ? v.length : v.byteLength));
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
  t.deepEqual(JSON.parse(r.stdout), Array.from({ length: 4 }, () => [200000, 200000, 200000]));
});
