// MessageArena: datagrams' messages copied out of the receive buffer into small blocks, so what a
// caller keeps holds a block, not the buffer; the walk is forEachMessage's.
import test from 'ava';
import { ARENA_BLOCK, MessageArena } from '../../../lib/netlink/transport/arena.js';
import { DecodeError } from '../../../lib/netlink/core/errors.js';
import { forEachMessage } from '../../../lib/netlink/core/message.js';
import { bytes, nlmsg, u32 } from '../../helpers/bytes.js';

interface Seen {
  type: number;
  flags: number;
  seq: number;
  bytes: Buffer;
  /** Where the message was when visited, to read it again later. */
  buf: Buffer;
  off: number;
  len: number;
}

/** Walks `datagram` (placed in a larger receive buffer) through the arena, recording each message. */
function walk(arena: MessageArena, datagram: Buffer): { seen: Seen[]; rbuf: Buffer } {
  const rbuf = Buffer.alloc(datagram.length + 64, 0xee);
  datagram.copy(rbuf, 8);
  const seen: Seen[] = [];
  arena.forEachMessage(rbuf, 8, 8 + datagram.length, (off, len, type, flags, seq) => {
    const buf = arena.buf;
    seen.push({ type, flags, seq, bytes: Buffer.from(buf.subarray(off, off + len)), buf, off, len });
  });
  return { seen, rbuf };
}

/** What forEachMessage sees in the same datagram. */
function expected(datagram: Buffer): Array<Pick<Seen, 'type' | 'flags' | 'seq' | 'bytes'>> {
  const out: Array<Pick<Seen, 'type' | 'flags' | 'seq' | 'bytes'>> = [];
  forEachMessage(datagram, 0, datagram.length, (off, len, type, flags, seq) => {
    out.push({ type, flags, seq, bytes: Buffer.from(datagram.subarray(off, off + len)) });
  });
  return out;
}

/** A message of `size` bytes in all (header included), its payload filled with `fill`. */
function message(seq: number, size: number, fill: number): Buffer {
  return nlmsg(16, 2, seq, 0, Buffer.alloc(size - 16, fill));
}

test('a dump datagram: every message visited as forEachMessage visits it, from blocks of at most 8 KiB', (t) => {
  // 40 link-sized messages (32 KiB or so, a kernel dump datagram).
  const datagram = bytes(...Array.from({ length: 40 }, (_, i) => message(i + 1, 820 + 4 * (i % 5), i)));
  const arena = new MessageArena();
  const { seen, rbuf } = walk(arena, datagram);
  t.deepEqual(seen.map(({ type, flags, seq, bytes: b }) => ({ type, flags, seq, bytes: b })), expected(datagram));
  const blocks = new Set(seen.map((s) => s.buf.buffer));
  t.true(blocks.size >= Math.ceil(datagram.length / ARENA_BLOCK), `${blocks.size} blocks`);
  for (const s of seen) {
    t.not(s.buf.buffer, rbuf.buffer, 'never the receive buffer');
    t.true(s.buf.buffer.byteLength <= ARENA_BLOCK);
  }
  // The receive buffer is reused for the next datagram: what was visited does not change.
  rbuf.fill(0x55);
  walk(arena, bytes(message(99, 2000, 0x77)));
  for (const s of seen) t.deepEqual(Buffer.from(s.buf.subarray(s.off, s.off + s.len)), s.bytes);
});

test('a message larger than half a block gets a buffer of its own size; small ones still share blocks', (t) => {
  const big = message(2, 6000, 0xbb);
  const datagram = bytes(message(1, 100, 0xaa), big, message(3, 100, 0xcc));
  const arena = new MessageArena();
  const { seen } = walk(arena, datagram);
  t.deepEqual(seen.map(({ type, flags, seq, bytes: b }) => ({ type, flags, seq, bytes: b })), expected(datagram));
  t.is(seen[1]!.buf.buffer.byteLength, 6000);
  t.is(seen[0]!.buf.buffer, seen[2]!.buf.buffer, 'the small ones share a block');
  t.is(seen[0]!.buf.buffer.byteLength, ARENA_BLOCK);
});

test('messages of later datagrams fill the same block until it is full', (t) => {
  const arena = new MessageArena();
  const first = walk(arena, bytes(message(1, 64, 1))).seen[0]!;
  const second = walk(arena, bytes(message(2, 64, 2))).seen[0]!;
  t.is(first.buf, second.buf);
  t.true(second.off > first.off);
  t.deepEqual(Buffer.from(first.buf.subarray(first.off, first.off + 64)), message(1, 64, 1));
});

test('a malformed length: the messages before it are visited, then forEachMessage\'s DecodeError', (t) => {
  const bad = bytes(u32(9999), Buffer.alloc(12));
  const datagram = bytes(message(1, 64, 1), message(2, 64, 2), bad);
  const visited: number[] = [];
  const arena = new MessageArena();
  const error = t.throws(() => arena.forEachMessage(datagram, 0, datagram.length, (_off, _len, _type, _flags, seq) => { visited.push(seq); }), { instanceOf: DecodeError });
  t.deepEqual(visited, [1, 2]);
  t.is(error?.path, 'nlmsghdr');
  t.regex(error?.message ?? '', /message length 9999 with 16 bytes left/);
});

test('fewer than 16 trailing bytes are ignored, as forEachMessage ignores them', (t) => {
  const datagram = bytes(message(1, 64, 1), Buffer.alloc(8, 0xff));
  const { seen } = walk(new MessageArena(), datagram);
  t.deepEqual(seen.map((s) => s.seq), [1]);
});
