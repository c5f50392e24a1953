/**
 * `nl.addresses`: list, add, replace and delete IP addresses (RTM_*ADDR).
 *
 * Every method validates its input completely before sending anything (a ValidationError names
 * the field). Links are named by name or ifindex; a name the kernel does not know is the
 * NetlinkError ENODEV of the link lookup. Requests are laid out as iproute2 6.1 lays them out, so
 * the kernel sees the same bytes as from `ip addr add`.
 */
import * as C from './codec.js';
import {
  IPV6_ONLY_ADDRESS_FLAGS, SETTABLE_ADDRESS_FLAGS, addressScopeNumber, writeIfAddrMsg, type AddressScope,
} from './codec.js';
import { Address, addressView } from './view.js';
import type { BulkResult, Connection } from '../../transport/connection.js';
import { ValidationError } from '../../core/errors.js';
import { AF_INET, AF_INET6, familyOf, parseIp, parsePrefix, type IpVersion } from '../../core/inet.js';
import type { Links } from '../link/service.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../core/protocol.js';
import { RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR } from '../rtm.js';
import { checkInt, checkKeys, checkLinkRef, checkObject, checkU32, type LinkRef } from '../../core/validate.js';
import type { NlWriter } from '../../core/writer.js';
import { bulk, type BulkCodec } from '../bulk.js';
import { resolveRefs } from '../resolve.js';
import { dumpStream, type PreparedDump } from '../stream.js';

/** Filters of `addresses.list` and `addresses.stream`, applied by the kernel. */
export interface AddressListOptions {
  /** Only the addresses of this link (ifa_index in the dump request; needs strict checking, Linux 4.20+). */
  link?: LinkRef;
  /** Only IPv4 (4) or IPv6 (6) addresses (ifa_family in the dump request). */
  family?: IpVersion;
}

/** Flag names `addresses.add` accepts: the kernel's IFA_F_* names, and iproute2's spellings. */
export type AddressFlagOption =
  | 'nodad' | 'optimistic' | 'homeaddress' | 'home' | 'managetempaddr' | 'mngtmpaddr' | 'noprefixroute'
  | 'mcautojoin' | 'autojoin';

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
  /** IFA_F_* flags to request: names (`['nodad', 'noprefixroute']`). nodad, optimistic, homeaddress and managetempaddr are IPv6-only. */
  flags?: readonly AddressFlagOption[];
  /** Valid lifetime (IFA_CACHEINFO ifa_valid): seconds (> 0) or forever (default). */
  validLft?: AddressLifetime;
  /** Preferred lifetime (IFA_CACHEINFO ifa_prefered): seconds, at most `validLft`, or forever; default: `validLft`. */
  preferredLft?: AddressLifetime;
  /** Metric of the prefix route (IFA_RT_PRIORITY; ip's `metric`). */
  metric?: number;
  /** Address protocol (IFA_PROTO, 0..255; Linux 6.3+). */
  proto?: number;
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

/** A request, checked and parsed, ready to encode. */
interface CheckedAddress {
  link: LinkRef;
  family: number;
  prefixlen: number;
  local: Uint8Array;
  peer: Uint8Array | undefined;
  broadcast: Uint8Array | undefined;
  /** The broadcast was computed (`true`): iproute2 places it after IFA_ADDRESS. */
  computedBroadcast: boolean;
  label: string | undefined;
  scope: number;
  flags: number;
  cacheinfo: { prefered: number; valid: number } | undefined;
  metric: number | undefined;
  proto: number | undefined;
}

function checkLifetime(field: string, value: unknown): number {
  if (value === Infinity || value === 'forever') return C.INFINITY_LIFE_TIME;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= C.INFINITY_LIFE_TIME) {
    throw new ValidationError(field, value, `seconds (an integer in 0..${C.INFINITY_LIFE_TIME - 1}) or Infinity / 'forever' is required`);
  }
  return value;
}

/** Parses the address and peer of add/del; the prefix length comes from either (they must agree). */
function checkLocalPeer(p: string, o: Record<string, unknown>):
  { version: IpVersion; local: Uint8Array; peer: Uint8Array | undefined; prefixlen: number } {
  if (o.address === undefined) throw new ValidationError(`${p}address`, undefined, 'an address (CIDR string) is required');
  const local = parsePrefix(`${p}address`, o.address);
  const hasLength = (o.address as string).includes('/');
  let prefixlen = local.prefixlen;
  let peer: Uint8Array | undefined;
  if (o.peer !== undefined) {
    const pp = parsePrefix(`${p}peer`, o.peer, { version: local.version });
    if ((o.peer as string).includes('/')) {
      if (hasLength && pp.prefixlen !== local.prefixlen) {
        throw new ValidationError(`${p}peer`, o.peer, `prefix length /${pp.prefixlen} differs from the address's /${local.prefixlen}`);
      }
      prefixlen = pp.prefixlen;
    }
    peer = pp.bytes;
  }
  return { version: local.version, local: local.bytes, peer, prefixlen };
}

