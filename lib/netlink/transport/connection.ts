/**
 * Connection: the request engine on top of one {@link NetlinkSocket}.
 *
 * How a request travels:
 * 1. The caller's message is written straight into the connection's outgoing buffer and a flush is
 *    queued as a microtask, so every request made in the same tick (a `Promise.all`, a bulk call)
 *    leaves in one datagram ("corking").
 * 2. The flush sends as many queued messages as the receive buffer can take replies for, then
 *    reads right away: rtnetlink handles a request inside `send()`, so its reply is already
 *    queued and no event-loop turn is needed (the fast path). Only if a reply is missing does the
 *    connection wait for readability through libuv, with a deadline.
 * 3. Replies are matched by sequence number (and must come from the kernel, port 0). Dumps are read
 *    until NLMSG_DONE; one dump runs at a time per socket (the kernel refuses a second with EBUSY),
 *    later ones queue. A dump whose messages carry NLM_F_DUMP_INTR is retried, then fails with the
 *    partial result.
 * 4. ENOBUFS means the kernel dropped replies: what can still be read is read, and every request
 *    whose reply is then missing is rejected (never left hanging). The in-flight cap makes this rare.
 */
import { NetlinkError, ProtocolError, type ExtendedAck } from '../core/errors.js';
import { EAGAIN, ENOBUFS } from '../core/errno.js';
import { forEachMessage, parseDoneMessage, parseErrorMessage } from '../core/message.js';
import {
  NLMSG_DONE, NLMSG_ERROR, NLMSG_MIN_TYPE, NLM_F_ACK, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_REQUEST,
} from '../core/protocol.js';
import { messageTypeName } from '../rtnl/rtm.js';
import { NetlinkSocket, RECV_TRUNCATED, type SocketOptions } from './socket.js';
import { NlWriter } from '../core/writer.js';

/** Options of a {@link Connection}. */
export interface ConnectionOptions extends SocketOptions {
  /** Milliseconds to wait for a reply before ERR_NL_TIMEOUT (default 10000). */
  timeout?: number | undefined;
  /** How many times an inconsistent dump (NLM_F_DUMP_INTR) is restarted (default 3). */
  dumpRetries?: number | undefined;
  /** Largest datagram a batch is packed into, in bytes (default 64 KiB, capped by SO_SNDBUF). */
  maxDatagramSize?: number | undefined;
  /** Called with the kernel's extended-ack warnings on successful requests (default: ignored). */
  onWarning?: ((warning: NetlinkWarning) => void) | undefined;
}

/** A kernel warning: an extended-ack message on a request that succeeded. */
export interface NetlinkWarning {
  /** The request type name (`'RTM_NEWROUTE'`). */
  op: string;
  /** The kernel's message. */
  message: string;
  /** The request's sequence number. */
  seq: number;
}

/** Builds the family header and attributes of a request after its nlmsghdr. */
export type RequestBuilder = (w: NlWriter) => void;

/** Turns one reply message (`buf[off, off + len)`, nlmsghdr included) into a value. */
export type ReplyDecoder<T> = (buf: Buffer, off: number, len: number) => T;

/** The outcome of one item of a bulk call, in the shape of `Promise.allSettled`. */
export type BulkResult = { status: 'fulfilled' } | { status: 'rejected'; reason: Error };

const FULFILLED: BulkResult = Object.freeze({ status: 'fulfilled' });

/** Receive-buffer bytes (skb truesize, roughly) one reply occupies until read. */
const ACK_COST = 1024;
const GET_COST = 8192;

/**
 * A request awaiting replies. Subclasses decide what the replies mean. `onMessage` returns whether
 * the datagram's bytes must be kept (a lazy object points into them).
 */
abstract class Waiter {
  /** When the waiting ends in failure if no reply came (ms since epoch); 0 until sent. */
  deadline = 0;
  constructor(readonly requestType: number) {}
  /** A data message (type ≥ NLMSG_MIN_TYPE) for `seq`. */
  abstract data(conn: Connection, seq: number, buf: Buffer, off: number, len: number, flags: number): boolean;
  /** NLMSG_ERROR for `seq`: errno 0 is an ACK. */
  abstract status(conn: Connection, seq: number, errno: number, extack: ExtendedAck | undefined): void;
  /** NLMSG_DONE for `seq`. */
  done(conn: Connection, seq: number, errno: number, extack: ExtendedAck | undefined, flags: number): void {
    this.status(conn, seq, errno, extack);
    void flags;
  }
  /** Every reply still owed is lost (timeout, ENOBUFS, close): fail them all with `error`. */
  abstract fail(conn: Connection, error: Error): void;
  /** Whether the flush should keep reading synchronously for this waiter (false for streams). */
  get eager(): boolean {
    return true;
  }
}

