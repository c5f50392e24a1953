/**
 * The requests of a connection that await replies, by sequence number, and the ways they end
 * without one: a failed send, lost replies, a timeout, a closing handle. Whatever happens, every
 * waiter is settled exactly once: never left hanging.
 *
 * Single requests are kept by sequence number. A bulk call's items carry consecutive sequence
 * numbers and are kept as one range (its {@link BulkWaiter}): thousands of items cost no map entry each.
 */
import type { Outgoing } from './outbox.js';
import { BulkWaiter, DumpWaiter, type Waiter, type WaiterHost } from './waiters.js';

/** Requests in flight. */
export class PendingRequests {
  private readonly bySeq = new Map<number, Waiter>();
  /** Bulk calls with items still waiting. */
  private bulks: BulkWaiter[] = [];
  /** How many requests the connection reads for synchronously (see {@link Waiter.eager}); a bulk call counts its waiting items. */
  eagerCount = 0;

  /** The waiter of `seq`, if it still waits. */
  get(seq: number): Waiter | undefined {
    const w = this.bySeq.get(seq);
    if (w !== undefined) return w;
    const bulks = this.bulks;
    for (let i = 0; i < bulks.length; i++) if (bulks[i]!.owns(seq)) return bulks[i];
    return undefined;
  }

  /** Whether no request waits for replies. */
  get isEmpty(): boolean {
    return this.bySeq.size === 0 && this.bulks.length === 0;
  }

  /** Whether `seq` still waits. */
  has(seq: number): boolean {
    return this.get(seq) !== undefined;
  }

  /** `seq` was sent (or is about to be) and waits for replies. */
  register(seq: number, waiter: Waiter): void {
    this.bySeq.set(seq, waiter);
    if (waiter.eager) this.eagerCount++;
  }

  /** The items of bulk call `waiter` (`waiter.first` onwards) were queued and wait for replies. */
  registerBulk(waiter: BulkWaiter): void {
    if (waiter.remaining === 0) return;
    this.bulks.push(waiter);
    this.eagerCount += waiter.remaining;
  }

  /** Forgets `seq`: its replies are complete. */
  finish(seq: number): void {
    const w = this.bySeq.get(seq);
    if (w === undefined) return;
    this.bySeq.delete(seq);
    if (w.eager) this.eagerCount--;
  }

  /** `count` items of bulk call `waiter` were settled. */
  settled(waiter: BulkWaiter, count: number): void {
    const i = this.bulks.indexOf(waiter);
    if (i === -1) return;
    this.eagerCount -= count;
    if (waiter.remaining === 0) this.bulks.splice(i, 1);
  }

  /** The messages of one datagram whose send failed will never be answered: fail them. */
  failDatagram(host: WaiterHost, sent: readonly Outgoing[], error: Error): void {
    const bulkSeqs = new Map<BulkWaiter, number[]>();
    for (const m of sent) {
      if (m.waiter instanceof BulkWaiter) {
        const list = bulkSeqs.get(m.waiter) ?? [];
        list.push(m.seq);
        bulkSeqs.set(m.waiter, list);
      } else if (this.bySeq.get(m.seq) === m.waiter) {
        this.finish(m.seq);
        m.waiter.fail(host, error);
      }
    }
    for (const [waiter, seqs] of bulkSeqs) waiter.failItems(host, seqs, error);
  }

  /**
   * Replies were lost: fails every request still waiting except those in `unsent` (queued, not
   * sent yet). Items of a bulk call fail one by one; answered items keep their result. Returns
   * whether a dump was among the failed (the kernel still runs it on this socket).
   */
  failSent(host: WaiterHost, unsent: ReadonlySet<number>, error: Error): boolean {
    let brokeDump = false;
    for (const [seq, waiter] of [...this.bySeq]) {
      if (unsent.has(seq)) continue;
      if (waiter instanceof DumpWaiter) brokeDump = true;
      this.finish(seq);
      waiter.fail(host, error);
    }
    for (const waiter of [...this.bulks]) {
      waiter.failItems(host, waiter.pendingSeqs().filter((seq) => !unsent.has(seq)), error);
    }
    return brokeDump;
  }

  /** Fails every request with `error` (the handle is closing) and forgets them all. */
  failAll(host: WaiterHost, error: Error): void {
    const pending = [...this.bySeq.values(), ...this.bulks];
    this.bySeq.clear();
    this.bulks = [];
    this.eagerCount = 0;
    const failed = new Set<Waiter>();
    for (const waiter of pending) {
      if (failed.has(waiter)) continue;
      failed.add(waiter);
      waiter.fail(host, error);
    }
  }

  /**
   * Fails with `makeError(waiter)` every request whose deadline passed at `now`: those the
   * connection reads for, and pulled streams too while one of them is waiting (`pullWaiting`).
   */
  expire(host: WaiterHost, now: number, pullWaiting: boolean, makeError: (waiter: Waiter) => Error): void {
    for (const [seq, waiter] of [...this.bySeq]) {
      if (waiter.deadline !== 0 && waiter.deadline <= now && (waiter.eager || pullWaiting)) {
        this.finish(seq);
        waiter.fail(host, makeError(waiter));
      }
    }
    for (const waiter of [...this.bulks]) {
      if (waiter.deadline !== 0 && waiter.deadline <= now) waiter.fail(host, makeError(waiter));
    }
  }
}
