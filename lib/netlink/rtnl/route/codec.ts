/**
 * The route message (RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE): struct rtmsg, the RTA_* attribute
 * set with its special payloads (struct rtnexthop lists, struct rtvia, struct rta_cacheinfo, the
 * RTAX_* metrics nest), decoded completely (for tests, tools and `route.attributes`) and encoded.
 * These are the only route encoders: request.ts builds every request from them, and the lazy Route
 * view (view.ts) reads replies with them. The numbers are in constants.ts; lightweight-tunnel
 * encaps (RTA_ENCAP) have their own file, encap.ts.
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
 */
import { DecodeError, ValidationError } from '../../core/errors.js';
import { AF_INET, AF_INET6, formatIp, parseIp } from '../../core/inet.js';
import { AttrSet, attr, binary, ip, nest, string, struct, u16, u16be, u32, u32be, u8, type AttrValues, type FieldCodec } from '../../core/schema.js';
import { align4 } from '../../core/protocol.js';
import type { NlWriter } from '../../core/writer.js';
import {
  RTA_CACHEINFO, RTA_DPORT, RTA_DST, RTA_ENCAP, RTA_ENCAP_TYPE, RTA_EXPIRES, RTA_FLOW, RTA_FLOWLABEL, RTA_GATEWAY, RTA_IIF,
  RTA_IP_PROTO, RTA_MARK, RTA_METRICS, RTA_MFC_STATS, RTA_MP_ALGO, RTA_MULTIPATH, RTA_NEWDST, RTA_NH_ID, RTA_OIF, RTA_PAD,
  RTA_PREF, RTA_PREFSRC, RTA_PRIORITY, RTA_PROTOINFO, RTA_SESSION, RTA_SPORT, RTA_SRC, RTA_TABLE, RTA_TTL_PROPAGATE,
  RTA_UID, RTA_VIA, RTAX_ADVMSS, RTAX_CC_ALGO, RTAX_CWND, RTAX_FASTOPEN_NO_COOKIE, RTAX_FEATURES, RTAX_HOPLIMIT,
  RTAX_INITCWND, RTAX_INITRWND, RTAX_LOCK, RTAX_MTU, RTAX_QUICKACK, RTAX_REORDERING, RTAX_RTO_MIN, RTAX_RTT, RTAX_RTTVAR,
  RTAX_SSTHRESH, RTAX_WINDOW,
} from './constants.js';
import { MessageCodec } from '../../core/message-codec.js';

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

/** Writes an rtmsg: the header of every route request (request.ts) and of re-encoded messages. */
export function writeRtMsg(w: NlWriter, h: RtMsg): void {
  // One capacity check, then the bytes (little-endian; a store keeps a value's low 8 bits): bulk
  // calls write thousands of these before V8 optimises anything, where each call counts.
  const at = w.claim(RTMSG_SIZE);
  const b = w.buf;
  b[at] = h.family;
  b[at + 1] = h.dstLen;
  b[at + 2] = h.srcLen;
  b[at + 3] = h.tos;
  b[at + 4] = h.table;
  b[at + 5] = h.protocol;
  b[at + 6] = h.scope;
  b[at + 7] = h.type;
  const flags = h.flags;
  b[at + 8] = flags;
  b[at + 9] = flags >>> 8;
  b[at + 10] = flags >>> 16;
  b[at + 11] = flags >>> 24;
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
    writeRtVia(w, type, v.family, bytes);
  },
};

/**
 * Writes an RTA_VIA attribute (struct rtvia): rtvia_family (u16, host order), then the address.
 * The payload is 6 or 18 bytes, so nla_len is not a multiple of 4: the padding follows it.
 */
export function writeRtVia(w: NlWriter, type: number, family: number, address: Uint8Array): void {
  const at = w.beginAttr(type);
  w.putU16(family);
  w.putBytes(address);
  w.endNest(at);
}

/** struct rta_cacheinfo (RTA_CACHEINFO). Times are in clock_t (1/USER_HZ s, see constants.ts). */
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
export const rtaCacheinfo = struct<RouteCacheInfo>('rta_cacheinfo', CACHEINFO_SIZE,
  (buf, off) => ({
    clntref: buf.readUInt32LE(off), lastuse: buf.readUInt32LE(off + 4), expires: buf.readInt32LE(off + 8),
    error: buf.readUInt32LE(off + 12), used: buf.readUInt32LE(off + 16), id: buf.readUInt32LE(off + 20),
    ts: buf.readUInt32LE(off + 24), tsage: buf.readUInt32LE(off + 28),
  }),
  (w, v) => {
    w.putU32(v.clntref); w.putU32(v.lastuse); w.putS32(v.expires); w.putU32(v.error);
    w.putU32(v.used); w.putU32(v.id); w.putU32(v.ts); w.putU32(v.tsage);
  });

