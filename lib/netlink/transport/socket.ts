/**
 * NetlinkSocket: one AF_NETLINK socket (opened by the C helper, possibly inside another network
 * namespace), its receive memory and its readiness watcher. It moves bytes; it knows nothing about
 * requests or families (that is {@link Connection}).
 *
 * Receive memory is one buffer, reused by every read: sized for the largest datagram (64 KiB to
 * start, dump datagrams are at most 32 KiB; it grows when a datagram did not fit). Whatever outlives
 * a read is copied out first, through the socket's {@link MessageArena} (objects keep 8 KiB blocks,
 * never this buffer).
 */
import { ProtocolError, NetlinkError } from '../core/errors.js';
import { EAGAIN, EINTR, EMSGSIZE } from '../core/errno.js';
import { MessageArena } from './arena.js';
import { native, type NamespaceRef, type NativeBinding, type NativePoller } from './native.js';
import {
  NETLINK_ADD_MEMBERSHIP, NETLINK_CAP_ACK, NETLINK_DROP_MEMBERSHIP, NETLINK_EXT_ACK,
  NETLINK_GET_STRICT_CHK, NETLINK_LISTEN_ALL_NSID, NETLINK_NO_ENOBUFS, SOL_NETLINK, SOL_SOCKET,
  SO_RCVBUF, SO_RCVBUFFORCE, SO_SNDBUF, SO_SNDBUFFORCE,
} from '../core/protocol.js';

/** How to open a {@link NetlinkSocket}. */
export interface SocketOptions {
  /** Open the socket inside this network namespace (a path or an fd); default: the caller's. */
  netns?: NamespaceRef | undefined;
  /**
   * Requested SO_RCVBUF in bytes (default 4 MiB). Tried with SO_RCVBUFFORCE (needs CAP_NET_ADMIN)
   * first, then SO_RCVBUF, which the kernel caps at net.core.rmem_max.
   */
  receiveBufferSize?: number | undefined;
  /** Requested SO_SNDBUF in bytes (default 1 MiB); bounds the size of one batch datagram. */
  sendBufferSize?: number | undefined;
  /** NETLINK_EXT_ACK: the kernel explains its errors (default true; dropped if refused). */
  extendedAck?: boolean | undefined;
  /** NETLINK_GET_STRICT_CHK: strict header checks and kernel-side dump filters (default true). */
  strictCheck?: boolean | undefined;
  /** NETLINK_CAP_ACK: error replies do not echo the request payload (default true). */
  capAck?: boolean | undefined;
}

/** Initial size of the receive buffer. */
const RECV_SIZE = 64 * 1024;

/**
 * NLDEBUG=1 in the environment hex-dumps every datagram sent and received to stderr (after
 * mdlayher's debug.go): the way golden test vectors are captured from the real kernel.
 */
const DEBUG = process.env.NLDEBUG !== undefined && process.env.NLDEBUG !== '' && process.env.NLDEBUG !== '0';

function dump(direction: string, buf: Buffer, off: number, len: number): void {
  process.stderr.write(`nl ${direction} ${len} ${buf.toString('hex', off, off + len)}\n`);
}

/** No receive buffer yet: a socket that only {@link NetlinkSocket.discard}s never allocates one. */
const EMPTY = Buffer.alloc(0);

/** Where {@link NetlinkSocket.discard} receives (MSG_TRUNC: a longer datagram is dropped whole all the same). */
const SCRATCH = Buffer.allocUnsafe(256);

/** Negative return of {@link NetlinkSocket.recv} for a datagram larger than the free space. */
export const RECV_TRUNCATED = -EMSGSIZE;

/** An open netlink socket. */
export class NetlinkSocket {
  /** The file descriptor (CLOEXEC, non-blocking). */
  readonly fd: number;
  /** NETLINK_* protocol number (0 = NETLINK_ROUTE). */
  readonly protocol: number;
  /** The port id the kernel bound the socket to. */
  readonly portId: number;
  /** Whether NETLINK_EXT_ACK is on. */
  readonly extendedAck: boolean;
  /** Whether NETLINK_GET_STRICT_CHK is on. */
  readonly strictCheck: boolean;
  /** The effective SO_RCVBUF (the kernel doubles the requested value for bookkeeping). */
  readonly receiveBufferSize: number;
  /** The effective SO_SNDBUF. */
  readonly sendBufferSize: number;
  /** The namespace the socket was opened in, as given. */
  readonly netns: NamespaceRef | undefined;

