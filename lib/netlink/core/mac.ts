/**
 * Link-layer addresses as the API's strings (`'02:00:00:00:00:01'`, lower-case, colon-separated, as
 * `ip -j` prints them) and as bytes.
 */
import { ValidationError } from './errors.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

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
  for (let i = 0; i < len; i++) s += (i === 0 ? '' : ':') + HEX[buf[off + i]!];
  return s;
}

/**
 * Parses a colon-separated hex hardware address (6 bytes for Ethernet unless `length` says
 * otherwise). Throws ValidationError naming `field`.
 */
export function parseMac(field: string, value: unknown, length = 6): Uint8Array {
  // A character loop: bulk calls parse thousands of these (a split + regex costs ~3 µs each).
  if (typeof value !== 'string') throw new ValidationError(field, value, 'a MAC address string is required');
  if (value.length !== length * 3 - 1) throw badMac(field, value, length);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const at = i * 3;
    const hi = hexDigit(value.charCodeAt(at));
    const lo = hexDigit(value.charCodeAt(at + 1));
    if (hi < 0 || lo < 0 || (i < length - 1 && value.charCodeAt(at + 2) !== 58 /* : */)) throw badMac(field, value, length);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function badMac(field: string, value: string, length: number): ValidationError {
  return new ValidationError(field, value, `not a valid ${length}-byte MAC address (aa:bb:cc:dd:ee:ff)`);
}
