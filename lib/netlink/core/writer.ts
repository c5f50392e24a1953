/**
 * NlWriter: builds netlink messages and their attributes into one growable buffer.
 *
 * Several messages can be written back to back (a batch travels as one datagram). Lengths of
 * messages and nests are back-patched when they end, so callers never compute sizes. Padding is
 * always written as zeros, whatever the buffer held before. Multi-byte values are in host byte
 * order (little-endian on every platform Node supports for this package) unless the name says `Be`.
 *
 * Bytes are stored one by one into the buffer, after one capacity check per call (a message
 * header, an attribute, a field): never past the end of the buffer, which grows (out of line)
 * when a write would not fit. Node's checked `Buffer#writeUInt32LE` and friends would check every
 * value and offset again, and the optimising compiler inlines those checks into every caller:
 * measured on a cold bulk call, most of the compile time of the request encoders was theirs.
 */
import { ValidationError } from './errors.js';
import { NLA_F_NESTED, NLA_HDRLEN, NLMSG_HDRLEN, NLA_TYPE_MASK } from './protocol.js';

/** nla_len is 16 bits: an attribute, header included, is at most this long. */
const NLA_MAX_LEN = 0xffff;

/** An attribute longer than nla_len can count: the value given for it is too big to send. */
function tooLong(type: number, len: number): ValidationError {
  return new ValidationError(`attribute type ${type & NLA_TYPE_MASK}`, `${len} bytes`, `an attribute is at most ${NLA_MAX_LEN} bytes long (nla_len is 16 bits)`);
}

/** A reusable message builder. Not shared between handles: each owns its writers. */
export class NlWriter {
  /** The bytes written so far are `buf[0, length)`. */
  buf: Buffer;
  /** Write position (the length of what was written). */
  length = 0;

  constructor(capacity = 4096) {
    this.buf = Buffer.alloc(capacity);
  }

  /** Forgets what was written; the buffer is kept for reuse. */
  reset(): void {
    this.length = 0;
  }

  /** A view of the written bytes. It aliases the writer's buffer until the next write or reset. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  /** Makes room for `n` more bytes, doubling the buffer when needed. */
  reserve(n: number): void {
    if (this.length + n > this.buf.length) this.grow(n);
  }

  /**
   * Makes room for `n` more bytes and advances past them; returns where they start. The caller
   * stores exactly those bytes (a fixed header, field by field) into {@link buf}.
   */
  claim(n: number): number {
    const at = this.length;
    if (at + n > this.buf.length) this.grow(n);
    this.length = at + n;
    return at;
  }

