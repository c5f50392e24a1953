/**
 * The vxlan kind: IFLA_INFO_DATA attributes (enum IFLA_VXLAN_*, include/uapi/linux/if_link.h) as
 * vxlan_fill_info sends them and vxlan_policy accepts them. Attributes 31 and up (LOCALBYPASS,
 * LABEL_POLICY, RESERVED_BITS, MC_ROUTE) are newer than the installed 6.1 headers and come from
 * the kernel's 6.x uapi.
 *
 * One attribute differs by direction: the kernel reports IFLA_VXLAN_TTL_INHERIT as a u8 but accepts
 * it only as a flag, so requests use {@link vxlanRequestAttrs}.
 */
import { EnumTable } from '../../../core/enum-table.js';
import { ValidationError } from '../../../core/errors.js';
import { bool8, bytesOf, enumOf, ip4, ip6, portRange, ranged } from '../fields.js';
import { AttrSet, attr, flag, u16be, u32, u32be, u8, type AttrValues, type FieldCodec } from '../../../core/schema.js';

export const IFLA_VXLAN_ID = 1;
export const IFLA_VXLAN_GROUP = 2;
export const IFLA_VXLAN_LINK = 3;
export const IFLA_VXLAN_LOCAL = 4;
export const IFLA_VXLAN_TTL = 5;
export const IFLA_VXLAN_TOS = 6;
export const IFLA_VXLAN_LEARNING = 7;
export const IFLA_VXLAN_AGEING = 8;
export const IFLA_VXLAN_LIMIT = 9;
export const IFLA_VXLAN_PORT_RANGE = 10;
export const IFLA_VXLAN_PROXY = 11;
export const IFLA_VXLAN_RSC = 12;
export const IFLA_VXLAN_L2MISS = 13;
export const IFLA_VXLAN_L3MISS = 14;
export const IFLA_VXLAN_PORT = 15;
export const IFLA_VXLAN_GROUP6 = 16;
export const IFLA_VXLAN_LOCAL6 = 17;
export const IFLA_VXLAN_UDP_CSUM = 18;
export const IFLA_VXLAN_UDP_ZERO_CSUM6_TX = 19;
export const IFLA_VXLAN_UDP_ZERO_CSUM6_RX = 20;
export const IFLA_VXLAN_REMCSUM_TX = 21;
export const IFLA_VXLAN_REMCSUM_RX = 22;
export const IFLA_VXLAN_GBP = 23;
export const IFLA_VXLAN_REMCSUM_NOPARTIAL = 24;
export const IFLA_VXLAN_COLLECT_METADATA = 25;
export const IFLA_VXLAN_LABEL = 26;
export const IFLA_VXLAN_GPE = 27;
export const IFLA_VXLAN_TTL_INHERIT = 28;
export const IFLA_VXLAN_DF = 29;
export const IFLA_VXLAN_VNIFILTER = 30;
// Newer than the installed headers (kernel 6.7 … 6.16 uapi).
export const IFLA_VXLAN_LOCALBYPASS = 31;
export const IFLA_VXLAN_LABEL_POLICY = 32;
export const IFLA_VXLAN_RESERVED_BITS = 33;
export const IFLA_VXLAN_MC_ROUTE = 34;

/** enum ifla_vxlan_df as `ip -j` prints it. */
export const VXLAN_DF = new EnumTable('vxlan df', [['unset', 0], ['set', 1], ['inherit', 2]] as const);
/** enum ifla_vxlan_label_policy. */
export const VXLAN_LABEL_POLICY = new EnumTable('vxlan label policy', [['fixed', 0], ['inherit', 1]] as const, [], { max: 0xffffffff });