/** struct rta_mfc_stats (RTA_MFC_STATS, multicast routing caches). */
export interface MfcStats {
  /** Packets forwarded by the multicast cache entry. */
  packets: bigint;
  /** Bytes forwarded by the entry. */
  bytes: bigint;
  /** Packets that arrived on the wrong interface. */
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
export const routeMetricsAttrs = new AttrSet('route_metrics', () => ({
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
}));

/** The decoded RTA_METRICS nest. */
export type RouteMetrics = AttrValues<typeof routeMetricsAttrs.defs>;

/** RTA_METRICS: the RTAX_* nest (what requests and the Route view read and write it with). */
export const rtaMetrics = nest(routeMetricsAttrs);

/** The attributes inside one struct rtnexthop of RTA_MULTIPATH. */
export const nexthopAttrs = new AttrSet('route_nexthop', () => ({
  gateway: attr(RTA_GATEWAY, ip),
  flow: attr(RTA_FLOW, u32),
  via: attr(RTA_VIA, rtvia),
  newdst: attr(RTA_NEWDST, binary),
  encapType: attr(RTA_ENCAP_TYPE, u16),
  encap: attr(RTA_ENCAP, binary),
}));

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
    for (let i = 0; i < hops.length; i++) {
      const h = hops[i]!;
      const at = beginRtNexthop(w, h.flags, h.hops, h.ifindex);
      nexthopAttrs.encode(w, h.attributes, `${path}[${i}]`);
      w.endNest(at);
    }
    w.endNest(start);
  },
};

/**
 * Begins one struct rtnexthop of RTA_MULTIPATH and returns its offset; the hop's attributes follow,
 * then `w.endNest(offset)` writes rtnh_len (it has nla_len's place and width, and counts the
 * attributes' padding, as iproute2's rtnh_len does).
 */
export function beginRtNexthop(w: NlWriter, flags: number, hops: number, ifindex: number): number {
  const at = w.length;
  w.putU16(0);
  w.putU8(flags);
  w.putU8(hops);
  w.putS32(ifindex);
  return at;
}

// ---- the RTA_* set ----

/** The RTA_* attribute set. Field names follow `ip -j route` in camelCase where it names them. */
export const routeAttrs = new AttrSet('route', () => ({
  dst: attr(RTA_DST, ip),
  src: attr(RTA_SRC, ip),
  iif: attr(RTA_IIF, u32),
  oif: attr(RTA_OIF, u32),
  gateway: attr(RTA_GATEWAY, ip),
  priority: attr(RTA_PRIORITY, u32),
  prefsrc: attr(RTA_PREFSRC, ip),
  metrics: attr(RTA_METRICS, rtaMetrics),
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
}));

/** The decoded RTA_* attributes of a route message. */
export type RouteAttributes = AttrValues<typeof routeAttrs.defs>;

/** A route message's body: rtmsg plus attributes. */
export interface RouteBody {
  /** The fixed header (struct rtmsg). */
  header: RtMsg;
  /** The RTA_* attributes. */
  attributes: RouteAttributes;
}

/** Route messages: rtmsg + RTA_* (the one codec of replies and requests alike). */
export const routeMessage = new MessageCodec('route', { size: RTMSG_SIZE, read: readRtMsg, write: writeRtMsg }, routeAttrs);

/** Decodes a whole route message (`buf[off, off + len)`, nlmsghdr included) into its body. */
export function decodeRouteMessage(buf: Buffer, off = 0, len = buf.length - off): RouteBody {
  return routeMessage.decode(buf, off, len);
}

/** Writes a route message body (rtmsg + attributes) after an nlmsghdr begun by the writer. */
export function encodeRouteBody(w: NlWriter, body: RouteBody): void {
  routeMessage.encode(w, body);
}

/** The IP version of a route family, or undefined for non-IP families (MPLS, multicast caches). */
export function ipVersionOf(family: number): 4 | 6 | undefined {
  return family === AF_INET ? 4 : family === AF_INET6 ? 6 : undefined;
}
