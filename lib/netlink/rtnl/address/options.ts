/**
 * What callers give `nl.addresses` (the public option types) and its checks: caller input in,
 * a {@link CheckedAddress} out (every field parsed and range-checked, nothing sent yet), or a
 * ValidationError naming the field. Options are read from own properties only.
 */
import { ValidationError } from '../../core/errors.js';
import { familyOf, parseIp, parsePrefix, type IpVersion } from '../../core/inet.js';
import { checkArray, checkInt, checkKeys, checkLinkRef, checkObject, checkU32, hasLoneSurrogate, type LinkRef } from '../../core/validate.js';
import {
  ADDRESS_FLAGS, ADDRESS_PROTOCOLS, INFINITY_LIFE_TIME, SETTABLE_IPV4_ADDRESS_FLAGS, SETTABLE_IPV6_ADDRESS_FLAGS, addressScopeNumber,
  type AddressProtoName, type AddressScope, type IfaCacheInfo,
} from './codec.js';

/**
 * Flag names `addresses.add` and `replace` accept (ip's names and the kernel's IFA_F_* names): the
 * ones the kernel keeps from a request. IPv6 takes nodad, optimistic, home, mngtmpaddr,
 * noprefixroute and autojoin; IPv4 only noprefixroute and autojoin (Linux drops optimistic,
 * dadfailed and the others on IPv4). Any other flag is a ValidationError rather than a request the
 * kernel would silently change.
 */
export type AddressFlagOption =
  | 'nodad' | 'optimistic' | 'home' | 'homeaddress' | 'mngtmpaddr' | 'managetempaddr' | 'noprefixroute' | 'autojoin'
  | 'mcautojoin';

/**
 * A lifetime in seconds: a non-negative integer below 2^32 - 1, or `Infinity` / `'forever'`
 * (INFINITY_LIFE_TIME, what `ip` calls `forever`).
 */
export type AddressLifetime = number | 'forever';

/** What `addresses.add` (and `replace`) creates. */
export interface AddressAddOptions {
  /** The link, by name or ifindex. */
  link: LinkRef;
  /**
   * The address with its prefix length, `'10.1.2.3/24'` or `'2001:db8::1/64'` (IFA_LOCAL and
   * ifa_prefixlen). A bare address is a host prefix (/32, /128) unless `peer` carries the length.
   */
  address: string;
  /** Point-to-point peer (IFA_ADDRESS), of the same family, optionally with the prefix length. */
  peer?: string;
  /**
   * IPv4 broadcast (IFA_BROADCAST). `true` computes it from the prefix like `ip addr add … brd +`
   * (the prefix with every host bit set; nothing for /31 and /32, as iproute2 does).
   */
  broadcast?: string | true;
  /**
   * IPv4 label (IFA_LABEL), 1..15 bytes. By convention `<link>:<alias>`; the kernel does not
   * require the link's name as prefix (checked on Linux 6.18), so neither does this library.
   */
  label?: string;
  /** IPv4 scope (ifa_scope): a name or RT_SCOPE_* number. Default `'host'` for 127/8, else `'global'`. IPv6 scopes follow from the address. */
  scope?: AddressScope | number;
  /**
   * IFA_F_* flags to request, by name (`['nodad', 'noprefixroute']`; see {@link AddressFlagOption}
   * for which each family takes). On `replace` of an existing IPv4 address the kernel keeps its
   * flags (checked on Linux 6.18); IPv6 updates them.
   */
  flags?: readonly AddressFlagOption[];
  /** Valid lifetime (IFA_CACHEINFO ifa_valid): seconds (> 0) or forever (default). */
  validLft?: AddressLifetime;
  /** Preferred lifetime (IFA_CACHEINFO ifa_prefered): seconds, at most `validLft`, or forever; default: `validLft`. */
  preferredLft?: AddressLifetime;
  /** Metric of the prefix route (IFA_RT_PRIORITY; ip's `metric`). */
  metric?: number;
  /** Address protocol (IFA_PROTO; Linux 6.3+): 0..255 or iproute2's name (`'kernel_ll'` …). */
  proto?: number | AddressProtoName;
}

/**
 * What `addresses.del` removes: the address is matched with its prefix length, its peer and (IPv4)
 * its label when given. The other options of {@link AddressAddOptions} are checked and ignored, so
 * the items given to `addMany` can be given to `delMany` as they are.
 */
