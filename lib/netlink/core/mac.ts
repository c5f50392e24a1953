/**
 * Link-layer addresses as the API's strings (`'02:00:00:00:00:01'`, lower-case, colon-separated, as
 * `ip -j` prints them) and as bytes.
 */
import { ValidationError } from './errors.js';
import type { NlWriter } from './writer.js';

/** The value of each ASCII hex digit (`0`-`9`, `a`-`f`, `A`-`F`) by character code; -1 for any other. */
const HEX_VALUE = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 16; i++) {
    t['0123456789abcdef'.charCodeAt(i)] = i;
    t['0123456789ABCDEF'.charCodeAt(i)] = i;
  }
  return t;
})();

/** Character codes of the hex digits 0-9a-f. */
const DIGIT = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Formats `len` bytes at `buf[off]` as `aa:bb:…`. */
export function formatMac(buf: Uint8Array, off = 0, len = buf.length - off): string {
  if (len === 6) {
    // Ethernet, the usual case: one flat string from 17 character codes (links' MAC and broadcast
    // addresses are read for every link of a dump turned into objects).
    const a = buf[off]!, b = buf[off + 1]!, c = buf[off + 2]!, d = buf[off + 3]!, e = buf[off + 4]!, f = buf[off + 5]!;
    return String.fromCharCode(
      DIGIT[a >> 4]!, DIGIT[a & 15]!, 58, DIGIT[b >> 4]!, DIGIT[b & 15]!, 58, DIGIT[c >> 4]!, DIGIT[c & 15]!, 58,
      DIGIT[d >> 4]!, DIGIT[d & 15]!, 58, DIGIT[e >> 4]!, DIGIT[e & 15]!, 58, DIGIT[f >> 4]!, DIGIT[f & 15]!);
  }
  let s = '';
  for (let i = 0; i < len; i++) {
    const x = buf[off + i]!;
    s += (i === 0 ? '' : ':') + String.fromCharCode(DIGIT[x >> 4]!, DIGIT[x & 15]!);
  }
  return s;
}

/**
 * Where addresses are decoded to be checked or copied (decoding is synchronous: one is enough). A
 * Buffer, as the writer's buffer is: the decoder always stores into one kind of array.
 */
const SCRATCH = Buffer.alloc(32);

/**
 * Whether `value` is a colon-separated hex hardware address of `length` bytes (at most 32): the
 * check of {@link parseMac} without its error and without allocating. Its bytes land in
 * `out[at…]` (by default a scratch buffer). A character loop: bulk calls check thousands of these
 * (a split + regex costs ~3 µs each).
 */
export function isMac(value: unknown, length = 6, out: Uint8Array = SCRATCH, at = 0): value is string {
  if (typeof value !== 'string' || value.length !== length * 3 - 1 || length > 32) return false;
  for (let i = 0; i < length; i++) {
    const p = i * 3;
    if (i < length - 1 && value.charCodeAt(p + 2) !== 58 /* : */) return false;
    // Two hex digits, decoded inline ('0'-'9', 'a'-'f', 'A'-'F'; | 0x20 folds upper case to lower).
    let hi = value.charCodeAt(p);
    let lo = value.charCodeAt(p + 1);
    hi = hi >= 48 && hi <= 57 ? hi - 48 : (hi | 0x20) >= 97 && (hi | 0x20) <= 102 ? (hi | 0x20) - 87 : -1;
    lo = lo >= 48 && lo <= 57 ? lo - 48 : (lo | 0x20) >= 97 && (lo | 0x20) <= 102 ? (lo | 0x20) - 87 : -1;
    if (hi < 0 || lo < 0) return false;
    out[at + i] = (hi << 4) | lo;
  }
  return true;
}

/**
 * The value of a 6-byte colon-separated hex MAC address as a number (`'02:00:00:00:00:01'` is
 * 0x020000000001; 48 bits fit a double exactly), or -1 when `value` is not one. A checked request
 * can keep this number and write it with {@link writeMacNumberAttr}: no bytes are kept, and the
 * text is parsed once.
 */
export function macNumber(value: unknown): number {
  if (typeof value !== 'string' || value.length !== 17) return -1;
  // Two numbers of three bytes each (no scratch bytes to write and read back), digits by table.
  let high = 0;
  let low = 0;
  for (let p = 0; p < 17; p += 3) {
    const a = value.charCodeAt(p);
    const b = value.charCodeAt(p + 1);
    const hi = a < 128 ? HEX_VALUE[a]! : -1;
    const lo = b < 128 ? HEX_VALUE[b]! : -1;
    if ((hi | lo) < 0 || (p < 15 && value.charCodeAt(p + 2) !== 58 /* : */)) return -1;
    if (p < 9) high = high * 256 + hi * 16 + lo;
    else low = low * 256 + hi * 16 + lo;
  }
  return high * 0x1000000 + low;
}

/** Writes attribute `type` holding the 6 bytes of a {@link macNumber} value (0 ≤ `value` < 2^48). */
export function writeMacNumberAttr(w: NlWriter, type: number, value: number): void {
  const at = w.claimAttr(type, 6);
  const b = w.buf;
  const high = Math.floor(value / 0x100000000);
  const low = value >>> 0;
  b[at] = high >>> 8;
  b[at + 1] = high;
  b[at + 2] = low >>> 24;
  b[at + 3] = low >>> 16;
  b[at + 4] = low >>> 8;
  b[at + 5] = low;
}

/**
 * The bytes of a colon-separated hex hardware address of `length` bytes, or undefined when `value`
 * is not one (no error built: the fast path of checks that report their own field).
 */
export function macBytes(value: unknown, length = 6): Uint8Array | undefined {
  if (!isMac(value, length)) return undefined;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = SCRATCH[i]!;
  return out;
}

/**
 * Parses a colon-separated hex hardware address (6 bytes for Ethernet unless `length` says
 * otherwise). Throws ValidationError naming `field`.
 */
export function parseMac(field: string, value: unknown, length = 6): Uint8Array {
  const bytes = macBytes(value, length);
  if (bytes !== undefined) return bytes;
  if (typeof value !== 'string') throw new ValidationError(field, value, 'a MAC address string is required');
  throw new ValidationError(field, value, `not a valid ${length}-byte MAC address (aa:bb:cc:dd:ee:ff)`);
}
