/**
 * MessageArena: where received messages go before anything decodes them, so that what a caller
 * keeps (a Link from a dump, an event from a monitor) holds a small block, not the socket's
 * receive buffer.
 *
 * The socket receives every datagram into one reused buffer (sized for the largest datagram, 64 KiB
 * and more). Datagrams whose messages may outlive the read (data messages: dump parts, GET replies,
 * notifications) are copied out in runs of whole messages into 8 KiB blocks, one copy per run;
 * a message larger than half a block gets a block of its own size. Views then point into the
 * blocks. A kept view keeps its block alive: at most 8 KiB (shared with the messages received
 * next to it), or its own message's size for large messages. Blocks nobody references are
 * collected with the views that used them.
 *
 * Measured alternatives (see the commit): a copy per message costs ~100 ns per message (routes:
 * +15% on a dump); a buffer per datagram pins up to 32 KiB per kept view; the former 512 KiB slab,
 * kept while any view of it lived, pinned 512 KiB per kept view.
 */
import { forEachMessage, type MessageVisitor } from '../core/message.js';

/** Bytes per block. */
export const ARENA_BLOCK = 8192;

/** Messages larger than this get a block of their own. */
const OWN_BLOCK = ARENA_BLOCK / 2;

const EMPTY = Buffer.alloc(0);

/** Copies datagrams out of a receive buffer, in message-aligned runs, into small blocks. */
export class MessageArena {
  /**
   * The block the messages being visited were copied into: read it inside the visitor of
   * {@link forEachMessage} (it changes from run to run).
   */
  buf: Buffer = EMPTY;
  /** The block being filled. */
  private block: Buffer = EMPTY;
  /** Bytes of {@link block} in use. */
  private used = 0;

  /**
   * Visits the messages of the datagram `src[start, end)` as core's forEachMessage does (same
   * order, same DecodeError on a bad length, after the messages before it), but with each message
   * copied into a block first: the visitor gets offsets into {@link buf}.
   */
  forEachMessage(src: Buffer, start: number, end: number, visit: MessageVisitor): void {
    let at = start;
    while (at + 16 <= end) {
      const free = this.block.length - this.used;
      // The longest run of whole, well-formed, block-sized messages from `at` that fits the block.
      let run = at;
      while (run + 16 <= end) {
        const len = src.readUInt32LE(run);
        if (len < 16 || run + len > end || len > OWN_BLOCK) break;
        const next = Math.min(run + ((len + 3) & ~3), end);
        if (next - at > free) break;
        run = next;
      }
      if (run === at) {
        const len = src.readUInt32LE(at);
        if (len < 16 || at + len > end) {
          // Malformed: the walk over the rest throws where it must (messages before it were visited).
          this.buf = src;
          forEachMessage(src, at, end, visit);
          return;
        }
        const size = Math.min((len + 3) & ~3, end - at);
        if (size > OWN_BLOCK) {
          const own = Buffer.allocUnsafeSlow(size);
          src.copy(own, 0, at, at + size);
          this.buf = own;
          forEachMessage(own, 0, size, visit);
          at += size;
        } else {
          this.block = Buffer.allocUnsafeSlow(ARENA_BLOCK);
          this.used = 0;
        }
        continue;
      }
      const n = run - at;
      const block = this.block;
      const to = this.used;
      src.copy(block, to, at, run);
      this.used = to + ((n + 7) & ~7);
      this.buf = block;
      forEachMessage(block, to, to + n, visit);
      at = run;
    }
  }
}
