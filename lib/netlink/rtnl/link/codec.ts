/**
 * The link message (RTM_NEWLINK / RTM_DELLINK / RTM_GETLINK / RTM_SETLINK): struct ifinfomsg and
 * the IFLA_* attribute set, decoded completely (for tests, tools and `link.attributes`) and encoded
 * for requests (request.ts builds every request of `nl.links` as a {@link LinkBody} and writes it
 * with {@link encodeLinkBody}). The lazy Link view (view.ts) reads the same bytes with the same codecs.
 *
 * ```
 *  struct ifinfomsg (16 bytes)
 *  0       1       2       4               8               12              16
 *  +-------+-------+-------+---------------+---------------+---------------+
 *  |family | pad   | type  | ifi_index     | ifi_flags     | ifi_change    |  IFLA_* attributes …
 *  +-------+-------+-------+---------------+---------------+---------------+
 *  type is ARPHRD_*; ifi_change selects which ifi_flags bits a request changes.
 * ```
 */
import { DecodeError, ValidationError } from '../../core/errors.js';
import { checkMessageLength } from '../../core/message.js';
import { NLMSG_HDRLEN } from '../../core/protocol.js';
import * as C from './constants.js';
import { AF_BRIDGE, AF_INET6 } from '../../core/inet.js';
import { afSpecAttrs, inet6AfAttrs, type LinkAfSpec } from './af-spec.js';
import { enumOf, uint } from './fields.js';
import { bridgeAfSpecAttrs, bridgePortAttrs } from './kinds/bridge.js';
import { asSet, linkInfoCodec, linkKindTable, type LinkInfo, type LinkKindTable } from './kinds/index.js';
import { vethAttrs } from './kinds/veth.js';
import {
  AttrSet, attr, binary, mac, multi, nest, s32, string, u16, u32, u8, type AttrDefs, type AttrValues, type FieldCodec,
} from '../../core/schema.js';
import type { NlWriter } from '../../core/writer.js';

/** Size of struct ifinfomsg. */
export const IFINFOMSG_SIZE = 16;

/** struct ifinfomsg. */
export interface IfInfoMsg {
  /** ifi_family (AF_UNSPEC for links, AF_BRIDGE for bridge port messages). */
  family: number;
  /** ifi_type: ARPHRD_*. */
  type: number;
  /** ifi_index. */
  index: number;
  /** ifi_flags: IFF_*. */
  flags: number;
  /** ifi_change: which flags a request changes. */
  change: number;
}

/** Where ifi_type is, from the start of a link message (nlmsghdr included). */
export const IFI_TYPE_AT = NLMSG_HDRLEN + 2;
/** Where ifi_index is, from the start of a link message. */
export const IFI_INDEX_AT = NLMSG_HDRLEN + 4;
/** Where ifi_flags is, from the start of a link message. */
export const IFI_FLAGS_AT = NLMSG_HDRLEN + 8;

/** Reads the ifinfomsg at `off` (just after the nlmsghdr). */
export function readIfInfoMsg(buf: Buffer, off: number): IfInfoMsg {
  return {
    family: buf[off]!,
    type: buf.readUInt16LE(off + 2),
    index: buf.readInt32LE(off + 4),
    flags: buf.readUInt32LE(off + 8),
    change: buf.readUInt32LE(off + 12),
  };
}

/** Writes an ifinfomsg (the pad byte is zero). */
export function writeIfInfoMsg(w: NlWriter, h: IfInfoMsg): void {
  w.putU8(h.family);
  w.putU8(0);
  w.putU16(h.type);
  w.putS32(h.index);
  w.putU32(h.flags);
  w.putU32(h.change);
}

/** The fields of struct rtnl_link_stats64 / rtnl_link_stats, in kernel order. */
export const LINK_STATS_FIELDS = [
  'rxPackets', 'txPackets', 'rxBytes', 'txBytes', 'rxErrors', 'txErrors', 'rxDropped', 'txDropped',
  'multicast', 'collisions', 'rxLengthErrors', 'rxOverErrors', 'rxCrcErrors', 'rxFrameErrors',
  'rxFifoErrors', 'rxMissedErrors', 'txAbortedErrors', 'txCarrierErrors', 'txFifoErrors',
  'txHeartbeatErrors', 'txWindowErrors', 'rxCompressed', 'txCompressed', 'rxNohandler',
  'rxOtherhostDropped',
] as const;

/** Fields every kernel since 2.6 sends; `rxNohandler` came in 4.6, `rxOtherhostDropped` in 5.19. */
const REQUIRED_STATS = 23;

