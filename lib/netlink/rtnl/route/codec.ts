/**
 * The route message (RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE): struct rtmsg, the RTA_* attribute
 * set with its special payloads (struct rtnexthop lists, struct rtvia, struct rta_cacheinfo, the
 * RTAX_* metrics nest, lightweight-tunnel encaps) and the constants of include/uapi/linux/rtnetlink.h,
 * decoded completely (for tests, tools and `route.attributes`) and encoded for requests. The lazy
 * {@link Route} view in route.ts reads the same bytes with the same codecs.
 *
 * ```
 *  struct rtmsg (12 bytes)
 *  0        1        2        3        4        5        6        7        8                 12
 *  +--------+--------+--------+--------+--------+--------+--------+--------+-----------------+
 *  | family | dst_len| src_len| tos    | table  |protocol| scope  | type   | flags (RTM_F_*) |  RTA_* …
 *  +--------+--------+--------+--------+--------+--------+--------+--------+-----------------+
 *  table is the low 8 bits only: tables above 255 travel in RTA_TABLE (u32), rtm_table = 0.
 *
 *  RTA_MULTIPATH: struct rtnexthop (8 bytes) + RTA_* attributes (RTA_GATEWAY, RTA_VIA …), repeated
 *  0        2        3        4                 8
 *  +--------+--------+--------+-----------------+- - - - - - - -+
 *  | len    | flags  | hops   | ifindex         | attributes    |   hops = weight - 1
 *  +--------+--------+--------+-----------------+- - - - - - - -+
 * ```
 *
 * Numbers are from the 6.1-era UAPI headers in /usr/include/linux; RTA_FLOWLABEL comes from the
 * newer uapi (6.16+) and is marked as such.
 */
import { DecodeError, ValidationError } from '../../core/errors.js';
import { checkMessageLength } from '../../core/message.js';
import { EnumTable } from '../../core/enum-table.js';
import { AF_INET, AF_INET6, formatIp, parseIp } from '../../core/inet.js';
import { AttrSet, attr, binary, ip, u64be, nest, string, u16, u16be, u32, u32be, u8, type AttrValues, type FieldCodec } from '../../core/schema.js';
import { align4 } from '../../core/protocol.js';
import type { NlWriter } from '../../core/writer.js';

// ---- struct rtmsg ----

/** Size of struct rtmsg. */
export const RTMSG_SIZE = 12;

/** struct rtmsg: the fixed header of every route message. */
export interface RtMsg {
  /** rtm_family: AF_INET, AF_INET6 (or RTNL_FAMILY_IPMR …). */
  family: number;
  /** rtm_dst_len: prefix length of RTA_DST. */
  dstLen: number;
  /** rtm_src_len: prefix length of RTA_SRC. */
  srcLen: number;
  /** rtm_tos: the TOS (DSCP) selector. */
  tos: number;
  /** rtm_table: the table id when it is below 256 (RT_TABLE_UNSPEC when RTA_TABLE carries it). */
  table: number;
  /** rtm_protocol: RTPROT_*. */
  protocol: number;
  /** rtm_scope: RT_SCOPE_*. */
  scope: number;
  /** rtm_type: RTN_*. */
  type: number;
  /** rtm_flags: RTM_F_* and RTNH_F_* bits. */
  flags: number;
}

/** Reads the rtmsg at `off` (just after the nlmsghdr). */
export function readRtMsg(buf: Buffer, off: number): RtMsg {
  return {
    family: buf[off]!, dstLen: buf[off + 1]!, srcLen: buf[off + 2]!, tos: buf[off + 3]!,
    table: buf[off + 4]!, protocol: buf[off + 5]!, scope: buf[off + 6]!, type: buf[off + 7]!,
    flags: buf.readUInt32LE(off + 8),
  };
}

/** Writes an rtmsg. */
export function writeRtMsg(w: NlWriter, h: RtMsg): void {
  w.putU8(h.family);
  w.putU8(h.dstLen);
  w.putU8(h.srcLen);
  w.putU8(h.tos);
  w.putU8(h.table);
  w.putU8(h.protocol);
  w.putU8(h.scope);
  w.putU8(h.type);
  w.putU32(h.flags);
}

