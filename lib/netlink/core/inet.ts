/**
 * IP addresses and prefixes as the API's strings (`'10.1.2.3'`, `'fe80::1'`, `'10.0.0.0/8'`) and as
 * the 4 or 16 network-order bytes the kernel uses. Parsing is strict (no zones, no leading zeros in
 * IPv4 octets, no short forms like `10.1`) and fails with a ValidationError naming the field.
 * Formatting matches glibc's inet_ntop, so strings compare equal to what `ip -j` prints.
 */
import { ValidationError } from './errors.js';

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

/** Parses dotted-quad IPv4 into `out[at, at + 4)`; returns false when `s` is not one. */
function parse4Into(s: string, out: Uint8Array, at: number): boolean {
  let octet = 0;
  let digits = 0;
  let index = 0;
  for (let i = 0; i < s.length; i++) {
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

/** Parses IPv6 text (with `::` and an optional trailing dotted quad) into 16 bytes, or null. */
function parse6(s: string): Uint8Array | null {
  if (s.length < 2 || s.length > 45) return null;
  const out = new Uint8Array(16);
  const dbl = s.indexOf('::');
  if (dbl !== -1 && s.indexOf('::', dbl + 1) !== -1) return null;
  const head = dbl === -1 ? s : s.slice(0, dbl);
  const tail = dbl === -1 ? '' : s.slice(dbl + 2);
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const words: number[] = [];
  const all = [...headGroups, ...tailGroups];
  let v4: Uint8Array | null = null;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    v4 = new Uint8Array(4);
    if (!parse4Into(last, v4, 0)) return null;
    if (tailGroups.length > 0) tailGroups.pop();
    else if (dbl === -1) headGroups.pop();
    else return null; // `1.2.3.4::`: the dotted quad must come last
  }
  const toWords = (groups: string[]): boolean => {
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
      words.push(parseInt(g, 16));
    }
    return true;
  };
  if (!toWords(headGroups)) return null;
  const headCount = words.length;
  if (!toWords(tailGroups)) return null;
  const need = v4 ? 6 : 8;
  if (dbl === -1 ? words.length !== need : words.length > need - 1) return null;
  const tailCount = words.length - headCount;
  for (let i = 0; i < headCount; i++) {
    out[2 * i] = words[i]! >> 8;
    out[2 * i + 1] = words[i]! & 0xff;
  }
  for (let i = 0; i < tailCount; i++) {
    const w = words[headCount + i]!;
    const pos = need - tailCount + i;
    out[2 * pos] = w >> 8;
    out[2 * pos + 1] = w & 0xff;
  }
  if (v4) out.set(v4, 12);
  return out;
}

/**
 * Parses an IP address of either version. With `version`, the other version is refused
 * (`'an IPv4 address is required'`). Throws ValidationError naming `field`.
 */
export function parseIp(field: string, value: unknown, version?: IpVersion): { version: IpVersion; bytes: Uint8Array } {
  if (typeof value !== 'string') throw new ValidationError(field, value, 'an IP address string is required');
  if (value.includes(':')) {
    const bytes = parse6(value);
    if (!bytes) throw new ValidationError(field, value, 'not a valid IPv6 address');
    if (version === 4) throw new ValidationError(field, value, 'an IPv4 address is required');
    return { version: 6, bytes };
  }
  const bytes = new Uint8Array(4);
  if (!parse4Into(value, bytes, 0)) throw new ValidationError(field, value, 'not a valid IP address');
  if (version === 6) throw new ValidationError(field, value, 'an IPv6 address is required');
  return { version: 4, bytes };
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
  const ip = parseIp(field, slash === -1 ? value : value.slice(0, slash), options.version);
  const max = ip.version === 4 ? 32 : 128;
  let prefixlen = max;
  if (slash !== -1) {
    const text = value.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(text) || Number(text) > max) {
      throw new ValidationError(field, value, `prefix length must be 0..${max}`);
    }
    prefixlen = Number(text);
  }
  return { version: ip.version, bytes: ip.bytes, prefixlen };
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