type StatsField = (typeof LINK_STATS_FIELDS)[number];

/** struct rtnl_link_stats64 (IFLA_STATS64): 64-bit interface counters as bigint. */
export type LinkStats64 = { [K in Exclude<StatsField, 'rxNohandler' | 'rxOtherhostDropped'>]: bigint } & {
  /** Packets dropped because no protocol handler took them (Linux 4.6+). */
  rxNohandler?: bigint;
  /** Packets dropped because they were addressed to another host (Linux 5.19+). */
  rxOtherhostDropped?: bigint;
};

/** struct rtnl_link_stats (IFLA_STATS): the same counters, 32 bits wide, as numbers. */
export type LinkStats32 = { [K in Exclude<StatsField, 'rxNohandler' | 'rxOtherhostDropped'>]: number } & {
  rxNohandler?: number;
  rxOtherhostDropped?: number;
};

/**
 * A counters struct whose length grew with kernel versions: the fields present are decoded, the
 * missing newer ones left out, and longer payloads (a newer kernel) keep their extra bytes in `tail`.
 */
function counters<T>(kind: string, width: 4 | 8): FieldCodec<T & { tail?: Uint8Array }> {
  const all = LINK_STATS_FIELDS.length;
  return {
    kind,
    decode(buf, off, len, path) {
      const n = Math.floor(len / width);
      if (n < REQUIRED_STATS) throw new DecodeError(path, off, `${kind} payload of ${len} bytes, at least ${REQUIRED_STATS * width} expected`);
      const out: Record<string, unknown> = {};
      for (let i = 0; i < Math.min(n, all); i++) {
        out[LINK_STATS_FIELDS[i]!] = width === 8 ? buf.readBigUInt64LE(off + 8 * i) : buf.readUInt32LE(off + 4 * i);
      }
      const used = Math.min(n, all) * width;
      if (len > used) out.tail = Uint8Array.prototype.slice.call(buf, off + used, off + len);
      return out as T & { tail?: Uint8Array };
    },
    encode(w, type, value, path) {
      const v = value as Record<string, unknown>;
      const start = w.beginAttr(type);
      for (const name of LINK_STATS_FIELDS) {
        const x = v[name];
        if (x === undefined) break;
        if (width === 8) {
          if (typeof x !== 'bigint') throw new ValidationError(`${path}.${name}`, x, 'a bigint is required');
          w.putU64(x);
        } else {
          if (typeof x !== 'number') throw new ValidationError(`${path}.${name}`, x, 'a number is required');
          w.putU32(x);
        }
      }
      const tail = v.tail;
      if (tail instanceof Uint8Array) w.putBytes(tail);
      w.endNest(start);
    },
  };
}

/** IFLA_STATS64. */
export const linkStats64 = counters<LinkStats64>('rtnl_link_stats64', 8);
/** IFLA_STATS. */
export const linkStats32 = counters<LinkStats32>('rtnl_link_stats', 4);

/** struct rtnl_link_ifmap (IFLA_MAP), 32 bytes with padding. */
export interface LinkIfmap {
  memStart: bigint;
  memEnd: bigint;
  baseAddr: bigint;
  irq: number;
  dma: number;
  port: number;
}

const linkIfmap: FieldCodec<LinkIfmap> = {
  kind: 'rtnl_link_ifmap',
  decode(buf, off, len, path) {
    if (len < 28) throw new DecodeError(path, off, `rtnl_link_ifmap payload of ${len} bytes`);
    return {
      memStart: buf.readBigUInt64LE(off), memEnd: buf.readBigUInt64LE(off + 8), baseAddr: buf.readBigUInt64LE(off + 16),
      irq: buf.readUInt16LE(off + 24), dma: buf[off + 26]!, port: buf[off + 27]!,
    };
  },
  encode(w, type, v) {
    const start = w.beginAttr(type);
    w.putU64(v.memStart); w.putU64(v.memEnd); w.putU64(v.baseAddr);
    w.putU16(v.irq); w.putU8(v.dma); w.putU8(v.port); w.putZeros(4);
    w.endNest(start);
  },
};

/** IFLA_PROP_LIST: alternative names. */
export const linkPropAttrs = new AttrSet('link_prop', () => ({
  altIfnames: multi(C.IFLA_ALT_IFNAME, string),
}));