// ---- constants (include/uapi/linux/rtnetlink.h) ----

// RTN_*, RTPROT_*, RT_SCOPE_* and RT_TABLE_* are shared by several families: see ../enums.ts.

/** rtm_flags: RTM_F_*. */
export const RTM_F_NOTIFY = 0x100;
export const RTM_F_CLONED = 0x200;
export const RTM_F_EQUALIZE = 0x400;
export const RTM_F_PREFIX = 0x800;
export const RTM_F_LOOKUP_TABLE = 0x1000;
export const RTM_F_FIB_MATCH = 0x2000;
export const RTM_F_OFFLOAD = 0x4000;
export const RTM_F_TRAP = 0x8000;
export const RTM_F_OFFLOAD_FAILED = 0x20000000;

/** rtnh_flags (also in rtm_flags): RTNH_F_*. */
export const RTNH_F_DEAD = 1;
export const RTNH_F_PERVASIVE = 2;
export const RTNH_F_ONLINK = 4;
export const RTNH_F_OFFLOAD = 8;
export const RTNH_F_LINKDOWN = 16;
export const RTNH_F_UNRESOLVED = 32;
export const RTNH_F_TRAP = 64;

/** Route attributes: RTA_*. */
export const RTA_UNSPEC = 0;
export const RTA_DST = 1;
export const RTA_SRC = 2;
export const RTA_IIF = 3;
export const RTA_OIF = 4;
export const RTA_GATEWAY = 5;
export const RTA_PRIORITY = 6;
export const RTA_PREFSRC = 7;
export const RTA_METRICS = 8;
export const RTA_MULTIPATH = 9;
export const RTA_PROTOINFO = 10;
export const RTA_FLOW = 11;
export const RTA_CACHEINFO = 12;
export const RTA_SESSION = 13;
export const RTA_MP_ALGO = 14;
export const RTA_TABLE = 15;
export const RTA_MARK = 16;
export const RTA_MFC_STATS = 17;
export const RTA_VIA = 18;
export const RTA_NEWDST = 19;
export const RTA_PREF = 20;
export const RTA_ENCAP_TYPE = 21;
export const RTA_ENCAP = 22;
export const RTA_EXPIRES = 23;
export const RTA_PAD = 24;
export const RTA_UID = 25;
export const RTA_TTL_PROPAGATE = 26;
export const RTA_IP_PROTO = 27;
export const RTA_SPORT = 28;
export const RTA_DPORT = 29;
export const RTA_NH_ID = 30;
/** RTA_FLOWLABEL (be32): newer uapi (Linux 6.16), not in the 6.1 headers. */
export const RTA_FLOWLABEL = 31;
/** The highest RTA_* this library knows. */
export const RTA_MAX = RTA_FLOWLABEL;

/** Route metrics inside RTA_METRICS: RTAX_*. */
export const RTAX_UNSPEC = 0;
export const RTAX_LOCK = 1;
export const RTAX_MTU = 2;
export const RTAX_WINDOW = 3;
export const RTAX_RTT = 4;
export const RTAX_RTTVAR = 5;
export const RTAX_SSTHRESH = 6;
export const RTAX_CWND = 7;
export const RTAX_ADVMSS = 8;
export const RTAX_REORDERING = 9;
export const RTAX_HOPLIMIT = 10;
export const RTAX_INITCWND = 11;
export const RTAX_FEATURES = 12;
export const RTAX_RTO_MIN = 13;
export const RTAX_INITRWND = 14;
export const RTAX_QUICKACK = 15;
export const RTAX_CC_ALGO = 16;
export const RTAX_FASTOPEN_NO_COOKIE = 17;
export const RTAX_MAX = RTAX_FASTOPEN_NO_COOKIE;

