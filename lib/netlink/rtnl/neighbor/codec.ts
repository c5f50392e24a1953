/**
 * The neighbour message (RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH): struct ndmsg, the NDA_*
 * attribute set, the NUD_* states and NTF_* flags with the names `ip -j neigh` and `bridge -j fdb`
 * print. The same message carries ARP/NDP entries (AF_INET / AF_INET6) and bridge FDB entries
 * (AF_BRIDGE, keyed by MAC and VLAN; on a VXLAN device NDA_DST names the remote). The header writer
 * and attribute codecs here encode the requests (request.ts) and re-encode replies.
 *
 * ```
 *  struct ndmsg (12 bytes)
 *  0       1       2       4               8       10      11      12
 *  +-------+-------+-------+---------------+-------+-------+-------+
 *  |family | pad1  | pad2  | ndm_ifindex   | state | flags | type  |  NDA_* attributes …
 *  +-------+-------+-------+---------------+-------+-------+-------+
 *  state is NUD_* (u16), flags NTF_* (u8), type RTN_* (u8).
 * ```
 * Numbers from include/uapi/linux/neighbour.h; NTF_EXT_LOCKED (6.2) and NTF_EXT_EXT_VALIDATED (6.16)
 * are newer than the 6.1 headers and come from the kernel's newer uapi.
 */
import { EnumTable } from '../../core/enum-table.js';
import { ValidationError } from '../../core/errors.js';
import { AttrSet, attr, flag, ip, nest, s32, struct, u16, u16be, u32, u8, type AttrValues, type FieldCodec } from '../../core/schema.js';
import { parseIp } from '../../core/inet.js';
import { formatMac, parseMac } from '../../core/mac.js';
import type { NlWriter } from '../../core/writer.js';
import { MessageCodec } from '../../core/message-codec.js';

/** Size of struct ndmsg, in bytes. */
export const NDMSG_SIZE = 12;

/** Byte offsets of the ndmsg fields in the struct (its layout, used by every reader and the writer). */
export const NDMSG = { family: 0, ifindex: 4, state: 8, flags: 10, type: 11 } as const;

// enum NDA_* (the attributes of a neighbour message).
/** Unused attribute number 0. */
export const NDA_UNSPEC = 0;
/** The neighbour's IP address; for a VXLAN FDB entry, the remote VTEP. */
export const NDA_DST = 1;
/** The link-layer (MAC) address. */
export const NDA_LLADDR = 2;
/** struct nda_cacheinfo: ages in clock ticks and the reference count. */
export const NDA_CACHEINFO = 3;
/** u32: probes sent. */
export const NDA_PROBES = 4;
/** u16: the VLAN of an FDB entry. */
export const NDA_VLAN = 5;
/** be16: the UDP port of a VXLAN remote (network byte order, as the kernel keeps it). */
export const NDA_PORT = 6;
/** u32: the VNI of a VXLAN remote. */
export const NDA_VNI = 7;
/** u32: the outgoing device of a VXLAN remote; in a dump request, the link filter. */
export const NDA_IFINDEX = 8;
/** u32: the master (bridge, VRF); in a dump request, the master filter. */
export const NDA_MASTER = 9;
/** s32: the nsid of the namespace holding NDA_IFINDEX. */
export const NDA_LINK_NETNSID = 10;
/** u32: the source VNI (collect-metadata VXLAN). */
export const NDA_SRC_VNI = 11;
/** u8: who installed the entry (RTPROT_*). */
export const NDA_PROTOCOL = 12;
/** u32: a nexthop (group) id. */
export const NDA_NH_ID = 13;
/** Nest of NFEA_* (FDB activity notification). */
export const NDA_FDB_EXT_ATTRS = 14;
/** u32: the NTF_EXT_* flags. */
export const NDA_FLAGS_EXT = 15;
/** u16: the ndm_state bits an FDB flush (bulk delete) compares. */
export const NDA_NDM_STATE_MASK = 16;
/** u8: the ndm_flags bits an FDB flush (bulk delete) compares. */
export const NDA_NDM_FLAGS_MASK = 17;
/** The highest NDA_* a 6.18 kernel knows. */
export const NDA_MAX = 17;

