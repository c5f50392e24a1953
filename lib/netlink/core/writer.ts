/**
 * NlWriter: builds netlink messages and their attributes into one growable buffer.
 *
 * Several messages can be written back to back (a batch travels as one datagram). Lengths of
 * messages and nests are back-patched when they end, so callers never compute sizes. Padding is
 * always written as zeros, whatever the buffer held before. Multi-byte values are in host byte
 * order (little-endian on every platform Node supports for this package) unless the name says `Be`.
 */
import { ValidationError } from './errors.js';
import { NLA_F_NESTED, NLA_HDRLEN, NLMSG_HDRLEN, NLA_TYPE_MASK, align4 } from './protocol.js';

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
    const need = this.length + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  /**
   * Starts a message: writes an nlmsghdr with a zero length and returns its offset, to pass to
   * {@link endMessage}. The fixed family header (ifinfomsg, rtmsg …) follows with the put* calls.
   */
  beginMessage(type: number, flags: number, seq: number, pid = 0): number {
    this.reserve(NLMSG_HDRLEN);
    const at = this.length;
    const b = this.buf;
    b.writeUInt32LE(0, at);
    b.writeUInt16LE(type, at + 4);
    b.writeUInt16LE(flags, at + 6);
    b.writeUInt32LE(seq >>> 0, at + 8);
    b.writeUInt32LE(pid >>> 0, at + 12);
    this.length = at + NLMSG_HDRLEN;
    return at;
  }

  /** Ends the message begun at `start`: pads to 4 bytes and writes nlmsg_len. */
  endMessage(start: number): void {
    this.pad();
    this.buf.writeUInt32LE(this.length - start, start);
  }

  /** Writes zeros up to the next 4-byte boundary. */
  pad(): void {
    const end = align4(this.length);
    if (end !== this.length) {
      this.reserve(end - this.length);
      // At most 3 bytes: a loop is cheaper than Buffer#fill's call overhead.
      for (let i = this.length; i < end; i++) this.buf[i] = 0;
      this.length = end;
    }
  }

  // ---- raw fields (fixed headers, struct payloads) ----

  putU8(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v & 0xff;
  }

  putU16(v: number): void {
    this.reserve(2);
    this.buf.writeUInt16LE(v & 0xffff, this.length);
    this.length += 2;
  }

  putU32(v: number): void {
    this.reserve(4);
    this.buf.writeUInt32LE(v >>> 0, this.length);
    this.length += 4;
  }

  putS32(v: number): void {
    this.reserve(4);
    this.buf.writeInt32LE(v | 0, this.length);
    this.length += 4;
  }

  putU64(v: bigint): void {
    this.reserve(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.length);
    this.length += 8;
  }

  putZeros(n: number): void {
    this.reserve(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }

  putBytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  // ---- attributes ----

  /** Writes an attribute header for a payload of `size` bytes; the caller writes the payload. */
  private attrHeader(type: number, size: number): void {
    if (NLA_HDRLEN + size > NLA_MAX_LEN) throw tooLong(type, NLA_HDRLEN + size);
    this.reserve(NLA_HDRLEN + size + 3);
    this.buf.writeUInt16LE(NLA_HDRLEN + size, this.length);
    this.buf.writeUInt16LE(type, this.length + 2);
    this.length += NLA_HDRLEN;
  }

  attrU8(type: number, v: number): void {
    this.attrHeader(type, 1);
    this.buf[this.length++] = v & 0xff;
    this.pad();
  }

  attrU16(type: number, v: number): void {
    this.attrHeader(type, 2);
    this.buf.writeUInt16LE(v & 0xffff, this.length);
    this.length += 2;
    this.pad();
  }

  /** A u16 in network byte order (ports, VXLAN_PORT). */
  attrU16Be(type: number, v: number): void {
    this.attrHeader(type, 2);
    this.buf.writeUInt16BE(v & 0xffff, this.length);
    this.length += 2;
    this.pad();
  }

  attrU32(type: number, v: number): void {
    this.attrHeader(type, 4);
    this.buf.writeUInt32LE(v >>> 0, this.length);
    this.length += 4;
  }

  /** A u32 in network byte order. */
  attrU32Be(type: number, v: number): void {
    this.attrHeader(type, 4);
    this.buf.writeUInt32BE(v >>> 0, this.length);
    this.length += 4;
  }

  attrS32(type: number, v: number): void {
    this.attrHeader(type, 4);
    this.buf.writeInt32LE(v | 0, this.length);
    this.length += 4;
  }

  attrU64(type: number, v: bigint): void {
    this.attrHeader(type, 8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.length);
    this.length += 8;
  }

  /** A NUL-terminated UTF-8 string (NLA_NUL_STRING / NLA_STRING as the kernel sends them). */
  attrString(type: number, s: string): void {
    // Short ASCII strings (interface names, kinds) are copied by hand: Buffer#write and
    // Buffer.byteLength cost more than the copy for a dozen bytes.
    let ascii = s.length <= 64;
    for (let i = 0; ascii && i < s.length; i++) if (s.charCodeAt(i) > 0x7f) ascii = false;
    const n = ascii ? s.length : Buffer.byteLength(s);
    this.attrHeader(type, n + 1);
    if (ascii) for (let i = 0; i < n; i++) this.buf[this.length + i] = s.charCodeAt(i);
    else this.buf.write(s, this.length, n, 'utf8');
    this.buf[this.length + n] = 0;
    this.length += n + 1;
    this.pad();
  }

  attrBytes(type: number, bytes: Uint8Array): void {
    this.attrHeader(type, bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
    this.pad();
  }

  /** An attribute with no payload (NLA_FLAG). */
  attrFlag(type: number): void {
    this.attrHeader(type, 0);
  }

  /**
   * Starts a nested attribute and returns its offset for {@link endNest}. `flagged` sets
   * NLA_F_NESTED, which the kernel requires on newer nests under strict validation.
   */
  beginNest(type: number, flagged = false): number {
    const at = this.length;
    this.attrHeader(flagged ? type | NLA_F_NESTED : type, 0);
    return at;
  }

  /**
   * Ends the nest or attribute begun at `start`: writes its length (header and payload, not the
   * trailing padding, as nla_len counts) and then pads to 4 bytes. A nest's content is always
   * aligned already; a struct payload (struct rtvia is 6 or 18 bytes) may not be.
   */
  endNest(start: number): void {
    const len = this.length - start;
    if (len > NLA_MAX_LEN) throw tooLong(this.buf.readUInt16LE(start + 2), len);
    this.buf.writeUInt16LE(len, start);
    this.pad();
  }

  /** Starts an attribute whose payload the caller writes with put*; end it with {@link endNest}. */
  beginAttr(type: number): number {
    return this.beginNest(type, false);
  }
}