/** RTAX_FEATURES bits. */
export const RTAX_FEATURE_ECN = 1 << 0;
export const RTAX_FEATURE_SACK = 1 << 1;
export const RTAX_FEATURE_TIMESTAMP = 1 << 2;
export const RTAX_FEATURE_ALLFRAG = 1 << 3;

/** RTA_PREF values (include/uapi/linux/icmpv6.h ICMPV6_ROUTER_PREF_*). */
export const ICMPV6_ROUTER_PREF_MEDIUM = 0;
export const ICMPV6_ROUTER_PREF_HIGH = 1;
export const ICMPV6_ROUTER_PREF_INVALID = 2;
export const ICMPV6_ROUTER_PREF_LOW = 3;

/** rtm_family values of multicast routing caches (RTNL_FAMILY_IPMR, RTNL_FAMILY_IP6MR). */
export const RTNL_FAMILY_IPMR = 128;
export const RTNL_FAMILY_IP6MR = 129;

/** RTA_ENCAP_TYPE values (include/uapi/linux/lwtunnel.h LWTUNNEL_ENCAP_*). */
export const LWTUNNEL_ENCAP_NONE = 0;
export const LWTUNNEL_ENCAP_MPLS = 1;
export const LWTUNNEL_ENCAP_IP = 2;
export const LWTUNNEL_ENCAP_ILA = 3;
export const LWTUNNEL_ENCAP_IP6 = 4;
export const LWTUNNEL_ENCAP_SEG6 = 5;
export const LWTUNNEL_ENCAP_BPF = 6;
export const LWTUNNEL_ENCAP_SEG6_LOCAL = 7;
export const LWTUNNEL_ENCAP_RPL = 8;
export const LWTUNNEL_ENCAP_IOAM6 = 9;
export const LWTUNNEL_ENCAP_XFRM = 10;

/** USER_HZ: the unit of rta_cacheinfo times (clock_t), 100 on every Linux architecture. */
export const USER_HZ = 100;

// ---- names, as iproute2 prints them ----

/** RTA_PREF (ICMPV6_ROUTER_PREF_*) by name. */
export const ROUTE_PREFS = new EnumTable<'low' | 'medium' | 'high'>('router preference', [
  ['medium', ICMPV6_ROUTER_PREF_MEDIUM], ['high', ICMPV6_ROUTER_PREF_HIGH], ['low', ICMPV6_ROUTER_PREF_LOW],
]);

/** RTA_ENCAP_TYPE (LWTUNNEL_ENCAP_*) by iproute2's lwt encap names. */
export const ENCAP_TYPES = new EnumTable('encap type', [
  ['none', 0], ['mpls', 1], ['ip', 2], ['ila', 3], ['ip6', 4], ['seg6', 5], ['bpf', 6], ['seg6local', 7], ['rpl', 8], ['ioam6', 9], ['xfrm', 10],
]);

/** The names iproute2's print_rt_flags gives rtm_flags / rtnh_flags bits, in its order. */
const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [RTNH_F_DEAD, 'dead'], [RTNH_F_ONLINK, 'onlink'], [RTNH_F_PERVASIVE, 'pervasive'], [RTNH_F_OFFLOAD, 'offload'],
  [RTNH_F_TRAP, 'trap'], [RTM_F_NOTIFY, 'notify'], [RTNH_F_LINKDOWN, 'linkdown'], [RTNH_F_UNRESOLVED, 'unresolved'],
  [RTM_F_OFFLOAD, 'rt_offload'], [RTM_F_TRAP, 'rt_trap'], [RTM_F_OFFLOAD_FAILED, 'rt_offload_failed'],
];

/** The flag names `ip -j route` prints for rtm_flags or rtnh_flags (`['onlink', 'linkdown']`). */
export function routeFlagNames(bits: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if (bits & bit) out.push(name);
  return out;
}


// ---- special payloads ----

/** struct rtvia: a gateway of any address family (RTA_VIA). */
export interface RtVia {
  /** rtvia_family: AF_INET, AF_INET6, AF_PACKET … */
  family: number;
  /** The address as text for AF_INET / AF_INET6, else hex. */
  address: string;
}

