/**
 * Link-layer addresses as the API's strings (`'02:00:00:00:00:01'`, lower-case, colon-separated, as
 * `ip -j` prints them) and as bytes.
 */
import { ValidationError } from './errors.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Formats `len` bytes at `buf[off]` as `aa:bb:…`. */
export function formatMac(buf: Uint8Array, off = 0, len = buf.length - off): string {
  let s = '';
  for (let i = 0; i < len; i++) s += (i === 0 ? '' : ':') + HEX[buf[off + i]!];
  return s;
}

/**
 * Parses a colon-separated hex hardware address (6 bytes for Ethernet unless `length` says
 * otherwise). Throws ValidationError naming `field`.
 */
export function parseMac(field: string, value: unknown, length = 6): Uint8Array {
  if (typeof value !== 'string') throw new ValidationError(field, value, 'a MAC address string is required');
  const parts = value.split(':');
  if (parts.length !== length || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) {
    throw new ValidationError(field, value, `not a valid ${length}-byte MAC address (aa:bb:cc:dd:ee:ff)`);
  }
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}
