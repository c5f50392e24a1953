// NlWriter stores bytes one by one: every value must come out as Node's checked Buffer methods wrote
// it after the writer's masking (`v & 0xffff`, `v >>> 0`, `v | 0`), whatever the value, and no write
// may reach past the buffer, however small it starts.
import test from 'ava';
import { ValidationError } from '../../../lib/netlink/core/errors.js';
import { NlWriter } from '../../../lib/netlink/core/writer.js';
import { attr, bytes, cstr } from '../../helpers/bytes.js';

/** Values a caller could pass where an integer field is expected (the writer masks, never throws). */
const VALUES = [
  0, 1, 7, 0x7f, 0x80, 0xff, 0x100, 0x1234, 0x7fff, 0x8000, 0xffff, 0x10000, 0x12345678, 0x7fffffff, 0x80000000,
  0xfffffffe, 0xffffffff, 0x100000000, 0x1234567890, 2 ** 53 - 1, -1, -2, -0x80, -0x8000, -0x80000000, -0x80000001,
  -(2 ** 53), 1.5, -1.5, 255.9, 0.1, -0, NaN, Infinity, -Infinity,
];

/** What the writer wrote before it stored bytes itself: Buffer's checked methods on masked values. */
function reference(kind: string, v: number): Buffer {
  const b = Buffer.alloc(4);
  switch (kind) {
    case 'u8': b.writeUInt8(v & 0xff, 0); return b.subarray(0, 1);
    case 'u16': b.writeUInt16LE(v & 0xffff, 0); return b.subarray(0, 2);
    case 'u16be': b.writeUInt16BE(v & 0xffff, 0); return b.subarray(0, 2);
    case 'u32': b.writeUInt32LE(v >>> 0, 0); return b;
    case 'u32be': b.writeUInt32BE(v >>> 0, 0); return b;
    case 's32': b.writeInt32LE(v | 0, 0); return b;
    default: throw new Error(kind);
  }
}

test('raw fields: every value is written as the masked checked write wrote it', (t) => {
  for (const v of VALUES) {
    const w = new NlWriter(1);
    w.putU8(v);
    w.putU16(v);
    w.putU32(v);
    w.putS32(v);
    t.deepEqual(w.bytes(), bytes(reference('u8', v), reference('u16', v), reference('u32', v), reference('s32', v)), String(v));
  }
});

test('attributes: header, value and zero padding as the masked checked writes wrote them', (t) => {
  for (const v of VALUES) {
    const w = new NlWriter(2);
    // Dirty memory after the buffer grows must never show through as padding.
    w.buf.fill(0xee);
    w.attrU8(1, v);
    w.attrU16(2, v);
    w.attrU16Be(3, v);
    w.attrU32(4, v);
    w.attrU32Be(5, v);
    w.attrS32(6, v);
    t.deepEqual(w.bytes(), bytes(
      attr(1, reference('u8', v)), attr(2, reference('u16', v)), attr(3, reference('u16be', v)),
      attr(4, reference('u32', v)), attr(5, reference('u32be', v)), attr(6, reference('s32', v)),
    ), String(v));
  }
});

test('message header: type, flags, seq and pid little-endian; length back-patched after padding', (t) => {
  const w = new NlWriter(3);
  const start = w.beginMessage(0x1234, 0x0305, 0xfffffffe, 0x80000001);
  w.putU8(9);
  w.endMessage(start);
  t.deepEqual(w.bytes(), Buffer.from([20, 0, 0, 0, 0x34, 0x12, 0x05, 0x03, 0xfe, 0xff, 0xff, 0xff, 0x01, 0, 0, 0x80, 9, 0, 0, 0]));
  // Negative sequence numbers and pids wrap like `>>> 0`.
  const w2 = new NlWriter();
  w2.endMessage(w2.beginMessage(1, 2, -1, -2));
  t.deepEqual(w2.bytes().subarray(8, 16), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff]));
});

test('strings, bytes, flags, u64 and nests grow the buffer from any starting size', (t) => {
  for (let capacity = 1; capacity <= 40; capacity++) {
    const w = new NlWriter(capacity);
    w.buf.fill(0xee);
    w.attrString(1, 'eth0');
    w.attrString(2, 'é');
    w.attrBytes(3, new Uint8Array([1, 2, 3, 4, 5]));
    w.attrFlag(4);
    w.attrU64(5, 0x0102030405060708n);
    const nest = w.beginNest(6, true);
    w.attrBytes(7, Buffer.from([9]));
    w.endNest(nest);
    const s = w.beginAttr(8);
    w.putBytes(new Uint8Array([1, 2, 3]));
    w.putZeros(2);
    w.putU64(-1n);
    w.endNest(s);
    const u64 = Buffer.alloc(8);
    u64.writeBigUInt64LE(0x0102030405060708n);
    t.deepEqual(w.bytes(), bytes(
      attr(1, cstr('eth0')), attr(2, cstr('é')), attr(3, [1, 2, 3, 4, 5]), attr(4), attr(5, u64),
      attr(6 | 0x8000, attr(7, [9])), attr(8, [1, 2, 3, 0, 0], Buffer.alloc(8, 0xff)),
    ), `capacity ${capacity}`);
    t.true(w.length <= w.buf.length);
  }
});

test('claim reserves a fixed header the caller stores byte by byte', (t) => {
  const w = new NlWriter(2);
  const at = w.claim(6);
  t.is(at, 0);
  t.is(w.length, 6);
  t.true(w.buf.length >= 6);
  const at2 = w.claim(3);
  t.is(at2, 6);
  w.pad();
  t.is(w.length, 12);
  t.deepEqual(w.bytes().subarray(9), Buffer.alloc(3));
});

test('an attribute longer than nla_len can count is a ValidationError, and nothing is written', (t) => {
  const w = new NlWriter();
  t.throws(() => w.attrBytes(3, new Uint8Array(0xfffc)), { instanceOf: ValidationError });
  t.is(w.length, 0);
  w.attrBytes(3, new Uint8Array(0xfffb));
  t.is(w.length, 0x10000);
  const n = w.beginNest(4);
  w.putZeros(0x10000);
  t.throws(() => w.endNest(n), { instanceOf: ValidationError, message: /attribute type 4/ });
});

test('reset keeps the buffer; bytes() is the written part', (t) => {
  const w = new NlWriter(8);
  w.putU32(1);
  w.putU32(2);
  w.putU32(3);
  const buf = w.buf;
  w.reset();
  t.is(w.length, 0);
  t.is(w.bytes().length, 0);
  t.is(w.buf, buf);
});

test('attrBytes into a full buffer: the bytes land in the grown buffer, after their header', (t) => {
  const w = new NlWriter(8);
  w.putU32(7);
  const bytes = Buffer.alloc(100, 0xab);
  w.attrBytes(3, bytes);
  const out = w.buf.subarray(0, w.length);
  t.is(w.length, 4 + 4 + 100);
  t.is(out.readUInt16LE(4), 104);
  t.is(out.readUInt16LE(6), 3);
  t.deepEqual(out.subarray(8, 108), bytes);
});