function kernelError(errno: number, requestType: number, seq: number, extack: ExtendedAck | undefined): NetlinkError {
  return new NetlinkError(errno, messageTypeName(requestType), extack ? { requestType, seq, extack } : { requestType, seq });
}

/** One request answered by an ACK (or an error). */
class AckWaiter extends Waiter {
  constructor(requestType: number, private readonly resolve: () => void, private readonly reject: (e: Error) => void) {
    super(requestType);
  }
  data(): boolean {
    return false; // NLM_F_ECHO replies are not requested; ignore anything else.
  }
  status(conn: Connection, seq: number, errno: number, extack: ExtendedAck | undefined): void {
    conn.finish(seq);
    if (errno === 0) {
      conn.warn(this.requestType, seq, extack);
      this.resolve();
    } else {
      this.reject(kernelError(errno, this.requestType, seq, extack));
    }
  }
  fail(_conn: Connection, error: Error): void {
    this.reject(error);
  }
}

/** One GET answered by one data message (or an error). */
class GetWaiter<T> extends Waiter {
  constructor(requestType: number, private readonly decode: ReplyDecoder<T>,
    private readonly resolve: (v: T) => void, private readonly reject: (e: Error) => void) {
    super(requestType);
  }
  data(conn: Connection, seq: number, buf: Buffer, off: number, len: number): boolean {
    conn.finish(seq);
    // One reply: copy it out (small buffers come from Node's pool) rather than pin the socket's
    // receive slab, so a stream of GETs does not allocate a fresh slab every few hundred replies.
    const own = Buffer.allocUnsafe(len);
    buf.copy(own, 0, off, off + len);
    try {
      this.resolve(this.decode(own, 0, len));
    } catch (e) {
      this.reject(e as Error);
    }
    return false;
  }
  status(conn: Connection, seq: number, errno: number, extack: ExtendedAck | undefined): void {
    conn.finish(seq);
    if (errno === 0) this.reject(new ProtocolError('ERR_NL_BAD_REPLY', messageTypeName(this.requestType), 'an ACK came where a reply was expected'));
    else this.reject(kernelError(errno, this.requestType, seq, extack));
  }
  fail(_conn: Connection, error: Error): void {
    this.reject(error);
  }
}

