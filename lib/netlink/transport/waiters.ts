/**
 * Waiters: what a request in flight waits for, and what its replies mean. The connection matches
 * each reply to a waiter by sequence number and hands it over; a waiter settles its caller's
 * promise (or a bulk call's result array, or a dump's sink) and tells the connection when its
 * replies are complete.
 */
import { ENODEV } from '../core/errno.js';
import { NetlinkError, ProtocolError, type ExtendedAck, type NetlinkErrorOptions } from '../core/errors.js';
import { NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, NLM_F_DUMP_INTR } from '../core/protocol.js';
import type { NlWriter } from '../core/writer.js';

/** Names a message type for errors and warnings (`16` → `'RTM_NEWLINK'`); given by the family. */
export type MessageNamer = (type: number) => string;

/**
 * The names of the message types every netlink family shares; other types by number. A family
 * passes its own namer to `Connection.open` (rtnetlink: `RTM_NEWLINK` …).
 */
export function genericMessageName(type: number): string {
  switch (type) {
    case NLMSG_NOOP: return 'NLMSG_NOOP';
    case NLMSG_ERROR: return 'NLMSG_ERROR';
    case NLMSG_DONE: return 'NLMSG_DONE';
    case NLMSG_OVERRUN: return 'NLMSG_OVERRUN';
    default: return `message type ${type}`;
  }
}

/** Builds the family header and attributes of a request after its nlmsghdr. */
export type RequestBuilder = (w: NlWriter) => void;

/** Turns one reply message (`buf[off, off + len)`, nlmsghdr included) into a value. */
export type ReplyDecoder<T> = (buf: Buffer, off: number, len: number) => T;

/** The outcome of one item of a bulk call, in the shape of `Promise.allSettled`. */
export type BulkResult = {
  /** The kernel acknowledged the item. */
  status: 'fulfilled';
} | {
  /** The item failed. */
  status: 'rejected';
  /** Why: a NetlinkError with the item's errno (EEXIST, ENODEV …), or the error that failed the batch. */
  reason: Error;
};

const FULFILLED: BulkResult = Object.freeze({ status: 'fulfilled' });

/** What waiters need from the connection that runs them. */
export interface WaiterHost {
  /** Names message types in errors. */
  readonly messageName: MessageNamer;
  /** Forgets `seq`: its replies are complete. */
  finish(seq: number): void;
  /** `count` more items of bulk call `waiter` are settled (bulk items are not registered one by one). */
  settled(waiter: BulkWaiter, count: number): void;
  /** Reports an extended-ack warning on a successful request. */
  warn(requestType: number, seq: number, extack: ExtendedAck | undefined): void;
  /** Queues or starts a dump. */
  startDump(waiter: DumpWaiter<unknown>): void;
  /** The active dump ended: the next queued one may start. */
  dumpFinished(waiter: DumpWaiter<unknown>): void;
}

/**
 * A request awaiting replies. Subclasses decide what the replies mean. The bytes `data` gets are
 * the waiter's to keep: the connection copied them out of the receive buffer (or, for a lone
 * control message, nothing decodes them past the call).
 */
export abstract class Waiter {
  /** When the waiting ends in failure if no reply came (ms since epoch); 0 until sent. */
  deadline = 0;
  constructor(readonly requestType: number) {}
  /** A data message (type ≥ NLMSG_MIN_TYPE) for `seq`; `buf[off, off + len)` is never overwritten. */
  abstract data(host: WaiterHost, seq: number, buf: Buffer, off: number, len: number, flags: number): void;
  /** NLMSG_ERROR for `seq`: errno 0 is an ACK. */
  abstract status(host: WaiterHost, seq: number, errno: number, extack: ExtendedAck | undefined): void;
  /** NLMSG_DONE for `seq`. */
  done(host: WaiterHost, seq: number, errno: number, extack: ExtendedAck | undefined, flags: number): void {
    this.status(host, seq, errno, extack);
    void flags;
  }
  /** Every reply still owed is lost (timeout, ENOBUFS, close): fail them all with `error`. */
  abstract fail(host: WaiterHost, error: Error): void;
  /** Whether the flush should keep reading synchronously for this waiter (false for streams). */
  get eager(): boolean {
    return true;
  }
}

/**
 * The link a request is about, named in its ENODEV (`link "eth0" does not exist`, `link with
 * ifindex 7 does not exist`): the one link reference the caller gave, as given.
 */
export type ErrorSubject = string | number | undefined;

/** The error of a request the kernel refused; an ENODEV names `subject` when there is one. */
export function kernelError(host: WaiterHost, errno: number, requestType: number, seq: number, extack: ExtendedAck | undefined,
  subject?: ErrorSubject): NetlinkError {
  const options: NetlinkErrorOptions = extack ? { requestType, seq, extack } : { requestType, seq };
  if (subject !== undefined && errno === ENODEV) options.link = subject;
  return new NetlinkError(errno, host.messageName(requestType), options);
}

