/**
 * The address message (RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR, and the RTM_GETMULTICAST /
 * RTM_GETANYCAST replies): struct ifaddrmsg, the IFA_* attribute set, struct ifa_cacheinfo and the
 * IFA_F_* flags of include/uapi/linux/if_addr.h, decoded completely (for tests, tools and
 * `address.attributes`) and encoded: the same header writer and attribute codecs encode the
 * requests (request.ts) and re-encode replies. The lazy {@link Address} view (view.ts) reads the
 * same bytes with the same codecs.
 *
 * ```
 *  struct ifaddrmsg (8 bytes)
 *  0        1          2        3        4               8
 *  +--------+----------+--------+--------+---------------+
 *  | family | prefixlen| flags  | scope  | ifa_index     |  IFA_* attributes …
 *  +--------+----------+--------+--------+---------------+
 *  flags holds the low 8 IFA_F_* bits; IFA_FLAGS (u32), when present, holds all of them and wins.
 * ```
 */
import { EnumTable } from '../../core/enum-table.js';
import { DecodeError, ValidationError } from '../../core/errors.js';
import { AF_INET6 } from '../../core/inet.js';
import { AttrSet, attr, ip, s32, string, struct, u32, u8, type AttrValues, type FieldCodec } from '../../core/schema.js';
import type { NlWriter } from '../../core/writer.js';
import { SCOPES, type ScopeName } from '../enums.js';
import { MessageCodec } from '../../core/message-codec.js';

// enum IFA_* (the attributes of an address message).
/** Unused attribute number 0. */
export const IFA_UNSPEC = 0;
/** The prefix address; on a point-to-point link, the peer's address. */
export const IFA_ADDRESS = 1;
/** The local address (IPv4 always sends it; IPv6 only with a peer). */
export const IFA_LOCAL = 2;
/** The IPv4 label (`eth0:1`); IPv6 has none. */
export const IFA_LABEL = 3;
/** The IPv4 broadcast address. */
export const IFA_BROADCAST = 4;
/** An IPv6 anycast address (RTM_GETANYCAST replies). */
export const IFA_ANYCAST = 5;
/** struct ifa_cacheinfo: lifetimes and time stamps. */
export const IFA_CACHEINFO = 6;
/** A joined multicast group (RTM_GETMULTICAST replies). */
export const IFA_MULTICAST = 7;
/** u32 extension of ifa_flags; when present the header byte is ignored. */
export const IFA_FLAGS = 8;
/** u32 priority (metric) of the prefix route. */
export const IFA_RT_PRIORITY = 9;
/** s32 nsid of the namespace a dump was asked for (and answered from). */
export const IFA_TARGET_NETNSID = 10;
/** u8 address protocol (IFAPROT_*), Linux 6.3+. */
export const IFA_PROTO = 11;
/** The highest IFA_* number known here. */
export const IFA_MAX = 11;

// IFA_F_* (ifa_flags / IFA_FLAGS).
/** IPv4: a secondary address (another one of the subnet came first). */
export const IFA_F_SECONDARY = 0x01;
/** IPv6 name of IFA_F_SECONDARY: a privacy (temporary) address. */
export const IFA_F_TEMPORARY = IFA_F_SECONDARY;
/** IPv6: skip duplicate address detection. */
export const IFA_F_NODAD = 0x02;
/** IPv6: usable during DAD (optimistic DAD, RFC 4429). */
export const IFA_F_OPTIMISTIC = 0x04;
/** IPv6: duplicate address detection failed. */
export const IFA_F_DADFAILED = 0x08;
/** IPv6: a Mobile IPv6 home address. */
export const IFA_F_HOMEADDRESS = 0x10;
/** The preferred lifetime ran out. */
export const IFA_F_DEPRECATED = 0x20;
/** IPv6: duplicate address detection has not finished. */
export const IFA_F_TENTATIVE = 0x40;
/** A static address (valid forever); ip prints `dynamic` when this is not set. */
export const IFA_F_PERMANENT = 0x80;
/** IPv6: make privacy (temporary) addresses from this prefix. */
export const IFA_F_MANAGETEMPADDR = 0x100;
/** Do not add the prefix route. */
export const IFA_F_NOPREFIXROUTE = 0x200;
/** Join the multicast group of a multicast address. */
export const IFA_F_MCAUTOJOIN = 0x400;
/** IPv6: a stable-privacy (RFC 7217) address. */
export const IFA_F_STABLE_PRIVACY = 0x800;

