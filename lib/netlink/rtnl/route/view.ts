/**
 * Route: one route as the kernel reported it (RTM_NEWROUTE), decoded lazily. Field names follow
 * `ip -j route` in camelCase (`gateway`, `prefsrc`, `metric`, `pref`); `oif`/`iif` are ifindexes
 * (a name needs a link lookup), and `dst` is always a CIDR (`'10.2.0.0/16'`) or `'default'`.
 */
import * as C from './constants.js';
import {
  RTMSG_SIZE, ipVersionOf, readRtMsg, routeAttrs, rtaCacheinfo, rtaExpires, rtaMetrics, rtaMultipath, rtvia,
  type RouteAttributes, type RouteCacheInfo, type RouteMetrics, type RtMsg,
} from './codec.js';
import * as E from '../enums.js';
import { ENCAP_TYPES, decodeEncap, mplsLabelStack } from './encap.js';
import { AF_INET, AF_INET6 } from '../../core/inet.js';
import { attrLength } from '../../core/attributes.js';
import { MessageView, readIpAttr, readU32Attr } from '../../core/message-view.js';
import { NLMSG_HDRLEN } from '../../core/protocol.js';
import { type UnknownAttr } from '../../core/schema.js';

/** One path of a multipath route (struct rtnexthop in RTA_MULTIPATH). */
export interface RouteNexthop {
  /** RTA_GATEWAY of the path. */
  gateway?: string;
  /** RTA_VIA of the path (a gateway of another family), as an address. */
  via?: string;
  /** rtnh_ifindex. */
  oif: number;
  /** rtnh_hops + 1. */
  weight: number;
  /** rtnh_flags as `ip -j` names them (`'onlink'`, `'linkdown'`, `'dead'` …). */
  flags: string[];
  /** RTA_FLOW (realms) of the path. */
  realms?: number;
  /** RTA_ENCAP_TYPE of the path (`'mpls'`, `'ip'` …). */
  encapType?: string | number;
  /** RTA_ENCAP of the path, decoded as {@link Route.encap}. */
  encap?: Record<string, unknown> | Uint8Array;
}

/** The RTAX_* metrics of a route (RTA_METRICS), raw kernel values. */
export type RouteMetricValues = RouteMetrics;

/** The address a prefix without RTA_DST / RTA_SRC stands for: `::` in an IPv6 route, else `0.0.0.0`. */
function zeroAddress(rtmFamily: number): string {
  return rtmFamily === AF_INET6 ? '::' : '0.0.0.0';
}

/** Where struct rtmsg starts in a message. */
const RTMSG_AT = NLMSG_HDRLEN;

/** A routing table as the API names it: `'main'`, `'local'`, `'default'`, else its id. */
export type RouteTableValue = 'main' | 'local' | 'default' | number;

/** A route, decoded lazily from its RTM_NEWROUTE message. */
export class Route extends MessageView {
  protected get headerSize(): number { return RTMSG_SIZE; }
  protected get setName(): string { return 'route'; }

  /** The fixed header (struct rtmsg). */
  get header(): RtMsg {
    return readRtMsg(this.buffer(), this.offset() + RTMSG_AT);
  }

  /** 4 or 6 for IP routes; the raw rtm_family for others (RTNL_FAMILY_IPMR = 128 …). */
  get family(): number {
    const f = this.byteAt(RTMSG_AT);
    return ipVersionOf(f) ?? f;
  }

  /** rtm_dst_len. */
  get dstLen(): number {
    return this.byteAt(RTMSG_AT + 1);
  }

  /** rtm_src_len. */
  get srcLen(): number {
    return this.byteAt(RTMSG_AT + 2);
  }

  /** rtm_tos. */
  get tos(): number {
    return this.byteAt(RTMSG_AT + 3);
  }