/** RTA_VIA: struct rtvia (family u16 + address bytes). */
export const rtvia: FieldCodec<RtVia> = {
  kind: 'rtvia',
  decode(buf, off, len, path) {
    if (len < 2) throw new DecodeError(path, off, `rtvia payload of ${len} bytes, at least 2 expected`);
    const family = buf.readUInt16LE(off);
    const n = len - 2;
    if ((family === AF_INET && n !== 4) || (family === AF_INET6 && n !== 16)) {
      throw new DecodeError(path, off, `rtvia address of ${n} bytes for family ${family}`);
    }
    return { family, address: formatIp(buf, off + 2, n) };
  },
  encode(w, type, v, path) {
    if (typeof v !== 'object' || v === null) throw new ValidationError(path, v, 'an rtvia object is required');
    let bytes: Uint8Array;
    if (v.family === AF_INET || v.family === AF_INET6) {
      bytes = parseIp(path, v.address, v.family === AF_INET ? 4 : 6).bytes;
    } else if (typeof v.address === 'string' && /^([0-9a-f]{2})*$/.test(v.address)) {
      bytes = Buffer.from(v.address, 'hex');
    } else {
      throw new ValidationError(path, v, 'an rtvia address is required');
    }
    // Not beginAttr/endNest: endNest counts the padding, and 2 + 4 or 2 + 16 bytes is unaligned.
    const payload = Buffer.alloc(2 + bytes.length);
    payload.writeUInt16LE(v.family, 0);
    payload.set(bytes, 2);
    w.attrBytes(type, payload);
  },
};

/** struct rta_cacheinfo (RTA_CACHEINFO). Times are in clock_t (1/{@link USER_HZ} s). */
export interface RouteCacheInfo {
  /** rta_clntref: users of the cached route. */
  clntref: number;
  /** rta_lastuse: clock_t since the last use. */
  lastuse: number;
  /** rta_expires: clock_t until expiry (0: never; negative: expired). */
  expires: number;
  /** rta_error. */
  error: number;
  /** rta_used. */
  used: number;
  /** rta_id: IP id (IPv4 peers). */
  id: number;
  /** rta_ts. */
  ts: number;
  /** rta_tsage. */
  tsage: number;
}

const CACHEINFO_SIZE = 32;

/** RTA_CACHEINFO: struct rta_cacheinfo (32 bytes; longer payloads keep their tail). */
export const rtaCacheinfo: FieldCodec<RouteCacheInfo & { tail?: Uint8Array }> = {
  kind: 'rta_cacheinfo',
  decode(buf, off, len, path) {
    if (len < CACHEINFO_SIZE) throw new DecodeError(path, off, `rta_cacheinfo payload of ${len} bytes, at least ${CACHEINFO_SIZE} expected`);
    const v: RouteCacheInfo & { tail?: Uint8Array } = {
      clntref: buf.readUInt32LE(off), lastuse: buf.readUInt32LE(off + 4), expires: buf.readInt32LE(off + 8),
      error: buf.readUInt32LE(off + 12), used: buf.readUInt32LE(off + 16), id: buf.readUInt32LE(off + 20),
      ts: buf.readUInt32LE(off + 24), tsage: buf.readUInt32LE(off + 28),
    };
    if (len > CACHEINFO_SIZE) v.tail = Uint8Array.prototype.slice.call(buf, off + CACHEINFO_SIZE, off + len);
    return v;
  },
  encode(w, type, v, path) {
    if (typeof v !== 'object' || v === null) throw new ValidationError(path, v, 'an rta_cacheinfo object is required');
    const start = w.beginAttr(type);
    w.putU32(v.clntref); w.putU32(v.lastuse); w.putS32(v.expires); w.putU32(v.error);
    w.putU32(v.used); w.putU32(v.id); w.putU32(v.ts); w.putU32(v.tsage);
    if (v.tail) w.putBytes(v.tail);
    w.endNest(start);
  },
};

/** struct rta_mfc_stats (RTA_MFC_STATS, multicast routing caches). */
export interface MfcStats {
  packets: bigint;
  bytes: bigint;
  wrongIf: bigint;
}

