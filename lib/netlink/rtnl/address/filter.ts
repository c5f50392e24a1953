/**
 * The filters of `addresses.list` / `addresses.stream` (`ip addr show` without the link-level
 * ones): caller input in, an {@link AddressFilter} out, and the test of one dumped address against
 * it. The kernel filters an address dump by family and link only (strict checking refuses any
 * other field); label, scope, flags, prefix and protocol are applied here, with iproute2 6.1's
 * meaning (ipaddress.c ipaddr_filter): flags given must be set, `-flag` must be clear, a label is a
 * shell pattern (fnmatch), `to` selects the addresses inside a prefix.
 */
import { ValidationError } from '../../core/errors.js';
import { familyOf, parseIp, parsePrefix, prefixContains, type IpVersion, type Prefix } from '../../core/inet.js';
import { checkArray, checkKeys, checkLinkRef, checkObject, type LinkRef } from '../../core/validate.js';
import { SCOPES } from '../enums.js';
import {
  ADDRESS_FLAGS, ADDRESS_PROTOCOLS, IFA_F_PERMANENT, IFA_F_SECONDARY,
  type AddressFlagName, type AddressProtoName, type AddressScope,
} from './codec.js';
import type { AddressFlagOption } from './options.js';
import type { Address } from './view.js';

/**
 * A flag an address must have (`'permanent'`, `'tentative'` … and the kernel's spellings), or
 * must not have (`'-tentative'`); `'primary'` is `'-secondary'` and `'dynamic'` is `'-permanent'`,
 * as `ip addr show primary|dynamic` take them.
 */
export type AddressFlagSelector = AddressFlagName | AddressFlagOption | 'primary' | 'dynamic'
  | `-${AddressFlagName | AddressFlagOption | 'primary' | 'dynamic'}`;

/** Filters of `addresses.list` and `addresses.stream`; an address is listed when it passes every one given. */
export interface AddressListOptions {
  /** Only the addresses of this link (ifa_index in the dump request; needs strict checking, Linux 4.20+). */
  link?: LinkRef;
  /** Only IPv4 (4) or IPv6 (6) addresses (ifa_family in the dump request). */
  family?: IpVersion;
  /**
   * Only the IPv4 addresses whose IFA_LABEL matches this shell pattern (`'eth0:*'`; `*`, `?`,
   * `[a-z]`, `[!0-9]`, `\` escapes, as fnmatch(3)). IPv6 addresses have no label and never match
   * (ip matches them by their link's name instead: use `link` for that).
   */
  label?: string;
  /** Only the addresses of this scope (a name or RT_SCOPE_* number). */
  scope?: AddressScope | number;
  /** Only the addresses with these flags set (and, for `-flag`, clear): `['permanent', '-tentative']`. */
  flags?: readonly AddressFlagSelector[];
  /** Only the addresses inside this prefix (`ip addr show to 10.0.0.0/8`); implies its family. */
  to?: string;
  /** Only the addresses of this protocol (IFA_PROTO; 0 or `'unspec'` for those without one). */
  proto?: number | AddressProtoName;
}

const KEYS = ['link', 'family', 'label', 'scope', 'flags', 'to', 'proto'];

/** Checked filters: the dump request's family and link, and what is tested on each address. */
export interface AddressFilter {
  /** ifa_family of the dump request: AF_INET, AF_INET6 or 0 (both). */
  family: number;
  /** The link to filter on, by name or ifindex (resolved before the dump). */
  link: LinkRef | undefined;
  /** Whether any filter besides family and link is given (else no address needs decoding). */
  any: boolean;
  /** The label pattern. */
  label: string | undefined;
  /** ifa_scope (RT_SCOPE_*). */
  scope: number | undefined;
  /** IFA_F_* bits that must be set. */
  flagsSet: number;
  /** IFA_F_* bits that must be clear. */
  flagsClear: number;
  /** The prefix the local address must lie in. */
  to: Prefix | undefined;
  /** IFA_PROTO (0 for addresses without it). */
  proto: number | undefined;
}

/** Bits of each flag selector that is not itself an IFA_F_* name. */
const NEGATED_NAMES = new Map<string, number>([['primary', IFA_F_SECONDARY], ['dynamic', IFA_F_PERMANENT]]);

