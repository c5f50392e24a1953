/**
 * Outbox: the requests written but not yet sent, and how they are packed into datagrams.
 *
 * Every request made in the same tick is written back to back into one buffer ("corking"); the
 * connection's flush then sends them in as few datagrams as the send buffer allows, with no more
 * replies outstanding per datagram than the receive buffer can hold. Runs of one bulk call in a
 * datagram ask for a single ACK (see {@link BulkWaiter.coverRun}).
 *
 * Choosing a datagram costs no work per message: messages lie back to back (bytes up to a message
 * are its end minus the datagram's start) and each carries the reply cost of the queue up to it,
 * so the cut is a binary search; a bulk call's items are written without NLM_F_ACK and each item
 * knows where its call's run ends, so only the last item of each run in a datagram is touched.
 */
import { NLM_F_ACK } from '../core/protocol.js';
import { NlWriter } from '../core/writer.js';
import type { BulkWaiter, RequestBuilder, Waiter } from './waiters.js';

/** Offset of nlmsg_flags in struct nlmsghdr (see core/protocol.ts). */
const NLMSG_FLAGS_OFFSET = 6;

/** A queued, unsent message: where it sits in the outgoing buffer and who waits for it. */
export interface Outgoing {
  start: number;
  end: number;
  seq: number;
  waiter: Waiter;
  /** Receive-buffer bytes its replies may occupy until read. */
  cost: number;
  /** The reply cost of the queue up to and including this message. */
  total: number;
  /** A dump request: it always ends its datagram (the kernel runs one dump at a time). */
  dump: boolean;
  /** For an item of a bulk call: the queue index of the call's last item; -1 for any other request. */
  last: number;
}

/** Where the outbox stood, to undo a bulk call whose validation failed part-way. */
export interface OutboxMark {
  length: number;
  queued: number;
  seq: number;
}

/** The outgoing buffer and queue of one connection. */
export class Outbox {
  /** The messages, back to back. */
  readonly out = new NlWriter(64 * 1024);
  /** The messages in {@link out}, in order. */
  readonly queue: Outgoing[] = [];
  /** How many messages at the head of {@link queue} the current flush has sent. */
  sentCount = 0;
  private seq = 0;
  /** Queue indexes of the dump requests, in order, and the first one a datagram may still reach. */
  private readonly dumps: number[] = [];
  private dumpCursor = 0;

  /**
   * @param maxDatagram Largest datagram to pack, in bytes.
   * @param replyBudget Receive-buffer bytes the replies of one datagram may use.
   */
  constructor(private readonly maxDatagram: number, private readonly replyBudget: number) {}

  /**
   * Makes the next `count` sequence numbers consecutive (none of them 0, none wrapping around):
   * starts over at 1 when they would. Returns the first of them.
   */
  reserveSeqs(count: number): number {
    if (this.seq + count > 0xffffffff) this.seq = 0;
    return this.seq + 1;
  }

  /** The reply cost of the queue so far. */
  private totalCost(): number {
    const q = this.queue;
    return q.length === 0 ? 0 : q[q.length - 1]!.total;
  }

  /**
   * Writes one request and queues it. Returns its seq. If `build` throws, nothing stays written
   * and the error propagates.
   */
  append(type: number, flags: number, build: RequestBuilder, waiter: Waiter, cost: number, dump: boolean): number {
    const queue = this.queue;
    const before = queue.length === 0 ? 0 : queue[queue.length - 1]!.total;
    const start = this.out.length;
    const seq = this.write(type, flags, build);
    if (dump) this.dumps.push(queue.length);
    queue.push({ start, end: this.out.length, seq, waiter, cost, total: before + cost, dump, last: -1 });
    return seq;
  }

  /**
   * Writes one request after what {@link out} holds, with the next sequence number, and returns
   * that number, without queueing it (a lone request: the connection sends `out` as it is, or
   * queues it with {@link adopt}). If `build` throws, nothing stays written and the error propagates.
   */
  write(type: number, flags: number, build: RequestBuilder): number {
    // The next sequence number (never 0: the kernel's own notifications use 0), written out here:
    // every single request runs this.
    let seq = (this.seq + 1) >>> 0;
    if (seq === 0) seq = 1;
    this.seq = seq;
    const out = this.out;
    const start = out.beginMessage(type, flags, seq);
    try {
      build(out);
    } catch (e) {
      out.length = start;
      throw e;
    }
    out.endMessage(start);
    return seq;
  }

  /** Queues the one request {@link write} put alone into the empty outbox (it is all of {@link out}). */
  adopt(seq: number, waiter: Waiter, cost: number): void {
    this.queue.push({ start: 0, end: this.out.length, seq, waiter, cost, total: cost, dump: false, last: -1 });
  }

