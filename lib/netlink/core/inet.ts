/**
 * IP addresses and prefixes as the API's strings (`'10.1.2.3'`, `'fe80::1'`, `'10.0.0.0/8'`) and as
 * the 4 or 16 network-order bytes the kernel uses. Parsing is strict (no zones, no leading zeros in
 * IPv4 octets, no short forms like `10.1`) and fails with a ValidationError naming the field.
 * Formatting matches glibc's inet_ntop, so strings compare equal to what `ip -j` prints.
 */
import { ValidationError } from './errors.js';
import type { NlWriter } from './writer.js';

/** The address family of a parsed address: 4 (AF_INET) or 6 (AF_INET6). */
export type IpVersion = 4 | 6;

/** AF_INET, AF_INET6 and AF_BRIDGE from bits/socket.h. */
export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_BRIDGE = 7;
export const AF_INET6 = 10;
export const AF_MPLS = 28;

/** A parsed prefix: the address bytes and the prefix length. */
export interface Prefix {
  version: IpVersion;
  bytes: Uint8Array;
  prefixlen: number;
}

/** The AF_* number of an IP version. */
export function familyOf(version: IpVersion): number {
  return version === 4 ? AF_INET : AF_INET6;
}

/**
 * Parses dotted-quad IPv4 in `s[from, to)` into `out[at, at + 4)`; returns false when it is not one.
 * Character loops throughout (no split, no regular expression, no allocation): bulk calls parse
 * thousands of addresses, most of them on a process's first, unoptimised pass.
 */
function parse4At(s: string, from: number, to: number, out: Uint8Array, at: number): boolean {
  let octet = 0;
  let digits = 0;
  let index = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || index === 3) return false;
      out[at + index++] = octet;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return false; // leading zero: ambiguous (octal in inet_aton)
      octet = octet * 10 + (c - 48);
      if (octet > 255 || ++digits > 3) return false;
    } else {
      return false;
    }
  }
  if (digits === 0 || index !== 3) return false;
  out[at + 3] = octet;
  return true;
}

/** The value of a hex digit's char code, or -1. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Parses IPv6 text in `s[from, n)` (groups of 1 to 4 hex digits, at most one `::` standing for at
 * least one zero group, an optional dotted quad as the last 32 bits) into `out[base, base + 16)`;
 * false when it is not one.
 */
function parse6At(s: string, from: number, n: number, out: Uint8Array, base: number): boolean {
  if (n - from < 2 || n - from > 45) return false;
  let words = 0;
  let gap = -1;
  let i = from;
  if (s.charCodeAt(from) === 58 /* : */) {
    if (s.charCodeAt(from + 1) !== 58) return false;
    gap = 0;
    i = from + 2;
  }
  while (i < n) {
    const start = i;
    let v = 0;
    for (let d = hexValue(s.charCodeAt(i)); d >= 0 && i < n; d = hexValue(s.charCodeAt(i))) {
      v = v * 16 + d;
      i++;
    }
    if (i < n && s.charCodeAt(i) === 46 /* . */) {
      // A dotted quad: the rest of the text, as the last two words.
      if (words > 6 || !parse4At(s, start, n, out, base + 2 * words)) return false;
      words += 2;
      break;
    }
    if (i === start || i - start > 4 || words === 8) return false;
    out[base + 2 * words] = v >> 8;
    out[base + 2 * words + 1] = v & 0xff;
    words++;
    if (i === n) break;
    if (s.charCodeAt(i) !== 58 || ++i === n) return false; // a group ends with ':', never the text
    if (s.charCodeAt(i) === 58) {
      if (gap !== -1) return false;
      gap = words;
      i++;
    }
  }
  if (gap === -1) return words === 8;
  if (words > 7) return false;
  // The words after `::` move to the end; the gap fills with zeros.
  const tail = words - gap;
  out.copyWithin(base + 16 - 2 * tail, base + 2 * gap, base + 2 * words);
  out.fill(0, base + 2 * gap, base + 16 - 2 * tail);
  return true;
}

/**
 * Where addresses are parsed to be checked or copied (parsing is synchronous: one is enough). A
 * Buffer, as the writer's buffer is: the parsers then always store into one kind of array, and their
 * optimised code is not thrown away the first time a message is written.
 */
const SCRATCH = Buffer.alloc(16);

/** A new Uint8Array of the first `n` bytes of {@link SCRATCH}. */
function scratchCopy(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = SCRATCH[i]!;
  return out;
}

/**
 * The version of IP address text (4 or 6), or 0 when `value` is not one: the check of
 * {@link checkIp} without its error and without allocating. Its bytes (4 for IPv4, 16 for IPv6)
 * land in `out[at…]`, which must have room for 16 (by default a scratch buffer: {@link writeIpAttr}
 * passes the message). IPv4, the common case, is parsed in this one loop (one function to compile
 * on a first pass, not three).
 */