/** Checks one `add` item completely (before any I/O). `p` prefixes field names (`'items[3].'`). */
function checkAdd(p: string, value: unknown): CheckedAddress {
  const o = checkObject(p === '' ? 'options' : p.slice(0, -1), value);
  checkKeys(p.slice(0, -1), o, ADD_KEYS);
  if (o.link === undefined) throw new ValidationError(`${p}link`, undefined, 'a link (name or ifindex) is required');
  const link = checkLinkRef(`${p}link`, o.link);
  const { version, local, peer, prefixlen } = checkLocalPeer(p, o);
  const v4 = version === 4;

  let broadcast: Uint8Array | undefined;
  let computedBroadcast = false;
  if (o.broadcast !== undefined) {
    if (!v4) throw new ValidationError(`${p}broadcast`, o.broadcast, 'a broadcast address is IPv4 only');
    if (o.broadcast === true) {
      computedBroadcast = true;
      if (prefixlen <= 30) {
        broadcast = Uint8Array.from(peer ?? local);
        for (let bit = prefixlen; bit < 32; bit++) broadcast[bit >> 3]! |= 0x80 >> (bit & 7);
      }
    } else {
      broadcast = parseIp(`${p}broadcast`, o.broadcast, 4).bytes;
    }
  }

  let label: string | undefined;
  if (o.label !== undefined) {
    if (!v4) throw new ValidationError(`${p}label`, o.label, 'labels are IPv4 only');
    if (typeof o.label !== 'string' || o.label.length === 0 || Buffer.byteLength(o.label) > 15 || o.label.includes('\0')) {
      throw new ValidationError(`${p}label`, o.label, 'a label of 1..15 bytes (IFNAMSIZ - 1) without NUL is required');
    }
    label = o.label;
  }

  let scope = v4 && local[0] === 127 ? 254 : 0;
  if (o.scope !== undefined) {
    if (!v4) throw new ValidationError(`${p}scope`, o.scope, 'the kernel derives IPv6 scopes from the address; scope is IPv4 only');
    if (typeof o.scope === 'string') {
      const n = addressScopeNumber(o.scope);
      if (n === undefined) throw new ValidationError(`${p}scope`, o.scope, "a scope name ('global', 'site', 'link', 'host', 'nowhere') or 0..255 is required");
      scope = n;
    } else {
      scope = checkInt(`${p}scope`, o.scope, 0, 255);
    }
  }

  let flags = 0;
  if (o.flags !== undefined) {
    if (!Array.isArray(o.flags)) throw new ValidationError(`${p}flags`, o.flags, 'an array of flag names is required');
    for (const [i, name] of (o.flags as unknown[]).entries()) {
      const bit = typeof name === 'string' && Object.hasOwn(SETTABLE_ADDRESS_FLAGS, name) ? SETTABLE_ADDRESS_FLAGS[name] : undefined;
      if (bit === undefined) {
        throw new ValidationError(`${p}flags[${i}]`, name, `not a flag a request can set (known: ${Object.keys(SETTABLE_ADDRESS_FLAGS).join(', ')})`);
      }
      if (v4 && (bit & IPV6_ONLY_ADDRESS_FLAGS)) throw new ValidationError(`${p}flags[${i}]`, name, 'this flag is IPv6 only');
      flags |= bit;
    }
  }

  let cacheinfo: CheckedAddress['cacheinfo'];
  if (o.validLft !== undefined || o.preferredLft !== undefined) {
    const valid = o.validLft === undefined ? C.INFINITY_LIFE_TIME : checkLifetime(`${p}validLft`, o.validLft);
    // Only a valid lifetime given: the preferred one ends with it (iproute2 would refuse, as it
    // defaults the preferred lifetime to forever).
    const prefered = o.preferredLft === undefined ? valid : checkLifetime(`${p}preferredLft`, o.preferredLft);
    if (valid === 0) throw new ValidationError(`${p}validLft`, o.validLft, 'the valid lifetime must be above 0');
    if (prefered > valid) throw new ValidationError(`${p}preferredLft`, o.preferredLft, 'the preferred lifetime cannot exceed the valid lifetime');
    cacheinfo = { prefered, valid };
  }

  const metric = o.metric === undefined ? undefined : checkU32(`${p}metric`, o.metric);
  const proto = o.proto === undefined ? undefined : checkInt(`${p}proto`, o.proto, 0, 255);
  return {
    link, family: familyOf(version), prefixlen, local, peer, broadcast, computedBroadcast, label, scope, flags,
    cacheinfo, metric, proto,
  };
}