/** RTA_MFC_STATS: three u64 counters. */
export const rtaMfcStats: FieldCodec<MfcStats> = {
  kind: 'rta_mfc_stats',
  decode(buf, off, len, path) {
    if (len !== 24) throw new DecodeError(path, off, `rta_mfc_stats payload of ${len} bytes, 24 expected`);
    return { packets: buf.readBigUInt64LE(off), bytes: buf.readBigUInt64LE(off + 8), wrongIf: buf.readBigUInt64LE(off + 16) };
  },
  encode(w, type, v) {
    const start = w.beginAttr(type);
    w.putU64(v.packets); w.putU64(v.bytes); w.putU64(v.wrongIf);
    w.endNest(start);
  },
};

/**
 * RTA_EXPIRES: seconds. Requests carry a u32 (IPv6 `expires`); the multicast routing caches send a
 * u64 (clock_t). Decodes either width to a number and re-encodes in the width it came in.
 */
export const rtaExpires: FieldCodec<number | bigint> = {
  kind: 'expires',
  decode(buf, off, len, path) {
    if (len === 4) return buf.readUInt32LE(off);
    if (len === 8) return buf.readBigUInt64LE(off);
    throw new DecodeError(path, off, `expires payload of ${len} bytes, 4 or 8 expected`);
  },
  encode(w, type, v, path) {
    if (typeof v === 'bigint') {
      if (v < 0n || v > 0xffffffffffffffffn) throw new ValidationError(path, v, 'a u64 is required');
      w.attrU64(type, v);
    } else {
      u32.encode(w, type, v, path);
    }
  },
};

/** The RTAX_* metrics inside RTA_METRICS (raw kernel values: rtt in 1/8 ms, rttvar in 1/4 ms). */
export const routeMetricsAttrs = new AttrSet('route_metrics', {
  lock: attr(RTAX_LOCK, u32),
  mtu: attr(RTAX_MTU, u32),
  window: attr(RTAX_WINDOW, u32),
  rtt: attr(RTAX_RTT, u32),
  rttvar: attr(RTAX_RTTVAR, u32),
  ssthresh: attr(RTAX_SSTHRESH, u32),
  cwnd: attr(RTAX_CWND, u32),
  advmss: attr(RTAX_ADVMSS, u32),
  reordering: attr(RTAX_REORDERING, u32),
  hoplimit: attr(RTAX_HOPLIMIT, u32),
  initcwnd: attr(RTAX_INITCWND, u32),
  features: attr(RTAX_FEATURES, u32),
  rtoMin: attr(RTAX_RTO_MIN, u32),
  initrwnd: attr(RTAX_INITRWND, u32),
  quickack: attr(RTAX_QUICKACK, u32),
  ccAlgo: attr(RTAX_CC_ALGO, string),
  fastopenNoCookie: attr(RTAX_FASTOPEN_NO_COOKIE, u32),
});

/** The decoded RTA_METRICS nest. */
export type RouteMetrics = AttrValues<typeof routeMetricsAttrs.defs>;

/** The RTAX_* metric names, by number (index = RTAX_*). */
export const METRIC_NAMES: readonly string[] = [
  '', 'lock', 'mtu', 'window', 'rtt', 'rttvar', 'ssthresh', 'cwnd', 'advmss', 'reordering', 'hoplimit',
  'initcwnd', 'features', 'rtoMin', 'initrwnd', 'quickack', 'ccAlgo', 'fastopenNoCookie',
];

/** LWTUNNEL_IP_* (RTA_ENCAP of type ip). */
export const encapIpAttrs = new AttrSet('encap_ip', {
  id: attr(1, u64be),
  dst: attr(2, ip),
  src: attr(3, ip),
  ttl: attr(4, u8),
  tos: attr(5, u8),
  flags: attr(6, u16be),
  pad: attr(7, binary),
  opts: attr(8, binary),
});