export function ipVersion(value: unknown, out: Uint8Array = SCRATCH, at = 0): 0 | IpVersion {
  if (typeof value !== 'string') return 0;
  const s = value;
  const n = s.length;
  if (n < 7 || n > 15) return parseIpAt(s, 0, n, out, at);
  let octet = 0;
  let digits = 0;
  let index = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || index === 3) return parseIpAt(s, 0, n, out, at);
      out[at + index++] = octet;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && !(digits > 0 && octet === 0)) {
      octet = octet * 10 + (c - 48);
      if (octet > 255 || ++digits > 3) return parseIpAt(s, 0, n, out, at);
    } else {
      // Not a dotted quad: IPv6 text, or nothing (parseIpAt tells).
      return parseIpAt(s, 0, n, out, at);
    }
  }
  if (digits === 0 || index !== 3) return parseIpAt(s, 0, n, out, at);
  out[at + 3] = octet;
  return 4;
}

/**
 * The value of dotted-quad IPv4 text as an unsigned 32-bit number (`'10.0.0.1'` is 0x0a000001), or
 * -1 when `value` is not one (strict as {@link ipVersion}: no leading zeros, octets 0..255). A
 * checked request can keep this number and write it with `attrU32Be`: no bytes are kept, and the
 * text is parsed once.
 */
export function ipv4Number(value: unknown): number {
  return typeof value === 'string' ? ipv4At(value, 0, value.length) : -1;
}

/**
 * `a.b.c.d/len` text (len 0..32, no leading zero) as one number, `address * 64 + len` (the address
 * as {@link ipv4Number} gives it), or -1 when `value` is not exactly that: a checked route keeps the
 * number (no bytes per item) and parsePrefix gives anything else its exact error.
 */
export function ipv4PrefixNumber(value: unknown): number {
  if (typeof value !== 'string') return -1;
  const n = value.length;
  const slash = value.indexOf('/');
  if (slash < 0 || slash + 1 === n || n - slash > 3) return -1;
  const address = ipv4At(value, 0, slash);
  if (address < 0) return -1;
  let len = 0;
  for (let i = slash + 1; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57 || (i > slash + 1 && len === 0)) return -1;
    len = len * 10 + (c - 48);
  }
  return len > 32 ? -1 : address * 64 + len;
}

/** Whether an IPv4 address (a number) has bits set beyond its first `prefixlen`. */
export function ipv4HostBits(address: number, prefixlen: number): boolean {
  if (prefixlen === 0) return address !== 0;
  return ((address & ~(0xffffffff << (32 - prefixlen))) >>> 0) !== 0;
}

/** {@link ipv4Number} of `s[from, to)`. */
function ipv4At(s: string, from: number, to: number): number {
  const n = to - from;
  if (n < 7 || n > 15) return -1;
  let address = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return -1;
      address = address * 256 + octet;
      dots++;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && !(digits > 0 && octet === 0)) {
      octet = octet * 10 + (c - 48);
      if (octet > 255 || ++digits > 3) return -1;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return address * 256 + octet;
}

/** {@link ipVersion} of `s[from, to)`, without the IPv4 fast path. */
function parseIpAt(s: string, from: number, to: number, out: Uint8Array, at: number): 0 | IpVersion {
  for (let i = from; i < to; i++) {
    if (s.charCodeAt(i) === 58) return parse6At(s, from, to, out, at) ? 6 : 0;
  }
  return parse4At(s, from, to, out, at) ? 4 : 0;
}

/**
 * The 4 or 16 network-order bytes of IP address text, or undefined when `value` is not one (no
 * error built: the fast path of checks that report their own field).
 */
export function ipBytes(value: unknown): Uint8Array | undefined {
  const v = ipVersion(value);
  return v === 0 ? undefined : scratchCopy(v === 4 ? 4 : 16);
}

/** {@link ipBytes} of `s[from, to)`. */
function ipBytesAt(s: string, from: number, to: number): Uint8Array | undefined {
  const v = parseIpAt(s, from, to, SCRATCH, 0);
  return v === 0 ? undefined : scratchCopy(v === 4 ? 4 : 16);
}

/**
 * Writes attribute `type` holding the bytes of IP address text that was checked already
 * ({@link ipVersion} not 0), parsed straight into the message: no bytes are kept in between.
 */
export function writeIpAttr(w: NlWriter, type: number, text: string): void {
  let v6 = false;
  for (let i = 0; i < text.length && !v6; i++) v6 = text.charCodeAt(i) === 58;
  const at = w.claimAttr(type, v6 ? 16 : 4);
  if (ipVersion(text, w.buf, at) !== (v6 ? 6 : 4)) throw new Error(`writeIpAttr: ${JSON.stringify(text)} was not checked`);
}

/** Why `value` is not an IP address. */
function badIp(field: string, value: unknown): ValidationError {
  if (typeof value !== 'string') return new ValidationError(field, value, 'an IP address string is required');
  return new ValidationError(field, value, value.includes(':') ? 'not a valid IPv6 address' : 'not a valid IP address');
}

/**
 * The bytes of an IP address (4 or 16), checked as {@link parseIp} checks it. Throws
 * ValidationError naming `field`.
 */
