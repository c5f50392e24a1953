/**
 * Walking rtattr/nlattr lists in received bytes.
 *
 * ```
 *  struct nlattr (4 bytes) + payload, padded to 4 bytes
 *  0       2       4
 *  +-------+-------+- - - - - - - - - -+- - -+
 *  | len   | type  | payload           | pad |
 *  +-------+-------+- - - - - - - - - -+- - -+
 *  len counts header + payload, not the padding; type's top two bits are NLA_F_NESTED and
 *  NLA_F_NET_BYTEORDER.
 * ```
 * Every walk checks lengths against the enclosing end and throws DecodeError with the path and the
 * offset, so a truncated or hostile message can never read out of bounds.
 */
import { DecodeError } from './errors.js';
import { NLA_HDRLEN, NLA_TYPE_MASK, align4 } from './protocol.js';

/** Called for each attribute: `type` without flag bits, payload at `buf[off, off + len)`. */
export type AttrVisitor = (type: number, off: number, len: number, rawType: number) => void;

/** Visits the attributes in `buf[start, end)` in wire order. */
export function forEachAttr(buf: Buffer, start: number, end: number, path: string, visit: AttrVisitor): void {
  let at = start;
  while (at + NLA_HDRLEN <= end) {
    const len = buf.readUInt16LE(at);
    const rawType = buf.readUInt16LE(at + 2);
    if (len < NLA_HDRLEN || at + len > end) {
      throw new DecodeError(path, at, `attribute type ${rawType & NLA_TYPE_MASK} has length ${len}, ${end - at} bytes left`);
    }
    visit(rawType & NLA_TYPE_MASK, at + NLA_HDRLEN, len - NLA_HDRLEN, rawType);
    at += align4(len);
  }
  if (at < end) checkPadding(buf, at, end, path);
}

/**
 * An index of the attributes of one message: `offset(type)` is the payload offset of the first
 * attribute of that type, `length(type)` its payload length. Built in one pass on first use, so
 * getters on lazy objects cost one array read. Types above `max` are not indexed.
 *
 * It answers exactly as {@link locateAttr} walking the same bytes: an attribute before a malformed
 * one is found; asking for one the walk would have looked for past the malformed one throws that
 * DecodeError. So a view's getter gives the same answer whether it is read first or after others.
 */
export class AttrIndex {
  /** {@link indexAttrs} of the message. */
  private readonly slots: number[];
  private readonly buf: Buffer;
  private readonly end: number;
  private readonly path: string;

  constructor(buf: Buffer, start: number, end: number, max: number, path: string) {
    this.slots = indexAttrs(buf, start, end, max);
    this.buf = buf;
    this.end = end;
    this.path = path;
  }

  /** Payload offset of attribute `type`, or -1 when absent; the walk's DecodeError when it is not before malformed bytes. */
  offset(type: number): number {
    const at = indexedAttr(this.slots, type);
    if (at < -1) throw attrWalkError(this.buf, -2 - at, this.end, this.path);
    return at;
  }

  /** Payload length of attribute `type` (0 when absent). */
  length(type: number): number {
    const at = this.offset(type);
    return at < 0 ? 0 : attrLength(this.buf, at);
  }

  /** True when attribute `type` is present. */
  has(type: number): boolean {
    return this.offset(type) >= 0;
  }
}

/**
 * One walk over the attributes in `buf[start, end)`: element `type` (0 ≤ type ≤ `max`) is the
 * payload offset + 1 of the first attribute of that type, 0 when there is none; element `max + 1`
 * is where the walk stopped on malformed bytes, + 1 (0 when it did not). Read it with
 * {@link indexedAttr}. A plain array: a typed array is allocated outside the JS heap, which costs
 * more than the walk itself for one short-lived view.
 */
export function indexAttrs(buf: Buffer, start: number, end: number, max: number): number[] {
  const slots = new Array<number>(max + 2).fill(0);
  // The walk of locateAttr (byte reads, constants written out), recording instead of matching.
  let at = start;
  while (at + 4 <= end) {
    const len = buf[at]! | (buf[at + 1]! << 8);
    if (len < 4 || at + len > end) {
      slots[max + 1] = at + 1;
      return slots;
    }
    const type = (buf[at + 2]! | (buf[at + 3]! << 8)) & 0x3fff;
    if (type <= max && slots[type] === 0) slots[type] = at + 5;
    at += (len + 3) & ~3;
  }
  for (let i = at; i < end; i++) {
    if (buf[i] !== 0) {
      slots[max + 1] = at + 1;
      break;
    }
  }
  return slots;
}

/**
 * Looks `type` up in {@link indexAttrs}' result: the payload offset, -1 when absent, or, when the
 * walk stopped on malformed bytes before finding it, `-2 - position` of those bytes (turn it into
 * the walk's error with {@link attrWalkError}). Types the index does not cover answer -1 unless
 * the walk stopped early.
 */
export function indexedAttr(slots: number[], type: number): number {
  const last = slots.length - 1;
  if (type < last) {
    const at = slots[type]!;
    if (at !== 0) return at - 1;
  }
  const bad = slots[last]!;
  return bad === 0 ? -1 : -1 - bad;
}

/**
 * The DecodeError {@link locateAttr} throws when its walk reaches `at` and finds an attribute too
 * short or too long for `end`, or trailing bytes that are not padding.
 */
export function attrWalkError(buf: Buffer, at: number, end: number, path: string): DecodeError {
  if (at + 4 <= end) return badAttr(buf, at, end, path);
  return new DecodeError(path, at, `${end - at} trailing bytes are not an attribute`);
}

