/**
 * Outbox: the requests written but not yet sent, and how they are packed into datagrams.
 *
 * Every request made in the same tick is written back to back into one buffer ("corking"); the
 * connection's flush then sends them in as few datagrams as the send buffer allows, with no more
 * replies outstanding per datagram than the receive buffer can hold. Runs of one bulk call in a
 * datagram ask for a single ACK (see {@link BulkWaiter.coverRun}).
 */
import { NLM_F_ACK } from '../core/protocol.js';
import { NlWriter } from '../core/writer.js';
import { BulkWaiter, type RequestBuilder, type Waiter } from './waiters.js';

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
  /** A dump request: it always ends its datagram (the kernel runs one dump at a time). */
  dump: boolean;
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

  /**
   * @param maxDatagram Largest datagram to pack, in bytes.
   * @param replyBudget Receive-buffer bytes the replies of one datagram may use.
   */
  constructor(private readonly maxDatagram: number, private readonly replyBudget: number) {}

  /** The next sequence number (never 0: the kernel's own notifications use 0). */
  nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.seq = 1;
    return this.seq;
  }

  /**
   * Makes the next `count` sequence numbers consecutive (none of them 0, none wrapping around):
   * starts over at 1 when they would. Returns the first of them.
   */
  reserveSeqs(count: number): number {
    if (this.seq + count > 0xffffffff) this.seq = 0;
    return this.seq + 1;
  }

  /**
   * Writes one request and queues it. Returns its seq. If `build` throws, nothing stays written
   * and the error propagates.
   */
  append(type: number, flags: number, build: RequestBuilder, waiter: Waiter, cost: number, dump: boolean): number {
    const seq = this.nextSeq();
    const out = this.out;
    const start = out.beginMessage(type, flags, seq);
    try {
      build(out);
    } catch (e) {
      out.length = start;
      throw e;
    }
    out.endMessage(start);
    this.queue.push({ start, end: out.length, seq, waiter, cost, dump });
    return seq;
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
  }

  /**
   * Chooses the datagram that starts at `queue[first]`: as many messages as fit the datagram size
   * and the reply budget (at least one; a dump ends it). Clears the ACK flag inside bulk runs.
   * Returns the index after its last message.
   */
  pack(first: number): number {
    const queue = this.queue;
    let i = first;
    let cost = 0;
    let bytes = 0;
    while (i < queue.length) {
      const m = queue[i]!;
      const size = m.end - m.start;
      if (i > first && (bytes + size > this.maxDatagram || cost + m.cost > this.replyBudget)) break;
      bytes += size;
      cost += m.cost;
      i++;
      if (m.dump) break;
    }
    this.unackRuns(first, i);
    return i;
  }

  /**
   * Within the datagram `queue[first, end)`, clears NLM_F_ACK on every bulk item but the last of
   * each run of consecutive items of one bulk call (see BulkWaiter.coverRun).
   */
  private unackRuns(first: number, end: number): void {
    const queue = this.queue;
    let k = first;
    while (k < end) {
      const waiter = queue[k]!.waiter;
      let j = k;
      if (waiter instanceof BulkWaiter) {
        while (j + 1 < end && queue[j + 1]!.waiter === waiter && queue[j + 1]!.seq === ((queue[j]!.seq + 1) >>> 0)) j++;
        if (j > k) {
          const buf = this.out.buf;
          // NLM_F_ACK (4) lives in the low byte of the little-endian nlmsg_flags.
          for (let q = k; q < j; q++) {
            const at = queue[q]!.start + NLMSG_FLAGS_OFFSET;
            buf[at] = buf[at]! & ~NLM_F_ACK;
          }
          waiter.coverRun(queue[k]!.seq, queue[j]!.seq);
        }
      }
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
    this.out.reset();
  }
}