  /**
   * Writes the `count` requests of one bulk call, `build(out, as[i], bs[i])` writing item `i` after
   * its nlmsghdr (`build(out, i)` when `as` is undefined), with the consecutive sequence numbers
   * `first + i` (see {@link reserveSeqs}) and without NLM_F_ACK (the datagram's cut sets it on the
   * last item of each run), and queues them. If `build` throws, the caller rolls back to its mark.
   */
  appendBulk<A, B>(type: number, flags: number, count: number, build: (w: NlWriter, a: A, b: B) => void,
    as: readonly A[] | undefined, bs: readonly B[] | undefined, waiter: BulkWaiter, cost: number): void {
    const out = this.out;
    const queue = this.queue;
    const first = this.reserveSeqs(count);
    const last = queue.length + count - 1;
    const itemFlags = flags & ~NLM_F_ACK;
    let total = this.totalCost();
    for (let i = 0; i < count; i++) {
      const seq = first + i;
      const start = out.beginMessage(type, itemFlags, seq);
      build(out, as === undefined ? (i as A) : as[i]!, bs === undefined ? (undefined as B) : bs[i]!);
      out.endMessage(start);
      total += cost;
      queue.push({ start, end: out.length, seq, waiter, cost, total, dump: false, last });
      // Room for the rest at the first item's size (and a quarter more): the buffer grows once,
      // before the loop is optimised, not in the middle of optimised code.
      if (i === 0 && count > 1) out.reserve(Math.ceil((count - 1) * (out.length - start) * 1.25));
    }
    this.seq = first + count - 1;
  }

  /** Where the outbox stands now. */
  mark(): OutboxMark {
    return { length: this.out.length, queued: this.queue.length, seq: this.seq };
  }

  /** Forgets everything written after `mark`. */
  rollback(mark: OutboxMark): void {
    this.out.length = mark.length;
    this.queue.length = mark.queued;
    this.seq = mark.seq;
    while (this.dumps.length > 0 && this.dumps[this.dumps.length - 1]! >= mark.queued) this.dumps.pop();
  }

  /**
   * Chooses the datagram that starts at `queue[first]`: as many messages as fit the datagram size
   * and the reply budget (at least one; a dump ends it). Sets NLM_F_ACK on the last item of each
   * bulk run in it. Returns the index after its last message.
   */
  pack(first: number): number {
    const queue = this.queue;
    let limit = queue.length;
    const dumps = this.dumps;
    while (this.dumpCursor < dumps.length && dumps[this.dumpCursor]! < first) this.dumpCursor++;
    if (this.dumpCursor < dumps.length) limit = Math.min(limit, dumps[this.dumpCursor]! + 1);
    const head = queue[first]!;
    const start = head.start;
    const before = head.total - head.cost;
    // The largest end in (first, limit] whose bytes and reply cost fit (both grow with the end).
    let lo = first + 1;
    let hi = limit;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const m = queue[mid - 1]!;
      if (m.end - start <= this.maxDatagram && m.total - before <= this.replyBudget) lo = mid;
      else hi = mid - 1;
    }
    this.ackRuns(first, lo);
    return lo;
  }

  /**
   * Within the datagram `queue[first, end)`, sets NLM_F_ACK on the last item of each run of one bulk
   * call: the kernel reports every failing item anyway, and that ACK confirms the rest of the run
   * (see BulkWaiter.coverRun).
   */
  private ackRuns(first: number, end: number): void {
    const queue = this.queue;
    const buf = this.out.buf;
    let k = first;
    while (k < end) {
      const m = queue[k]!;
      if (m.last < 0) {
        k++;
        continue;
      }
      const j = Math.min(end - 1, m.last);
      const tail = queue[j]!;
      // NLM_F_ACK (4) lives in the low byte of the little-endian nlmsg_flags.
      buf[tail.start + NLMSG_FLAGS_OFFSET] = buf[tail.start + NLMSG_FLAGS_OFFSET]! | NLM_F_ACK;
      if (j > k) (m.waiter as BulkWaiter).coverRun(m.seq, tail.seq);
      k = j + 1;
    }
  }

  /** The sequence numbers queued but not sent by the current flush. */
  unsentSeqs(): Set<number> {
    const unsent = new Set<number>();
    for (let k = this.sentCount; k < this.queue.length; k++) unsent.add(this.queue[k]!.seq);
    return unsent;
  }

  /** Empties the queue and the buffer (the buffer's memory is kept). */
  clear(): void {
    this.queue.length = 0;
    this.sentCount = 0;
    this.dumps.length = 0;
    this.dumpCursor = 0;
    this.out.reset();
  }
}
