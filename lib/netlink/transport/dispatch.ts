/**
 * Reply dispatch: one received datagram walked message by message, each handed to the waiter its
 * sequence number belongs to (the connection's receive side, without its waiting and recovery).
 */
import { NetlinkError, ProtocolError } from '../core/errors.js';
import { ENOBUFS } from '../core/errno.js';
import { forEachMessage, parseDoneMessage, parseErrorMessage } from '../core/message.js';
import { NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, NLMSG_MIN_TYPE, NLM_F_ACK_TLVS } from '../core/protocol.js';
import type { PendingRequests } from './pending.js';
import { RECV_TRUNCATED, type NetlinkSocket } from './socket.js';
import type { Waiter, WaiterHost } from './waiters.js';

const EMPTY = Buffer.alloc(0);

/** An NLMSG_ERROR holds at least its header and the status (struct nlmsgerr's `error`). */
const ERROR_MIN_LENGTH = NLMSG_HDRLEN + 4;

/**
 * Whether the datagram `buf[start, end)` is a single message of a control type (NLMSG_ERROR,
 * NLMSG_DONE …: an ACK or a failure), which nothing keeps.
 */
function loneControlMessage(buf: Buffer, start: number, end: number): boolean {
  if (end - start < NLMSG_HDRLEN) return true;
  const len = buf.readUInt32LE(start);
  return buf.readUInt16LE(start + 4) < NLMSG_MIN_TYPE && start + ((len + 3) & ~3) >= end;
}

/**
 * The sequence number of the datagram `buf[start, start + length)` when it is one plain NLMSG_ERROR
 * (an ACK or an errno, without extended-ack TLVs, exactly filling the datagram), else -1. Its
 * status is {@link plainErrorStatus}. Read byte by byte: this runs once per awaited request, most
 * often before V8 optimises anything (Buffer's readers are checked JS functions, two calls each).
 */
function plainErrorSeq(buf: Buffer, start: number, length: number): number {
  if (length < ERROR_MIN_LENGTH) return -1;
  const len = (buf[start]! | buf[start + 1]! << 8 | buf[start + 2]! << 16 | buf[start + 3]! << 24) >>> 0;
  if ((buf[start + 4]! | buf[start + 5]! << 8) !== NLMSG_ERROR || ((buf[start + 6]! | buf[start + 7]! << 8) & NLM_F_ACK_TLVS) !== 0
    || len < ERROR_MIN_LENGTH || len > length || ((len + 3) & ~3) < length) return -1;
  return (buf[start + 8]! | buf[start + 9]! << 8 | buf[start + 10]! << 16 | buf[start + 11]! << 24) >>> 0;
}

/** The errno (positive; 0 for an ACK) of the plain NLMSG_ERROR at `buf[start]` (see {@link plainErrorSeq}). */
function plainErrorStatus(buf: Buffer, start: number): number {
  const status = buf[start + 16]! | buf[start + 17]! << 8 | buf[start + 18]! << 16 | buf[start + 19]! << 24;
  return status === 0 ? 0 : -status;
}

/** The error of requests whose replies were dropped (ENOBUFS) or cut (truncated datagram). */
export function lossError(r: number): Error {
  return r === RECV_TRUNCATED
    ? new ProtocolError('ERR_NL_TRUNCATED', 'recvmsg', 'a reply datagram was larger than the receive buffer and was lost')
    : new NetlinkError(ENOBUFS, 'recvmsg');
}

/** Hands the messages of received datagrams to the waiters of `inflight`, as `host`'s replies. */
export class ReplyDispatcher {
  /** Where {@link deliver} reads the messages: the receive buffer (in place) or the arena's block. */
  private source: { buf: Buffer } = { buf: EMPTY };
  private readonly inPlace: { buf: Buffer } = { buf: EMPTY };

  constructor(private readonly host: WaiterHost, private readonly inflight: PendingRequests) {}

  /**
   * Walks the datagram of `length` bytes that `sock` just received. A datagram that is one ACK,
   * error or DONE is read where it landed (the hot path of bulk calls); others hold data messages
   * (dump parts, GET replies) whose decoded objects may be kept, so their messages are copied out of
   * the receive buffer first (socket.arena: small blocks, one copy per run of messages). Returns the
   * error of a malformed datagram (its replies cannot be matched reliably), else undefined.
   */
  dispatch(sock: NetlinkSocket, length: number): Error | undefined {
    // Replies come from the kernel (port 0); anything else is not ours to trust.
    if (sock.meta[0] !== 0) return undefined;
    const buf = sock.rbuf;
    const start = sock.roff;
    const end = start + length;
    try {
      // The commonest datagram, one plain ACK or errno for one request, read in place with no
      // walk: what forEachMessage and deliver would do with it.
      const seq = plainErrorSeq(buf, start, length);
      if (seq !== -1) {
        this.inflight.get(seq)?.status(this.host, seq, plainErrorStatus(buf, start), undefined);
        return undefined; // (no waiter: the late reply of a request that already failed)
      }
      if (loneControlMessage(buf, start, end)) {
        this.inPlace.buf = buf;
        this.source = this.inPlace;
        forEachMessage(buf, start, end, this.deliver);
      } else {
        this.source = sock.arena;
        sock.arena.forEachMessage(buf, start, end, this.deliver);
      }
      return undefined;
    } catch (e) {
      return e as Error;
    } finally {
      this.inPlace.buf = EMPTY;
    }
  }

  /**
   * Settles `waiter`, the request of `seq`, if the datagram of `length` bytes that `sock` just
   * received is its plain ACK or errno from the kernel (the reply of an awaited request: nothing
   * else is in flight). Returns whether it did; anything else is left to {@link dispatch}.
   */
  settlePlainReply(sock: NetlinkSocket, length: number, seq: number, waiter: Waiter): boolean {
    const buf = sock.rbuf;
    const start = sock.roff;
    if (sock.meta[0] !== 0 || plainErrorSeq(buf, start, length) !== seq) return false;
    waiter.status(this.host, seq, plainErrorStatus(buf, start), undefined);
    return true;
  }

  /** Hands one message of {@link source} to its waiter (created once: no closure per datagram). */
  private readonly deliver = (off: number, len: number, type: number, flags: number, seq: number): void => {
    const waiter = this.inflight.get(seq);
    if (waiter === undefined) return; // late reply of a request that already failed
    const buf = this.source.buf;
    if (type === NLMSG_ERROR) {
      if ((flags & NLM_F_ACK_TLVS) === 0 && len >= ERROR_MIN_LENGTH) {
        // The common case, a plain ACK or error: the errno, no TLVs to parse, nothing allocated.
        const status = buf.readInt32LE(off + NLMSG_HDRLEN);
        waiter.status(this.host, seq, status === 0 ? 0 : -status, undefined);
        return;
      }
      const e = parseErrorMessage(buf, off, len, flags);
      waiter.status(this.host, seq, e.errno, e.extack);
    } else if (type === NLMSG_DONE) {
      const e = parseDoneMessage(buf, off, len, flags);
      waiter.done(this.host, seq, e.errno, e.extack, flags);
    } else if (type >= NLMSG_MIN_TYPE) {
      waiter.data(this.host, seq, buf, off, len, flags);
    }
  };
}