/** LWTUNNEL_IP6_* (RTA_ENCAP of type ip6). */
export const encapIp6Attrs = new AttrSet('encap_ip6', {
  id: attr(1, u64be),
  dst: attr(2, ip),
  src: attr(3, ip),
  hoplimit: attr(4, u8),
  tc: attr(5, u8),
  flags: attr(6, u16be),
  pad: attr(7, binary),
  opts: attr(8, binary),
});

/** MPLS_IPTUNNEL_* (RTA_ENCAP of type mpls). */
export const encapMplsAttrs = new AttrSet('encap_mpls', {
  dst: attr(1, binary),
  ttl: attr(2, u8),
});

/** The attributes inside one struct rtnexthop of RTA_MULTIPATH. */
export const nexthopAttrs = new AttrSet('route_nexthop', {
  gateway: attr(RTA_GATEWAY, ip),
  flow: attr(RTA_FLOW, u32),
  via: attr(RTA_VIA, rtvia),
  newdst: attr(RTA_NEWDST, binary),
  encapType: attr(RTA_ENCAP_TYPE, u16),
  encap: attr(RTA_ENCAP, binary),
});

/** The decoded attributes of one nexthop. */
export type NexthopAttributes = AttrValues<typeof nexthopAttrs.defs>;

/** One struct rtnexthop of RTA_MULTIPATH, with its attributes. */
export interface RtNexthop {
  /** rtnh_flags: RTNH_F_*. */
  flags: number;
  /** rtnh_hops: weight - 1 for unicast routes (a TTL threshold in multicast caches). */
  hops: number;
  /** rtnh_ifindex. */
  ifindex: number;
  /** The nexthop's RTA_* attributes (RTA_GATEWAY, RTA_VIA …). */
  attributes: NexthopAttributes;
}

const RTNH_SIZE = 8;

/** RTA_MULTIPATH: a list of struct rtnexthop, each followed by its attributes. */
export const rtaMultipath: FieldCodec<RtNexthop[]> = {
  kind: 'rtnexthop[]',
  decode(buf, off, len, path) {
    const out: RtNexthop[] = [];
    const end = off + len;
    let at = off;
    let i = 0;
    while (at < end) {
      if (end - at < RTNH_SIZE) throw new DecodeError(`${path}[${i}]`, at, `${end - at} bytes left, a rtnexthop needs ${RTNH_SIZE}`);
      const n = buf.readUInt16LE(at);
      if (n < RTNH_SIZE || at + n > end) throw new DecodeError(`${path}[${i}]`, at, `rtnh_len ${n}, ${end - at} bytes left`);
      out.push({
        flags: buf[at + 2]!,
        hops: buf[at + 3]!,
        ifindex: buf.readInt32LE(at + 4),
        attributes: nexthopAttrs.decode(buf, at + RTNH_SIZE, at + n, `${path}[${i}]`),
      });
      at += align4(n);
      i++;
    }
    return out;
  },
  encode(w, type, hops, path) {
    if (!Array.isArray(hops)) throw new ValidationError(path, hops, 'an array of nexthops is required');
    const start = w.beginAttr(type);
    hops.forEach((h, i) => {
      const at = w.length;
      w.putU16(0); // rtnh_len, patched below (same position and width as nla_len)
      w.putU8(h.flags);
      w.putU8(h.hops);
      w.putS32(h.ifindex);
      nexthopAttrs.encode(w, h.attributes, `${path}[${i}]`);
      w.endNest(at);
    });
    w.endNest(start);
  },
};

// ---- the RTA_* set ----

