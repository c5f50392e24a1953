/**
 * Messages in a received datagram: the nlmsghdr walk, and the control messages every family
 * shares — NLMSG_ERROR (an ACK when the error is 0) and NLMSG_DONE — with their extended-ack TLVs.
 *
 * ```
 *  NLMSG_ERROR payload                      NLMSG_DONE payload (dumps)
 *  +-----------+--------------------+       +-----------+
 *  | int error | original nlmsghdr  |       | int error |  then ext-ack TLVs when
 *  +-----------+--------------------+       +-----------+  NLM_F_ACK_TLVS is set
 *  | original payload (unless NLM_F_CAPPED) | ext-ack TLVs (NLM_F_ACK_TLVS) |
 * ```
 * `error` is a negative errno, 0 for an ACK. A failed dump reports its error in DONE, not ERROR.
 */
import { DecodeError, type ExtendedAck } from './errors.js';
import { forEachAttr, readString } from './attributes.js';
import {
  NLMSG_HDRLEN, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLMSGERR_ATTR_MISS_NEST, NLMSGERR_ATTR_MISS_TYPE,
  NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS, NLMSGERR_ATTR_POLICY, align4,
} from './protocol.js';

/** The decoded nlmsghdr of one message. */
export interface MessageHeader {
  /** nlmsg_len: the whole message, header included. */
  length: number;
  /** nlmsg_type (RTM_NEWLINK, NLMSG_ERROR …). */
  type: number;
  /** nlmsg_flags. */
  flags: number;
  /** nlmsg_seq. */
  seq: number;
  /** nlmsg_pid. */
  pid: number;
}

/** Reads the nlmsghdr at `off`. */
export function readHeader(buf: Buffer, off: number): MessageHeader {
  return {
    length: buf.readUInt32LE(off),
    type: buf.readUInt16LE(off + 4),
    flags: buf.readUInt16LE(off + 6),
    seq: buf.readUInt32LE(off + 8),
    pid: buf.readUInt32LE(off + 12),
  };
}

/** Called for each message of a datagram; the message is `buf[off, off + len)`, header included. */
export type MessageVisitor = (off: number, len: number, type: number, flags: number, seq: number) => void;

/** Visits the messages of the datagram in `buf[start, end)`. Throws DecodeError on a bad length. */
export function forEachMessage(buf: Buffer, start: number, end: number, visit: MessageVisitor): void {
  let at = start;
  // The header's fields read byte by byte (little-endian, as the kernel writes them on every Linux
  // target this package builds for): no call per field, which costs most before the walk is optimised.
  while (at + NLMSG_HDRLEN <= end) {
    const len = (buf[at]! | buf[at + 1]! << 8 | buf[at + 2]! << 16 | buf[at + 3]! << 24) >>> 0;
    if (len < NLMSG_HDRLEN || at + len > end) {
      throw new DecodeError('nlmsghdr', at - start, `message length ${len} with ${end - at} bytes left`);
    }
    visit(at, len, buf[at + 4]! | buf[at + 5]! << 8, buf[at + 6]! | buf[at + 7]! << 8,
      (buf[at + 8]! | buf[at + 9]! << 8 | buf[at + 10]! << 16 | buf[at + 11]! << 24) >>> 0);
    at += align4(len);
  }
}

/** The kernel sends -errno (0 for success); -0 must not leak out. */
function errnoOf(status: number): number {
  return status === 0 ? 0 : -status;
}

/** The content of an NLMSG_ERROR or NLMSG_DONE message. */
export interface ErrorPayload {
  /** The positive errno, or 0 for an ACK / a clean DONE. */
  errno: number;
  /** Extended-ack TLVs; on success the message is a warning. */
  extack: ExtendedAck | undefined;
}

const POLICY_NAMES = [
  '', 'type', 'minValueSigned', 'maxValueSigned', 'minValueUnsigned', 'maxValueUnsigned',
  'minLength', 'maxLength', 'policyIdx', 'policyMaxtype', 'bitfield32Mask', 'pad', 'mask',
];