// ifa_proto (IFA_PROTO).
/** No protocol recorded. */
export const IFAPROT_UNSPEC = 0;
/** Loopback address made by the kernel. */
export const IFAPROT_KERNEL_LO = 1;
/** Made by the kernel from a router advertisement. */
export const IFAPROT_KERNEL_RA = 2;
/** Link-local address made by the kernel. */
export const IFAPROT_KERNEL_LL = 3;

/** An address protocol by the name iproute2 (6.3+) gives it. */
export type AddressProtoName = 'unspec' | 'kernel_lo' | 'kernel_ra' | 'kernel_ll';

/** The IFAPROT_* values by iproute2's names (`ip addr add … proto kernel_ll`); 0..255 as numbers. */
export const ADDRESS_PROTOCOLS = new EnumTable<AddressProtoName>('address protocol', [
  ['unspec', IFAPROT_UNSPEC], ['kernel_lo', IFAPROT_KERNEL_LO], ['kernel_ra', IFAPROT_KERNEL_RA], ['kernel_ll', IFAPROT_KERNEL_LL],
]);

/** The lifetime value meaning "forever" in ifa_cacheinfo (INFINITY_LIFE_TIME). */
export const INFINITY_LIFE_TIME = 0xffffffff;

/** Size of struct ifaddrmsg, in bytes. */
export const IFADDRMSG_SIZE = 8;

/** Byte offsets of the ifaddrmsg fields in the struct (its layout, used by every reader and the writer). */
export const IFADDRMSG = { family: 0, prefixlen: 1, flags: 2, scope: 3, index: 4 } as const;

/** struct ifaddrmsg. */
export interface IfAddrMsg {
  /** ifa_family: AF_INET or AF_INET6. */
  family: number;
  /** ifa_prefixlen, in bits. */
  prefixlen: number;
  /** ifa_flags: the low 8 IFA_F_* bits. */
  flags: number;
  /** ifa_scope: RT_SCOPE_*. */
  scope: number;
  /** ifa_index. */
  index: number;
}

/** Reads the ifaddrmsg at `off` (just after the nlmsghdr). */
export function readIfAddrMsg(buf: Buffer, off: number): IfAddrMsg {
  return {
    family: buf[off + IFADDRMSG.family]!, prefixlen: buf[off + IFADDRMSG.prefixlen]!, flags: buf[off + IFADDRMSG.flags]!,
    scope: buf[off + IFADDRMSG.scope]!, index: buf.readUInt32LE(off + IFADDRMSG.index),
  };
}

/**
 * Writes an ifaddrmsg, field by field in struct order: the one header writer of requests and
 * re-encoded replies (positional, so a bulk request allocates no header object).
 */
export function writeIfAddrMsg(w: NlWriter, family: number, prefixlen: number, flags: number, scope: number, index: number): void {
  // One capacity check, then the bytes (little-endian; a store keeps a value's low 8 bits).
  const at = w.claim(IFADDRMSG_SIZE);
  const b = w.buf;
  b[at + IFADDRMSG.family] = family;
  b[at + IFADDRMSG.prefixlen] = prefixlen;
  b[at + IFADDRMSG.flags] = flags;
  b[at + IFADDRMSG.scope] = scope;
  b[at + IFADDRMSG.index] = index;
  b[at + IFADDRMSG.index + 1] = index >>> 8;
  b[at + IFADDRMSG.index + 2] = index >>> 16;
  b[at + IFADDRMSG.index + 3] = index >>> 24;
}

/**
 * struct ifa_cacheinfo (IFA_CACHEINFO), with the kernel's field names (`prefered` is its spelling).
 * Lifetimes are seconds left, 0xffffffff meaning forever; stamps are hundredths of a second since boot.
 */
export interface IfaCacheInfo {
  /** ifa_prefered: preferred lifetime left, in seconds. */
  prefered: number;
  /** ifa_valid: valid lifetime left, in seconds. */
  valid: number;
  /** cstamp: when the address was created (1/100 s since boot). */
  cstamp: number;
  /** tstamp: when it was last updated (1/100 s since boot). */
  tstamp: number;
}