/** One request answered by an ACK (or an error). */
export class AckWaiter extends Waiter {
  constructor(requestType: number, private readonly resolve: () => void, private readonly reject: (e: Error) => void,
    private readonly subject: ErrorSubject = undefined) {
    super(requestType);
  }
  data(): void {
    // NLM_F_ECHO replies are not requested; ignore anything else.
  }
  status(host: WaiterHost, seq: number, errno: number, extack: ExtendedAck | undefined): void {
    host.finish(seq);
    if (errno === 0) {
      if (extack !== undefined) host.warn(this.requestType, seq, extack);
      this.resolve();
    } else {
      this.reject(kernelError(host, errno, this.requestType, seq, extack, this.subject));
    }
  }
  fail(_host: WaiterHost, error: Error): void {
    this.reject(error);
  }
}

/** One GET answered by one data message (or an error). */
export class GetWaiter<T> extends Waiter {
  constructor(requestType: number, private readonly decode: ReplyDecoder<T>,
    private readonly resolve: (v: T) => void, private readonly reject: (e: Error) => void,
    private readonly subject: ErrorSubject = undefined) {
    super(requestType);
  }
  data(host: WaiterHost, seq: number, buf: Buffer, off: number, len: number): void {
    host.finish(seq);
    try {
      this.resolve(this.decode(buf, off, len));
    } catch (e) {
      this.reject(e as Error);
    }
  }
  status(host: WaiterHost, seq: number, errno: number, extack: ExtendedAck | undefined): void {
    host.finish(seq);
    if (errno === 0) this.reject(new ProtocolError('ERR_NL_BAD_REPLY', host.messageName(this.requestType), 'an ACK came where a reply was expected'));
    else this.reject(kernelError(host, errno, this.requestType, seq, extack, this.subject));
  }
  fail(_host: WaiterHost, error: Error): void {
    this.reject(error);
  }
}

/**
 * One request sent with NLM_F_ECHO | NLM_F_ACK: the kernel unicasts its notification of the change
 * back to the sender (kernels that honour the flag for the request type) before the ACK. Resolves
 * on the ACK with the last echoed message decoded, or undefined when none came (a kernel that does
 * not echo this type); an error rejects even after an echo (the kernel may undo the change after
 * notifying it, e.g. a link whose master cannot be set is unregistered again).
 */
export class EchoWaiter<T> extends Waiter {
  private echoed: T | undefined;
  private failed: Error | undefined;
  constructor(requestType: number, private readonly decode: ReplyDecoder<T>,
    private readonly resolve: (v: T | undefined) => void, private readonly reject: (e: Error) => void) {
    super(requestType);
  }
  data(_host: WaiterHost, _seq: number, buf: Buffer, off: number, len: number): void {
    // The bytes are already the waiter's own (the connection copied the datagram out of the
    // receive buffer, as for GetWaiter): decoded where they are.
    try {
      this.echoed = this.decode(buf, off, len);
    } catch (e) {
      this.failed = e as Error;
    }
  }
  status(host: WaiterHost, seq: number, errno: number, extack: ExtendedAck | undefined): void {
    host.finish(seq);
    if (errno !== 0) {
      this.reject(kernelError(host, errno, this.requestType, seq, extack));
    } else if (this.failed !== undefined) {
      this.reject(this.failed);
    } else {
      host.warn(this.requestType, seq, extack);
      this.resolve(this.echoed);
    }
  }
  fail(_host: WaiterHost, error: Error): void {
    this.reject(error);
  }
}

/**
 * Many ACK requests sharing one result array (bulk calls): no promise, object or registration per
 * item. The items of one call carry consecutive sequence numbers (the outbox never wraps them
 * around 0), so item `i` is `first + i`, and the connection finds this waiter by range.
 */