function defs(ttlInherit: FieldCodec<boolean>) {
  return {
    /** IFLA_VXLAN_ID: the VNI (24 bits). */
    id: attr(IFLA_VXLAN_ID, ranged(u32, 0, 0xffffff)),
    /** IFLA_VXLAN_GROUP: the IPv4 multicast group or remote address. */
    group: attr(IFLA_VXLAN_GROUP, ip4),
    /** IFLA_VXLAN_LINK: ifindex of the underlay device. */
    link: attr(IFLA_VXLAN_LINK, u32),
    /** IFLA_VXLAN_LOCAL: the IPv4 source address of encapsulated packets. */
    local: attr(IFLA_VXLAN_LOCAL, ip4),
    /** IFLA_VXLAN_TTL: the outer TTL (0: inherit from the route, 1..255). */
    ttl: attr(IFLA_VXLAN_TTL, u8),
    /** IFLA_VXLAN_TOS: the outer TOS (1: inherit from the inner packet). */
    tos: attr(IFLA_VXLAN_TOS, u8),
    /** IFLA_VXLAN_LEARNING: learn remote addresses into the FDB. */
    learning: attr(IFLA_VXLAN_LEARNING, bool8),
    /** IFLA_VXLAN_AGEING: FDB entry lifetime in seconds. */
    ageing: attr(IFLA_VXLAN_AGEING, u32),
    /** IFLA_VXLAN_LIMIT: maximum FDB entries (`ip`'s `maxaddress`), 0 = unlimited. */
    limit: attr(IFLA_VXLAN_LIMIT, u32),
    /** IFLA_VXLAN_PORT_RANGE: the UDP source port range (`ip`'s `srcport LOW HIGH`). */
    portRange: attr(IFLA_VXLAN_PORT_RANGE, portRange),
    /** IFLA_VXLAN_PROXY: answer ARP/ND from the FDB (proxy). */
    proxy: attr(IFLA_VXLAN_PROXY, bool8),
    /** IFLA_VXLAN_RSC: route short-circuit. */
    rsc: attr(IFLA_VXLAN_RSC, bool8),
    /** IFLA_VXLAN_L2MISS: notify user space of unknown destination MACs. */
    l2miss: attr(IFLA_VXLAN_L2MISS, bool8),
    /** IFLA_VXLAN_L3MISS: notify user space of unknown destination IPs. */
    l3miss: attr(IFLA_VXLAN_L3MISS, bool8),
    /** IFLA_VXLAN_PORT: the UDP destination port (big-endian on the wire). */
    port: attr(IFLA_VXLAN_PORT, u16be),
    /** IFLA_VXLAN_GROUP6: the IPv6 multicast group or remote address. */
    group6: attr(IFLA_VXLAN_GROUP6, ip6),
    /** IFLA_VXLAN_LOCAL6: the IPv6 source address of encapsulated packets. */
    local6: attr(IFLA_VXLAN_LOCAL6, ip6),
    /** IFLA_VXLAN_UDP_CSUM: compute UDP checksums over IPv4. */
    udpCsum: attr(IFLA_VXLAN_UDP_CSUM, bool8),
    /** IFLA_VXLAN_UDP_ZERO_CSUM6_TX: send zero UDP checksums over IPv6. */
    udpZeroCsum6Tx: attr(IFLA_VXLAN_UDP_ZERO_CSUM6_TX, bool8),
    /** IFLA_VXLAN_UDP_ZERO_CSUM6_RX: accept zero UDP checksums over IPv6. */
    udpZeroCsum6Rx: attr(IFLA_VXLAN_UDP_ZERO_CSUM6_RX, bool8),
    /** IFLA_VXLAN_REMCSUM_TX: remote checksum offload on transmit. */
    remcsumTx: attr(IFLA_VXLAN_REMCSUM_TX, bool8),
    /** IFLA_VXLAN_REMCSUM_RX: remote checksum offload on receive. */
    remcsumRx: attr(IFLA_VXLAN_REMCSUM_RX, bool8),
    /** IFLA_VXLAN_GBP: the Group Based Policy extension. */
    gbp: attr(IFLA_VXLAN_GBP, flag),
    /** IFLA_VXLAN_REMCSUM_NOPARTIAL: remote checksum offload without partial checksums. */
    remcsumNopartial: attr(IFLA_VXLAN_REMCSUM_NOPARTIAL, flag),
    /** IFLA_VXLAN_COLLECT_METADATA (`ip`'s `external`). */
    collectMetadata: attr(IFLA_VXLAN_COLLECT_METADATA, bool8),
    /** IFLA_VXLAN_LABEL: the IPv6 flow label (20 bits, big-endian on the wire). */
    label: attr(IFLA_VXLAN_LABEL, ranged(u32be, 0, 0xfffff)),
    /** IFLA_VXLAN_GPE: the Generic Protocol Extension (no inner Ethernet header). */
    gpe: attr(IFLA_VXLAN_GPE, flag),
    /** IFLA_VXLAN_TTL_INHERIT (`ip`'s `ttl auto`). */
    ttlInherit: attr(IFLA_VXLAN_TTL_INHERIT, ttlInherit),
    /** IFLA_VXLAN_DF: the outer Don't Fragment bit: `'unset'`, `'set'` or `'inherit'`. */
    df: attr(IFLA_VXLAN_DF, enumOf(u8, VXLAN_DF)),
    /** IFLA_VXLAN_VNIFILTER: one device for many VNIs (VNI filtering). */
    vnifilter: attr(IFLA_VXLAN_VNIFILTER, bool8),
    /** IFLA_VXLAN_LOCALBYPASS: deliver to local VXLAN devices directly. */
    localbypass: attr(IFLA_VXLAN_LOCALBYPASS, bool8),
    /** IFLA_VXLAN_LABEL_POLICY: how the outer IPv6 flow label is chosen (fixed or inherited). */
    labelPolicy: attr(IFLA_VXLAN_LABEL_POLICY, enumOf(u32, VXLAN_LABEL_POLICY)),
    /** IFLA_VXLAN_RESERVED_BITS: struct vxlanhdr of the reserved bits accepted on receive. */
    reservedBits: attr(IFLA_VXLAN_RESERVED_BITS, bytesOf('vxlanhdr', 8)),
    /** IFLA_VXLAN_MC_ROUTE: route multicast through the FIB rather than the underlay device. */
    mcRoute: attr(IFLA_VXLAN_MC_ROUTE, bool8),
  };
}