/**
 * The payload offset of the first attribute `type` in `buf[start, end)`, -1 when there is none,
 * or `-2 - position` of malformed bytes the walk reached first (see {@link attrWalkError}). The
 * walk of {@link locateAttr} without the throw, for callers that build the error themselves.
 */
export function scanAttr(buf: Buffer, start: number, end: number, type: number): number {
  let at = start;
  while (at + 4 <= end) {
    const len = buf[at]! | (buf[at + 1]! << 8);
    if (len < 4 || at + len > end) return -2 - at;
    if (((buf[at + 2]! | (buf[at + 3]! << 8)) & 0x3fff) === type) return at + 4;
    at += (len + 3) & ~3;
  }
  for (let i = at; i < end; i++) {
    if (buf[i] !== 0) return -2 - at;
  }
  return -1;
}

/**
 * The payload offset of the first attribute `type` in `buf[start, end)`, or -1, checking lengths
 * up to it (and, when it is absent, the trailing bytes) like {@link forEachAttr} (DecodeError naming
 * `path`). No allocation.
 */
export function locateAttr(buf: Buffer, start: number, end: number, type: number, path: string): number {
  // Every getter of a lazy view runs this walk, so it is kept small enough for V8 to inline: byte
  // reads instead of Buffer#readUInt16LE, NLA_HDRLEN (4), NLA_TYPE_MASK (0x3fff) and align4 written
  // out (imported bindings are not constants to the JIT), errors built out of line. Without them a
  // route view's toObject() cost twice as much on Node 20.
  let at = start;
  while (at + 4 <= end) {
    const len = buf[at]! | (buf[at + 1]! << 8);
    if (len < 4 || at + len > end) throw badAttr(buf, at, end, path);
    if (((buf[at + 2]! | (buf[at + 3]! << 8)) & 0x3fff) === type) return at + 4;
    at += (len + 3) & ~3;
  }
  if (at < end) checkPadding(buf, at, end, path);
  return -1;
}

/** The DecodeError of an attribute whose length is below its header or runs past `end`. */
function badAttr(buf: Buffer, at: number, end: number, path: string): DecodeError {
  // Byte reads: `end` may lie past the buffer (a hostile nlmsg_len), where a missing byte reads as 0.
  const len = buf[at]! | (buf[at + 1]! << 8);
  const type = (buf[at + 2]! | (buf[at + 3]! << 8)) & NLA_TYPE_MASK;
  return new DecodeError(path, at, `attribute type ${type} has length ${len}, ${end - at} bytes left`);
}

/** Fewer than NLA_HDRLEN bytes after the last attribute: only padding (zeros) may remain. */
function checkPadding(buf: Buffer, at: number, end: number, path: string): void {
  for (let i = at; i < end; i++) {
    if (buf[i] !== 0) throw new DecodeError(path, at, `${end - at} trailing bytes are not an attribute`);
  }
}

/** The payload offset of the first attribute `type` in `buf[start, end)`, or -1. No allocation. */
export function findAttr(buf: Buffer, start: number, end: number, type: number): number {
  let at = start;
  while (at + NLA_HDRLEN <= end) {
    const len = buf.readUInt16LE(at);
    if (len < NLA_HDRLEN || at + len > end) return -1;
    if ((buf.readUInt16LE(at + 2) & NLA_TYPE_MASK) === type) return at + NLA_HDRLEN;
    at += align4(len);
  }
  return -1;
}

/** The payload length of the attribute whose payload starts at `payload`. */
export function attrLength(buf: Buffer, payload: number): number {
  // Byte reads and NLA_HDRLEN written out, as in locateAttr: this runs for every attribute a view decodes.
  return (buf[payload - 4]! | (buf[payload - 3]! << 8)) - 4;
}

/** A NUL-terminated (or unterminated) string payload. */
export function readString(buf: Buffer, off: number, len: number): string {
  let end = off;
  let high = 0;
  const max = off + len;
  while (end < max) {
    const c = buf[end]!;
    if (c === 0) break;
    high |= c;
    end++;
  }
  // Names, kinds and qdiscs are short ASCII: String.fromCharCode costs a third of a UTF-8 decode.
  return high < 0x80 && end - off <= 8 ? shortAscii(buf, off, end - off) : buf.toString('utf8', off, end);
}

/** `n` (≤ 8) ASCII bytes at `buf[off]` as a string. */
function shortAscii(buf: Buffer, off: number, n: number): string {
  const b = buf;
  const o = off;
  switch (n) {
    case 0: return '';
    case 1: return String.fromCharCode(b[o]!);
    case 2: return String.fromCharCode(b[o]!, b[o + 1]!);
    case 3: return String.fromCharCode(b[o]!, b[o + 1]!, b[o + 2]!);
    case 4: return String.fromCharCode(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!);
    case 5: return String.fromCharCode(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!, b[o + 4]!);
    case 6: return String.fromCharCode(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!, b[o + 4]!, b[o + 5]!);
    case 7: return String.fromCharCode(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!, b[o + 4]!, b[o + 5]!, b[o + 6]!);
    default: return String.fromCharCode(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!, b[o + 4]!, b[o + 5]!, b[o + 6]!, b[o + 7]!);
  }
}

/** Checks a fixed-size payload and throws DecodeError if it is shorter. */
export function expectLength(path: string, off: number, len: number, want: number): void {
  if (len < want) throw new DecodeError(path, off, `payload of ${len} bytes, at least ${want} expected`);
}