  /** The destination: `'10.2.0.0/16'`, `'2001:db8::1/128'`, or `'default'` for a zero-length prefix. */
  get dst(): string {
    const len = this.dstLen;
    if (len === 0) return 'default';
    return `${this.prefixAddress(C.RTA_DST, 'dst')}/${len}`;
  }

  /** The source selector (RTA_SRC, `ip route … from`), or undefined when there is none. */
  get src(): string | undefined {
    const len = this.srcLen;
    if (len === 0 && this.locate(C.RTA_SRC) < 0) return undefined;
    return `${this.prefixAddress(C.RTA_SRC, 'src')}/${len}`;
  }

  /** The address of RTA_DST / RTA_SRC, or the zero address when the kernel left it out. */
  private prefixAddress(type: number, name: string): string {
    const a = this.attrIp(type, name);
    return a !== undefined ? a : zeroAddress(this.byteAt(RTMSG_AT));
  }

  /** RTA_GATEWAY. */
  get gateway(): string | undefined {
    return this.attrIp(C.RTA_GATEWAY, 'gateway');
  }

  /** RTA_VIA: a gateway of another address family (an IPv6 nexthop of an IPv4 route), as an address. */
  get via(): string | undefined {
    return this.attr(C.RTA_VIA, rtvia, 'via')?.address;
  }

  /** RTA_VIA's address family as `ip -j` prints it (`'inet'`, `'inet6'`), or its number. */
  get viaFamily(): string | number | undefined {
    const v = this.attr(C.RTA_VIA, rtvia, 'via');
    if (v === undefined) return undefined;
    return v.family === AF_INET ? 'inet' : v.family === AF_INET6 ? 'inet6' : v.family;
  }

  /** RTA_OIF: the output interface's ifindex. */
  get oif(): number | undefined {
    return this.attrU32(C.RTA_OIF, 'oif');
  }

  /** RTA_IIF: the input interface's ifindex (route lookups with `iif`, multicast caches). */
  get iif(): number | undefined {
    return this.attrU32(C.RTA_IIF, 'iif');
  }

  /**
   * The table as `ip` names it and as the inputs take it: `'main'`, `'local'` or `'default'` for
   * the reserved ids (254, 255, 253), the id for every other table (`100`). {@link tableId} is
   * always the number.
   */
  get table(): RouteTableValue {
    return E.ROUTE_TABLES.nameOr(this.tableId);
  }

  /** The table id: RTA_TABLE when present (ids above 255 only travel there), else rtm_table. */
  get tableId(): number {
    return this.attrU32(C.RTA_TABLE, 'table') ?? this.byteAt(RTMSG_AT + 4);
  }

  /** rtm_protocol as `ip` names it (`'kernel'`, `'boot'`, `'static'`, `'dhcp'` …), or its number. */
  get protocol(): string | number {
    return E.PROTOCOLS.nameOr(this.byteAt(RTMSG_AT + 5));
  }

  /** rtm_scope as `ip` names it (`'global'` for RT_SCOPE_UNIVERSE, `'link'`, `'host'` …), or its number. */
  get scope(): string | number {
    return E.SCOPES.nameOr(this.byteAt(RTMSG_AT + 6));
  }

  /** rtm_type as `ip` names it (`'unicast'`, `'local'`, `'blackhole'`, `'unreachable'` …). */
  get type(): string | number {
    return E.ROUTE_TYPES.nameOr(this.byteAt(RTMSG_AT + 7));
  }

  /** rtm_flags, raw. */
  get rawFlags(): number {
    return this.u32At(RTMSG_AT + 8);
  }

  /** rtm_flags as `ip -j` names them (`'onlink'`, `'linkdown'`, `'offload'`, `'rt_trap'` …). */
  get flags(): string[] {
    const bits = this.rawFlags;
    return bits === 0 ? [] : C.routeFlagNames(bits);
  }

  /** True for entries of the route cache / exceptions and `get` answers (RTM_F_CLONED). */
  get cloned(): boolean {
    return (this.rawFlags & C.RTM_F_CLONED) !== 0;
  }