  /** The buffer the last datagram was received into; the next {@link recv} overwrites it (allocated by the first). */
  rbuf: Buffer = EMPTY;
  /** Offset of the last datagram in {@link rbuf} (0). */
  readonly roff = 0;
  /** Where messages that outlive a read are copied (decode them from there, never from {@link rbuf}). */
  readonly arena = new MessageArena();
  /** Sender port, groups, flags and nsid of the last datagram (see NativeBinding.socketRecv; flags are 0 and the nsid -1 unless the socket listens to all namespaces). */
  readonly meta: Int32Array = new Int32Array(4);

  /** The binding the socket was opened with (one property load per syscall, no lookup). */
  private readonly binding: NativeBinding;
  private poller: NativePoller | undefined;
  private onReadable: (() => void) | undefined;
  private watching = false;
  private closed = false;
  /** NETLINK_LISTEN_ALL_NSID is on: datagrams are read with their nsid control message (recvmsg). */
  private allNamespaces = false;

  private constructor(fd: number, protocol: number, options: SocketOptions) {
    const n = native();
    this.binding = n;
    this.fd = fd;
    this.protocol = protocol;
    this.netns = options.netns;
    const rcv = options.receiveBufferSize ?? 4 * 1024 * 1024;
    if (n.socketSetOption(fd, SOL_SOCKET, SO_RCVBUFFORCE, rcv) < 0) n.socketSetOption(fd, SOL_SOCKET, SO_RCVBUF, rcv);
    const snd = options.sendBufferSize ?? 1024 * 1024;
    if (n.socketSetOption(fd, SOL_SOCKET, SO_SNDBUFFORCE, snd) < 0) n.socketSetOption(fd, SOL_SOCKET, SO_SNDBUF, snd);
    this.receiveBufferSize = Math.max(0, n.socketGetOption(fd, SOL_SOCKET, SO_RCVBUF));
    this.sendBufferSize = Math.max(0, n.socketGetOption(fd, SOL_SOCKET, SO_SNDBUF));
    // Each of these is a newer kernel feature; a kernel that refuses one still works without it.
    this.extendedAck = (options.extendedAck ?? true) && n.socketSetOption(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1) === 0;
    this.strictCheck = (options.strictCheck ?? true) && n.socketSetOption(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1) === 0;
    if (options.capAck ?? true) n.socketSetOption(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1);
    const port = n.socketPortId(fd);
    if (port < 0) {
      n.socketClose(fd);
      throw new NetlinkError(-port, 'getsockname');
    }
    this.portId = port;
  }

  /** Opens a socket of `protocol` (0 = NETLINK_ROUTE). Throws NetlinkError (`socket`, `setns` …). */
  static open(protocol: number, options: SocketOptions = {}): NetlinkSocket {
    const fd = native().socketOpen(protocol, options.netns ?? null);
    if (fd < 0) throw new NetlinkError(-fd, options.netns === undefined ? 'socket' : 'socket in namespace');
    return new NetlinkSocket(fd, protocol, options);
  }

  /**
   * Opens another socket of `protocol` in this socket's own network namespace: the one the kernel
   * says it belongs to, not the path or fd it was opened with, which may name another namespace by
   * now. Throws NetlinkError (`ioctl(SIOCGSKNS)` without CAP_NET_ADMIN there, `socket` …).
   */
  openSibling(protocol: number, options: Omit<SocketOptions, 'netns'> = {}): NetlinkSocket {
    const ns = this.namespaceFd();
    let fd: number;
    try {
      fd = this.binding.socketOpen(protocol, ns);
    } finally {
      this.binding.socketClose(ns);
    }
    if (fd < 0) throw new NetlinkError(-fd, 'socket in namespace');
    return new NetlinkSocket(fd, protocol, { ...options, netns: this.netns });
  }

  /**
   * A new fd (close-on-exec) of the network namespace this socket belongs to, for the caller to
   * close. Throws NetlinkError (`ioctl(SIOCGSKNS)`: EPERM without CAP_NET_ADMIN there).
   */
  namespaceFd(): number {
    const ns = this.binding.socketNamespace(this.fd);
    if (ns < 0) throw new NetlinkError(-ns, 'ioctl(SIOCGSKNS)');
    return ns;
  }

  /** Whether {@link close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends `buf[off, off + len)` as one datagram. Throws NetlinkError(`sendmsg`). */
  send(buf: Buffer, off: number, len: number): void {
    if (this.closed) throw new ProtocolError('ERR_NL_CLOSED', 'sendmsg', 'the socket is closed');
    if (DEBUG) dump('send', buf, off, len);
    const r = this.binding.socketSend(this.fd, buf, off, len);
    if (r < 0) throw new NetlinkError(-r, 'sendmsg');
  }