export class BulkWaiter extends Waiter {
  readonly results: BulkResult[];
  /** How many items are not settled yet. */
  remaining: number;
  /** The sequence number of item 0 (set when the items are queued). */
  first = 0;
  private readonly runs = new Map<number, number>();
  constructor(requestType: number, readonly count: number, private readonly resolve: (r: BulkResult[]) => void) {
    super(requestType);
    // Filled, not holey: `results[i] === undefined` on a hole would read a polluted Object.prototype[i]
    // (and the call would wait forever for an item it thinks answered).
    this.results = new Array<BulkResult>(count).fill(undefined as unknown as BulkResult);
    this.remaining = count;
    if (count === 0) resolve(this.results);
  }
  /** Whether `seq` is an item of this call still waiting for its reply. */
  owns(seq: number): boolean {
    const i = seq - this.first;
    return i >= 0 && i < this.count && this.results[i] === undefined;
  }
  data(): void {
    // Bulk calls are answered by ACKs; anything else is ignored.
  }
  /**
   * Items `firstSeq` up to (not including) `lastSeq` were sent without NLM_F_ACK in one datagram:
   * the kernel handles a datagram's messages in order and reports every failure anyway, so the ACK
   * of `lastSeq` confirms that those without an error succeeded. Fewer ACKs mean fewer skbs for
   * the kernel to build and fewer datagrams to read.
   */
  coverRun(firstSeq: number, lastSeq: number): void {
    this.runs.set(lastSeq, firstSeq);
  }
  status(host: WaiterHost, seq: number, errno: number, extack: ExtendedAck | undefined): void {
    const i = seq - this.first;
    let settled = 0;
    if (this.results[i] === undefined) {
      if (errno === 0) {
        host.warn(this.requestType, seq, extack);
        this.results[i] = FULFILLED;
      } else {
        this.results[i] = { status: 'rejected', reason: kernelError(host, errno, this.requestType, seq, extack) };
      }
      settled++;
    }
    const first = this.runs.get(seq);
    if (first !== undefined) {
      this.runs.delete(seq);
      for (let j = first - this.first; j < i; j++) {
        if (this.results[j] !== undefined) continue;
        this.results[j] = FULFILLED;
        settled++;
      }
    }
    this.settle(host, settled);
  }
  fail(host: WaiterHost, error: Error): void {
    let settled = 0;
    for (let i = 0; i < this.results.length; i++) {
      if (this.results[i] === undefined) {
        this.results[i] = { status: 'rejected', reason: error };
        settled++;
      }
    }
    this.settle(host, settled);
  }
  /** Fails only the items of `seqs` not yet answered with `error` (used when a send fails or replies are lost). */
  failItems(host: WaiterHost, seqs: readonly number[], error: Error): void {
    let settled = 0;
    for (const seq of seqs) {
      const i = seq - this.first;
      if (this.results[i] !== undefined) continue;
      this.results[i] = { status: 'rejected', reason: error };
      settled++;
    }
    this.settle(host, settled);
  }
  /** The sequence numbers of the items still waiting. */
  pendingSeqs(): number[] {
    const seqs: number[] = [];
    for (let i = 0; i < this.count; i++) if (this.results[i] === undefined) seqs.push(this.first + i);
    return seqs;
  }
  /** `n` more items settled: tell the connection, and resolve once none is left. */
  private settle(host: WaiterHost, n: number): void {
    if (n === 0) return;
    this.remaining -= n;
    host.settled(this, n);
    if (this.remaining === 0) this.resolve(this.results);
  }
}

/** How a dump delivers its objects. */
export interface DumpSink<T> {
  /** One decoded object. */
  push(value: T): void;
  /** The dump restarts after NLM_F_DUMP_INTR: forget what was pushed. */
  restart(): void;
  /** The dump ended: `error` is undefined on success. */
  end(error: Error | undefined): void;
  /** What was collected so far, attached to ERR_NL_DUMP_INTERRUPTED. */
  partial?(): readonly T[];
}

/** A dump: data messages until NLMSG_DONE. */
export class DumpWaiter<T> extends Waiter {
  interrupted = false;
  attempts = 0;
  /** Set when the caller gave up: remaining messages are read and dropped until DONE. */
  discarding = false;
  seq = 0;
  constructor(requestType: number, readonly flags: number, readonly build: RequestBuilder,
    private readonly decode: ReplyDecoder<T>, readonly sink: DumpSink<T>, readonly pull: boolean,
    readonly retries: number) {
    super(requestType);
  }
  override get eager(): boolean {
    return !this.pull || this.discarding;
  }
  data(_host: WaiterHost, _seq: number, buf: Buffer, off: number, len: number, flags: number): void {
    if (this.discarding) return;
    if (flags & NLM_F_DUMP_INTR) this.interrupted = true;
    this.sink.push(this.decode(buf, off, len));
  }
  override done(host: WaiterHost, seq: number, errno: number, extack: ExtendedAck | undefined, flags: number): void {
    if (flags & NLM_F_DUMP_INTR) this.interrupted = true;
    host.finish(seq);
    host.dumpFinished(this);
    if (this.discarding) return;
    if (errno !== 0) {
      this.sink.end(kernelError(host, errno, this.requestType, seq, extack));
    } else if (this.interrupted && !this.pull && this.attempts <= this.retries) {
      this.interrupted = false;
      this.sink.restart();
      host.startDump(this);
    } else if (this.interrupted) {
      this.sink.end(new ProtocolError('ERR_NL_DUMP_INTERRUPTED', host.messageName(this.requestType),
        `the dump stayed inconsistent (NLM_F_DUMP_INTR) after ${this.attempts} attempt(s)`, this.sink.partial?.()));
    } else {
      this.sink.end(undefined);
    }
  }
  status(host: WaiterHost, seq: number, errno: number, extack: ExtendedAck | undefined): void {
    // A dump refused outright (bad header under strict checking …) answers with NLMSG_ERROR.
    host.finish(seq);
    host.dumpFinished(this);
    if (this.discarding) return;
    this.sink.end(errno === 0 ? undefined : kernelError(host, errno, this.requestType, seq, extack));
  }
  fail(host: WaiterHost, error: Error): void {
    if (this.seq !== 0) host.finish(this.seq);
    host.dumpFinished(this);
    if (!this.discarding) this.sink.end(error);
    this.discarding = true;
  }
}