/** IFLA_XDP: the XDP program attached to the link (enum IFLA_XDP_*). */
export const linkXdpAttrs = new AttrSet('link_xdp', () => ({
  /** IFLA_XDP_FD: the program's file descriptor (requests only; -1 detaches). */
  fd: attr(C.IFLA_XDP_FD, s32),
  /** IFLA_XDP_ATTACHED: `'none'`, `'drv'`, `'skb'`, `'hw'`, `'multi'` (XDP_ATTACHED_*). */
  attached: attr(C.IFLA_XDP_ATTACHED, enumOf(u8, C.XDP_ATTACHED)),
  /** IFLA_XDP_FLAGS: XDP_FLAGS_* bits (attach mode, update-if-noexist). */
  flags: attr(C.IFLA_XDP_FLAGS, u32),
  /** IFLA_XDP_PROG_ID: the id of the attached BPF program (one attach mode). */
  progId: attr(C.IFLA_XDP_PROG_ID, u32),
  /** IFLA_XDP_DRV_PROG_ID: the program attached in driver mode. */
  drvProgId: attr(C.IFLA_XDP_DRV_PROG_ID, u32),
  /** IFLA_XDP_SKB_PROG_ID: the program attached in generic (skb) mode. */
  skbProgId: attr(C.IFLA_XDP_SKB_PROG_ID, u32),
  /** IFLA_XDP_HW_PROG_ID: the program offloaded to the hardware. */
  hwProgId: attr(C.IFLA_XDP_HW_PROG_ID, u32),
  /** IFLA_XDP_EXPECTED_FD: replace only this program's fd (requests only). */
  expectedFd: attr(C.IFLA_XDP_EXPECTED_FD, s32),
}));

/** IFLA_PROTO_DOWN_REASON: the reason bits of a protodown link (enum IFLA_PROTO_DOWN_REASON_*). */
export const linkProtoDownReasonAttrs = new AttrSet('link_proto_down_reason', () => ({
  mask: attr(C.IFLA_PROTO_DOWN_REASON_MASK, u32),
  value: attr(C.IFLA_PROTO_DOWN_REASON_VALUE, u32),
}));

/** IFLA_DPLL_PIN: the DPLL pin feeding the link's clock (linux/dpll.h). */
export const linkDpllPinAttrs = new AttrSet('link_dpll_pin', () => ({
  id: attr(C.DPLL_A_PIN_ID, u32),
}));

/**
 * VETH_INFO_PEER's payload, a whole link body: {@link linkBody}, defined below and called only at
 * run time (a link body holds IFLA_LINKINFO, which holds the veth data, which holds a link body).
 */
const vethPeer: FieldCodec<LinkBody> = {
  kind: 'ifinfomsg',
  decode: (buf, off, len, path) => linkBody.decode(buf, off, len, path),
  encode: (w, type, value, path) => linkBody.encode(w, type, value, path),
};

/** The table of kinds with typed IFLA_INFO_DATA (kinds/index.ts), veth's peer coded as a link body. */
export const LINK_KIND_SETS: LinkKindTable = linkKindTable(asSet(vethAttrs(vethPeer)));

/** The IFLA_LINKINFO codec (kind, typed kind data, slave kind and data). */
export const linkInfo: FieldCodec<LinkInfo> = linkInfoCodec(LINK_KIND_SETS);
/** The IFLA_AF_SPEC codec of AF_UNSPEC link messages. */
export const linkAfSpec: FieldCodec<LinkAfSpec> = nest(afSpecAttrs);

/**
 * The IFLA_* attributes every link message family shares. IFLA_PROTINFO and IFLA_AF_SPEC mean
 * different things per ifi_family, so each family's set adds them under its own field names.
 * Field names follow `ip -j` in camelCase where it names them. Made by each set that uses them, when
 * it is first used.
 */