/** Parses ext-ack TLVs in `buf[start, end)`. */
export function parseExtack(buf: Buffer, start: number, end: number): ExtendedAck | undefined {
  const ack: ExtendedAck = {};
  let any = false;
  forEachAttr(buf, start, end, 'nlmsgerr', (type, off, len) => {
    any = true;
    if (type === NLMSGERR_ATTR_MSG) ack.message = readString(buf, off, len);
    else if (type === NLMSGERR_ATTR_OFFS && len >= 4) ack.offset = buf.readUInt32LE(off);
    else if (type === NLMSGERR_ATTR_MISS_TYPE && len >= 4) ack.missingType = buf.readUInt32LE(off);
    else if (type === NLMSGERR_ATTR_MISS_NEST && len >= 4) ack.missingNest = buf.readUInt32LE(off);
    else if (type === NLMSGERR_ATTR_POLICY) {
      const policy: Record<string, number | bigint> = {};
      forEachAttr(buf, off, off + len, 'nlmsgerr.policy', (ptype, poff, plen) => {
        const name = POLICY_NAMES[ptype] ?? `attr${ptype}`;
        if (plen === 8) policy[name] = buf.readBigUInt64LE(poff);
        else if (plen === 4) policy[name] = buf.readUInt32LE(poff);
      });
      ack.policy = policy;
    }
  });
  return any ? ack : undefined;
}

/** Parses the payload of an NLMSG_ERROR message at `off` (header included). */
export function parseErrorMessage(buf: Buffer, off: number, len: number, flags: number): ErrorPayload {
  if (len < NLMSG_HDRLEN + 4) throw new DecodeError('nlmsgerr', off, `NLMSG_ERROR of ${len} bytes`);
  const errno = errnoOf(buf.readInt32LE(off + NLMSG_HDRLEN));
  let extack: ExtendedAck | undefined;
  if (flags & NLM_F_ACK_TLVS) {
    // The echoed request: its header always, its payload unless the kernel capped it.
    const inner = off + NLMSG_HDRLEN + 4;
    const end = off + len;
    if (inner + NLMSG_HDRLEN > end) throw new DecodeError('nlmsgerr', inner, 'echoed header missing');
    let echoed = NLMSG_HDRLEN;
    if (!(flags & NLM_F_CAPPED)) {
      // The whole request is echoed: its nlmsg_len must cover its header and fit in the error.
      const n = buf.readUInt32LE(inner);
      if (n < NLMSG_HDRLEN || n > end - inner) throw new DecodeError('nlmsgerr', inner, `echoed nlmsg_len ${n} with ${end - inner} bytes left`);
      echoed = Math.min(align4(n), end - inner);
    }
    extack = parseExtack(buf, inner + echoed, end);
  }
  return { errno, extack };
}

/** Parses the payload of an NLMSG_DONE message: a dump's status and its ext-ack TLVs. */
export function parseDoneMessage(buf: Buffer, off: number, len: number, flags: number): ErrorPayload {
  // A DONE without payload (old kernels, some families) means success.
  if (len < NLMSG_HDRLEN + 4) return { errno: 0, extack: undefined };
  const errno = errnoOf(buf.readInt32LE(off + NLMSG_HDRLEN));
  const extack = flags & NLM_F_ACK_TLVS ? parseExtack(buf, off + NLMSG_HDRLEN + 4, off + len) : undefined;
  return { errno, extack };
}

/**
 * Checks one message at `buf[off]` before a family decoder reads it: the buffer holds an nlmsghdr,
 * nlmsg_len fits in `len` (default: the rest of the buffer) and leaves room for the family's
 * fixed header of `header` bytes. Returns nlmsg_len.
 */
export function checkMessageLength(set: string, buf: Buffer, off: number, len: number, header: number): number {
  if (!Number.isInteger(off) || !Number.isInteger(len) || off < 0 || off + len > buf.length) {
    throw new DecodeError(set, Number.isInteger(off) ? off : 0, `bytes [${off}, ${off} + ${len}) are not inside the ${buf.length}-byte buffer`);
  }
  if (len < 16) throw new DecodeError(set, off, `${len} bytes cannot hold an nlmsghdr`);
  const msgLen = buf.readUInt32LE(off);
  if (msgLen > len) throw new DecodeError(set, off, `nlmsg_len ${msgLen} but only ${len} bytes`);
  if (msgLen < 16 + header) throw new DecodeError(set, off + 16, `a ${header}-byte header does not fit nlmsg_len ${msgLen}`);
  return msgLen;
}