/**
 * IFLA_VXLAN_TTL_INHERIT as the kernel reports it: a u8. A request carries it as a flag (no
 * payload), which decodes as true too, so requests decode; encoding writes the reply form.
 */
const ttlInheritReply: FieldCodec<boolean> = {
  kind: 'u8|flag',
  decode: (buf, off, len, path) => (len === 0 ? true : bool8.decode(buf, off, len, path)),
  encode: (w, type, v, path) => bool8.encode(w, type, v, path),
};

/** IFLA_VXLAN_TTL_INHERIT in a request: NLA_FLAG (true sends the flag, false sends nothing). */
const ttlInheritFlag: FieldCodec<boolean> = {
  kind: 'flag',
  decode: (buf, off, len, path) => ttlInheritReply.decode(buf, off, len, path),
  encode(w, type, v, path) {
    if (typeof v !== 'boolean') throw new ValidationError(path, v, 'true or false is required');
    if (v) w.attrFlag(type);
  },
};

/** IFLA_INFO_DATA of kind `vxlan`, as the kernel reports it. */
export const vxlanAttrs = new AttrSet('vxlan', () => defs(ttlInheritReply));
/** IFLA_INFO_DATA of kind `vxlan` in requests (TTL_INHERIT as a flag). */
export const vxlanRequestAttrs = new AttrSet('vxlan', () => defs(ttlInheritFlag));

/**
 * The decoded IFLA_INFO_DATA of a vxlan.
 *
 * @interface
 */
export type VxlanData = AttrValues<typeof vxlanAttrs.defs>;

/** Every vxlan attribute is an option of `links.add` (the kernel refuses changing most of them later). Listed when the kind is first checked. */
export const vxlanWritable = (): ReadonlyArray<keyof VxlanData> => Object.keys(vxlanAttrs.defs) as ReadonlyArray<keyof VxlanData>;