/** Checks one `del` item completely (all of `add`'s options are checked; only the matching ones are sent). */
function checkDel(p: string, value: unknown): CheckedAddress {
  return checkAdd(p, value);
}

/**
 * Writes an RTM_NEWADDR body in iproute2's attribute order: IFA_LOCAL, the peer (IFA_ADDRESS),
 * an explicit IFA_BROADCAST, IFA_RT_PRIORITY, IFA_PROTO, IFA_FLAGS (only when a flag is beyond the
 * 8 bits of ifa_flags, which keeps the low 8), IFA_LABEL, IFA_ADDRESS = local, a computed
 * broadcast, IFA_CACHEINFO.
 */
function writeAddAddress(w: NlWriter, c: CheckedAddress, ifindex: number): void {
  writeIfAddrMsg(w, { family: c.family, prefixlen: c.prefixlen, flags: c.flags & 0xff, scope: c.scope, index: ifindex });
  w.attrBytes(C.IFA_LOCAL, c.local);
  if (c.peer !== undefined) w.attrBytes(C.IFA_ADDRESS, c.peer);
  if (c.broadcast !== undefined && !c.computedBroadcast) w.attrBytes(C.IFA_BROADCAST, c.broadcast);
  if (c.metric !== undefined) w.attrU32(C.IFA_RT_PRIORITY, c.metric);
  if (c.proto !== undefined) w.attrU8(C.IFA_PROTO, c.proto);
  if (c.flags > 0xff) w.attrU32(C.IFA_FLAGS, c.flags);
  if (c.label !== undefined) w.attrString(C.IFA_LABEL, c.label);
  if (c.peer === undefined) w.attrBytes(C.IFA_ADDRESS, c.local);
  if (c.broadcast !== undefined && c.computedBroadcast) w.attrBytes(C.IFA_BROADCAST, c.broadcast);
  if (c.cacheinfo !== undefined) {
    const at = w.beginAttr(C.IFA_CACHEINFO);
    w.putU32(c.cacheinfo.prefered);
    w.putU32(c.cacheinfo.valid);
    w.putU32(0);
    w.putU32(0);
    w.endNest(at);
  }
}

/**
 * Writes an RTM_DELADDR body as iproute2 does: ifaddrmsg (flags and scope 0), IFA_LOCAL, the peer
 * (IFA_ADDRESS), IFA_LABEL, IFA_ADDRESS = local. The kernel matches on these only.
 */
function writeDelAddress(w: NlWriter, c: CheckedAddress, ifindex: number): void {
  writeIfAddrMsg(w, { family: c.family, prefixlen: c.prefixlen, flags: 0, scope: 0, index: ifindex });
  w.attrBytes(C.IFA_LOCAL, c.local);
  if (c.peer !== undefined) w.attrBytes(C.IFA_ADDRESS, c.peer);
  if (c.label !== undefined) w.attrString(C.IFA_LABEL, c.label);
  if (c.peer === undefined) w.attrBytes(C.IFA_ADDRESS, c.local);
}

/** Decodes a dump message, dropping what is not an IP address of the wanted link (see `list`). */
function dumpDecoder(family: number, ifindex: number): (buf: Buffer, off: number, len: number) => Address | undefined {
  return (buf, off, len) => {
    const f = buf[off + 16];
    if (f !== AF_INET && f !== AF_INET6) return undefined;
    if ((family !== 0 && f !== family) || (ifindex !== 0 && len >= 24 && buf.readUInt32LE(off + 20) !== ifindex)) return undefined;
    return addressView(buf, off, len);
  };
}

/** The IP addresses of one netlink handle. Obtain it as `nl.addresses`. */
export class Addresses {
  /** @internal */
  constructor(protected readonly conn: Connection, protected readonly links: Links) {}

  /**
   * The addresses (one RTM_GETADDR dump), filtered by the kernel: `family` selects which family's
   * table is dumped and `link` goes in ifa_index (the kernel then flags its replies
   * NLM_F_DUMP_FILTERED). The same filters are also applied here, so a kernel without strict
   * checking gives the same result.
   */
  async list(options: AddressListOptions = {}): Promise<Address[]> {
    const d = await this.prepareDump(this.checkList(options));
    const all = await this.conn.dump(RTM_GETADDR, 0, d.build, d.decode);
    return all.filter((a): a is Address => a !== undefined);
  }