/** Reads the flag selectors into the bits that must be set and those that must be clear. */
function checkFlagSelectors(field: string, value: unknown): { set: number; clear: number } {
  const list = checkArray(field, value, 'flag names');
  let set = 0;
  let clear = 0;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const minus = typeof item === 'string' && item.startsWith('-');
    const name = typeof item === 'string' ? (minus ? item.slice(1) : item) : '';
    const flag = ADDRESS_FLAGS.value(name);
    const negated = NEGATED_NAMES.get(name);
    if (flag === undefined && negated === undefined) {
      throw new ValidationError(`${field}[${i}]`, item, `unknown flag (known: ${[...ADDRESS_FLAGS.names(), ...NEGATED_NAMES.keys()].join(', ')}; '-' before a name excludes it)`);
    }
    // `primary` is "not secondary": a minus before it asks for the flag itself.
    if ((flag !== undefined) !== minus) set |= flag ?? negated!;
    else clear |= flag ?? negated!;
  }
  if ((set & clear) !== 0) throw new ValidationError(field, value, 'a flag cannot be both required and excluded');
  return { set, clear };
}

function checkLabelPattern(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255 || value.includes('\0')) {
    throw new ValidationError(field, value, 'a label pattern of 1..255 characters without NUL is required');
  }
  return value;
}

/** Checks the options of `list` / `stream` (own properties only; no I/O). */
export function checkAddressFilter(options: unknown): AddressFilter {
  const o = checkObject('options', options);
  checkKeys('', o, KEYS);
  if (o.family !== undefined && o.family !== 4 && o.family !== 6) throw new ValidationError('family', o.family, '4 or 6 is required');
  const to = o.to === undefined ? undefined : parsePrefix('to', o.to, o.family === undefined ? {} : { version: o.family });
  const version = o.family ?? to?.version;
  const flags = o.flags === undefined ? { set: 0, clear: 0 } : checkFlagSelectors('flags', o.flags);
  return {
    family: version === undefined ? 0 : familyOf(version),
    link: o.link === undefined ? undefined : checkLinkRef('link', o.link),
    any: KEYS.some((k) => k !== 'link' && k !== 'family' && o[k] !== undefined),
    label: o.label === undefined ? undefined : checkLabelPattern('label', o.label),
    scope: o.scope === undefined ? undefined : SCOPES.check('scope', o.scope),
    flagsSet: flags.set,
    flagsClear: flags.clear,
    to,
    proto: o.proto === undefined ? undefined : ADDRESS_PROTOCOLS.check('proto', o.proto),
  };
}

/**
 * fnmatch(3) without flags: `*` any run of characters, `?` one character, `[…]` one of a set
 * (ranges `a-z`, `!` or `^` first negates, `]` first is literal), `\` makes the next character
 * literal. Iterative, backtracking only to the last `*` (linear in practice: labels are short).
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const c = pattern[p];
    if (c === '*') {
      starP = ++p;
      starT = t;
      continue;
    }
    if (c !== undefined) {
      const step = matchOne(pattern, p, text[t]!);
      if (step > 0) {
        p += step;
        t++;
        continue;
      }
    }
    if (starP < 0) return false;
    p = starP;
    t = ++starT;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * Matches one pattern element at `p` against `ch`: the element's length when it matches, 0 when it
 * does not. An unclosed `[` is a literal `[`, as fnmatch treats it.
 */
function matchOne(pattern: string, p: number, ch: string): number {
  const c = pattern[p]!;
  if (c === '?') return 1;
  if (c === '\\' && p + 1 < pattern.length) return pattern[p + 1] === ch ? 2 : 0;
  if (c !== '[') return c === ch ? 1 : 0;
  const end = pattern.length;
  let i = p + 1;
  const negate = pattern[i] === '!' || pattern[i] === '^';
  if (negate) i++;
  let found = false;
  for (let first = true; ; first = false) {
    if (i >= end) return c === ch ? 1 : 0;
    let lo = pattern[i]!;
    if (lo === ']' && !first) break;
    if (lo === '\\' && i + 1 < end) lo = pattern[++i]!;
    i++;
    let hi = lo;
    if (pattern[i] === '-' && i + 1 < end && pattern[i + 1] !== ']') {
      hi = pattern[++i]!;
      if (hi === '\\' && i + 1 < end) hi = pattern[++i]!;
      i++;
    }
    if (ch >= lo && ch <= hi) found = true;
  }
  return found !== negate ? i + 1 - p : 0;
}

/** Whether a dumped address passes the filters of `f` besides family and link (checked on the raw header). */
export function addressMatches(f: AddressFilter, a: Address): boolean {
  if (f.scope !== undefined && a.scopeId !== f.scope) return false;
  if (f.flagsSet !== 0 || f.flagsClear !== 0) {
    const raw = a.rawFlags;
    if ((raw & f.flagsSet) !== f.flagsSet || (raw & f.flagsClear) !== 0) return false;
  }
  if (f.proto !== undefined && (a.protoId ?? 0) !== f.proto) return false;
  if (f.label !== undefined) {
    const label = a.label;
    if (label === undefined || !globMatch(f.label, label)) return false;
  }
  if (f.to !== undefined) {
    if (a.family !== f.to.version) return false;
    if (!prefixContains(f.to, parseIp('local', a.local).bytes)) return false;
  }
  return true;
}