/** The RTA_* attribute set. Field names follow `ip -j route` in camelCase where it names them. */
export const routeAttrs = new AttrSet('route', {
  dst: attr(RTA_DST, ip),
  src: attr(RTA_SRC, ip),
  iif: attr(RTA_IIF, u32),
  oif: attr(RTA_OIF, u32),
  gateway: attr(RTA_GATEWAY, ip),
  priority: attr(RTA_PRIORITY, u32),
  prefsrc: attr(RTA_PREFSRC, ip),
  metrics: attr(RTA_METRICS, nest(routeMetricsAttrs)),
  multipath: attr(RTA_MULTIPATH, rtaMultipath),
  protoinfo: attr(RTA_PROTOINFO, binary),
  flow: attr(RTA_FLOW, u32),
  cacheinfo: attr(RTA_CACHEINFO, rtaCacheinfo),
  session: attr(RTA_SESSION, binary),
  mpAlgo: attr(RTA_MP_ALGO, u32),
  table: attr(RTA_TABLE, u32),
  mark: attr(RTA_MARK, u32),
  mfcStats: attr(RTA_MFC_STATS, rtaMfcStats),
  via: attr(RTA_VIA, rtvia),
  newdst: attr(RTA_NEWDST, binary),
  pref: attr(RTA_PREF, u8),
  encapType: attr(RTA_ENCAP_TYPE, u16),
  encap: attr(RTA_ENCAP, binary),
  expires: attr(RTA_EXPIRES, rtaExpires),
  pad: attr(RTA_PAD, binary),
  uid: attr(RTA_UID, u32),
  ttlPropagate: attr(RTA_TTL_PROPAGATE, u8),
  ipProto: attr(RTA_IP_PROTO, u8),
  sport: attr(RTA_SPORT, u16be),
  dport: attr(RTA_DPORT, u16be),
  nhId: attr(RTA_NH_ID, u32),
  flowlabel: attr(RTA_FLOWLABEL, u32be),
});

/** The decoded RTA_* attributes of a route message. */
export type RouteAttributes = AttrValues<typeof routeAttrs.defs>;

/** A route message's body: rtmsg plus attributes. */
export interface RouteBody {
  header: RtMsg;
  attributes: RouteAttributes;
}

/** Decodes a whole route message (`buf[off, off + len)`, nlmsghdr included) into its body. */
export function decodeRouteMessage(buf: Buffer, off = 0, len = buf.length - off): RouteBody {
  const msgLen = checkMessageLength('route', buf, off, len, RTMSG_SIZE);
  return { header: readRtMsg(buf, off + 16), attributes: routeAttrs.decode(buf, off + 16 + RTMSG_SIZE, off + msgLen, 'route') };
}

/** Writes a route message body (rtmsg + attributes) after an nlmsghdr begun by the writer. */
export function encodeRouteBody(w: NlWriter, body: RouteBody): void {
  writeRtMsg(w, body.header);
  routeAttrs.encode(w, body.attributes, 'route');
}

/** Decodes an RTA_ENCAP payload according to its RTA_ENCAP_TYPE (ip, ip6, mpls); others stay raw. */
export function decodeEncap(type: number, data: Buffer, path = 'route.encap'): Record<string, unknown> | Uint8Array {
  const set = type === LWTUNNEL_ENCAP_IP ? encapIpAttrs : type === LWTUNNEL_ENCAP_IP6 ? encapIp6Attrs
    : type === LWTUNNEL_ENCAP_MPLS ? encapMplsAttrs : undefined;
  if (set === undefined) return Uint8Array.prototype.slice.call(data);
  const out = set.decode(data, 0, data.length, path) as Record<string, unknown>;
  if (set === encapMplsAttrs && out.dst instanceof Uint8Array) out.dst = mplsLabels(out.dst, `${path}.dst`);
  return out;
}

/** MPLS label stack entries (4 bytes each, network order) as label numbers. */
export function mplsLabels(bytes: Uint8Array, path: string): number[] {
  if (bytes.length % 4 !== 0) throw new DecodeError(path, 0, `MPLS label stack of ${bytes.length} bytes`);
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) out.push(view.readUInt32BE(i) >>> 12);
  return out;
}

/** The IP version of a route family, or undefined for non-IP families (MPLS, multicast caches). */
export function ipVersionOf(family: number): 4 | 6 | undefined {
  return family === AF_INET ? 4 : family === AF_INET6 ? 6 : undefined;
}

/** Whether `family` is an address family RTA_VIA may name with an IP address. */
export function isIpFamily(family: number): boolean {
  return family === AF_INET || family === AF_INET6;
}