/** IFA_CACHEINFO codec (16 bytes; a longer payload keeps its extra bytes in `tail`). */
export const ifaCacheInfo = struct<IfaCacheInfo>('ifa_cacheinfo', 16,
  (buf, off) => ({
    prefered: buf.readUInt32LE(off), valid: buf.readUInt32LE(off + 4),
    cstamp: buf.readUInt32LE(off + 8), tstamp: buf.readUInt32LE(off + 12),
  }),
  (w, v) => {
    w.putU32(cacheinfoField('prefered', v.prefered));
    w.putU32(cacheinfoField('valid', v.valid));
    w.putU32(cacheinfoField('cstamp', v.cstamp));
    w.putU32(cacheinfoField('tstamp', v.tstamp));
  });

/** Checks one ifa_cacheinfo field (a u32) before it is written. */
function cacheinfoField(key: keyof IfaCacheInfo, x: unknown): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 0xffffffff) {
    throw new ValidationError(`cacheinfo.${key}`, x, 'a u32 is required');
  }
  return x;
}

/** The IFA_* attribute set. */
export const addressAttrs = new AttrSet('address', () => ({
  address: attr(IFA_ADDRESS, ip),
  local: attr(IFA_LOCAL, ip),
  label: attr(IFA_LABEL, string),
  broadcast: attr(IFA_BROADCAST, ip),
  anycast: attr(IFA_ANYCAST, ip),
  cacheinfo: attr(IFA_CACHEINFO, ifaCacheInfo),
  multicast: attr(IFA_MULTICAST, ip),
  flags: attr(IFA_FLAGS, u32),
  rtPriority: attr(IFA_RT_PRIORITY, u32),
  targetNetnsid: attr(IFA_TARGET_NETNSID, s32),
  proto: attr(IFA_PROTO, u8),
}));

/** The decoded IFA_* attributes of an address message. */
export type AddressAttributes = AttrValues<typeof addressAttrs.defs>;

/** An address message's body: ifaddrmsg plus attributes. */
export interface AddressBody {
  /** The fixed header after the nlmsghdr. */
  header: IfAddrMsg;
  /** The attributes, in wire order (unknown ones kept raw). */
  attributes: AddressAttributes;
}

/** The body codec: ifaddrmsg followed by IFA_* attributes. */
export const addressBody: FieldCodec<AddressBody> = {
  kind: 'ifaddrmsg',
  decode(buf, off, len, path) {
    if (len < IFADDRMSG_SIZE) throw new DecodeError(path, off, `ifaddrmsg of ${len} bytes, ${IFADDRMSG_SIZE} expected`);
    return { header: readIfAddrMsg(buf, off), attributes: addressAttrs.decode(buf, off + IFADDRMSG_SIZE, off + len, path) };
  },
  encode(w, type, value, path) {
    const start = w.beginAttr(type);
    encodeAddressBody(w, value, path);
    w.endNest(start);
  },
};

/** Address messages: ifaddrmsg + IFA_* (request.ts writes requests with the same header and attribute codecs). */
export const addressMessage = new MessageCodec('address', {
  size: IFADDRMSG_SIZE,
  read: readIfAddrMsg,
  write: (w, h: IfAddrMsg) => writeIfAddrMsg(w, h.family, h.prefixlen, h.flags, h.scope, h.index),
}, addressAttrs);

/**
 * Decodes a whole address message (`buf[off, off + len)`, nlmsghdr included) into its body. The
 * length is nlmsg_len, checked against the bytes there are.
 */
export function decodeAddressMessage(buf: Buffer, off = 0, len = buf.length - off): AddressBody {
  return addressMessage.decode(buf, off, len);
}

/** Writes an address message body (ifaddrmsg + attributes, in the attributes' key order) after an nlmsghdr begun by the writer. */
export function encodeAddressBody(w: NlWriter, body: AddressBody, path = 'address'): void {
  addressMessage.encode(w, body, path);
}

// ---- flags ----

