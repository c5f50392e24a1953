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
 *    A request made while nothing else is queued or in flight (an awaited call) is written but not
 *    queued: the flush sends it and settles it from its plain ACK or errno with no queue, no
 *    bookkeeping by sequence number, no walk. Anything else (a second request in the same tick, a
 *    reply with data or extended-ack TLVs, a missing reply) takes the general path.
 * 3. Replies are matched by sequence number (and must come from the kernel, port 0). Dumps are read
 *    until NLMSG_DONE; one dump runs at a time per socket (the kernel refuses a second with EBUSY),
 *    later ones queue. A dump whose messages carry NLM_F_DUMP_INTR is retried, then fails with the
 *    partial result.
 * 4. ENOBUFS means the kernel dropped replies: what can still be read is read, and every request
 *    whose reply is then missing is rejected (never left hanging). The in-flight cap makes this rare.
 */
import { NetlinkError, ProtocolError, type ExtendedAck } from '../core/errors.js';
import { EAGAIN, ENOBUFS } from '../core/errno.js';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_ECHO, NLM_F_REQUEST } from '../core/protocol.js';
import type { NlWriter } from '../core/writer.js';
import { CallOrder, type OrderSlot } from './call-order.js';
import { ReplyDispatcher, lossError } from './dispatch.js';
import { Outbox } from './outbox.js';
import { PendingRequests } from './pending.js';
import { NetlinkSocket, RECV_TRUNCATED, type SocketOptions } from './socket.js';
import { pulledDump } from './stream.js';
import {
  AckWaiter, BulkWaiter, DumpWaiter, EchoWaiter, GetWaiter, genericMessageName, type BulkResult, type DumpSink,
  type ErrorSubject, type MessageNamer, type ReplyDecoder, type RequestBuilder, type Waiter, type WaiterHost,
} from './waiters.js';

export type { BulkResult, DumpSink, ErrorSubject, MessageNamer, ReplyDecoder, RequestBuilder } from './waiters.js';
export { genericMessageName } from './waiters.js';
export type { OrderSlot } from './call-order.js';

/** Options of a handle's request engine (a `Connection`), as {@link RtNetlink.open} takes them. */
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

/** How many connections of this process hold requests written but not sent yet (a flush is queued). */
let unsentConnections = 0;

/**
 * Whether some connection of this process holds requests written but not sent yet. Their changes
 * have not reached the kernel: what a link name means may still change before a request made now
 * is sent (rtnl/resolve.ts then asks the kernel rather than trust what it remembers).
 */
export function requestsWaitingToBeSent(): boolean {
  return unsentConnections > 0;
}

/** Settled once: `.then` on it queues a microtask. */
const RESOLVED = Promise.resolve();

/** Receive-buffer bytes (skb truesize, roughly) one reply occupies until read. */
const ACK_COST = 1024;
const GET_COST = 8192;

/** The request engine. One per handle and namespace; not safe to share between threads. */
export class Connection implements WaiterHost {
  /** The socket (replaced only if it must be reopened after a broken dump). */
  socket: NetlinkSocket;
  readonly timeout: number;
  readonly dumpRetries: number;
  /** Names message types in errors and warnings (the family's namer, given to {@link open}). */
  readonly messageName: MessageNamer;
  private readonly options: ConnectionOptions;
  private readonly outbox: Outbox;
  private readonly inflight = new PendingRequests();
  private readonly replies = new ReplyDispatcher(this, this.inflight);
  private flushQueued = false;
  /**
   * The request written alone at the start of the outbox and not queued (see {@link enqueue}):
   * its waiter (undefined: none), sequence number and reply cost.
   */
  private loneWaiter: Waiter | undefined;
  private loneSeq = 0;
  private loneCost = 0;
  private activeDump: DumpWaiter<unknown> | undefined;
  private readonly dumpQueue: DumpWaiter<unknown>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readers: Array<() => void> = [];
  private readonly closeHooks: Array<() => void> = [];
  private closed = false;
  /** Requests made after a call that waits for a link lookup: written in call order (call-order.ts). */
  private readonly order = new CallOrder(() => { unsentConnections++; }, () => { unsentConnections--; });

  /**
   * @param socket The socket to work on (the connection owns it from now on).
   * @param options Timeouts, retries and datagram size.
   * @param messageName Names message types in errors (default: {@link genericMessageName}).
   */
  constructor(socket: NetlinkSocket, options: ConnectionOptions = {}, messageName: MessageNamer = genericMessageName) {
    this.socket = socket;
    this.options = options;
    this.messageName = messageName;
    this.timeout = options.timeout ?? 10_000;
    this.dumpRetries = options.dumpRetries ?? 3;
    const maxDatagram = Math.max(4096, Math.min(options.maxDatagramSize ?? 64 * 1024, socket.sendBufferSize - 1024));
    // The kernel drops replies once the queued skbs exceed SO_RCVBUF; keep a safety margin.
    const replyBudget = Math.max(ACK_COST * 8, Math.floor(socket.receiveBufferSize * 0.75));
    this.outbox = new Outbox(maxDatagram, replyBudget);
  }