// ndm_flags (NTF_*).
/** Refresh the entry as if it had been used (a request flag). */
export const NTF_USE = 1 << 0;
/** FDB: the entry of the device itself (`bridge fdb … self`). */
export const NTF_SELF = 1 << 1;
/** FDB: the entry of the device's master bridge (`bridge fdb … master`). */
export const NTF_MASTER = 1 << 2;
/** A proxy ARP / proxy NDP entry. */
export const NTF_PROXY = 1 << 3;
/** Learned by an external agent (`extern_learn`). */
export const NTF_EXT_LEARNED = 1 << 4;
/** Offloaded to hardware. */
export const NTF_OFFLOADED = 1 << 5;
/** FDB: the entry never moves to another port. */
export const NTF_STICKY = 1 << 6;
/** IPv6: the neighbour is a router. */
export const NTF_ROUTER = 1 << 7;
// Extended flags, in NDA_FLAGS_EXT (NTF_EXT_*).
/** The kernel keeps the entry resolved (managed neighbour). */
export const NTF_EXT_MANAGED = 1 << 0;
/** FDB: locked port entry. Newer than the 6.1 headers (6.2). */
export const NTF_EXT_LOCKED = 1 << 1;
/** Externally validated. Newer than the 6.1 headers (6.16). */
export const NTF_EXT_EXT_VALIDATED = 1 << 2;

// ndm_state (NUD_*): the neighbour unreachability detection states.
/** No state. */
export const NUD_NONE = 0x00;
/** Resolution in progress. */
export const NUD_INCOMPLETE = 0x01;
/** Confirmed reachable recently. */
export const NUD_REACHABLE = 0x02;
/** Valid but not confirmed recently. */
export const NUD_STALE = 0x04;
/** Waiting before probing. */
export const NUD_DELAY = 0x08;
/** Being probed. */
export const NUD_PROBE = 0x10;
/** Resolution failed. */
export const NUD_FAILED = 0x20;
/** Needs no resolution (point-to-point, multicast). */
export const NUD_NOARP = 0x40;
/** Static: set by the administrator, never expires. */
export const NUD_PERMANENT = 0x80;

// The NDA_FDB_EXT_ATTRS nest (NFEA_*) and the NFEA_ACTIVITY_NOTIFY bits.
/** u8: FDB_NOTIFY_* bits. */
export const NFEA_ACTIVITY_NOTIFY = 1;
/** Flag: do not refresh the entry's activity. */
export const NFEA_DONT_REFRESH = 2;
/** Notify on activity. */
export const FDB_NOTIFY_BIT = 1 << 0;
/** Notify when the entry becomes inactive. */
export const FDB_NOTIFY_INACTIVE_BIT = 1 << 1;

/** NUD_* state names, as `ip neigh … nud NAME` takes them (any case; `ip -j` prints them upper-case). */
export type NeighborStateName =
  | 'none' | 'incomplete' | 'reachable' | 'stale' | 'delay' | 'probe' | 'failed' | 'noarp' | 'permanent';

/** NTF_* / NTF_EXT_* flag names, as iproute2 spells them. */
export type NeighborFlagName =
  | 'use' | 'self' | 'master' | 'proxy' | 'extern_learn' | 'offload' | 'sticky' | 'router'
  | 'managed' | 'locked' | 'ext_validated';

const STATE_NAMES: ReadonlyArray<readonly [Uppercase<NeighborStateName>, number]> = [
  ['NONE', NUD_NONE], ['INCOMPLETE', NUD_INCOMPLETE], ['REACHABLE', NUD_REACHABLE], ['STALE', NUD_STALE],
  ['DELAY', NUD_DELAY], ['PROBE', NUD_PROBE], ['FAILED', NUD_FAILED], ['NOARP', NUD_NOARP], ['PERMANENT', NUD_PERMANENT],
];

/**
 * The NUD_* states (ndm_state bits) by the names `ip -j neigh` prints (upper case), and on input
 * also as `ip neigh … nud NAME` takes them (lower case).
 */
export const NEIGHBOR_STATES = new EnumTable<Uppercase<NeighborStateName>>('neighbour state', STATE_NAMES,
  STATE_NAMES.map(([name, bit]) => [name.toLowerCase(), bit] as const), { max: 0xffff });

/** The NTF_* bits of ndm_flags, by iproute2's names (`bridge fdb add … self`, `ip -j neigh` keys). */
export const NEIGHBOR_FLAGS = new EnumTable<NeighborFlagName>('neighbour flag', [
  ['use', NTF_USE], ['self', NTF_SELF], ['master', NTF_MASTER], ['proxy', NTF_PROXY],
  ['extern_learn', NTF_EXT_LEARNED], ['offload', NTF_OFFLOADED], ['sticky', NTF_STICKY], ['router', NTF_ROUTER],
]);

/** The NTF_EXT_* bits of NDA_FLAGS_EXT, by iproute2's names. */
export const NEIGHBOR_EXT_FLAGS = new EnumTable<NeighborFlagName>('neighbour flag', [
  ['managed', NTF_EXT_MANAGED], ['locked', NTF_EXT_LOCKED], ['ext_validated', NTF_EXT_EXT_VALIDATED],
], [], { max: 0xffffffff });