  /** RTA_PRIORITY: the route's metric. */
  get metric(): number | undefined {
    return this.attrU32(C.RTA_PRIORITY, 'priority');
  }

  /** RTA_PREFSRC: the preferred source address. */
  get prefsrc(): string | undefined {
    return this.attrIp(C.RTA_PREFSRC, 'prefsrc');
  }

  /** RTA_METRICS: `{ mtu, advmss, hoplimit, … }` (raw RTAX_* values; `lock` is the RTAX_LOCK bit mask). */
  get metrics(): RouteMetricValues | undefined {
    return this.attr(C.RTA_METRICS, rtaMetrics, 'metrics');
  }

  /** RTA_MULTIPATH: the paths of an ECMP route with their weights. */
  get multipath(): RouteNexthop[] | undefined {
    const hops = this.attr(C.RTA_MULTIPATH, rtaMultipath, 'multipath');
    if (hops === undefined) return undefined;
    return hops.map((h) => {
      const a = h.attributes;
      const out: RouteNexthop = { oif: h.ifindex, weight: h.hops + 1, flags: C.routeFlagNames(h.flags) };
      if (a.gateway !== undefined) out.gateway = a.gateway;
      if (a.via !== undefined) out.via = a.via.address;
      if (a.flow !== undefined) out.realms = a.flow;
      if (a.encapType !== undefined) out.encapType = ENCAP_TYPES.nameOr(a.encapType);
      if (a.encap !== undefined) out.encap = decodeEncap(a.encapType ?? 0, Buffer.from(a.encap), 'route.multipath.encap');
      return out;
    });
  }

  /** RTA_PREF (IPv6 router preference) as `ip` names it: `'medium'`, `'high'`, `'low'`, or its number. */
  get pref(): string | number | undefined {
    const v = this.attrU8(C.RTA_PREF, 'pref');
    return v === undefined ? undefined : C.ROUTE_PREFS.nameOr(v);
  }

  /**
   * Seconds until the route expires, as `ip` prints it: RTA_EXPIRES when the kernel sent one, else
   * rta_expires of RTA_CACHEINFO / USER_HZ. Undefined for routes that do not expire.
   */
  get expires(): number | undefined {
    const e = this.attr(C.RTA_EXPIRES, rtaExpires, 'expires');
    if (e !== undefined) return Number(e);
    const ci = this.cacheinfo;
    return ci === undefined || ci.expires === 0 ? undefined : Math.trunc(ci.expires / C.USER_HZ);
  }

  /** RTA_CACHEINFO (struct rta_cacheinfo). */
  get cacheinfo(): RouteCacheInfo | undefined {
    return this.attr(C.RTA_CACHEINFO, rtaCacheinfo, 'cacheinfo');
  }

  /** RTA_MARK (route lookups with a mark). */
  get mark(): number | undefined {
    return this.attrU32(C.RTA_MARK, 'mark');
  }

  /** RTA_UID (route lookups). */
  get uid(): number | undefined {
    return this.attrU32(C.RTA_UID, 'uid');
  }

  /** RTA_FLOW: the realms (`to` in the low 16 bits, `from` in the high 16 bits). */
  get realms(): number | undefined {
    return this.attrU32(C.RTA_FLOW, 'flow');
  }

  /** RTA_NH_ID: the nexthop object the route uses. */
  get nhid(): number | undefined {
    return this.attrU32(C.RTA_NH_ID, 'nhId');
  }

  /** RTA_ENCAP_TYPE as `ip` names it (`'mpls'`, `'ip'`, `'ip6'`, `'seg6'` …). */
  get encapType(): string | number | undefined {
    const t = this.attrU16(C.RTA_ENCAP_TYPE, 'encapType');
    return t === undefined ? undefined : ENCAP_TYPES.nameOr(t);
  }