/**
 * The IFA_F_* flags by the names `ip -j addr` prints them (its JSON keys): the kernel's names in
 * lower case, but `home`, `mngtmpaddr`, `autojoin` and `stable-privacy` as iproute2 spells them.
 * Bit 0 is `'secondary'` on IPv4 and `'temporary'` on IPv6. ip prints `dynamic` where
 * `'permanent'` is absent (see {@link Address.dynamic}).
 */
export type AddressFlagName =
  | 'secondary' | 'temporary' | 'nodad' | 'optimistic' | 'dadfailed' | 'home' | 'deprecated'
  | 'tentative' | 'permanent' | 'mngtmpaddr' | 'noprefixroute' | 'autojoin' | 'stable-privacy';

/**
 * The IFA_F_* bits by ip's names, with the kernel's names as aliases on input (`homeaddress`,
 * `managetempaddr`, `mcautojoin`, `stableprivacy`) and `temporary` for bit 0.
 */
export const ADDRESS_FLAGS = new EnumTable<AddressFlagName>('address flag', [
  ['secondary', IFA_F_SECONDARY], ['nodad', IFA_F_NODAD], ['optimistic', IFA_F_OPTIMISTIC],
  ['dadfailed', IFA_F_DADFAILED], ['home', IFA_F_HOMEADDRESS], ['deprecated', IFA_F_DEPRECATED],
  ['tentative', IFA_F_TENTATIVE], ['permanent', IFA_F_PERMANENT], ['mngtmpaddr', IFA_F_MANAGETEMPADDR],
  ['noprefixroute', IFA_F_NOPREFIXROUTE], ['autojoin', IFA_F_MCAUTOJOIN], ['stable-privacy', IFA_F_STABLE_PRIVACY],
], [
  ['temporary', IFA_F_TEMPORARY], ['homeaddress', IFA_F_HOMEADDRESS], ['managetempaddr', IFA_F_MANAGETEMPADDR],
  ['mcautojoin', IFA_F_MCAUTOJOIN], ['stableprivacy', IFA_F_STABLE_PRIVACY],
], { max: 0xffffffff });

/**
 * The flags set in `bits` by ip's names, in bit order; bits no IFA_F_* names (a newer kernel's) come
 * last, together, in hex (`'0x1000'`), as ip prints them.
 */
export function addressFlagNames(bits: number, family: number): Array<AddressFlagName | `0x${string}`> {
  const out: Array<AddressFlagName | `0x${string}`> = [];
  let rest = 0;
  for (let k = 0; k < 32 && bits >>> k !== 0; k++) {
    const bit = 2 ** k;
    if (((bits >>> k) & 1) === 0) continue;
    const name = bit === IFA_F_SECONDARY && family === AF_INET6 ? 'temporary' : ADDRESS_FLAGS.name(bit);
    if (name !== undefined) out.push(name);
    else rest += bit;
  }
  if (rest !== 0) out.push(`0x${rest.toString(16)}`);
  return out;
}

/**
 * The flags a request may set on an IPv6 address: inet6_rtm_newaddr keeps these and silently drops
 * the others (states the kernel sets: secondary/temporary, dadfailed, deprecated, tentative,
 * permanent, stable-privacy).
 */
export const SETTABLE_IPV6_ADDRESS_FLAGS = IFA_F_NODAD | IFA_F_OPTIMISTIC | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR |
  IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN;

/**
 * The flags a request may set on an IPv4 address: noprefixroute and mcautojoin. Checked on Linux
 * 6.18: inet_rtm_newaddr silently drops every other bit, in IFA_FLAGS or in the header (an IPv4
 * address asked for with optimistic, dadfailed, nodad, tentative … is reported with none of them),
 * and computes secondary, permanent and deprecated itself.
 */
export const SETTABLE_IPV4_ADDRESS_FLAGS = IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN;

// ---- scopes: the shared RT_SCOPE_* table (../enums.ts) ----

/** An address scope by name, as `ip` names RT_SCOPE_* values. */
export type AddressScope = ScopeName;

/** The name `ip` prints for a scope number (`'global'`, `'link'`, `'host'` …; others in decimal). */
export function addressScopeName(scope: number): string {
  return SCOPES.name(scope) ?? String(scope);
}

/** The scope number of a name (`'link'` → 253), or undefined for an unknown name. */
export function addressScopeNumber(name: string): number | undefined {
  return SCOPES.value(name);
}