  /** The buffer's growth, out of line: the checks of every write stay a compare and a call never taken. */
  private grow(n: number): void {
    const need = this.length + n;
    let size = Math.max(64, this.buf.length * 2);
    while (size < need) size *= 2;
    const next = Buffer.alloc(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  /**
   * Starts a message: writes an nlmsghdr with a zero length and returns its offset, to pass to
   * {@link endMessage}. The fixed family header (ifinfomsg, rtmsg …) follows with the put* calls.
   */
  beginMessage(type: number, flags: number, seq: number, pid = 0): number {
    const at = this.length;
    if (at + NLMSG_HDRLEN > this.buf.length) this.grow(NLMSG_HDRLEN);
    this.length = at + NLMSG_HDRLEN;
    const b = this.buf;
    b[at] = 0;
    b[at + 1] = 0;
    b[at + 2] = 0;
    b[at + 3] = 0;
    b[at + 4] = type;
    b[at + 5] = type >>> 8;
    b[at + 6] = flags;
    b[at + 7] = flags >>> 8;
    b[at + 8] = seq;
    b[at + 9] = seq >>> 8;
    b[at + 10] = seq >>> 16;
    b[at + 11] = seq >>> 24;
    b[at + 12] = pid;
    b[at + 13] = pid >>> 8;
    b[at + 14] = pid >>> 16;
    b[at + 15] = pid >>> 24;
    return at;
  }

  /** Ends the message begun at `start`: pads to 4 bytes and writes nlmsg_len. */
  endMessage(start: number): void {
    // The padding, written out (this ends every message).
    const at = this.length;
    const end = (at + 3) & ~3;
    if (end > this.buf.length) this.grow(end - at);
    const b = this.buf;
    for (let i = at; i < end; i++) b[i] = 0;
    this.length = end;
    const len = end - start;
    b[start] = len;
    b[start + 1] = len >>> 8;
    b[start + 2] = len >>> 16;
    b[start + 3] = len >>> 24;
  }

  /** Writes zeros up to the next 4-byte boundary. */
  pad(): void {
    const at = this.length;
    const end = (at + 3) & ~3;
    if (end !== at) {
      if (end > this.buf.length) this.grow(end - at);
      // At most 3 bytes: a loop is cheaper than Buffer#fill's call overhead.
      const b = this.buf;
      for (let i = at; i < end; i++) b[i] = 0;
      this.length = end;
    }
  }

  // ---- raw fields (fixed headers, struct payloads) ----
  // A Uint8Array store keeps the low 8 bits of the value; `>>> 8` … pick the higher bytes of its
  // 32-bit two's complement, so every value is written as `v & 0xff…` / `v >>> 0` / `v | 0` was.

  putU8(v: number): void {
    const at = this.claim(1);
    this.buf[at] = v;
  }

  putU16(v: number): void {
    const at = this.claim(2);
    const b = this.buf;
    b[at] = v;
    b[at + 1] = v >>> 8;
  }

  putU32(v: number): void {
    const at = this.claim(4);
    const b = this.buf;
    b[at] = v;
    b[at + 1] = v >>> 8;
    b[at + 2] = v >>> 16;
    b[at + 3] = v >>> 24;
  }

  putS32(v: number): void {
    this.putU32(v);
  }

  putU64(v: bigint): void {
    const at = this.claim(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), at);
  }

  putZeros(n: number): void {
    const at = this.claim(n);
    this.buf.fill(0, at, at + n);
  }

  putBytes(bytes: Uint8Array): void {
    const at = this.claim(bytes.length);
    this.buf.set(bytes, at);
  }

  // ---- attributes ----

  /**
   * Writes the header of an attribute of `size` payload bytes, with room for the payload and its
   * padding; returns the payload's offset. The caller writes the payload and sets {@link length}.
   */
  private attrHeader(type: number, size: number): number {
    const len = NLA_HDRLEN + size;
    if (len > NLA_MAX_LEN) throw tooLong(type, len);
    const at = this.length;
    if (at + len + 3 > this.buf.length) this.grow(len + 3);
    const b = this.buf;
    b[at] = len;
    b[at + 1] = len >>> 8;
    b[at + 2] = type;
    b[at + 3] = type >>> 8;
    return at + NLA_HDRLEN;
  }

  attrU8(type: number, v: number): void {
    const at = this.attrHeader(type, 1);
    const b = this.buf;
    b[at] = v;
    b[at + 1] = 0;
    b[at + 2] = 0;
    b[at + 3] = 0;
    this.length = at + 4;
  }

  attrU16(type: number, v: number): void {
    const at = this.attrHeader(type, 2);
    const b = this.buf;
    b[at] = v;
    b[at + 1] = v >>> 8;
    b[at + 2] = 0;
    b[at + 3] = 0;
    this.length = at + 4;
  }

  /** A u16 in network byte order (ports, VXLAN_PORT). */
  attrU16Be(type: number, v: number): void {
    const at = this.attrHeader(type, 2);
    const b = this.buf;
    b[at] = v >>> 8;
    b[at + 1] = v;
    b[at + 2] = 0;
    b[at + 3] = 0;
    this.length = at + 4;
  }

  attrU32(type: number, v: number): void {
    const at = this.attrHeader(type, 4);
    const b = this.buf;
    b[at] = v;
    b[at + 1] = v >>> 8;
    b[at + 2] = v >>> 16;
    b[at + 3] = v >>> 24;
    this.length = at + 4;
  }

  /** A u32 in network byte order. */
  attrU32Be(type: number, v: number): void {
    const at = this.attrHeader(type, 4);
    const b = this.buf;
    b[at] = v >>> 24;
    b[at + 1] = v >>> 16;
    b[at + 2] = v >>> 8;
    b[at + 3] = v;
    this.length = at + 4;
  }

  attrS32(type: number, v: number): void {
    this.attrU32(type, v);
  }

  attrU64(type: number, v: bigint): void {
    const at = this.attrHeader(type, 8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), at);
    this.length = at + 8;
  }