const commonLinkDefs = () => ({
  address: attr(C.IFLA_ADDRESS, mac),
  broadcast: attr(C.IFLA_BROADCAST, mac),
  ifname: attr(C.IFLA_IFNAME, string),
  mtu: attr(C.IFLA_MTU, u32),
  link: attr(C.IFLA_LINK, u32),
  qdisc: attr(C.IFLA_QDISC, string),
  stats: attr(C.IFLA_STATS, linkStats32),
  cost: attr(C.IFLA_COST, binary),
  priority: attr(C.IFLA_PRIORITY, binary),
  master: attr(C.IFLA_MASTER, u32),
  wireless: attr(C.IFLA_WIRELESS, binary),
  txqlen: attr(C.IFLA_TXQLEN, u32),
  map: attr(C.IFLA_MAP, linkIfmap),
  weight: attr(C.IFLA_WEIGHT, u32),
  operstate: attr(C.IFLA_OPERSTATE, u8),
  linkmode: attr(C.IFLA_LINKMODE, u8),
  linkinfo: attr(C.IFLA_LINKINFO, linkInfo),
  netNsPid: attr(C.IFLA_NET_NS_PID, u32),
  ifalias: attr(C.IFLA_IFALIAS, string),
  numVf: attr(C.IFLA_NUM_VF, u32),
  vfinfoList: attr(C.IFLA_VFINFO_LIST, binary),
  stats64: attr(C.IFLA_STATS64, linkStats64),
  vfPorts: attr(C.IFLA_VF_PORTS, binary),
  portSelf: attr(C.IFLA_PORT_SELF, binary),
  group: attr(C.IFLA_GROUP, u32),
  netNsFd: attr(C.IFLA_NET_NS_FD, u32),
  extMask: attr(C.IFLA_EXT_MASK, u32),
  promiscuity: attr(C.IFLA_PROMISCUITY, u32),
  numTxQueues: attr(C.IFLA_NUM_TX_QUEUES, u32),
  numRxQueues: attr(C.IFLA_NUM_RX_QUEUES, u32),
  carrier: attr(C.IFLA_CARRIER, u8),
  physPortId: attr(C.IFLA_PHYS_PORT_ID, binary),
  carrierChanges: attr(C.IFLA_CARRIER_CHANGES, u32),
  physSwitchId: attr(C.IFLA_PHYS_SWITCH_ID, binary),
  linkNetnsid: attr(C.IFLA_LINK_NETNSID, s32),
  physPortName: attr(C.IFLA_PHYS_PORT_NAME, string),
  protoDown: attr(C.IFLA_PROTO_DOWN, u8),
  gsoMaxSegs: attr(C.IFLA_GSO_MAX_SEGS, u32),
  gsoMaxSize: attr(C.IFLA_GSO_MAX_SIZE, u32),
  pad: attr(C.IFLA_PAD, binary),
  xdp: attr(C.IFLA_XDP, nest(linkXdpAttrs)),
  event: attr(C.IFLA_EVENT, u32),
  newNetnsid: attr(C.IFLA_NEW_NETNSID, s32),
  targetNetnsid: attr(C.IFLA_TARGET_NETNSID, s32),
  carrierUpCount: attr(C.IFLA_CARRIER_UP_COUNT, u32),
  carrierDownCount: attr(C.IFLA_CARRIER_DOWN_COUNT, u32),
  newIfindex: attr(C.IFLA_NEW_IFINDEX, s32),
  minMtu: attr(C.IFLA_MIN_MTU, u32),
  maxMtu: attr(C.IFLA_MAX_MTU, u32),
  propList: attr(C.IFLA_PROP_LIST, nest(linkPropAttrs), { flagged: true }),
  altIfname: attr(C.IFLA_ALT_IFNAME, string),
  permAddress: attr(C.IFLA_PERM_ADDRESS, mac),
  protoDownReason: attr(C.IFLA_PROTO_DOWN_REASON, nest(linkProtoDownReasonAttrs), { flagged: true }),
  parentDevName: attr(C.IFLA_PARENT_DEV_NAME, string),
  parentDevBusName: attr(C.IFLA_PARENT_DEV_BUS_NAME, string),
  groMaxSize: attr(C.IFLA_GRO_MAX_SIZE, u32),
  tsoMaxSize: attr(C.IFLA_TSO_MAX_SIZE, u32),
  tsoMaxSegs: attr(C.IFLA_TSO_MAX_SEGS, u32),
  allmulti: attr(C.IFLA_ALLMULTI, u32),
  /** IFLA_DEVLINK_PORT: a nest of devlink attributes (empty for virtual links), kept raw. */
  devlinkPort: attr(C.IFLA_DEVLINK_PORT, binary, { flagged: true }),
  gsoIpv4MaxSize: attr(C.IFLA_GSO_IPV4_MAX_SIZE, u32),
  groIpv4MaxSize: attr(C.IFLA_GRO_IPV4_MAX_SIZE, u32),
  dpllPin: attr(C.IFLA_DPLL_PIN, nest(linkDpllPinAttrs), { flagged: true }),
  /** IFLA_MAX_PACING_OFFLOAD_HORIZON: EDT offload horizon in ns (NLA_UINT). */
  maxPacingOffloadHorizon: attr(C.IFLA_MAX_PACING_OFFLOAD_HORIZON, uint),
  netnsImmutable: attr(C.IFLA_NETNS_IMMUTABLE, u8),
  headroom: attr(C.IFLA_HEADROOM, u16),
  tailroom: attr(C.IFLA_TAILROOM, u16),
});

