/**
 * A fake of the native binding that plays the kernel's side at the byte level (after mdlayher's
 * nltest): it records every datagram sent and answers from a responder the test supplies. With it
 * the request engine's protocol handling (matching, dumps, DUMP_INTR, ENOBUFS, timeouts, truncation)
 * is tested without privileges and deterministically.
 */
import { Connection, type ConnectionOptions } from '../../lib/netlink/transport/connection.js';
import type { NativeBinding, NativePoller } from '../../lib/netlink/transport/native.js';
import { setNativeBinding } from '../../lib/netlink/transport/native.js';
import { messageTypeName } from '../../lib/netlink/rtnl/rtm.js';

/** One message of a sent datagram. */
export interface SentMessage {
  type: number;
  flags: number;
  seq: number;
  /** The payload after the nlmsghdr. */
  payload: Buffer;
}

/** A queued receive result: a datagram (from the kernel unless `pid` says otherwise) or an errno. */
export type Delivery = { data: Buffer; pid?: number } | { errno: number };

/** The fake. `respond` runs inside each send, like rtnetlink's handler. */
export class FakeKernel implements NativeBinding {
  readonly datagrams: Buffer[] = [];
  readonly queue: Delivery[] = [];
  readonly options = new Map<string, number>();
  pollers: Array<{ cb: (status: number) => void; active: boolean; closed: boolean }> = [];
  closedFds: number[] = [];
  rcvbuf = 425984;
  sndbuf = 425984;
  sendErrno = 0;

  constructor(public respond: (messages: SentMessage[], kernel: FakeKernel) => void = () => {}) {}

  /** Installs the fake as the native binding until the returned function is called. */
  install(): () => void {
    setNativeBinding(this);
    return () => setNativeBinding(undefined);
  }

  /** Installs the fake and opens a Connection on it (rtnetlink's message names in its errors). */
  connection(options: ConnectionOptions = {}): Connection {
    this.install();
    return Connection.open(0, options, messageTypeName);
  }

