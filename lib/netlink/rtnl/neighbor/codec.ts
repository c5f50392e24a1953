/**
 * The neighbour message (RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH): struct ndmsg, the NDA_*
 * attribute set, the NUD_* states and NTF_* flags with the names `ip -j neigh` and `bridge -j fdb`
 * print. The same message carries ARP/NDP entries (AF_INET / AF_INET6) and bridge FDB entries
 * (AF_BRIDGE, keyed by MAC and VLAN; on a VXLAN device NDA_DST names the remote).
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
import { DecodeError, ValidationError } from '../../core/errors.js';
import { checkMessageLength } from '../../core/message.js';
import { AttrSet, attr, flag, ip, nest, s32, struct, u16, u16be, u32, u8, type AttrValues, type FieldCodec } from '../../core/schema.js';
import { formatMac } from '../../core/mac.js';
import type { NlWriter } from '../../core/writer.js';

/** Size of struct ndmsg. */
export const NDMSG_SIZE = 12;

// enum NDA_*
export const NDA_UNSPEC = 0;
export const NDA_DST = 1;
export const NDA_LLADDR = 2;
export const NDA_CACHEINFO = 3;
export const NDA_PROBES = 4;
export const NDA_VLAN = 5;
export const NDA_PORT = 6;
export const NDA_VNI = 7;
export const NDA_IFINDEX = 8;
export const NDA_MASTER = 9;
export const NDA_LINK_NETNSID = 10;
export const NDA_SRC_VNI = 11;
export const NDA_PROTOCOL = 12;
export const NDA_NH_ID = 13;
export const NDA_FDB_EXT_ATTRS = 14;
export const NDA_FLAGS_EXT = 15;
export const NDA_NDM_STATE_MASK = 16;
export const NDA_NDM_FLAGS_MASK = 17;
/** The highest NDA_* a 6.18 kernel knows. */
export const NDA_MAX = 17;

// ndm_flags (NTF_*)
export const NTF_USE = 1 << 0;
export const NTF_SELF = 1 << 1;
export const NTF_MASTER = 1 << 2;
export const NTF_PROXY = 1 << 3;
export const NTF_EXT_LEARNED = 1 << 4;
export const NTF_OFFLOADED = 1 << 5;
export const NTF_STICKY = 1 << 6;
export const NTF_ROUTER = 1 << 7;
// Extended flags, in NDA_FLAGS_EXT.
export const NTF_EXT_MANAGED = 1 << 0;
/** Newer than the 6.1 headers (6.2). */
export const NTF_EXT_LOCKED = 1 << 1;
/** Newer than the 6.1 headers (6.16). */
export const NTF_EXT_EXT_VALIDATED = 1 << 2;

// ndm_state (NUD_*)
export const NUD_NONE = 0x00;
export const NUD_INCOMPLETE = 0x01;
export const NUD_REACHABLE = 0x02;
export const NUD_STALE = 0x04;
export const NUD_DELAY = 0x08;
export const NUD_PROBE = 0x10;
export const NUD_FAILED = 0x20;
export const NUD_NOARP = 0x40;
export const NUD_PERMANENT = 0x80;

// NDA_FDB_EXT_ATTRS nest (NFEA_*) and the NFEA_ACTIVITY_NOTIFY bits.
export const NFEA_ACTIVITY_NOTIFY = 1;
export const NFEA_DONT_REFRESH = 2;
export const FDB_NOTIFY_BIT = 1 << 0;
export const FDB_NOTIFY_INACTIVE_BIT = 1 << 1;

/** The NUD_* states, in the order and with the names `ip -j neigh` prints them. */
export const NUD_NAMES: ReadonlyArray<readonly [number, string]> = [
  [NUD_INCOMPLETE, 'INCOMPLETE'], [NUD_REACHABLE, 'REACHABLE'], [NUD_STALE, 'STALE'], [NUD_DELAY, 'DELAY'],
  [NUD_PROBE, 'PROBE'], [NUD_FAILED, 'FAILED'], [NUD_NOARP, 'NOARP'], [NUD_PERMANENT, 'PERMANENT'],
];

/** The NTF_* bits of ndm_flags with the names iproute2 uses (`bridge fdb add … self`, `ip -j neigh` keys). */
export const NTF_NAMES: ReadonlyArray<readonly [number, string]> = [
  [NTF_USE, 'use'], [NTF_SELF, 'self'], [NTF_MASTER, 'master'], [NTF_PROXY, 'proxy'],
  [NTF_EXT_LEARNED, 'extern_learn'], [NTF_OFFLOADED, 'offload'], [NTF_STICKY, 'sticky'], [NTF_ROUTER, 'router'],
];