  /**
   * Receives one datagram without blocking into `rbuf` (at `roff`), overwriting the one before.
   * Returns its length, or a negative errno: `-EAGAIN` when nothing is queued, `-ENOBUFS` when the
   * kernel dropped messages for lack of receive buffer, {@link RECV_TRUNCATED} when the datagram
   * did not fit (it is lost; the buffer grows so the next one fits).
   */
  recv(): number {
    if (this.closed) return -EAGAIN;
    if (this.rbuf.length === 0) this.rbuf = Buffer.allocUnsafe(RECV_SIZE);
    const size = this.rbuf.length;
    let r: number;
    do {
      r = this.allNamespaces
        ? this.binding.socketRecv(this.fd, this.rbuf, 0, size, this.meta)
        : this.binding.socketRecvFrom(this.fd, this.rbuf, 0, size, this.meta);
    } while (r === -EINTR);
    if (r > size) {
      this.rbuf = Buffer.allocUnsafe(Math.max(2 * size, align8(r) + 4096));
      return RECV_TRUNCATED;
    }
    if (DEBUG && r > 0) dump('recv', this.rbuf, 0, r);
    return r;
  }

  /**
   * Receives one datagram without blocking and drops it, for a socket whose messages only say that
   * something happened. Returns its length, or a negative errno: `-EAGAIN` when nothing is queued,
   * `-ENOBUFS` when the kernel dropped messages.
   */
  discard(): number {
    if (this.closed) return -EAGAIN;
    let r: number;
    do {
      r = this.allNamespaces
        ? this.binding.socketRecv(this.fd, SCRATCH, 0, SCRATCH.length, this.meta)
        : this.binding.socketRecvFrom(this.fd, SCRATCH, 0, SCRATCH.length, this.meta);
    } while (r === -EINTR);
    return r;
  }

  /**
   * Whether a datagram waits, without taking it: its length, `-EAGAIN` when nothing is queued, or a
   * negative errno (`-ENOBUFS`: the kernel dropped messages). One cheap syscall.
   */
  pending(): number {
    return this.closed ? -EAGAIN : this.binding.socketPending(this.fd);
  }

  /**
   * Calls `onReadable` from the event loop while the socket has data, until {@link unwatch}. Each
   * call replaces the callback of the one before (one consumer at a time): the native poller is
   * created once per socket and calls whichever callback was given last.
   */
  watch(onReadable: () => void): void {
    if (this.closed) return;
    this.onReadable = onReadable;
    if (this.poller === undefined) {
      this.poller = this.binding.pollerCreate(this.fd, () => this.readable());
    }
    if (!this.watching) {
      this.poller.start();
      this.watching = true;
    }
  }

  /** The poller's callback: hands readiness to the current watcher, if still watching. */
  private readable(): void {
    if (this.watching) this.onReadable?.();
  }

  /** Stops watching for readability. */
  unwatch(): void {
    if (this.watching && this.poller !== undefined) {
      this.poller.stop();
      this.watching = false;
    }
  }

  /** Whether an active watcher keeps the process alive. */
  setRef(ref: boolean): void {
    if (this.poller === undefined) return;
    if (ref) this.poller.ref();
    else this.poller.unref();
  }

  /** NETLINK_ADD_MEMBERSHIP for a multicast group (RTNLGRP_*). Throws NetlinkError. */
  addMembership(group: number): void {
    this.setOption(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group, 'NETLINK_ADD_MEMBERSHIP');
  }

  /** NETLINK_DROP_MEMBERSHIP. */
  dropMembership(group: number): void {
    this.setOption(SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, group, 'NETLINK_DROP_MEMBERSHIP');
  }

  /** NETLINK_LISTEN_ALL_NSID: receive the groups' events of every namespace with an nsid here. */
  listenAllNsid(on: boolean): void {
    this.setOption(SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, on ? 1 : 0, 'NETLINK_LISTEN_ALL_NSID');
    this.allNamespaces = on;
  }

  /** NETLINK_NO_ENOBUFS: the kernel stops reporting overruns (events are still dropped). */
  noEnobufs(on: boolean): void {
    this.setOption(SOL_NETLINK, NETLINK_NO_ENOBUFS, on ? 1 : 0, 'NETLINK_NO_ENOBUFS');
  }

  /** Sets an int socket option; throws NetlinkError named after the option. */
  setOption(level: number, name: number, value: number, label: string): void {
    const r = this.binding.socketSetOption(this.fd, level, name, value);
    if (r < 0) throw new NetlinkError(-r, `setsockopt(${label})`);
  }

  /** Closes the fd and the watcher. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.poller?.close();
    this.poller = undefined;
    this.onReadable = undefined;
    this.watching = false;
    this.binding.socketClose(this.fd);
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