  /** RTA_ENCAP decoded by its type (ip, ip6, mpls, seg6 and seg6local as fields; other types raw bytes). */
  get encap(): Record<string, unknown> | Uint8Array | undefined {
    const at = this.locate(C.RTA_ENCAP);
    if (at < 0) return undefined;
    const type = this.attrU16(C.RTA_ENCAP_TYPE, 'encapType') ?? 0;
    const buf = this.buffer();
    return decodeEncap(type, buf.subarray(at, at + attrLength(buf, at)));
  }

  /** RTA_NEWDST (`ip route … as to …`, MPLS label swaps) as label numbers. */
  get newdst(): number[] | undefined {
    return this.attr(C.RTA_NEWDST, mplsLabelStack, 'newdst');
  }

  /** RTA_TTL_PROPAGATE (MPLS). */
  get ttlPropagate(): boolean | undefined {
    const v = this.attrU8(C.RTA_TTL_PROPAGATE, 'ttlPropagate');
    return v === undefined ? undefined : v !== 0;
  }

  /** Every RTA_* attribute, fully decoded (unknown ones kept raw). */
  get attributes(): RouteAttributes {
    return routeAttrs.decode(this.buffer(), this.attrStart(), this.end(), 'route');
  }

  /** Attributes this library has no name for, kept raw. */
  get unknown(): UnknownAttr[] {
    return this.attributes.unknown ?? [];
  }

  /**
   * The fields `ip -j route` shows, as the getters return them, in a new plain object; fields the
   * message does not carry are left out (as JSON leaves them out). Not included: `header`,
   * `attributes`, `unknown`, `raw`, and what the object holds otherwise (`dstLen`/`srcLen` are in
   * `dst`/`src`, `tableId` is `table`, `rawFlags`/`cloned` are in `flags`, `viaFamily` is the family
   * of `via`).
   */
  toObject(): RouteObject {
    // One walk (the attribute index), then the header's bytes and the common attributes read where
    // the index points, with the getters' readers; the rarer fields through their getters, only
    // when the index holds their attribute.
    const ix = this.attributeIndex();
    const buf = this.buffer();
    const h = this.offset() + RTMSG_AT;
    const rtmFamily = buf[h]!;
    const dstLen = buf[h + 1]!;
    const srcLen = buf[h + 2]!;
    const flags = (buf[h + 8]! | (buf[h + 9]! << 8) | (buf[h + 10]! << 16)) + buf[h + 11]! * 0x1000000;
    let at = ix[C.RTA_TABLE]!;
    const table = at === 0 ? buf[h + 4]! : readU32Attr(buf, at, 'route', 'table');
    at = ix[C.RTA_DST]!;
    const o: RouteObject = {
      family: ipVersionOf(rtmFamily) ?? rtmFamily,
      type: E.ROUTE_TYPES.nameOr(buf[h + 7]!),
      dst: dstLen === 0 ? 'default' : `${at === 0 ? zeroAddress(rtmFamily) : readIpAttr(buf, at, 'route', 'dst')}/${dstLen}`,
      tos: buf[h + 3]!,
      table: E.ROUTE_TABLES.nameOr(table),
      protocol: E.PROTOCOLS.nameOr(buf[h + 5]!),
      scope: E.SCOPES.nameOr(buf[h + 6]!),
      flags: flags === 0 ? [] : C.routeFlagNames(flags),
    };
    at = ix[C.RTA_SRC]!;
    if (srcLen !== 0 || at !== 0) o.src = `${at === 0 ? zeroAddress(rtmFamily) : readIpAttr(buf, at, 'route', 'src')}/${srcLen}`;
    if ((at = ix[C.RTA_GATEWAY]!) !== 0) o.gateway = readIpAttr(buf, at, 'route', 'gateway');
    if (ix[C.RTA_VIA] !== 0) {
      const via = this.via;
      if (via !== undefined) o.via = via;
    }
    if ((at = ix[C.RTA_OIF]!) !== 0) o.oif = readU32Attr(buf, at, 'route', 'oif');
    if ((at = ix[C.RTA_IIF]!) !== 0) o.iif = readU32Attr(buf, at, 'route', 'iif');
    if ((at = ix[C.RTA_PREFSRC]!) !== 0) o.prefsrc = readIpAttr(buf, at, 'route', 'prefsrc');
    if ((at = ix[C.RTA_PRIORITY]!) !== 0) o.metric = readU32Attr(buf, at, 'route', 'priority');
    if (ix[C.RTA_METRICS] !== 0) {
      const metrics = this.metrics;
      if (metrics !== undefined) o.metrics = metrics;
    }
    if (ix[C.RTA_MULTIPATH] !== 0) {
      const multipath = this.multipath;
      if (multipath !== undefined) o.multipath = multipath;
    }
    if (ix[C.RTA_PREF] !== 0) {
      const pref = this.pref;
      if (pref !== undefined) o.pref = pref;
    }
    if (ix[C.RTA_EXPIRES] !== 0 || ix[C.RTA_CACHEINFO] !== 0) {
      const expires = this.expires;
      if (expires !== undefined) o.expires = expires;
    }
    if ((at = ix[C.RTA_MARK]!) !== 0) o.mark = readU32Attr(buf, at, 'route', 'mark');
    if ((at = ix[C.RTA_UID]!) !== 0) o.uid = readU32Attr(buf, at, 'route', 'uid');
    if ((at = ix[C.RTA_FLOW]!) !== 0) o.realms = readU32Attr(buf, at, 'route', 'flow');
    if ((at = ix[C.RTA_NH_ID]!) !== 0) o.nhid = readU32Attr(buf, at, 'route', 'nhId');
    if (ix[C.RTA_ENCAP_TYPE] !== 0) {
      const encapType = this.encapType;
      if (encapType !== undefined) o.encapType = encapType;
    }
    if (ix[C.RTA_ENCAP] !== 0) {
      const encap = this.encap;
      if (encap !== undefined) o.encap = encap;
    }
    if (ix[C.RTA_NEWDST] !== 0) {
      const newdst = this.newdst;
      if (newdst !== undefined) o.newdst = newdst;
    }
    if (ix[C.RTA_TTL_PROPAGATE] !== 0) {
      const ttlPropagate = this.ttlPropagate;
      if (ttlPropagate !== undefined) o.ttlPropagate = ttlPropagate;
    }
    if (ix[C.RTA_CACHEINFO] !== 0) {
      const cacheinfo = this.cacheinfo;
      if (cacheinfo !== undefined) o.cacheinfo = cacheinfo;
    }
    return o;
  }