/** Many ACK requests sharing one result array (bulk calls): no promise or object per item. */
class BulkWaiter extends Waiter {
  readonly results: BulkResult[];
  private remaining: number;
  private readonly seqs: number[];
  private readonly runs = new Map<number, number>();
  constructor(requestType: number, count: number, private readonly resolve: (r: BulkResult[]) => void) {
    super(requestType);
    this.results = new Array<BulkResult>(count);
    this.remaining = count;
    this.seqs = new Array<number>(count);
    if (count === 0) resolve(this.results);
  }
  /** Records that item `index` was sent with sequence number `seq`. */
  bind(index: number, seq: number): void {
    this.seqs[index] = seq;
  }
  private indexOf(seq: number): number {
    // Sequence numbers of one bulk call are consecutive (mod 2^32).
    return (seq - this.seqs[0]!) >>> 0;
  }
  data(): boolean {
    return false;
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
  status(conn: Connection, seq: number, errno: number, extack: ExtendedAck | undefined): void {
    conn.finish(seq);
    const i = this.indexOf(seq);
    if (this.results[i] === undefined) {
      if (errno === 0) {
        conn.warn(this.requestType, seq, extack);
        this.results[i] = FULFILLED;
      } else {
        this.results[i] = { status: 'rejected', reason: kernelError(errno, this.requestType, seq, extack) };
      }
      this.remaining--;
    }
    const first = this.runs.get(seq);
    if (first !== undefined) {
      this.runs.delete(seq);
      for (let j = this.indexOf(first); j < i; j++) {
        if (this.results[j] !== undefined) continue;
        conn.finish(this.seqs[j]!);
        this.results[j] = FULFILLED;
        this.remaining--;
      }
    }
    if (this.remaining === 0) this.resolve(this.results);
  }
  fail(conn: Connection, error: Error): void {
    for (let i = 0; i < this.results.length; i++) {
      if (this.results[i] === undefined) {
        this.results[i] = { status: 'rejected', reason: error };
        conn.finish(this.seqs[i]!);
      }
    }
    this.remaining = 0;
    this.resolve(this.results);
  }
  /** Fails only the items not yet sent or answered with `error` (used when a send fails). */
  failItems(conn: Connection, seqs: readonly number[], error: Error): void {
    for (const seq of seqs) {
      const i = this.indexOf(seq);
      if (this.results[i] !== undefined) continue;
      conn.finish(seq);
      this.results[i] = { status: 'rejected', reason: error };
      if (--this.remaining === 0) this.resolve(this.results);
    }
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
class DumpWaiter<T> extends Waiter {
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
  data(_conn: Connection, _seq: number, buf: Buffer, off: number, len: number, flags: number): boolean {
    if (this.discarding) return false;
    if (flags & NLM_F_DUMP_INTR) this.interrupted = true;
    this.sink.push(this.decode(buf, off, len));
    return true;
  }
  override done(conn: Connection, seq: number, errno: number, extack: ExtendedAck | undefined, flags: number): void {
    if (flags & NLM_F_DUMP_INTR) this.interrupted = true;
    conn.finish(seq);
    conn.dumpFinished(this);
    if (this.discarding) return;
    if (errno !== 0) {
      this.sink.end(kernelError(errno, this.requestType, seq, extack));
    } else if (this.interrupted && !this.pull && this.attempts <= this.retries) {
      this.interrupted = false;
      this.sink.restart();
      conn.startDump(this);
    } else if (this.interrupted) {
      this.sink.end(new ProtocolError('ERR_NL_DUMP_INTERRUPTED', messageTypeName(this.requestType),
        `the dump stayed inconsistent (NLM_F_DUMP_INTR) after ${this.attempts} attempt(s)`, this.sink.partial?.()));
    } else {
      this.sink.end(undefined);
    }
  }
  status(conn: Connection, seq: number, errno: number, extack: ExtendedAck | undefined): void {
    // A dump refused outright (bad header under strict checking …) answers with NLMSG_ERROR.
    conn.finish(seq);
    conn.dumpFinished(this);
    if (this.discarding) return;
    this.sink.end(errno === 0 ? undefined : kernelError(errno, this.requestType, seq, extack));
  }
  fail(conn: Connection, error: Error): void {
    if (this.seq !== 0) conn.finish(this.seq);
    conn.dumpFinished(this);
    if (!this.discarding) this.sink.end(error);
    this.discarding = true;
  }
}

/** A queued, unsent message: where it sits in the outgoing buffer and who waits for it. */
interface Outgoing {
  start: number;
  end: number;
  seq: number;
  waiter: Waiter;
  cost: number;
  dump: boolean;
}

/** The error of requests whose replies were dropped (ENOBUFS) or cut (truncated datagram). */
function lossError(r: number): Error {
  return r === RECV_TRUNCATED
    ? new ProtocolError('ERR_NL_TRUNCATED', 'recvmsg', 'a reply datagram was larger than the receive buffer and was lost')
    : new NetlinkError(ENOBUFS, 'recvmsg');
}

/** The request engine. One per handle and namespace; not safe to share between threads. */
export class Connection {
  /** The socket (replaced only if it must be reopened after a broken dump). */
  socket: NetlinkSocket;
  readonly timeout: number;
  readonly dumpRetries: number;
  private readonly options: ConnectionOptions;
  private readonly out = new NlWriter(64 * 1024);
  private queue: Outgoing[] = [];
  /** How many messages at the head of {@link queue} the current flush has sent. */
  private sentCount = 0;
  private readonly inflight = new Map<number, Waiter>();
  private eagerCount = 0;
  private seq = 0;
  private flushQueued = false;
  private activeDump: DumpWaiter<unknown> | undefined;
  private readonly dumpQueue: DumpWaiter<unknown>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readers: Array<() => void> = [];
  private closed = false;
  private readonly maxDatagram: number;
  private readonly replyBudget: number;

  constructor(socket: NetlinkSocket, options: ConnectionOptions = {}) {
    this.socket = socket;
    this.options = options;
    this.timeout = options.timeout ?? 10_000;
    this.dumpRetries = options.dumpRetries ?? 3;
    this.maxDatagram = Math.max(4096, Math.min(options.maxDatagramSize ?? 64 * 1024, socket.sendBufferSize - 1024));
    // The kernel drops replies once the queued skbs exceed SO_RCVBUF; keep a safety margin.
    this.replyBudget = Math.max(ACK_COST * 8, Math.floor(socket.receiveBufferSize * 0.75));
  }

  /** Opens a socket with `options` and wraps it. */
  static open(protocol: number, options: ConnectionOptions = {}): Connection {
    return new Connection(NetlinkSocket.open(protocol, options), options);
  }

  // ---- public request API ----

  /** Sends one request that the kernel ACKs (NLM_F_ACK is added). Resolves on the ACK. */
  ack(type: number, flags: number, build: RequestBuilder): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.enqueue(type, flags | NLM_F_REQUEST | NLM_F_ACK, build, new AckWaiter(type, resolve, reject), ACK_COST, false);
    });
  }