  /** Like {@link list}, one address at a time, reading from the kernel as the loop advances. */
  stream(options: AddressListOptions = {}): AsyncIterableIterator<Address> {
    const checked = this.checkList(options);
    return dumpStream(this.conn, RTM_GETADDR, () => this.prepareDump(checked));
  }

  /** The dump request and decoder of checked list options (the link name resolved). */
  private async prepareDump({ family, link }: { family: number; link: LinkRef | undefined }): Promise<PreparedDump<Address>> {
    const ifindex = link === undefined ? 0 : await this.links.index(link);
    return { build: (w) => this.writeDump(w, family, ifindex), decode: dumpDecoder(family, ifindex) };
  }

  private checkList(options: unknown): { family: number; link: LinkRef | undefined } {
    const o = checkObject('options', options);
    checkKeys('', o, ['link', 'family']);
    if (o.family !== undefined && o.family !== 4 && o.family !== 6) throw new ValidationError('family', o.family, '4 or 6 is required');
    const link = o.link === undefined ? undefined : checkLinkRef('link', o.link);
    return { family: o.family === undefined ? 0 : familyOf(o.family as IpVersion), link };
  }

  /** An RTM_GETADDR dump request: ifaddrmsg with family and ifa_index, nothing else (strict checking refuses more). */
  private writeDump(w: NlWriter, family: number, ifindex: number): void {
    writeIfAddrMsg(w, { family, prefixlen: 0, flags: 0, scope: 0, index: ifindex });
  }

  /**
   * Adds an address (RTM_NEWADDR with NLM_F_CREATE | NLM_F_EXCL, like `ip addr add`). An address
   * already there (same address and prefix length) is a NetlinkError EEXIST.
   */
  async add(options: AddressAddOptions): Promise<void> {
    await this.one(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, checkAdd('', options), writeAddAddress);
  }

  /**
   * Adds an address or updates the one there (NLM_F_CREATE | NLM_F_REPLACE, like `ip addr replace`):
   * lifetimes, flags, metric and proto of an existing address change in place.
   */
  async replace(options: AddressAddOptions): Promise<void> {
    await this.one(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, checkAdd('', options), writeAddAddress);
  }

  /**
   * Deletes an address (RTM_DELADDR), matched by address and prefix length (and peer, label). A missing
   * one is the kernel's NetlinkError EADDRNOTAVAIL. Deleting an IPv4 primary address also deletes
   * its secondaries unless the link's `promote_secondaries` is set.
   */
  async del(options: AddressDelOptions): Promise<void> {
    await this.one(RTM_DELADDR, 0, checkDel('', options), writeDelAddress);
  }

  /** Sends one checked request once its link is resolved (synchronously for an ifindex). */
  private async one(type: number, flags: number, c: CheckedAddress, write: (w: NlWriter, c: CheckedAddress, ifindex: number) => void): Promise<void> {
    const r = resolveRefs(this.index, [c.link]);
    const ifindex = (r instanceof Promise ? await r : r)[0]!;
    await this.conn.ack(type, flags, (w) => write(w, c, ifindex));
  }

  /**
   * Adds many addresses in batched requests (one shared waiter, many per datagram). Every item is
   * validated first (one bad item rejects the call and nothing is sent); each distinct link name is
   * resolved once. Resolves to one result per item, in order (EEXIST, ENODEV … per item).
   */
  addMany(items: readonly AddressAddOptions[]): Promise<BulkResult[]> {
    return bulk(this.conn, this.index, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, 'items', items, ADD_CODEC);
  }

  /** Deletes many addresses like {@link addMany}: one result per item, in order. */
  delMany(items: readonly AddressDelOptions[]): Promise<BulkResult[]> {
    return bulk(this.conn, this.index, RTM_DELADDR, 0, 'items', items, DEL_CODEC);
  }

  /** Resolves a link name (NetlinkError ENODEV naming a missing one). */
  private readonly index = (name: string): Promise<number> => this.links.index(name);
}

/** Bulk codecs: validation, link references and the request writer of one address. */
const ADD_CODEC: BulkCodec<CheckedAddress> = {
  check: (field, value) => checkAdd(`${field}.`, value),
  refs: (c) => [c.link],
  write: (w, c, [ifindex]) => writeAddAddress(w, c, ifindex!),
};
const DEL_CODEC: BulkCodec<CheckedAddress> = {
  check: (field, value) => checkDel(`${field}.`, value),
  refs: (c) => [c.link],
  write: (w, c, [ifindex]) => writeDelAddress(w, c, ifindex!),
};

export { Address };
