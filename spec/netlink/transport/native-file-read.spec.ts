// The C helper's fileRead: a file's bytes read into memory mapped with MAP_POPULATE, returned as a
// Latin-1 string over that memory or an ArrayBuffer over it (the package's loader reads the code
// cache with it, scripts/library-loader.cjs). Checked against fs on real files: every byte value,
// offsets that are not page-aligned, reads of many pages, the end of the file, bad descriptors and
// bad arguments; and that what it returned stays intact while the memory of collected results is
// given back.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { native } from '../../../lib/netlink/transport/native.js';

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
  t.is(b.fileRead(small, 0, 256, true), every.toString('latin1'));
  t.is(b.fileRead(small, 200, 56, true), every.toString('latin1', 200));
  const ab = b.fileRead(small, 7, 100, false);
  t.true(ab instanceof ArrayBuffer);
  t.deepEqual(Buffer.from(ab as ArrayBuffer), every.subarray(7, 107));
  // 1 MiB and 1 byte of random bytes: 257 pages, a last page one byte long.
  const big = randomBytes((1 << 20) + 1);
  const fd = openWith(t, dir, 'big', big);
  t.is(b.fileRead(fd, 0, big.length, true), big.toString('latin1'));
  t.deepEqual(Buffer.from(b.fileRead(fd, 4095, big.length - 4095, false) as ArrayBuffer), big.subarray(4095));
  t.is(b.fileRead(fd, 12345, 70000, true), big.toString('latin1', 12345, 12345 + 70000));
});

test('fileRead: nothing asked is an empty result; a file that ends first is -EIO; a bad descriptor, a directory or a fifo is -errno', (t) => {
  const dir = scratch(t);
  const fd = openWith(t, dir, 'ten', Buffer.from('0123456789'));
  const b = native();
  t.is(b.fileRead(fd, 0, 0, true), '');
  t.is((b.fileRead(fd, 0, 0, false) as ArrayBuffer).byteLength, 0);
  t.is(b.fileRead(fd, 5, 6, true), -EIO, 'one byte past the end');
  t.is(b.fileRead(fd, 10, 1, false), -EIO, 'at the end');
  t.is(b.fileRead(fd, 1 << 40, 1, true), -EIO, 'far past the end');
  t.is(b.fileRead(fd, 5, 5, true), '56789', 'up to the end exactly');
  const folder = openSync(dir, 'r');
  t.teardown(() => closeSync(folder));
  t.is(b.fileRead(folder, 0, 1, true), -EISDIR);
  const closed = openSync(join(dir, 'ten'), 'r');
  closeSync(closed);
  t.is(b.fileRead(closed, 0, 1, true), -EBADF);
  // A fifo (opened read-write, so the open does not wait for a writer) has no offsets to read at.
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  const fifo = openSync(join(dir, 'fifo'), 'r+');
  t.teardown(() => closeSync(fifo));
  t.is(b.fileRead(fifo, 0, 1, false), -ESPIPE);
});

test('fileRead refuses bad arguments with a TypeError before reading', (t) => {
  const dir = scratch(t);
  const fd = openWith(t, dir, 'ten', Buffer.from('0123456789'));
  const read = native().fileRead as (...args: unknown[]) => unknown;
  const bad: unknown[][] = [
    [-1, 0, 1, true], [1.5, 0, 1, true], ['3', 0, 1, true], [2 ** 31, 0, 1, true],
    [fd, -1, 1, true], [fd, Number.NaN, 1, true], [fd, Infinity, 1, true], [fd, 2 ** 53, 1, true], [fd, '0', 1, true],
    [fd, 0, -1, true], [fd, 0, 2 ** 28 + 1, true], [fd, 0, 0.5, true], [fd, 0, null, true],
    [fd, 0, 1, 1], [fd, 0, 1, 'true'], [fd, 0, 1, undefined], [fd, 0, 1], [],
  ];
  for (const args of bad) t.throws(() => read(...args), { instanceOf: TypeError }, JSON.stringify(args));
  t.is(read(fd, 0, 10, true), '0123456789', 'the file is still there to read');
});

test('results stay intact while the memory of collected ones is unmapped', (t) => {
  const dir = scratch(t);
  const bytes = randomBytes(300_000);
  const fd = openWith(t, dir, 'bytes', bytes);
  const b = native();
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const keptString = b.fileRead(fd, 1, bytes.length - 1, true) as string;
  const keptBuffer = b.fileRead(fd, 0, bytes.length, false) as ArrayBuffer;
  for (let round = 0; round < 20; round++) {
    // 20 × 2 × 300 KB of results dropped at once: their finalizers unmap them at the next collections.
    b.fileRead(fd, 0, bytes.length, true);
    b.fileRead(fd, 0, bytes.length, false);
    gc();
  }
  t.is(keptString, bytes.toString('latin1', 1));
  t.deepEqual(Buffer.from(keptBuffer), bytes);
});