  /** A NUL-terminated UTF-8 string (NLA_NUL_STRING / NLA_STRING as the kernel sends them). */
  attrString(type: number, s: string): void {
    // Short ASCII strings (interface names, kinds) are copied by hand: Buffer#write and
    // Buffer.byteLength cost more than the copy for a dozen bytes.
    let ascii = s.length <= 64;
    for (let i = 0; ascii && i < s.length; i++) if (s.charCodeAt(i) > 0x7f) ascii = false;
    const n = ascii ? s.length : Buffer.byteLength(s);
    const at = this.attrHeader(type, n + 1);
    const b = this.buf;
    if (ascii) for (let i = 0; i < n; i++) b[at + i] = s.charCodeAt(i);
    else b.write(s, at, n, 'utf8');
    b[at + n] = 0;
    this.length = at + n + 1;
    this.pad();
  }

  /** An attribute holding `bytes` as they are. */
  attrBytes(type: number, bytes: Uint8Array): void {
    // claimAttr may grow (replace) the buffer: read `buf` after it.
    const at = this.claimAttr(type, bytes.length);
    this.buf.set(bytes, at);
  }

  /**
   * Writes the header of an attribute of `size` payload bytes and its zero padding, advances past
   * them, and returns the payload's offset: the caller stores exactly `size` bytes there (an
   * address parsed from text straight into the message, say).
   */
  claimAttr(type: number, size: number): number {
    const len = NLA_HDRLEN + size;
    if (len > NLA_MAX_LEN) throw tooLong(type, len);
    const start = this.length;
    const end = start + ((len + 3) & ~3);
    if (end > this.buf.length) this.grow(end - start);
    const b = this.buf;
    b[start] = len;
    b[start + 1] = len >>> 8;
    b[start + 2] = type;
    b[start + 3] = type >>> 8;
    for (let i = start + len; i < end; i++) b[i] = 0;
    this.length = end;
    return start + NLA_HDRLEN;
  }

  /** An attribute with no payload (NLA_FLAG). */
  attrFlag(type: number): void {
    this.length = this.attrHeader(type, 0);
  }

  /**
   * Starts a nested attribute and returns its offset for {@link endNest}. `flagged` sets
   * NLA_F_NESTED, which the kernel requires on newer nests under strict validation.
   */
  beginNest(type: number, flagged = false): number {
    const at = this.length;
    this.length = this.attrHeader(flagged ? type | NLA_F_NESTED : type, 0);
    return at;
  }

  /**
   * Ends the nest or attribute begun at `start`: writes its length (header and payload, not the
   * trailing padding, as nla_len counts) and then pads to 4 bytes. A nest's content is always
   * aligned already; a struct payload (struct rtvia is 6 or 18 bytes) may not be.
   */
  endNest(start: number): void {
    const len = this.length - start;
    const b = this.buf;
    if (len > NLA_MAX_LEN) throw tooLong(b[start + 2]! | (b[start + 3]! << 8), len);
    b[start] = len;
    b[start + 1] = len >>> 8;
    this.pad();
  }

  /** Starts an attribute whose payload the caller writes with put*; end it with {@link endNest}. */
  beginAttr(type: number): number {
    return this.beginNest(type, false);
  }
}