  /**
   * Opens a socket of `protocol` with `options` and wraps it. The transport knows no family:
   * `messageName` (the family's, e.g. rtnetlink's `RTM_*` names) names requests in errors.
   */
  static open(protocol: number, options: ConnectionOptions = {}, messageName: MessageNamer = genericMessageName): Connection {
    return new Connection(NetlinkSocket.open(protocol, options), options, messageName);
  }

  // ---- public request API ----

  /**
   * A place in this connection's request order for a call whose request waits for something (its
   * link names' lookups, which must be made before this): requests made after it are written after
   * it. See call-order.ts. Requests are otherwise written in the call that makes them.
   */
  reserve(): OrderSlot {
    return this.order.reserve();
  }

  /** Sends one request the kernel ACKs (NLM_F_ACK added); resolves on the ACK. ENODEV names `subject`. */
  ack(type: number, flags: number, build: RequestBuilder, subject?: ErrorSubject): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.enqueue(type, flags | NLM_F_REQUEST | NLM_F_ACK, build, new AckWaiter(type, resolve, reject, subject), ACK_COST, false);
    });
  }

  /** Sends one GET request (no dump) and decodes its single reply; an ENODEV names `subject` (see {@link ack}). */
  get<T>(type: number, flags: number, build: RequestBuilder, decode: ReplyDecoder<T>, subject?: ErrorSubject): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enqueue(type, flags | NLM_F_REQUEST, build, new GetWaiter(type, decode, resolve, reject, subject), GET_COST, false);
    });
  }

  /** Sends one request with NLM_F_ECHO | NLM_F_ACK; resolves on the ACK with the echoed change (undefined: none). */
  echo<T>(type: number, flags: number, build: RequestBuilder, decode: ReplyDecoder<T>): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      this.enqueue(type, flags | NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO, build, new EchoWaiter(type, decode, resolve, reject), GET_COST, false);
    });
  }

  /**
   * Sends `count` ACKed requests of one type, built by `build(w, i)`, packed into as few datagrams as
   * the buffers allow. Resolves to one result per item, in order; never rejects for an item's error.
   * If `build` throws (invalid input), nothing is sent and the error propagates.
   */
  bulk(type: number, flags: number, count: number, build: (w: NlWriter, index: number) => void): Promise<BulkResult[]> {
    return this.sendBulk(type, flags, count, build as (w: NlWriter, a: unknown, b: unknown) => void, undefined, undefined);
  }

  /**
   * Like {@link bulk}, one request per item of `items`, written by `write(w, items[i], extras[i])`
   * (called without `this`): the family's writer itself runs once per item, with no closure between.
   */
  bulkOf<T, R>(type: number, flags: number, items: readonly T[], extras: readonly R[],
    write: (w: NlWriter, item: T, extra: R) => void): Promise<BulkResult[]> {
    return this.sendBulk(type, flags, items.length, write as (w: NlWriter, a: unknown, b: unknown) => void, items, extras);
  }

  private sendBulk(type: number, flags: number, count: number, build: (w: NlWriter, a: unknown, b: unknown) => void,
    as: readonly unknown[] | undefined, bs: readonly unknown[] | undefined): Promise<BulkResult[]> {
    if (this.order.holding) {
      return new Promise<BulkResult[]>((resolve, reject) => {
        this.order.hold(() => { this.sendBulk(type, flags, count, build, as, bs).then(resolve, reject); });
      });
    }
    return new Promise<BulkResult[]>((resolve, reject) => {
      this.assertOpen(type);
      const waiter = new BulkWaiter(type, count, resolve);
      if (count === 0) return;
      if (this.loneWaiter !== undefined) this.queueLone();
      const box = this.outbox;
      const mark = box.mark();
      // Consecutive sequence numbers, none wrapping around 0: item i is first + i.
      waiter.first = box.reserveSeqs(count);
      try {
        box.appendBulk(type, flags | NLM_F_REQUEST, count, build, as, bs, waiter, ACK_COST);
      } catch (e) {
        // Validation failed part-way: unwind so nothing of this call is ever sent.
        box.rollback(mark);
        reject(e as Error);
        return;
      }
      this.inflight.registerBulk(waiter);
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
      const waiter = new DumpWaiter(type, flags | NLM_F_REQUEST | NLM_F_DUMP, build, decode, sink, false, this.dumpRetries) as DumpWaiter<unknown>;
      if (this.order.holding) this.order.hold(() => this.startDump(waiter));
      else this.startDump(waiter);
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
    return pulledDump(this, type, flags, build, decode);
  }

  /** Runs `hook` when the connection closes (what lives and dies with the handle: a watcher socket). */
  onClose(hook: () => void): void {
    this.closeHooks.push(hook);
  }

  /** Closes the socket; every pending request fails with ERR_NL_CLOSED. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const hook of this.closeHooks.splice(0)) hook();
    const error = new ProtocolError('ERR_NL_CLOSED', 'close', 'the netlink handle was closed');
    this.failAll(error);
    // Requests waiting their turn fail as a closed handle's do (those behind a place not filled yet
    // fail once it is: its lookup fails with the handle).
    this.order.drain();
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
    this.inflight.finish(seq);
  }

  /** @internal `count` more items of a bulk call are settled. */
  settled(waiter: BulkWaiter, count: number): void {
    this.inflight.settled(waiter, count);
  }

  /** @internal Reports an extended-ack warning on a successful request. */
  warn(requestType: number, seq: number, extack: ExtendedAck | undefined): void {
    if (extack?.message && this.options.onWarning) {
      this.options.onWarning({ op: this.messageName(requestType), message: extack.message, seq });
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
    if (next !== undefined) void RESOLVED.then(() => { if (!this.closed) this.startDump(next); });
  }

  // ---- sending ----

  /** @internal Throws ERR_NL_CLOSED (named after `type`) if the handle is closed. */
  assertOpen(type: number): void {
    if (this.closed) throw new ProtocolError('ERR_NL_CLOSED', this.messageName(type), 'the netlink handle is closed');
  }

  /** Writes one request into the outgoing buffer and schedules a flush. Returns its seq. */
  private enqueue(type: number, flags: number, build: RequestBuilder, waiter: Waiter, cost: number, dump: boolean): number {
    if (this.closed) {
      waiter.fail(this, new ProtocolError('ERR_NL_CLOSED', this.messageName(type), 'the netlink handle is closed'));
      return 0;
    }
    if (!dump && this.order.holding) {
      // An earlier call waits for a lookup: this one is written after it (its seq is not needed here).
      this.order.hold(() => { this.enqueue(type, flags, build, waiter, cost, dump); });
      return 0;
    }
    const box = this.outbox;
    let seq: number;
    if (!dump && this.loneWaiter === undefined && box.queue.length === 0 && this.inflight.isEmpty) {
      // Alone (an awaited call, the first of a tick): written, not queued; flush sends it.
      try {
        seq = box.write(type, flags, build);
      } catch (e) {
        waiter.fail(this, e as Error);
        return 0;
      }
      this.loneWaiter = waiter;
      this.loneSeq = seq;
      this.loneCost = cost;
      this.scheduleFlush();
      return seq;
    }
    if (this.loneWaiter !== undefined) this.queueLone();
    try {
      seq = box.append(type, flags, build, waiter, cost, dump);
    } catch (e) {
      waiter.fail(this, e as Error);
      return 0;
    }
    this.inflight.register(seq, waiter);
    this.scheduleFlush();
    return seq;
  }

  /** Another request joins the lone one before it is sent: the lone one is queued first, as any other. */
  private queueLone(): void {
    const waiter = this.loneWaiter!;
    this.loneWaiter = undefined;
    this.outbox.adopt(this.loneSeq, waiter, this.loneCost);
    this.inflight.register(this.loneSeq, waiter);
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    unsentConnections++;
    // A promise reaction, not queueMicrotask: Node wraps each queueMicrotask callback in an
    // AsyncResource (an object, a bound function and async-hook bookkeeping per request).
    void RESOLVED.then(this.flushNow);
  }

  private readonly flushNow = (): void => this.flush();

  /**
   * Sends the queued messages in datagrams that fit the send buffer and whose replies fit the
   * receive buffer, reading the replies of each datagram before sending the next.
   */
  private flush(): void {
    if (this.flushQueued) {
      this.flushQueued = false;
      unsentConnections--;
    }
    if (this.loneWaiter !== undefined) {
      this.sendLone(this.loneWaiter);
      return;
    }
    const box = this.outbox;
    const queue = box.queue;
    let i = 0;
    box.sentCount = 0;
    while (i < queue.length && !this.closed) {
      const first = i;
      // One request alone (an awaited call): it is its datagram, nothing to pack or ACK-flag.
      i = first + 1 === queue.length && queue[first]!.last < 0 ? queue.length : box.pack(first);
      const start = queue[first]!.start;
      const end = queue[i - 1]!.end;
      const deadline = Date.now() + this.timeout;
      for (let k = first; k < i; k++) queue[k]!.waiter.deadline = deadline;
      box.sentCount = i;
      try {
        this.socket.send(box.out.buf, start, end - start);
      } catch (e) {
        this.inflight.failDatagram(this, queue.slice(first, i), e as Error);
        continue;
      }
      this.readAvailable();
    }
    box.clear();
    this.armWait();
  }

  /**
   * Sends the lone request (see {@link enqueue}) and reads its reply: a plain ACK or errno settles
   * it at once; anything else (data, extended-ack TLVs, a late reply of another request, no reply
   * yet, a receive error) registers it and continues as a flush does.
   */
  private sendLone(waiter: Waiter): void {
    const seq = this.loneSeq;
    this.loneWaiter = undefined;
    const out = this.outbox.out;
    const socket = this.socket;
    try {
      socket.send(out.buf, 0, out.length);
    } catch (e) {
      out.reset();
      waiter.fail(this, e as Error);
      return;
    }
    out.reset();
    const r = socket.recv();
    if (r > 0 && this.replies.settlePlainReply(socket, r, seq, waiter)) return;
    waiter.deadline = Date.now() + this.timeout;
    this.inflight.register(seq, waiter);
    if (r > 0) {
      this.dispatch(r);
    } else if (r === -ENOBUFS || r === RECV_TRUNCATED) {
      this.readAvailable();
      this.lost(lossError(r));
    } else if (r !== -EAGAIN) {
      this.lost(new NetlinkError(-r, 'recvmsg'));
    }
    this.readAvailable();
    this.armWait();
  }

  // ---- receiving ----

  /** Reads and dispatches datagrams while some eager waiter still expects replies. */
  private readAvailable(): void {
    let overrun: Error | undefined;
    while (this.inflight.eagerCount > 0 && !this.closed) {
      const r = this.socket.recv();
      if (r === -EAGAIN) break;
      if (r === -ENOBUFS || r === RECV_TRUNCATED) { overrun ??= lossError(r); continue; }
      if (r < 0) {
        this.lost(new NetlinkError(-r, 'recvmsg'));
        break;
      }
      const malformed = this.replies.dispatch(this.socket, r);
      if (malformed !== undefined) this.lost(malformed);
    }
    if (overrun) this.lost(overrun);
  }

  /**
   * Reads one datagram for a pulled stream, waiting for readability if none is queued. Resolves
   * when something arrived (or the wait timed out and the stream was failed).
   */
  pull(waiter: DumpWaiter<unknown>): Promise<void> {
    if (this.closed) {
      waiter.fail(this, new ProtocolError('ERR_NL_CLOSED', this.messageName(waiter.requestType), 'the netlink handle was closed'));
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
    this.inflight.register(waiter.seq, waiter);
    this.readAvailable();
    this.armWait();
  }

  /** Hands the messages of the datagram of `length` bytes just received to their waiters. */
  private dispatch(length: number): void {
    const malformed = this.replies.dispatch(this.socket, length);
    if (malformed !== undefined) this.lost(malformed);
  }

  /**
   * Replies were lost (overrun, truncated or malformed datagram, failed recvmsg): every request
   * already sent and still waiting fails with `error`. Requests not sent yet are unaffected.
   */
  private lost(error: Error): void {
    const brokeDump = this.inflight.failSent(this, this.outbox.unsentSeqs(), error);
    this.wakeReaders();
    if (brokeDump) this.reopen();
  }

  /** Fails everything in flight and queued: the handle is closing. */
  private failAll(error: Error): void {
    const lone = this.loneWaiter;
    this.loneWaiter = undefined;
    lone?.fail(this, error);
    this.inflight.failAll(this, error);
    for (const d of this.dumpQueue.splice(0)) d.fail(this, error);
    this.outbox.clear();
    this.activeDump = undefined;
    this.wakeReaders();
  }

  /**
   * A dump broke mid-way (its replies were lost): the kernel still considers it running on this
   * socket, so later dumps would get EBUSY. Start over on a fresh socket in the namespace the old
   * one belongs to (SIOCGSKNS), never by the path it was opened with: that may name another
   * namespace by now. Without CAP_NET_ADMIN there, the old socket stays (its dump ends or times out).
   */
  private reopen(): void {
    const old = this.socket;
    try {
      this.socket = old.openSibling(old.protocol, this.options);
    } catch {
      return;
    }
    old.close();
  }

  // ---- waiting ----

  /** Waits for readability (and arms the deadline timer) while replies are outstanding. */
  private armWait(puller?: DumpWaiter<unknown>): void {
    const waiting = this.inflight.eagerCount > 0 || puller !== undefined || this.readers.length > 0;
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
    this.inflight.expire(this, Date.now(), this.readers.length > 0, (waiter) =>
      new ProtocolError('ERR_NL_TIMEOUT', this.messageName(waiter.requestType), `no reply within ${this.timeout} ms`));
    this.wakeReaders();
    this.armWait();
  }
}