/** The IFLA_* attribute set of AF_UNSPEC link messages (`ip link`, RTM_GETLINK dumps). */
export const linkAttrs = new AttrSet('link', () => ({
  ...commonLinkDefs(),
  /** IFLA_PROTINFO: unused in AF_UNSPEC messages, kept raw. */
  protinfo: attr(C.IFLA_PROTINFO, binary),
  /** IFLA_AF_SPEC: per-family state (inet devconf, inet6 flags, addrgenmode …). */
  afSpec: attr(C.IFLA_AF_SPEC, linkAfSpec),
}));

/**
 * The IFLA_* attribute set of AF_BRIDGE link messages (`bridge link`, port notifications): the
 * port options in IFLA_PROTINFO (`brport`) and the VLANs in IFLA_AF_SPEC (`bridgeAfSpec`).
 */
export const bridgeLinkAttrs = new AttrSet('link', () => ({
  ...commonLinkDefs(),
  brport: attr(C.IFLA_PROTINFO, nest(bridgePortAttrs), { flagged: true }),
  bridgeAfSpec: attr(C.IFLA_AF_SPEC, nest(bridgeAfSpecAttrs)),
}));

/** The IFLA_* attribute set of AF_INET6 link messages (RTNLGRP_IPV6_IFINFO): IFLA_PROTINFO is IFLA_INET6_*. */
export const inet6LinkAttrs = new AttrSet('link', () => ({
  ...commonLinkDefs(),
  inet6: attr(C.IFLA_PROTINFO, nest(inet6AfAttrs)),
  afSpec: attr(C.IFLA_AF_SPEC, linkAfSpec),
}));

/** The attribute set of link messages of family `family` (ifi_family). */
export function linkAttrsFor(family: number): AttrSet<AttrDefs> {
  const set = family === AF_BRIDGE ? bridgeLinkAttrs : family === AF_INET6 ? inet6LinkAttrs : linkAttrs;
  return set as unknown as AttrSet<AttrDefs>;
}

/**
 * The decoded IFLA_* attributes of a link message. `afSpec`/`protinfo` appear in AF_UNSPEC
 * messages, `brport`/`bridgeAfSpec` in AF_BRIDGE ones, `inet6` in AF_INET6 ones.
 */
export type LinkAttributes = AttrValues<typeof linkAttrs.defs>
  & Omit<AttrValues<typeof bridgeLinkAttrs.defs>, keyof ReturnType<typeof commonLinkDefs> | 'unknown'>
  & Omit<AttrValues<typeof inet6LinkAttrs.defs>, keyof ReturnType<typeof commonLinkDefs> | 'unknown' | 'afSpec'>;

/** A link message's body: ifinfomsg plus attributes (also the payload of VETH_INFO_PEER). */
export interface LinkBody {
  /** The fixed header (struct ifinfomsg). */
  header: IfInfoMsg;
  /** The IFLA_* attributes, decoded by the set of the header's family. */
  attributes: LinkAttributes;
}

/** The body codec: ifinfomsg followed by the IFLA_* attributes of the header's family. */
export const linkBody: FieldCodec<LinkBody> = {
  kind: 'ifinfomsg',
  decode(buf, off, len, path) {
    if (len < IFINFOMSG_SIZE) throw new DecodeError(path, off, `ifinfomsg of ${len} bytes`);
    const header = readIfInfoMsg(buf, off);
    return { header, attributes: linkAttrsFor(header.family).decode(buf, off + IFINFOMSG_SIZE, off + len, path) as LinkAttributes };
  },
  encode(w, type, value, path) {
    const start = w.beginAttr(type);
    encodeLinkBody(w, value, path);
    w.endNest(start);
  },
};

/** Decodes a whole link message (`buf[off, off + len)`, nlmsghdr included) into its body. */
export function decodeLinkMessage(buf: Buffer, off = 0, len = buf.length - off): LinkBody {
  const n = checkMessageLength('link', buf, off, len, IFINFOMSG_SIZE);
  return linkBody.decode(buf, off + NLMSG_HDRLEN, n - NLMSG_HDRLEN, 'link');
}

/** Writes a link message body (ifinfomsg + attributes) after an nlmsghdr begun by the writer. */
export function encodeLinkBody(w: NlWriter, body: LinkBody, path = 'link'): void {
  if (typeof body !== 'object' || body === null) throw new ValidationError(path, body, 'a link body is required');
  writeIfInfoMsg(w, body.header);
  linkAttrsFor(body.header.family).encode(w, body.attributes as AttrValues<AttrDefs>, path);
}