  /** Sends one GET request (no dump) and decodes its single reply. */
  get<T>(type: number, flags: number, build: RequestBuilder, decode: ReplyDecoder<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enqueue(type, flags | NLM_F_REQUEST, build, new GetWaiter(type, decode, resolve, reject), GET_COST, false);
    });
  }

  /**
   * Sends `count` ACKed requests of one type, built by `build(w, i)`, packed into as few datagrams as
   * the buffers allow. Resolves to one result per item, in order; never rejects for an item's error.
   * If `build` throws (invalid input), nothing is sent and the error propagates.
   */
  bulk(type: number, flags: number, count: number, build: (w: NlWriter, index: number) => void): Promise<BulkResult[]> {
    return new Promise<BulkResult[]>((resolve, reject) => {
      this.assertOpen(type);
      const waiter = new BulkWaiter(type, count, resolve);
      if (count === 0) return;
      const mark = this.out.length;
      const queued = this.queue.length;
      const seqBefore = this.seq;
      try {
        for (let i = 0; i < count; i++) {
          const seq = this.nextSeq();
          const start = this.out.beginMessage(type, flags | NLM_F_REQUEST | NLM_F_ACK, seq);
          build(this.out, i);
          this.out.endMessage(start);
          waiter.bind(i, seq);
          this.queue.push({ start, end: this.out.length, seq, waiter, cost: ACK_COST, dump: false });
        }
      } catch (e) {
        // Validation failed part-way: unwind so nothing of this call is ever sent.
        this.out.length = mark;
        this.queue.length = queued;
        this.seq = seqBefore;
        reject(e as Error);
        return;
      }
      for (let i = queued; i < this.queue.length; i++) this.register(this.queue[i]!.seq, waiter);
      this.scheduleFlush();
    });
  }

  /** Runs a dump and collects every object (restarting it on NLM_F_DUMP_INTR). */
  dump<T>(type: number, flags: number, build: RequestBuilder, decode: ReplyDecoder<T>): Promise<T[]> {
    return new Promise<T[]>((resolve, reject) => {
      let items: T[] = [];
      const sink: DumpSink<T> = {
        push: (v) => { items.push(v); },
        restart: () => { items = []; },
        end: (error) => (error === undefined ? resolve(items) : reject(error)),
        partial: () => items,
      };
      this.assertOpen(type);
      this.startDump(new DumpWaiter(type, flags | NLM_F_REQUEST | NLM_F_DUMP, build, decode, sink, false, this.dumpRetries) as DumpWaiter<unknown>);
    });
  }

  /**
   * Runs a dump and yields its objects one at a time, reading a datagram from the kernel only when
   * the consumer needs more (the kernel builds each dump datagram inside that read), so a table of
   * any size never sits in memory at once. An inconsistent dump (NLM_F_DUMP_INTR) cannot be
   * restarted once objects were yielded: the iterator throws ERR_NL_DUMP_INTERRUPTED at its end.
   * Breaking out of the loop drains the rest of the dump.
   */
  stream<T>(type: number, flags: number, build: RequestBuilder, decode: ReplyDecoder<T>): AsyncIterableIterator<T> {
    const items: T[] = [];
    let head = 0;
    let ended = false;
    let failure: Error | undefined;
    const sink: DumpSink<T> = {
      push: (v) => { items.push(v); },
      restart: () => { /* pull dumps are never restarted */ },
      end: (error) => { ended = true; failure = error; },
    };
    const waiter = new DumpWaiter(type, flags | NLM_F_REQUEST | NLM_F_DUMP, build, decode, sink, true, 0);
    let started = false;
    const conn = this;
    const iterator: AsyncIterableIterator<T> = {
      [Symbol.asyncIterator]() { return iterator; },
      async next(): Promise<IteratorResult<T>> {
        if (!started) {
          started = true;
          conn.assertOpen(type);
          conn.startDump(waiter as DumpWaiter<unknown>);
        }
        for (;;) {
          if (head < items.length) {
            const value = items[head]!;
            items[head++] = undefined as T;
            if (head > 1024 && head * 2 > items.length) { items.splice(0, head); head = 0; }
            return { value, done: false };
          }
          if (ended) {
            if (failure) { const f = failure; failure = undefined; throw f; }
            return { value: undefined, done: true };
          }
          await conn.pull(waiter as DumpWaiter<unknown>);
        }
      },
      async return(): Promise<IteratorResult<T>> {
        if (started && !ended) conn.abandonDump(waiter as DumpWaiter<unknown>);
        ended = true;
        items.length = 0;
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }

  /** Closes the socket; every pending request fails with ERR_NL_CLOSED. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const error = new ProtocolError('ERR_NL_CLOSED', 'close', 'the netlink handle was closed');
    this.failAll(error);
    this.socket.close();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.wakeReaders();
  }

  /** Whether {@link close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  // ---- engine internals (used by the waiters) ----

  /** @internal Forgets `seq`: its replies are complete. */
  finish(seq: number): void {
    const w = this.inflight.get(seq);
    if (w === undefined) return;
    this.inflight.delete(seq);
    if (w.eager) this.eagerCount--;
  }

  /** @internal Reports an extended-ack warning on a successful request. */
  warn(requestType: number, seq: number, extack: ExtendedAck | undefined): void {
    if (extack?.message && this.options.onWarning) {
      this.options.onWarning({ op: messageTypeName(requestType), message: extack.message, seq });
    }
  }

  /** @internal Queues or starts a dump. */
  startDump(waiter: DumpWaiter<unknown>): void {
    if (this.activeDump !== undefined && this.activeDump !== waiter) {
      this.dumpQueue.push(waiter);
      return;
    }
    this.activeDump = waiter;
    waiter.attempts++;
    waiter.seq = this.enqueue(waiter.requestType, waiter.flags, waiter.build, waiter, 0, true);
  }

  /** @internal The active dump ended: the next queued one may start. */
  dumpFinished(waiter: DumpWaiter<unknown>): void {
    if (this.activeDump !== waiter) {
      const i = this.dumpQueue.indexOf(waiter);
      if (i !== -1) this.dumpQueue.splice(i, 1);
      return;
    }
    this.activeDump = undefined;
    const next = this.dumpQueue.shift();
    if (next !== undefined) queueMicrotask(() => { if (!this.closed) this.startDump(next); });
  }

  // ---- sending ----

  private assertOpen(type: number): void {
    if (this.closed) throw new ProtocolError('ERR_NL_CLOSED', messageTypeName(type), 'the netlink handle is closed');
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.seq = 1;
    return this.seq;
  }

  private register(seq: number, waiter: Waiter): void {
    this.inflight.set(seq, waiter);
    if (waiter.eager) this.eagerCount++;
  }

  /** Writes one request into the outgoing buffer and schedules a flush. Returns its seq. */
  private enqueue(type: number, flags: number, build: RequestBuilder, waiter: Waiter, cost: number, dump: boolean): number {
    if (this.closed) {
      waiter.fail(this, new ProtocolError('ERR_NL_CLOSED', messageTypeName(type), 'the netlink handle is closed'));
      return 0;
    }
    const seq = this.nextSeq();
    const start = this.out.beginMessage(type, flags, seq);
    try {
      build(this.out);
    } catch (e) {
      this.out.length = start;
      waiter.fail(this, e as Error);
      return 0;
    }
    this.out.endMessage(start);
    this.queue.push({ start, end: this.out.length, seq, waiter, cost, dump });
    this.register(seq, waiter);
    this.scheduleFlush();
    return seq;
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flush());
  }

  /**
   * Sends the queued messages in datagrams that fit the send buffer and whose replies fit the
   * receive buffer, reading the replies of each datagram before sending the next.
   */
  private flush(): void {
    this.flushQueued = false;
    let i = 0;
    const queue = this.queue;
    this.sentCount = 0;
    while (i < queue.length && !this.closed) {
      const first = i;
      let cost = 0;
      let bytes = 0;
      // Pack until the datagram or the reply budget is full; a dump always ends a datagram.
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
      const start = queue[first]!.start;
      const end = queue[i - 1]!.end;
      const deadline = Date.now() + this.timeout;
      for (let k = first; k < i; k++) queue[k]!.waiter.deadline = deadline;
      this.sentCount = i;
      try {
        this.socket.send(this.out.buf, start, end - start);
      } catch (e) {
        this.failSent(queue.slice(first, i), e as Error);
        continue;
      }
      this.readAvailable();
    }
    queue.length = 0;
    this.sentCount = 0;
    this.out.reset();
    this.armWait();
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
          for (let q = k; q < j; q++) {
            const at = queue[q]!.start + 6;
            buf.writeUInt16LE(buf.readUInt16LE(at) & ~NLM_F_ACK, at);
          }
          waiter.coverRun(queue[k]!.seq, queue[j]!.seq);
        }
      }
      k = j + 1;
    }
  }

  /** A send failed: the messages of that datagram will never be answered. */
  private failSent(sent: Outgoing[], error: Error): void {
    const bulkSeqs = new Map<BulkWaiter, number[]>();
    for (const m of sent) {
      if (m.waiter instanceof BulkWaiter) {
        const list = bulkSeqs.get(m.waiter) ?? [];
        list.push(m.seq);
        bulkSeqs.set(m.waiter, list);
      } else if (this.inflight.get(m.seq) === m.waiter) {
        this.finish(m.seq);
        m.waiter.fail(this, error);
      }
    }
    for (const [waiter, seqs] of bulkSeqs) waiter.failItems(this, seqs, error);
  }

  // ---- receiving ----

  /** Reads and dispatches datagrams while some eager waiter still expects replies. */
  private readAvailable(): void {
    let overrun: Error | undefined;
    while (this.eagerCount > 0 && !this.closed) {
      const r = this.socket.recv();
      if (r === -EAGAIN) break;
      if (r === -ENOBUFS || r === RECV_TRUNCATED) { overrun ??= lossError(r); continue; }
      if (r < 0) {
        this.lost(new NetlinkError(-r, 'recvmsg'));
        break;
      }
      this.dispatch(r);
    }
    if (overrun) this.lost(overrun);
  }

  /**
   * Reads one datagram for a pulled stream, waiting for readability if none is queued. Resolves
   * when something arrived (or the wait timed out and the stream was failed).
   */
  pull(waiter: DumpWaiter<unknown>): Promise<void> {
    if (this.closed) {
      waiter.fail(this, new ProtocolError('ERR_NL_CLOSED', messageTypeName(waiter.requestType), 'the netlink handle was closed'));
      return Promise.resolve();
    }
    if (this.flushQueued) this.flush();
    const r = this.socket.recv();
    if (r > 0) {
      this.dispatch(r);
      return Promise.resolve();
    }
    if (r === -ENOBUFS || r === RECV_TRUNCATED) {
      this.readAvailable();
      this.lost(lossError(r));
      return Promise.resolve();
    }
    if (r !== -EAGAIN) {
      this.lost(new NetlinkError(-r, 'recvmsg'));
      return Promise.resolve();
    }
    if (waiter.deadline === 0 || waiter.deadline < Date.now()) waiter.deadline = Date.now() + this.timeout;
    return new Promise<void>((resolve) => {
      this.readers.push(resolve);
      this.armWait(waiter);
    });
  }

  /** A stream's consumer stopped early: drop the rest of its dump as it is read. */
  abandonDump(waiter: DumpWaiter<unknown>): void {
    if (waiter.discarding) return;
    if (!this.inflight.has(waiter.seq)) {
      // Not sent yet (queued behind another dump): just forget it.
      waiter.discarding = true;
      this.dumpFinished(waiter);
      return;
    }
    // The kernel is mid-dump on this socket; it must reach DONE before another dump can start.
    this.finish(waiter.seq);
    waiter.discarding = true;
    this.register(waiter.seq, waiter);
    this.readAvailable();
    this.armWait();
  }

  /** Walks one received datagram and hands each message to its waiter. */
  private dispatch(length: number): void {
    const sock = this.socket;
    const buf = sock.rbuf;
    const start = sock.roff;
    // Replies come from the kernel (port 0); anything else is not ours to trust.
    if (sock.meta[0] !== 0) return;
    let keep = false;
    try {
      forEachMessage(buf, start, start + length, (off, len, type, flags, seq) => {
        const waiter = this.inflight.get(seq);
        if (waiter === undefined) return; // late reply of a request that already failed
        if (type === NLMSG_ERROR) {
          const e = parseErrorMessage(buf, off, len, flags);
          waiter.status(this, seq, e.errno, e.extack);
        } else if (type === NLMSG_DONE) {
          const e = parseDoneMessage(buf, off, len, flags);
          waiter.done(this, seq, e.errno, e.extack, flags);
        } else if (type >= NLMSG_MIN_TYPE) {
          if (waiter.data(this, seq, buf, off, len, flags)) keep = true;
        }
      });
    } catch (e) {
      // A malformed datagram: the replies it held cannot be matched reliably.
      this.lost(e as Error);
    }
    if (keep) sock.keep(length);
  }

  /**
   * Replies were lost (overrun, truncated or malformed datagram, failed recvmsg): every request
   * already sent and still waiting fails with `error`. Requests not sent yet are unaffected.
   */
  private lost(error: Error): void {
    const unsent = new Set<number>();
    for (let k = this.sentCount; k < this.queue.length; k++) unsent.add(this.queue[k]!.seq);
    const bulk = new Map<BulkWaiter, number[]>();
    let brokeDump = false;
    for (const [seq, waiter] of [...this.inflight]) {
      if (unsent.has(seq)) continue;
      if (waiter instanceof BulkWaiter) {
        const list = bulk.get(waiter) ?? [];
        list.push(seq);
        bulk.set(waiter, list);
        continue;
      }
      if (waiter instanceof DumpWaiter) brokeDump = true;
      this.finish(seq);
      waiter.fail(this, error);
    }
    for (const [waiter, seqs] of bulk) waiter.failItems(this, seqs, error);
    this.wakeReaders();
    if (brokeDump) this.reopen();
  }

  /** Fails everything in flight and queued: the handle is closing. */
  private failAll(error: Error): void {
    const pending = [...this.inflight];
    this.inflight.clear();
    this.eagerCount = 0;
    const failed = new Set<Waiter>();
    for (const [, waiter] of pending) {
      if (failed.has(waiter)) continue;
      failed.add(waiter);
      waiter.fail(this, error);
    }
    for (const d of this.dumpQueue.splice(0)) d.fail(this, error);
    this.queue = [];
    this.sentCount = 0;
    this.out.reset();
    this.activeDump = undefined;
    this.wakeReaders();
  }

  /**
   * A dump broke mid-way (its replies were lost): the kernel still considers it running on this
   * socket, so later dumps would get EBUSY. Start over on a fresh socket in the same namespace.
   */
  private reopen(): void {
    const old = this.socket;
    try {
      this.socket = NetlinkSocket.open(old.protocol, this.options);
    } catch {
      return; // keep the old socket; its dump will end or time out
    }
    old.close();
  }

  // ---- waiting ----

  /** Waits for readability (and arms the deadline timer) while replies are outstanding. */
  private armWait(puller?: DumpWaiter<unknown>): void {
    const waiting = this.eagerCount > 0 || puller !== undefined || this.readers.length > 0;
    if (!waiting || this.closed) {
      this.socket.unwatch();
      if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
      return;
    }
    this.socket.watch(() => this.onReadable());
    this.socket.setRef(true);
    if (this.timer === undefined) {
      this.timer = setTimeout(() => this.onTimer(), Math.min(this.timeout, 1000));
    }
  }

  private onReadable(): void {
    this.timer && clearTimeout(this.timer);
    this.timer = undefined;
    this.readAvailable();
    this.wakeReaders();
    this.armWait();
  }

  private wakeReaders(): void {
    const readers = this.readers;
    if (readers.length === 0) return;
    this.readers = [];
    for (const r of readers) r();
  }

  /** Fails every waiter whose deadline passed. */
  private onTimer(): void {
    this.timer = undefined;
    this.readAvailable();
    const now = Date.now();
    for (const [seq, waiter] of [...this.inflight]) {
      if (waiter.deadline !== 0 && waiter.deadline <= now && (waiter.eager || this.readers.length > 0)) {
        this.finish(seq);
        waiter.fail(this, new ProtocolError('ERR_NL_TIMEOUT', messageTypeName(waiter.requestType),
          `no reply within ${this.timeout} ms`));
      }
    }
    this.wakeReaders();
    this.armWait();
  }
}
