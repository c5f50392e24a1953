/**
 * Address prefixes of show selectors (`ip route show root 10.0.0.0/8`, `ip neigh show to
 * 10.0.0.0/24`): parsing the word and comparing leading bits, for IPv4 and IPv6 alike.
 */
import { invalidArgument } from './errors.js';
import { integer } from './grammar.js';

/** A selector prefix: the address as written, and its length (undefined: the whole address). */
export interface PrefixSel {
  addr: string;
  len: number | undefined;
}

/** Parses `ADDR[/LEN]`, or `default`/`all`/`any` (length 0). */
export function prefixSel(v: string): PrefixSel {
  if (v === 'default' || v === 'all' || v === 'any') return { addr: '', len: 0 };
  const slash = v.indexOf('/');
  if (slash < 0) return { addr: v, len: undefined };
  return { addr: v.slice(0, slash), len: integer(v.slice(slash + 1), 'prefix length', 0, 128) };
}

/** The bits of an IPv4 or IPv6 address as a '0'/'1' string, or undefined when it is not one. */
export function addressBits(addr: string): string | undefined {
  if (addr.includes(':')) {
    const halves = addr.split('::');
    if (halves.length > 2) return undefined;
    const head = halves[0] === '' ? [] : halves[0]!.split(':');
    const tail = halves.length < 2 || halves[1] === '' ? [] : halves[1]!.split(':');
    const groups = halves.length < 2 ? head : [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
    if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return groups.map((g) => Number.parseInt(g, 16).toString(2).padStart(16, '0')).join('');
  }
  const parts = addr.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^[0-9]{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.map((p) => Number(p).toString(2).padStart(8, '0')).join('');
}

/** Whether the first `len` bits of two addresses of the same family agree. */
export function sameBits(a: string, b: string, len: number): boolean {
  const x = addressBits(a);
  const y = addressBits(b);
  return x !== undefined && y !== undefined && x.length === y.length && x.slice(0, len) === y.slice(0, len);
}

/** Whether `addr` lies in the selector prefix (a bare address must be equal). */
export function inPrefix(addr: string | undefined, sel: PrefixSel): boolean {
  if (addr === undefined) return false;
  const bits = addressBits(addr);
  if (bits === undefined) return false;
  if (sel.len === 0) return true;
  return sameBits(addr, sel.addr, sel.len ?? bits.length);
}

/** Checks a selector's address; ip's `invalid "to" value` when it is none. */
export function checkPrefixSel(v: string): PrefixSel {
  const sel = prefixSel(v);
  if (sel.len !== 0 && addressBits(sel.addr) === undefined) throw invalidArgument(v, 'to value is invalid');
  return sel;
}