export interface AddressDelOptions extends Partial<Omit<AddressAddOptions, 'link' | 'address'>> {
  /** The link, by name or ifindex. */
  link: LinkRef;
  /** The address and prefix length, as added (`'10.1.2.3/24'`; bare: /32 or /128). */
  address: string;
  /** The peer, for a point-to-point address added with one. */
  peer?: string;
  /** IPv4: only the address with this label (IFA_LABEL). */
  label?: string;
}

const ADD_KEYS = ['link', 'address', 'peer', 'broadcast', 'label', 'scope', 'flags', 'validLft', 'preferredLft', 'metric', 'proto'];

/** An add or delete request, checked and parsed, ready to encode (its link still to resolve). */
export interface CheckedAddress {
  /** The link, by name or ifindex. */
  link: LinkRef;
  /** ifa_family: AF_INET or AF_INET6. */
  family: number;
  /** ifa_prefixlen, in bits. */
  prefixlen: number;
  /** IFA_LOCAL: the address (4 or 16 bytes). */
  local: Uint8Array;
  /** IFA_ADDRESS of a point-to-point address: the peer. */
  peer: Uint8Array | undefined;
  /** IFA_BROADCAST (IPv4). */
  broadcast: Uint8Array | undefined;
  /** The broadcast was computed (`true`): iproute2 places it after IFA_ADDRESS. */
  computedBroadcast: boolean;
  /** IFA_LABEL (IPv4). */
  label: string | undefined;
  /** ifa_scope (RT_SCOPE_*). */
  scope: number;
  /** Every IFA_F_* bit requested (the header carries the low 8; IFA_FLAGS all of them). */
  flags: number;
  /** IFA_CACHEINFO: the lifetimes in seconds (stamps 0: the kernel ignores them). */
  cacheinfo: IfaCacheInfo | undefined;
  /** IFA_RT_PRIORITY: the prefix route's metric. */
  metric: number | undefined;
  /** IFA_PROTO. */
  proto: number | undefined;
}

function checkLifetime(field: string, value: unknown): number {
  if (value === Infinity || value === 'forever') return INFINITY_LIFE_TIME;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= INFINITY_LIFE_TIME) {
    throw new ValidationError(field, value, `seconds (an integer in 0..${INFINITY_LIFE_TIME - 1}) or Infinity / 'forever' is required`);
  }
  return value;
}

/** Parses the address and peer of add/del; the prefix length comes from either (they must agree). */
function checkLocalPeer(p: string, o: Record<string, unknown>):
  { version: IpVersion; local: Uint8Array; peer: Uint8Array | undefined; prefixlen: number } {
  // Each read once: a getter must not pass the check with one value and be used with another.
  const address = o.address;
  const peerIn = o.peer;
  if (address === undefined) throw new ValidationError(`${p}address`, undefined, 'an address (CIDR string) is required');
  const local = parsePrefix(`${p}address`, address);
  const hasLength = (address as string).includes('/');
  let prefixlen = local.prefixlen;
  let peer: Uint8Array | undefined;
  if (peerIn !== undefined) {
    const pp = parsePrefix(`${p}peer`, peerIn, { version: local.version });
    if ((peerIn as string).includes('/')) {
      if (hasLength && pp.prefixlen !== local.prefixlen) {
        throw new ValidationError(`${p}peer`, peerIn, `prefix length /${pp.prefixlen} differs from the address's /${local.prefixlen}`);
      }
      prefixlen = pp.prefixlen;
    }
    peer = pp.bytes;
  }
  return { version: local.version, local: local.bytes, peer, prefixlen };
}

/** The IPv4 broadcast option: an address, or `true` for the prefix with every host bit set. */
function checkBroadcast(field: string, value: unknown, v4: boolean, prefixlen: number, base: Uint8Array): Uint8Array | undefined {
  if (!v4) throw new ValidationError(field, value, 'a broadcast address is IPv4 only');
  if (value !== true) return parseIp(field, value, 4).bytes;
  // iproute2's `brd +`: nothing for /31 and /32, which have no broadcast (RFC 3021).
  if (prefixlen > 30) return undefined;
  const broadcast = Uint8Array.from(base);
  for (let bit = prefixlen; bit < 32; bit++) broadcast[bit >> 3]! |= 0x80 >> (bit & 7);
  return broadcast;
}

function checkLabel(field: string, value: unknown, v4: boolean): string {
  if (!v4) throw new ValidationError(field, value, 'labels are IPv4 only');
  if (typeof value !== 'string' || value.length === 0 || Buffer.byteLength(value) > 15 || value.includes('\0') || hasLoneSurrogate(value)) {
    throw new ValidationError(field, value, 'a label of 1..15 bytes (IFNAMSIZ - 1) of valid Unicode without NUL is required');
  }
  return value;
}