  /**
   * `ip route`'s line, shortened: `[type] dst [from src] [via gw] [dev oif] [table t] [proto p]
   * [scope s] [src prefsrc] [metric m]` — the table when it is not main, the scope when it is not
   * global, ifindexes for devices (`10.0.0.0/24 via 10.0.0.1 dev 2 table 100 proto static`).
   */
  toString(): string {
    const type = this.type;
    const src = this.src;
    const gateway = this.gateway ?? this.via;
    const oif = this.oif;
    const table = this.table;
    const scope = this.scope;
    const prefsrc = this.prefsrc;
    const metric = this.metric;
    return `${type === 'unicast' ? '' : `${type} `}${this.dst}${src === undefined ? '' : ` from ${src}`}`
      + `${gateway === undefined ? '' : ` via ${gateway}`}${oif === undefined ? '' : ` dev ${oif}`}`
      + `${table === 'main' ? '' : ` table ${table}`} proto ${this.protocol}`
      + `${scope === 'global' ? '' : ` scope ${scope}`}${prefsrc === undefined ? '' : ` src ${prefsrc}`}`
      + `${metric === undefined ? '' : ` metric ${metric}`}`;
  }
}

/** What {@link Route.toObject} returns: the getters' values; a field the message lacks is absent. */
export interface RouteObject {
  /** 4 or 6 for IP routes; the raw rtm_family for others (RTNL_FAMILY_IPMR = 128 …). */
  family: number;
  /** rtm_type as `ip` names it (`'unicast'`, `'local'`, `'blackhole'`, `'unreachable'` …). */
  type: string | number;
  /** The destination: `'10.2.0.0/16'`, `'2001:db8::1/128'`, or `'default'` for a zero-length prefix. */
  dst: string;
  /** rtm_tos. */
  tos: number;
  /** The table as `ip` names it and as the inputs take it: `'main'`, `'local'` or `'default'` for the reserved ids (254, 255, 253), the id for every other table (`100`). `tableId` is always the number. */
  table: RouteTableValue;
  /** rtm_protocol as `ip` names it (`'kernel'`, `'boot'`, `'static'`, `'dhcp'` …), or its number. */
  protocol: string | number;
  /** rtm_scope as `ip` names it (`'global'` for RT_SCOPE_UNIVERSE, `'link'`, `'host'` …), or its number. */
  scope: string | number;
  /** rtm_flags as `ip -j` names them (`'onlink'`, `'linkdown'`, `'offload'`, `'rt_trap'` …). */
  flags: string[];
  /** The source selector (RTA_SRC, `ip route … from`), or undefined when there is none. */
  src?: string;
  /** RTA_GATEWAY. */
  gateway?: string;
  /** RTA_VIA: a gateway of another address family (an IPv6 nexthop of an IPv4 route), as an address. */
  via?: string;
  /** RTA_OIF: the output interface's ifindex. */
  oif?: number;
  /** RTA_IIF: the input interface's ifindex (route lookups with `iif`, multicast caches). */
  iif?: number;
  /** RTA_PREFSRC: the preferred source address. */
  prefsrc?: string;
  /** RTA_PRIORITY: the route's metric. */
  metric?: number;
  /** RTA_METRICS: `{ mtu, advmss, hoplimit, … }` (raw RTAX_* values; `lock` is the RTAX_LOCK bit mask). */
  metrics?: RouteMetricValues;
  /** RTA_MULTIPATH: the paths of an ECMP route with their weights. */
  multipath?: RouteNexthop[];
  /** RTA_PREF (IPv6 router preference) as `ip` names it: `'medium'`, `'high'`, `'low'`, or its number. */
  pref?: string | number;
  /** Seconds until the route expires, as `ip` prints it: RTA_EXPIRES when the kernel sent one, else rta_expires of RTA_CACHEINFO / USER_HZ. */
  expires?: number;
  /** RTA_MARK (route lookups with a mark). */
  mark?: number;
  /** RTA_UID (route lookups). */
  uid?: number;
  /** RTA_FLOW: the realms (`to` in the low 16 bits, `from` in the high 16 bits). */
  realms?: number;
  /** RTA_NH_ID: the nexthop object the route uses. */
  nhid?: number;
  /** RTA_ENCAP_TYPE as `ip` names it (`'mpls'`, `'ip'`, `'ip6'`, `'seg6'` …). */
  encapType?: string | number;
  /** RTA_ENCAP decoded by its type (ip, ip6, mpls, seg6 and seg6local as fields; other types raw bytes). */
  encap?: Record<string, unknown> | Uint8Array;
  /** RTA_NEWDST (`ip route … as to …`, MPLS label swaps) as label numbers. */
  newdst?: number[];
  /** RTA_TTL_PROPAGATE (MPLS). */
  ttlPropagate?: boolean;
  /** RTA_CACHEINFO (struct rta_cacheinfo). */
  cacheinfo?: RouteCacheInfo;
}

/** Decodes a route message into a lazy {@link Route} (the message's bytes are referenced, not copied).
 * A DecodeError when `buf[off, off + len)` cannot hold the message its nlmsg_len announces (see MessageView). */
export function routeView(buf: Buffer, off: number, len: number): Route {
  return new Route(buf, off, len);
}