/**
 * Appends the names of the bits set in `bits` (a u32), lowest first; the bits `table` has no name
 * for are appended together in hex (`prefix` + `0x…`).
 */
function bitNames(bits: number, table: EnumTable, out: string[], prefix: string): void {
  let rest = 0;
  for (let k = 0; k < 32 && bits >>> k !== 0; k++) {
    if (((bits >>> k) & 1) === 0) continue;
    const name = table.name(2 ** k);
    if (name !== undefined) out.push(name);
    else rest += 2 ** k;
  }
  if (rest !== 0) out.push(`${prefix}0x${rest.toString(16)}`);
}

/** ndm_state as `ip -j neigh` prints it: `['PERMANENT']`, `[]` for NUD_NONE; unknown bits as hex. */
export function neighborStateNames(state: number): string[] {
  const out: string[] = [];
  bitNames(state, NEIGHBOR_STATES, out, '');
  return out;
}

/** ndm_flags and NDA_FLAGS_EXT as names (`['self', 'extern_learn']`); unknown bits as hex. */
export function neighborFlagNames(flags: number, flagsExt = 0): string[] {
  const out: string[] = [];
  bitNames(flags, NEIGHBOR_FLAGS, out, '');
  bitNames(flagsExt, NEIGHBOR_EXT_FLAGS, out, 'ext:');
  return out;
}

/** struct ndmsg. */
export interface NdMsg {
  /** ndm_family: AF_INET, AF_INET6 or AF_BRIDGE. */
  family: number;
  /** ndm_ifindex. */
  ifindex: number;
  /** ndm_state: NUD_* bits. */
  state: number;
  /** ndm_flags: NTF_* bits. */
  flags: number;
  /** ndm_type: RTN_* (1, unicast, in kernel replies). */
  type: number;
}

/** Reads the ndmsg at `off` (just after the nlmsghdr). */
export function readNdMsg(buf: Buffer, off: number): NdMsg {
  return {
    family: buf[off + NDMSG.family]!,
    ifindex: buf.readInt32LE(off + NDMSG.ifindex),
    state: buf.readUInt16LE(off + NDMSG.state),
    flags: buf[off + NDMSG.flags]!,
    type: buf[off + NDMSG.type]!,
  };
}

/**
 * Writes an ndmsg field by field in struct order (the pads zero): the one header writer of requests
 * and re-encoded replies (positional, so a bulk request allocates no header object).
 */
export function writeNdMsg(w: NlWriter, family: number, ifindex: number, state: number, flags: number, type: number): void {
  // One capacity check, then the bytes (little-endian; a store keeps a value's low 8 bits).
  const at = w.claim(NDMSG_SIZE);
  const b = w.buf;
  b[at + NDMSG.family] = family;
  b[at + 1] = 0;
  b[at + 2] = 0;
  b[at + 3] = 0;
  b[at + NDMSG.ifindex] = ifindex;
  b[at + NDMSG.ifindex + 1] = ifindex >>> 8;
  b[at + NDMSG.ifindex + 2] = ifindex >>> 16;
  b[at + NDMSG.ifindex + 3] = ifindex >>> 24;
  b[at + NDMSG.state] = state;
  b[at + NDMSG.state + 1] = state >>> 8;
  b[at + NDMSG.flags] = flags;
  b[at + NDMSG.type] = type;
}

/** struct nda_cacheinfo: ages in clock ticks (USER_HZ, 100 per second) and the reference count. */
export interface NeighborCacheinfo {
  /** ndm_confirmed: ticks since the entry was last confirmed. */
  confirmed: number;
  /** ndm_used: ticks since the entry was last used. */
  used: number;
  /** ndm_updated: ticks since the entry was last updated. */
  updated: number;
  /** ndm_refcnt. */
  refcnt: number;
}

/** NDA_CACHEINFO. */
export const neighborCacheinfo = struct<NeighborCacheinfo>('nda_cacheinfo', 16,
  (buf, off) => ({
    confirmed: buf.readUInt32LE(off), used: buf.readUInt32LE(off + 4),
    updated: buf.readUInt32LE(off + 8), refcnt: buf.readUInt32LE(off + 12),
  }),
  (w, v) => { w.putU32(v.confirmed); w.putU32(v.used); w.putU32(v.updated); w.putU32(v.refcnt); });

/** The longest link-layer address taken (MAX_ADDR_LEN, include/linux/netdevice.h). */
export const MAX_ADDR_LEN = 32;