/** The NTF_EXT_* bits of NDA_FLAGS_EXT with iproute2's names. */
export const NTF_EXT_NAMES: ReadonlyArray<readonly [number, string]> = [
  [NTF_EXT_MANAGED, 'managed'], [NTF_EXT_LOCKED, 'locked'], [NTF_EXT_EXT_VALIDATED, 'ext_validated'],
];

function bitNames(bits: number, table: ReadonlyArray<readonly [number, string]>, out: string[]): void {
  let rest = bits;
  for (const [bit, name] of table) {
    if (bits & bit) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0) out.push(`0x${rest.toString(16)}`);
}

/** ndm_state as `ip -j neigh` prints it: `['PERMANENT']`, `[]` for NUD_NONE; unknown bits as hex. */
export function neighborStateNames(state: number): string[] {
  const out: string[] = [];
  bitNames(state, NUD_NAMES, out);
  return out;
}

/** ndm_flags and NDA_FLAGS_EXT as names (`['self', 'extern_learn']`); unknown bits as hex. */
export function neighborFlagNames(flags: number, flagsExt = 0): string[] {
  const out: string[] = [];
  bitNames(flags, NTF_NAMES, out);
  if (flagsExt !== 0) {
    const ext: string[] = [];
    bitNames(flagsExt, NTF_EXT_NAMES, ext);
    for (const name of ext) out.push(name.startsWith('0x') ? `ext:${name}` : name);
  }
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
    family: buf[off]!,
    ifindex: buf.readInt32LE(off + 4),
    state: buf.readUInt16LE(off + 8),
    flags: buf[off + 10]!,
    type: buf[off + 11]!,
  };
}

/** Writes an ndmsg (the pad fields are zero). */
export function writeNdMsg(w: NlWriter, h: NdMsg): void {
  w.putU8(h.family);
  w.putU8(0);
  w.putU16(0);
  w.putS32(h.ifindex);
  w.putU16(h.state);
  w.putU8(h.flags);
  w.putU8(h.type);
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

/** NDA_LLADDR: a hardware address of any length (zero-length on devices without one) as `aa:bb:…`. */
export const lladdr: FieldCodec<string> = {
  kind: 'lladdr',
  decode: (buf, off, len) => formatMac(buf, off, len),
  encode(w, type, v, path) {
    if (typeof v !== 'string' || !/^(([0-9a-fA-F]{2})(:[0-9a-fA-F]{2})*)?$/.test(v)) {
      throw new ValidationError(path, v, 'a link-layer address (aa:bb:…) is required');
    }
    w.attrBytes(type, v === '' ? new Uint8Array(0) : Uint8Array.from(v.split(':'), (p) => parseInt(p, 16)));
  },
};

/** NDA_FDB_EXT_ATTRS (NFEA_*). */
export const fdbExtAttrs = new AttrSet('fdb_ext', {
  activityNotify: attr(NFEA_ACTIVITY_NOTIFY, u8),
  dontRefresh: attr(NFEA_DONT_REFRESH, flag),
});

/** The NDA_* attribute set; field names follow `ip -j` / `bridge -j` in camelCase. */
export const neighborAttrs = new AttrSet('neighbor', {
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
});

/** The decoded NDA_* attributes of a neighbour message. */
export type NeighborAttributes = AttrValues<typeof neighborAttrs.defs>;

/** A neighbour message's body: ndmsg plus attributes. */
export interface NeighborBody {
  header: NdMsg;
  attributes: NeighborAttributes;
}

/** Decodes a whole neighbour message (`buf[off, off + len)`, nlmsghdr included). */
export function decodeNeighborMessage(buf: Buffer, off = 0, len = buf.length - off): NeighborBody {
  const msgLen = checkMessageLength('neighbor', buf, off, len, NDMSG_SIZE);
  return {
    header: readNdMsg(buf, off + 16),
    attributes: neighborAttrs.decode(buf, off + 16 + NDMSG_SIZE, off + msgLen, 'neighbor'),
  };
}

/** Writes a neighbour message body (ndmsg + attributes) after an nlmsghdr begun by the writer. */
export function encodeNeighborBody(w: NlWriter, body: NeighborBody): void {
  writeNdMsg(w, body.header);
  neighborAttrs.encode(w, body.attributes, 'neighbor');
}
