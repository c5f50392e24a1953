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
  /** payload offset + 1 per type (0 = absent), then payload length. */
  private readonly slots: number[];
  /** Where the walk stopped on malformed bytes, if it did. */
  private readonly error: DecodeError | undefined;

  constructor(buf: Buffer, start: number, end: number, max: number, path: string) {
    // A plain array: a typed array is allocated outside the JS heap, which costs more than the
    // walk itself for one short-lived view.
    const slots = new Array<number>(2 * (max + 1)).fill(0);
    try {
      forEachAttr(buf, start, end, path, (type, off, len) => {
        if (type <= max && slots[2 * type] === 0) {
          slots[2 * type] = off + 1;
          slots[2 * type + 1] = len;
        }
      });
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.error = e;
    }
    this.slots = slots;
  }

  /** Payload offset of attribute `type`, or -1 when absent; the walk's DecodeError when it is not before malformed bytes. */
  offset(type: number): number {
    const at = (this.slots[2 * type] ?? 0) - 1;
    if (at < 0 && this.error !== undefined) throw this.error;
    return at;
  }

  /** Payload length of attribute `type` (0 when absent). */
  length(type: number): number {
    return this.offset(type) < 0 ? 0 : this.slots[2 * type + 1]!;
  }

  /** True when attribute `type` is present. */
  has(type: number): boolean {
    return this.offset(type) >= 0;
  }
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
  const max = off + len;
  while (end < max && buf[end] !== 0) end++;
  return buf.toString('utf8', off, end);
}

/** Checks a fixed-size payload and throws DecodeError if it is shorter. */
export function expectLength(path: string, off: number, len: number, want: number): void {
  if (len < want) throw new DecodeError(path, off, `payload of ${len} bytes, at least ${want} expected`);
}