function checkScope(field: string, value: unknown, v4: boolean): number {
  if (!v4) throw new ValidationError(field, value, 'the kernel derives IPv6 scopes from the address; scope is IPv4 only');
  if (typeof value !== 'string') return checkInt(field, value, 0, 255);
  const n = addressScopeNumber(value);
  if (n === undefined) throw new ValidationError(field, value, "a scope name ('global', 'site', 'link', 'host', 'nowhere') or 0..255 is required");
  return n;
}

/** The flag names a request can set on an address with flag bits `bits` settable (for error messages; made when one is thrown, not at import). */
const settableNames = (bits: number): string =>
  ADDRESS_FLAGS.names().filter((name) => name !== 'temporary' && (ADDRESS_FLAGS.value(name)! & bits) !== 0).join(', ');

function checkFlags(field: string, value: unknown, v4: boolean): number {
  const list = checkArray(field, value, 'flag names');
  const settable = v4 ? SETTABLE_IPV4_ADDRESS_FLAGS : SETTABLE_IPV6_ADDRESS_FLAGS;
  let flags = 0;
  for (let i = 0; i < list.length; i++) {
    const name = list[i];
    const bit = typeof name === 'string' ? ADDRESS_FLAGS.value(name) : undefined;
    if (bit === undefined || (bit & settable) === 0) {
      throw new ValidationError(`${field}[${i}]`, name, `not a flag a request can set on an IPv${v4 ? 4 : 6} address (known: ${settableNames(settable)})`);
    }
    flags |= bit;
  }
  return flags;
}

/** IFA_CACHEINFO from the lifetime options, or undefined when neither is given. */
function checkLifetimes(p: string, o: Record<string, unknown>): IfaCacheInfo | undefined {
  if (o.validLft === undefined && o.preferredLft === undefined) return undefined;
  const valid = o.validLft === undefined ? INFINITY_LIFE_TIME : checkLifetime(`${p}validLft`, o.validLft);
  // Only a valid lifetime given: the preferred one ends with it (iproute2 would refuse, as it
  // defaults the preferred lifetime to forever).
  const prefered = o.preferredLft === undefined ? valid : checkLifetime(`${p}preferredLft`, o.preferredLft);
  if (valid === 0) throw new ValidationError(`${p}validLft`, o.validLft, 'the valid lifetime must be above 0');
  if (prefered > valid) throw new ValidationError(`${p}preferredLft`, o.preferredLft, 'the preferred lifetime cannot exceed the valid lifetime');
  return { prefered, valid, cstamp: 0, tstamp: 0 };
}

/**
 * Checks one add or delete item completely (before any I/O); a delete checks every add option too
 * and sends only those the kernel matches on. `p` prefixes field names (`'items[3].'`, or `''`).
 */
export function checkAddress(p: string, value: unknown): CheckedAddress {
  const o = checkObject(p === '' ? 'options' : p.slice(0, -1), value);
  checkKeys(p.slice(0, -1), o, ADD_KEYS);
  if (o.link === undefined) throw new ValidationError(`${p}link`, undefined, 'a link (name or ifindex) is required');
  const link = checkLinkRef(`${p}link`, o.link);
  const { version, local, peer, prefixlen } = checkLocalPeer(p, o);
  const v4 = version === 4;
  return {
    link,
    family: familyOf(version),
    prefixlen,
    local,
    peer,
    broadcast: o.broadcast === undefined ? undefined : checkBroadcast(`${p}broadcast`, o.broadcast, v4, prefixlen, peer ?? local),
    computedBroadcast: o.broadcast === true,
    label: o.label === undefined ? undefined : checkLabel(`${p}label`, o.label, v4),
    // iproute2 gives 127/8 host scope by default (the kernel would make it global).
    scope: o.scope === undefined ? (v4 && local[0] === 127 ? 254 : 0) : checkScope(`${p}scope`, o.scope, v4),
    flags: o.flags === undefined ? 0 : checkFlags(`${p}flags`, o.flags, v4),
    cacheinfo: checkLifetimes(p, o),
    metric: o.metric === undefined ? undefined : checkU32(`${p}metric`, o.metric),
    proto: o.proto === undefined ? undefined : ADDRESS_PROTOCOLS.check(`${p}proto`, o.proto),
  };
}