export function checkIp(field: string, value: unknown, version?: IpVersion): Uint8Array {
  const bytes = ipBytes(value);
  if (bytes === undefined) throw badIp(field, value);
  if (version === 4 && bytes.length === 16) throw new ValidationError(field, value, 'an IPv4 address is required');
  if (version === 6 && bytes.length === 4) throw new ValidationError(field, value, 'an IPv6 address is required');
  return bytes;
}

/**
 * Parses an IP address of either version. With `version`, the other version is refused
 * (`'an IPv4 address is required'`). Throws ValidationError naming `field`.
 */
export function parseIp(field: string, value: unknown, version?: IpVersion): { version: IpVersion; bytes: Uint8Array } {
  const bytes = checkIp(field, value, version);
  return { version: bytes.length === 4 ? 4 : 6, bytes };
}

/**
 * Parses `address/prefixlen`; a bare address is a host prefix (/32 or /128). `'default'` is the
 * zero prefix of `version` (IPv4 unless told otherwise) when `allowDefault` is set.
 */
export function parsePrefix(field: string, value: unknown,
  options: { version?: IpVersion; allowDefault?: boolean; requireLength?: boolean } = {}): Prefix {
  if (typeof value !== 'string') throw new ValidationError(field, value, 'a CIDR string is required');
  if (value === 'default' && options.allowDefault) {
    const version = options.version ?? 4;
    return { version, bytes: new Uint8Array(version === 4 ? 4 : 16), prefixlen: 0 };
  }
  const slash = value.indexOf('/');
  if (slash === -1 && options.requireLength) throw new ValidationError(field, value, 'a prefix length is required (address/len)');
  const end = slash === -1 ? value.length : slash;
  let bytes = ipBytesAt(value, 0, end);
  if (bytes === undefined || (options.version === 4 && bytes.length === 16) || (options.version === 6 && bytes.length === 4)) {
    // The error names the address part, as parseIp gives it.
    bytes = checkIp(field, value.slice(0, end), options.version);
  }
  const max = bytes.length === 4 ? 32 : 128;
  let prefixlen = max;
  if (slash !== -1) {
    prefixlen = prefixLength(value, slash + 1);
    if (prefixlen < 0 || prefixlen > max) throw new ValidationError(field, value, `prefix length must be 0..${max}`);
  }
  return { version: bytes.length === 4 ? 4 : 6, bytes, prefixlen };
}

/** The decimal prefix length at `s[from…]` (`0`, or 1 to 3 digits without a leading zero), or -1. */
function prefixLength(s: string, from: number): number {
  const n = s.length - from;
  if (n < 1 || n > 3 || (n > 1 && s.charCodeAt(from) === 48)) return -1;
  let v = 0;
  for (let i = from; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** True when `bytes` has bits set beyond `prefixlen` (e.g. `10.1.2.3/8`). */
export function hasHostBits(bytes: Uint8Array, prefixlen: number): boolean {
  for (let bit = prefixlen; bit < bytes.length * 8; bit++) {
    if (bytes[bit >> 3]! & (0x80 >> (bit & 7))) return true;
  }
  return false;
}

/** A copy of `bytes` with the bits beyond `prefixlen` cleared (the network address). */
export function maskPrefix(bytes: Uint8Array, prefixlen: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let bit = prefixlen; bit < out.length * 8; bit++) out[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return out;
}

/** True when `addr` lies inside `prefix` (both of the same version). */
export function prefixContains(prefix: Prefix, addr: Uint8Array): boolean {
  if (prefix.bytes.length !== addr.length) return false;
  for (let bit = 0; bit < prefix.prefixlen; bit++) {
    const m = 0x80 >> (bit & 7);
    if ((prefix.bytes[bit >> 3]! & m) !== (addr[bit >> 3]! & m)) return false;
  }
  return true;
}

/** Formats 4 or 16 bytes at `buf[off]` as text; other lengths come out as hex (`'0a0b'`). */
export function formatIp(buf: Uint8Array, off = 0, len = buf.length - off): string {
  if (len === 4) return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
  if (len === 16) return format6(buf, off);
  return Buffer.from(buf.buffer, buf.byteOffset + off, len).toString('hex');
}

/** inet_ntop for IPv6: longest run of ≥ 2 zero words becomes `::`, and glibc's dotted-quad forms. */
function format6(buf: Uint8Array, off: number): string {
  const words = new Array<number>(8);
  for (let i = 0; i < 8; i++) words[i] = (buf[off + 2 * i]! << 8) | buf[off + 2 * i + 1]!;
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { bestBase = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    // glibc prints IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) addresses dotted.
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      out += `${buf[off + 12]}.${buf[off + 13]}.${buf[off + 14]}.${buf[off + 15]}`;
      break;
    }
    out += words[i]!.toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) out += ':';
  return out;
}

/** Formats `bytes/prefixlen`. */
export function formatPrefix(bytes: Uint8Array, prefixlen: number): string {
  return `${formatIp(bytes)}/${prefixlen}`;
}