/**
 * Parses a link-layer address: hex pairs (`aa:bb:…`, 1 to 32 bytes; exactly 6 when `ethernet`), or,
 * unless `ethernet`, an IP address for tunnels whose link-layer address is one (GRE, IPIP, SIT:
 * 4 bytes; ip6gre, ip6tnl: 16), as `ip neigh add … lladdr 192.0.2.1` takes it. A string of hex
 * pairs is always read as hardware bytes (`10:20:30:40:50:60:70:80` is 8 bytes, not IPv6).
 * The hex pairs go through core/mac.ts's char-code loop: this runs once per bulk item.
 */
export function parseLladdr(field: string, value: unknown, ethernet: boolean): Uint8Array {
  if (typeof value === 'string') {
    const n = (value.length + 1) / 3;
    if (Number.isInteger(n) && n >= 1 && n <= MAX_ADDR_LEN && (!ethernet || n === 6)) {
      try {
        return parseMac(field, value, n);
      } catch {
        // Not hex pairs: maybe an IP address (below).
      }
    }
    if (!ethernet && (value.includes('.') || value.includes(':'))) {
      try {
        return parseIp(field, value).bytes;
      } catch {
        // Said below, with what a neighbour entry takes.
      }
    }
  }
  throw new ValidationError(field, value, ethernet ? 'a 6-byte MAC address (aa:bb:cc:dd:ee:ff) is required'
    : 'a link-layer address (aa:bb:…, 1 to 32 bytes) or, for a tunnel, an IP address is required');
}

/**
 * NDA_LLADDR: a hardware address of any length as `aa:bb:…` (zero-length on devices without one,
 * `''`). Encodes what {@link parseLladdr} takes, an IP address of a tunnel too.
 */
export const lladdr: FieldCodec<string> = {
  kind: 'lladdr',
  decode: (buf, off, len) => formatMac(buf, off, len),
  encode(w, type, v, path) {
    w.attrBytes(type, v === '' ? new Uint8Array(0) : parseLladdr(path, v, false));
  },
};

/** NDA_FDB_EXT_ATTRS (NFEA_*). */
export const fdbExtAttrs = new AttrSet('fdb_ext', () => ({
  activityNotify: attr(NFEA_ACTIVITY_NOTIFY, u8),
  dontRefresh: attr(NFEA_DONT_REFRESH, flag),
}));

/** The NDA_* attribute set; field names follow `ip -j` / `bridge -j` in camelCase. */
export const neighborAttrs = new AttrSet('neighbor', () => ({
  dst: attr(NDA_DST, ip),
  lladdr: attr(NDA_LLADDR, lladdr),
  cacheinfo: attr(NDA_CACHEINFO, neighborCacheinfo),
  probes: attr(NDA_PROBES, u32),
  vlan: attr(NDA_VLAN, u16),
  port: attr(NDA_PORT, u16be),
  vni: attr(NDA_VNI, u32),
  ifindex: attr(NDA_IFINDEX, u32),
  master: attr(NDA_MASTER, u32),
  linkNetnsid: attr(NDA_LINK_NETNSID, s32),
  srcVni: attr(NDA_SRC_VNI, u32),
  protocol: attr(NDA_PROTOCOL, u8),
  nhId: attr(NDA_NH_ID, u32),
  fdbExtAttrs: attr(NDA_FDB_EXT_ATTRS, nest(fdbExtAttrs), { flagged: true }),
  flagsExt: attr(NDA_FLAGS_EXT, u32),
  ndmStateMask: attr(NDA_NDM_STATE_MASK, u16),
  ndmFlagsMask: attr(NDA_NDM_FLAGS_MASK, u8),
}));

/** The decoded NDA_* attributes of a neighbour message. */
export type NeighborAttributes = AttrValues<typeof neighborAttrs.defs>;

/** A neighbour message's body: ndmsg plus attributes. */
export interface NeighborBody {
  /** The fixed header after the nlmsghdr. */
  header: NdMsg;
  /** The attributes, in wire order (unknown ones kept raw). */
  attributes: NeighborAttributes;
}

/** Neighbour messages: ndmsg + NDA_* (request.ts writes requests with the same header and attribute codecs). */
export const neighborMessage = new MessageCodec('neighbor', {
  size: NDMSG_SIZE,
  read: readNdMsg,
  write: (w, h: NdMsg) => writeNdMsg(w, h.family, h.ifindex, h.state, h.flags, h.type),
}, neighborAttrs);

/** Decodes a whole neighbour message (`buf[off, off + len)`, nlmsghdr included). */
export function decodeNeighborMessage(buf: Buffer, off = 0, len = buf.length - off): NeighborBody {
  return neighborMessage.decode(buf, off, len);
}

/** Writes a neighbour message body (ndmsg + attributes, in the attributes' key order) after an nlmsghdr begun by the writer. */
export function encodeNeighborBody(w: NlWriter, body: NeighborBody): void {
  neighborMessage.encode(w, body);
}
