/**
 * Addresses as `ip` prints them (iproute2 6.1, ip/ipaddress.c print_addrinfo): the `addr_info`
 * items of `ip -j addr show` — same keys, values and order — and their text lines.
 */
import type { Address } from '../netlink/index.js';
import type { JsonObject, JsonValue } from './json.js';
import * as K from './kernel.js';
import { scopeName } from './names.js';

/** IFA_F_* in ip's print order (ifa_flag_data) with the JSON key ip prints for each. */
const FLAGS: ReadonlyArray<readonly [number, string]> = [
  [K.IFA_F_SECONDARY, 'secondary'], [K.IFA_F_NODAD, 'nodad'], [K.IFA_F_OPTIMISTIC, 'optimistic'],
  [K.IFA_F_DADFAILED, 'dadfailed'], [K.IFA_F_HOMEADDRESS, 'home'], [K.IFA_F_DEPRECATED, 'deprecated'],
  [K.IFA_F_TENTATIVE, 'tentative'], [K.IFA_F_PERMANENT, 'permanent'], [K.IFA_F_MANAGETEMPADDR, 'mngtmpaddr'],
  [K.IFA_F_NOPREFIXROUTE, 'noprefixroute'], [K.IFA_F_MCAUTOJOIN, 'autojoin'], [K.IFA_F_STABLE_PRIVACY, 'stable-privacy'],
];

/** INFINITY_LIFE_TIME: what ip prints (in JSON) for `forever`. */
const FOREVER = 0xffffffff;

/** An address family as ip's family_name prints it. */
export function familyName(af: number): string | undefined {
  return af === K.AF_INET ? 'inet' : af === K.AF_INET6 ? 'inet6' : af === K.AF_BRIDGE ? 'bridge' : undefined;
}

/** How an address is printed. */
export interface AddressFormat {
  /** An RTM_DELADDR notification. */
  deleted?: boolean;
  /** ip's one-line forms (monitor): the object also carries `index` and `dev`. */
  dev?: string;
}

/** The object ip prints for one address (an item of `addr_info`). */
export function addressObject(addr: Address, f: AddressFormat = {}): JsonObject {
  const h = addr.header;
  const a = addr.attributes;
  const o: JsonObject = {};
  if (f.deleted === true) o.deleted = true;
  if (f.dev !== undefined) {
    o.index = h.index;
    o.dev = f.dev;
  }
  const fam = familyName(h.family);
  if (fam === undefined) o.family_index = h.family;
  else o.family = fam;
  const local = a.local ?? a.address;
  const peer = a.address ?? a.local;
  if (local !== undefined) {
    o.local = local;
    if (peer !== undefined && peer !== local) o.address = peer;
    o.prefixlen = h.prefixlen;
    if (a.rtPriority !== undefined) o.metric = a.rtPriority;
  }
  if (a.broadcast !== undefined) o.broadcast = a.broadcast;
  if (a.anycast !== undefined) o.anycast = a.anycast;
  o.scope = scopeName(h.scope);
  let flags = a.flags ?? h.flags;
  for (const [bit, name] of FLAGS) {
    if (bit === K.IFA_F_PERMANENT) {
      if ((flags & bit) === 0) o.dynamic = true;
    } else if ((flags & bit) !== 0) {
      o[bit === K.IFA_F_SECONDARY && h.family === K.AF_INET6 ? 'temporary' : name] = true;
    }
    flags &= ~bit;
  }
  if (flags !== 0) o.ifa_flags = (flags >>> 0).toString(16).padStart(2, '0');
  if (a.label !== undefined) o.label = a.label;
  if (a.cacheinfo !== undefined) {
    const ci = a.cacheinfo;
    o.valid_life_time = ci.valid;
    // ip prints a deprecated address's preferred lifetime signed (it can be "negative").
    o.preferred_life_time = ci.prefered !== FOREVER && (a.flags ?? h.flags) & K.IFA_F_DEPRECATED ? ci.prefered | 0 : ci.prefered;
  }
  return o;
}

/** A value as text. */
function str(v: JsonValue | undefined): string {
  return v === undefined || v === null ? '' : String(v);
}

/** A lifetime as ip's text prints it (`forever`, `3600sec`). */
function lifetime(v: JsonValue | undefined): string {
  return v === FOREVER ? 'forever' : `${str(v)}sec`;
}

/** ip's text lines for an address object. */
export function addressText(o: JsonObject, prefix = '    '): string[] {
  let line = `${o.deleted === true ? 'Deleted ' : ''}${o.dev !== undefined ? `${str(o.index)}: ${str(o.dev)}` : ''}${prefix}${str(o.family ?? `family ${str(o.family_index)}`)} `;
  if (o.local !== undefined) {
    line += str(o.local);
    if (o.address !== undefined) line += ` peer ${str(o.address)}`;
    line += `/${str(o.prefixlen)} `;
    if (o.metric !== undefined) line += `metric ${str(o.metric)} `;
  }
  if (o.broadcast !== undefined) line += `brd ${str(o.broadcast)} `;
  if (o.anycast !== undefined) line += `any ${str(o.anycast)} `;
  line += `scope ${str(o.scope)} `;
  for (const [, name] of FLAGS) {
    const key = name === 'permanent' ? 'dynamic' : name;
    if (o[key] === true) line += `${key} `;
    if (name === 'secondary' && o.temporary === true) line += 'temporary ';
  }
  if (o.ifa_flags !== undefined) line += `flags ${str(o.ifa_flags)} `;
  if (o.label !== undefined) line += str(o.label);
  const lines = [line.trimEnd()];
  if (o.valid_life_time !== undefined) {
    lines.push(`       valid_lft ${lifetime(o.valid_life_time)} preferred_lft ${lifetime(o.preferred_life_time)}`);
  }
  return lines;
}