  /**
   * Queues a datagram (several messages concatenated) for the next recv of the socket that sent
   * last (the kernel answers its sender): {@link queue} for the first socket.
   */
  deliver(...messages: Buffer[]): void {
    (this.otherQueues.get(this.#lastSender) ?? this.queue).push({ data: Buffer.concat(messages) });
  }
  #lastSender = 7;

  /** Makes readiness callbacks fire, as libuv would. */
  wake(): void {
    for (const p of this.pollers) if (p.active && !p.closed) p.cb(0);
  }

  /** The messages of every datagram sent so far. */
  get sent(): SentMessage[] {
    return this.datagrams.flatMap((d) => parse(d));
  }

  /**
   * The first socket is fd 7 and reads {@link queue}; any further socket (a handle's link watcher,
   * say) gets the next fd and a queue of its own in {@link otherQueues}, empty unless a test fills it.
   */
  socketOpen(_protocol = 0, netns: string | number | null = null): number {
    this.openedIn.push(netns);
    const fd = this.#nextFd++;
    if (fd !== 7) this.otherQueues.set(fd, []);
    return fd;
  }
  #nextFd = 7;
  /** The namespace argument of each socketOpen, in order (null: the caller's). */
  readonly openedIn: Array<string | number | null> = [];
  /** The receive queues of the sockets after the first, by fd. */
  readonly otherQueues = new Map<number, Delivery[]>();
  /** Queues a datagram for the socket `fd` (not the first one). */
  deliverTo(fd: number, ...messages: Buffer[]): void {
    this.otherQueues.get(fd)!.push({ data: Buffer.concat(messages) });
  }
  socketPortId(): number { return 4242; }
  socketSend(fd: number, buf: Uint8Array, offset: number, length: number): number {
    if (this.sendErrno) return -this.sendErrno;
    this.#lastSender = fd;
    const d = Buffer.from(buf.subarray(offset, offset + length));
    this.datagrams.push(d);
    this.respond(parse(d), this);
    return length;
  }
  socketRecv(fd: number, buf: Uint8Array, offset: number, length: number, meta: Int32Array): number {
    const next = (this.otherQueues.get(fd) ?? this.queue).shift();
    if (next === undefined) return -11;
    if ('errno' in next) return -next.errno;
    meta[0] = next.pid ?? 0;
    meta[1] = 0;
    meta[2] = next.data.length > length ? 0x20 : 0;
    meta[3] = -1;
    buf.set(next.data.subarray(0, Math.min(length, next.data.length)), offset);
    return next.data.length;
  }
  /** The same queue as socketRecv (recvfrom: no control messages, so no flags and no nsid). */
  socketRecvFrom(fd: number, buf: Uint8Array, offset: number, length: number, meta: Int32Array): number {
    const r = this.socketRecv(fd, buf, offset, length, meta);
    meta[2] = 0;
    meta[3] = -1;
    return r;
  }
  socketPending(fd: number): number {
    const queue = this.otherQueues.get(fd) ?? this.queue;
    const next = queue[0];
    if (next === undefined) return -11;
    // An error is reported once, as the kernel clears it.
    if ('errno' in next) {
      queue.shift();
      return -next.errno;
    }
    return next.data.length;
  }
  socketSetOption(_fd: number, level: number, name: number, value: number): number {
    this.options.set(`${level}:${name}`, value);
    return 0;
  }
  socketGetOption(_fd: number, _level: number, name: number): number {
    return name === 8 ? this.rcvbuf : this.sndbuf;
  }
  socketClose(fd: number): number { this.closedFds.push(fd); return 0; }
  socketCloseLater(fd: number): number { return this.socketClose(fd); }
  /** The namespace fds handed out by {@link socketNamespace} (closed ones are in {@link closedFds}). */
  readonly namespaceFds: number[] = [];
  /**
   * Errno {@link socketNamespace} fails with (0: it succeeds). EPERM by default, as for a process
   * without CAP_NET_ADMIN: handles then remember no link names (rtnl/resolve.ts), so a call sends
   * the same messages whatever came before it. Tests of remembered names set 0.
   */
  namespaceErrno = 1;
  socketNamespace(): number {
    if (this.namespaceErrno) return -this.namespaceErrno;
    const fd = 1000 + this.namespaceFds.length;
    this.namespaceFds.push(fd);
    return fd;
  }
  /** A fake kernel makes no tun devices: EPERM, as without CAP_NET_ADMIN. */
  tunCreate(): number { return -1; }
  pollerCreate(_fd: number, cb: (status: number) => void): NativePoller {
    const p = { cb, active: false, closed: false };
    this.pollers.push(p);
    return {
      start: () => { p.active = true; },
      stop: () => { p.active = false; },
      ref: () => {},
      unref: () => {},
      close: () => { p.closed = true; p.active = false; },
    };
  }
  namespaceCreate(): number { return -1; }
  mount(): number { return -1; }
  umount(): number { return -1; }
  invokeInNamespace<T>(_ns: string | number, fn: () => T): T { return fn(); }
  procSysOpen(): number { return -38; }
  packetOpen(): number { return -38; }
  packetSend(): number { return -38; }
  /** The library reads no files through the helper (the package's loader does): ENOSYS. */
  fileOpen(): number { return -38; }
  fileStamp(): number { return -38; }
  fileReadScript(): number { return -38; }
}

function parse(d: Buffer): SentMessage[] {
  const out: SentMessage[] = [];
  let at = 0;
  while (at + 16 <= d.length) {
    const len = d.readUInt32LE(at);
    out.push({ type: d.readUInt16LE(at + 4), flags: d.readUInt16LE(at + 6), seq: d.readUInt32LE(at + 8), payload: d.subarray(at + 16, at + len) });
    at += (len + 3) & ~3;
  }
  return out;
}
