/**
 * Caller input of `nl.routes` checked into the forms request.ts writes: a {@link RouteSpec} (or a
 * Route view to delete) into a {@link CheckedRoute}, `get` options into a {@link CheckedGet}. Every
 * check throws a ValidationError naming the field before anything is sent; options are read from
 * own properties only, and names go through Maps (EnumTable), never through an object's properties.
 *
 * The defaults are `ip route`'s: table main (local for local, broadcast, nat and anycast routes),
 * protocol boot, scope link for routes without a gateway (host for local routes); a delete leaves
 * protocol, type and scope as wildcards unless they are given (or, for scope, implied by the type).
 */
import { ValidationError } from '../../core/errors.js';
import {
  AF_INET, familyOf, hasHostBits, ipv4HostBits, ipv4Number, ipv4PrefixNumber, parseIp, parsePrefix, type IpVersion,
} from '../../core/inet.js';
import { NLA_HDRLEN, NLMSG_HDRLEN, align4 } from '../../core/protocol.js';
import { forEachAttr, scanAttr } from '../../core/attributes.js';
import { isMessageView } from '../../core/message-view.js';
import {
  checkArray, checkBool, checkInt, checkKeys, checkLinkRef, checkObject, checkU32, isIfindex, isPlainLinkName, type LinkRef,
} from '../../core/validate.js';
import * as E from '../enums.js';
import * as C from './constants.js';
import { RTMSG_SIZE, type RouteMetrics, type RtMsg } from './codec.js';
import { METRIC_OPTIONS, checkMetrics } from './metrics.js';
import {
  LWTUNNEL_ENCAP_IP, LWTUNNEL_ENCAP_IP6, LWTUNNEL_ENCAP_MPLS, LWTUNNEL_ENCAP_SEG6, LWTUNNEL_ENCAP_SEG6_LOCAL, MPLS_LABEL_MAX,
  SEG6_IPTUN_MODE_INLINE, SEG6_LOCAL_ACTION_END_B6, SEG6_LOCAL_ACTIONS, SEG6_MODES, SRH_MAX_SEGMENTS, type RouteEncap,
} from './encap.js';
import type { RouteGetOptions } from './options.js';
import { Route } from './view.js';

/** A gateway of another address family than the route's (RTA_VIA, struct rtvia). */
export interface CheckedVia {
  /** rtvia_family: AF_INET or AF_INET6. */
  family: number;
  /** The address, 4 or 16 bytes. */
  bytes: Uint8Array;
}

/** One path of a multipath route (struct rtnexthop), checked; its link name still to resolve. */
export interface CheckedNexthop {
  /** RTA_GATEWAY: a gateway of the route's family. */
  gateway: Uint8Array | undefined;
  /** RTA_VIA: a gateway of the other family. */
  via: CheckedVia | undefined;
  /** rtnh_ifindex, by name or ifindex. */
  oif: LinkRef | undefined;
  /** rtnh_hops: weight - 1. */
  hops: number;
  /** rtnh_flags: RTNH_F_*. */
  flags: number;
  /** RTA_FLOW of the path (realms). */
  realms: number | undefined;
}

/**
 * A route request, checked and parsed once: its rtmsg and the attribute values request.ts writes,
 * except link names still to resolve. Built in one object literal (every field present), so every
 * checked route has the same shape.
 */
export interface CheckedRoute extends RtMsg {
  /** RTA_TABLE: a table id above 255 (rtm_table then holds RT_TABLE_UNSPEC). */
  rtaTable: number | undefined;
  /** RTA_DST: the destination address (absent for `default` without `family`, as iproute2; and when {@link dst4} holds it). */
  dst: Uint8Array | undefined;
  /** RTA_DST of an IPv4 prefix given as `a.b.c.d/len`, as a number (parsed once, written as it is), else -1. */
  dst4: number;
  /** RTA_SRC: the source selector's address. */
  src: Uint8Array | undefined;
  /** RTA_GATEWAY (unless {@link gateway4} holds it). */
  gateway: Uint8Array | undefined;
  /** RTA_GATEWAY of an IPv4 route given as dotted-quad text, as a number (parsed once, written as it is), else -1. */
  gateway4: number;
  /** RTA_VIA. */
  via: CheckedVia | undefined;
  /** RTA_OIF, by name or ifindex. */
  oif: LinkRef | undefined;
  /** RTA_PRIORITY. */
  metric: number | undefined;
  /** RTA_PREFSRC. */
  prefsrc: Uint8Array | undefined;
  /** RTA_FLOW (realms). */
  realms: number | undefined;
  /** RTA_PREF (ICMPV6_ROUTER_PREF_*). */
  pref: number | undefined;
  /** RTA_EXPIRES, seconds. */
  expires: number | undefined;
  /** RTA_NH_ID. */
  nhid: number | undefined;
  /** RTA_METRICS, in the order iproute2 writes them. */
  metrics: RouteMetrics | undefined;
  /** RTA_MULTIPATH. */
  multipath: CheckedNexthop[] | undefined;
  /** RTA_ENCAP and RTA_ENCAP_TYPE. */
  encap: RouteEncap | undefined;
  /** A Route view to delete: its message after the nlmsghdr, sent back as it is (see withoutNexthopExpansion). */
  raw: Buffer | undefined;
}

/** Which request a spec is checked for: add/replace fill in `ip route add`'s defaults, del leaves wildcards. */
export type RouteMode = 'add' | 'del';

const SPEC_KEYS = [
  'dst', 'family', 'src', 'gateway', 'via', 'oif', 'table', 'metric', 'scope', 'protocol', 'type', 'prefsrc', 'tos',
  'onlink', 'realms', 'nhid', 'multipath', 'encap', 'pref', 'expires', 'mtu', 'advmss', 'hoplimit', 'window', 'rtt', 'rttvar',
  'ssthresh', 'cwnd', 'initcwnd', 'initrwnd', 'reordering', 'features', 'rtoMin', 'quickack', 'fastopenNoCookie',
  'congctl', 'lock',
];
const SPEC_KEY_SET = new Set(SPEC_KEYS);
/** The options most routes are given: the key check looks each of them up once (see checkRoute). */
const COMMON_KEYS: ReadonlySet<string> = new Set(['dst', 'family', 'gateway', 'oif', 'table', 'metric', 'scope', 'protocol', 'type']);
const HOP_KEYS = ['gateway', 'via', 'oif', 'weight', 'onlink', 'realms'];
const GET_KEYS = ['from', 'iif', 'oif', 'mark', 'uid', 'tos', 'ipProto', 'sport', 'dport', 'fibMatch'];
const ENCAP_KEYS = new Map<string, readonly string[]>([
  ['ip', ['type', 'id', 'dst', 'src', 'ttl', 'tos']],
  ['ip6', ['type', 'id', 'dst', 'src', 'hoplimit', 'tc']],
  ['mpls', ['type', 'labels', 'ttl']],
  ['seg6', ['type', 'mode', 'segments']],
  ['seg6local', ['type', 'action', 'nh4', 'nh6', 'table', 'vrftable', 'iif', 'oif', 'segments']],
]);

/** The object's field name for messages: `route` for a single call, `routes[3]` in a bulk call. */
function objectField(p: string): string {
  return p === '' ? 'route' : p.slice(0, -1);
}

/**
 * Checks a {@link RouteSpec} (field names prefixed with `p`, e.g. `'routes[3].'`), or for `del` a
 * {@link Route} view, into a {@link CheckedRoute}.
 */
export function checkRoute(p: string, spec: unknown, mode: RouteMode): CheckedRoute {
  if (spec instanceof Route) {
    // Only a view this library made holds a message (Object.create(Route.prototype) holds none).
    if (!isMessageView(spec)) throw new ValidationError(objectField(p), spec, 'a route spec object, or for del a Route view from a dump, is required');
    if (mode === 'del') return checkRouteView(p, spec);
    throw new ValidationError(objectField(p), spec.dst, 'a route spec object is required (Route views are accepted by del only)');
  }
  const o = checkObject(objectField(p), spec);
  let hasMetrics = false;
  // for...in over the copy (it inherits no key), not for...of Object.keys: no array and no iterator
  // results, and one set lookup for a common key. Bulk calls check thousands of routes before V8
  // optimises this function, where each call counts.
  for (const key in o) {
    if (COMMON_KEYS.has(key)) continue;
    if (METRIC_OPTIONS.has(key)) hasMetrics = true;
    else if (!SPEC_KEY_SET.has(key) && o[key] !== undefined) checkKeys(p.slice(0, -1), o, SPEC_KEYS);
  }
  if (o.dst === undefined) throw new ValidationError(`${p}dst`, o.dst, 'a destination is required (a CIDR or "default")');
  let version: IpVersion | undefined;
  if (o.family !== undefined) {
    if (o.family !== 4 && o.family !== 6) throw new ValidationError(`${p}family`, o.family, '4 or 6 is required');
    version = o.family;
  }
  let dstLen = 0;
  let dst: Uint8Array | undefined;
  let dst4 = -1;
  if (o.dst === 'default') {
    // With an explicit family, iproute2 (`ip -6 route add default …`) sends an all-zero RTA_DST;
    // with the family taken from the gateway (`ip route add default via …`) it sends none. Same here.
    if (version !== undefined) dst = new Uint8Array(version === 4 ? 4 : 16);
    version ??= impliedVersion(o);
    if (version === undefined) {
      throw new ValidationError(`${p}family`, undefined, '"default" needs family 4 or 6 (or a gateway/prefsrc telling it)');
    }
  } else {
    // The common `a.b.c.d/len` parsed into a number (bulk calls parse thousands); anything else,
    // IPv6 or text that is not exactly that, through parsePrefix and its exact errors.
    let given: IpVersion;
    let hostBits: boolean;
    const p4 = ipv4PrefixNumber(o.dst);
    if (p4 >= 0) {
      given = 4;
      dstLen = p4 % 64;
      dst4 = (p4 - dstLen) / 64;
      hostBits = ipv4HostBits(dst4, dstLen);
    } else {
      const prefix = parsePrefix(`${p}dst`, o.dst);
      given = prefix.version;
      dstLen = prefix.prefixlen;
      dst = prefix.bytes;
      hostBits = hasHostBits(prefix.bytes, prefix.prefixlen);
    }
    if (version !== undefined && given !== version) {
      throw new ValidationError(`${p}dst`, o.dst, `an IPv${version} destination is required (family is ${version})`);
    }
    version = given;
    if (hostBits) {
      throw new ValidationError(`${p}dst`, o.dst, 'host bits are set beyond the prefix length (the kernel refuses this with EINVAL)');
    }
  }
  const family = familyOf(version);
  let srcLen = 0;
  let src: Uint8Array | undefined;
  if (o.src !== undefined) {
    const s = parsePrefix(`${p}src`, o.src, { version });
    if (hasHostBits(s.bytes, s.prefixlen)) throw new ValidationError(`${p}src`, o.src, 'host bits are set beyond the prefix length');
    srcLen = s.prefixlen;
    src = s.bytes;
  }
  if (o.gateway !== undefined && o.via !== undefined) {
    throw new ValidationError(`${p}via`, o.via, 'give either gateway or via, not both');
  }
  // An IPv4 gateway of an IPv4 route (the usual case) parsed once, into the number it is written as.
  const rawGateway = o.gateway;
  const gateway4 = version === 4 && rawGateway !== undefined ? ipv4Number(rawGateway) : -1;
  let gateway = rawGateway === undefined || gateway4 >= 0 ? undefined : checkAddress(`${p}gateway`, rawGateway, version, 'gateway');
  let via: CheckedVia | undefined;
  if (o.via !== undefined) {
    // A via of the route's own family is a plain gateway, as `ip` sends it.
    via = checkVia(`${p}via`, o.via, version);
    if (via.family === family) [gateway, via] = [via.bytes, undefined];
  }
  const throughGateway = gateway !== undefined || gateway4 >= 0 || via !== undefined;
  // A plain name or an ifindex (the usual oif) is recognised without building its field path.
  const rawOif = o.oif;
  const oif = rawOif === undefined ? undefined : isPlainLinkName(rawOif) || isIfindex(rawOif) ? rawOif : checkLinkRef(`${p}oif`, rawOif);
  const metric = o.metric === undefined ? undefined : checkU32(`${p}metric`, o.metric);
  const protocol = o.protocol !== undefined ? E.PROTOCOLS.check(`${p}protocol`, o.protocol)
    : mode === 'add' ? E.RTPROT_BOOT : E.RTPROT_UNSPEC;
  const type = o.type !== undefined ? checkRouteType(`${p}type`, o.type) : mode === 'add' ? E.RTN_UNICAST : E.RTN_UNSPEC;
  // iproute2's default table: local for the types the kernel keeps there, main for the rest.
  const table = o.table !== undefined ? E.checkTable(`${p}table`, o.table)
    : type === E.RTN_LOCAL || type === E.RTN_BROADCAST || type === E.RTN_NAT || type === E.RTN_ANYCAST ? E.RT_TABLE_LOCAL : E.RT_TABLE_MAIN;
  const prefsrc = o.prefsrc === undefined ? undefined : checkAddress(`${p}prefsrc`, o.prefsrc, version, 'prefsrc');
  const tos = o.tos === undefined ? 0 : checkInt(`${p}tos`, o.tos, 0, 255);
  const flags = o.onlink !== undefined && checkBool(`${p}onlink`, o.onlink) ? C.RTNH_F_ONLINK : 0;
  const realms = o.realms === undefined ? undefined : checkU32(`${p}realms`, o.realms);
  const nhid = o.nhid === undefined ? undefined : checkInt(`${p}nhid`, o.nhid, 1, 0xffffffff);
  let pref: number | undefined;
  if (o.pref !== undefined) {
    pref = typeof o.pref === 'string' ? C.ROUTE_PREFS.value(o.pref) : undefined;
    if (pref === undefined) throw new ValidationError(`${p}pref`, o.pref, 'low, medium or high is required');
    if (version !== 6) throw new ValidationError(`${p}pref`, o.pref, 'pref applies to IPv6 routes only');
  }
  let expires: number | undefined;
  if (o.expires !== undefined) {
    expires = checkU32(`${p}expires`, o.expires);
    if (version !== 6) throw new ValidationError(`${p}expires`, o.expires, 'expires applies to IPv6 routes only');
  }
  let multipath: CheckedNexthop[] | undefined;
  // Read once (a getter must not answer differently between the checks), holes refused.
  const hopsIn = o.multipath;
  if (hopsIn !== undefined) {
    if (!Array.isArray(hopsIn) || hopsIn.length === 0) {
      throw new ValidationError(`${p}multipath`, hopsIn, 'a non-empty array of nexthops is required');
    }
    if (throughGateway) {
      throw new ValidationError(`${p}multipath`, hopsIn, 'a multipath route takes its gateways in the nexthops, not in gateway/via');
    }
    multipath = checkArray(`${p}multipath`, hopsIn, 'nexthops').map((h, i) => checkNexthop(`${p}multipath[${i}]`, h, version, family));
  }
  const encap = o.encap === undefined ? undefined : checkEncap(`${p}encap`, o.encap);
  const metrics = hasMetrics ? checkMetrics(p, o) : undefined;
  let scope: number = E.RT_SCOPE_UNIVERSE;
  const rawScope = o.scope;
  if (rawScope !== undefined) {
    // A known name is looked up without building the field path (check() names it on failure).
    scope = (typeof rawScope === 'string' ? E.SCOPES.value(rawScope) : undefined) ?? E.SCOPES.check(`${p}scope`, rawScope);
  } else if (version === 4) {
    // iproute2's defaults: host for local/nat, link for broadcast/multicast/anycast; for unicast
    // (or no type), a wildcard in a delete (RT_SCOPE_NOWHERE, for fib_table_delete), else link for
    // routes with no gateway. IPv6 routes are always global, deletes included.
    if (type === E.RTN_LOCAL || type === E.RTN_NAT) scope = E.RT_SCOPE_HOST;
    else if (type === E.RTN_BROADCAST || type === E.RTN_MULTICAST || type === E.RTN_ANYCAST) scope = E.RT_SCOPE_LINK;
    else if (type === E.RTN_UNICAST || type === E.RTN_UNSPEC) {
      if (mode === 'del') scope = E.RT_SCOPE_NOWHERE;
      else if (!throughGateway && multipath === undefined && nhid === undefined) scope = E.RT_SCOPE_LINK;
    }
  }
  return {
    family, dstLen, srcLen, tos,
    // Table ids above 255 do not fit rtm_table (a u8): they travel in RTA_TABLE.
    table: table < 256 ? table : E.RT_TABLE_UNSPEC, protocol, scope, type, flags,
    rtaTable: table < 256 ? undefined : table,
    dst, dst4, src, gateway, gateway4, via, oif, metric, prefsrc, realms, pref, expires, nhid, metrics, multipath, encap, raw: undefined,
  };
}

/** A Route view to delete: its own message, sent back as RTM_DELROUTE (what `ip route flush` does). */
function checkRouteView(p: string, route: Route): CheckedRoute {
  const raw = withoutNexthopExpansion(route.raw);
  if (raw.length < NLMSG_HDRLEN + RTMSG_SIZE) throw new ValidationError(objectField(p), route, 'a route message is required');
  return {
    family: raw[NLMSG_HDRLEN]!, dstLen: 0, srcLen: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0,
    rtaTable: undefined, dst: undefined, dst4: -1, src: undefined, gateway: undefined, gateway4: -1, via: undefined, oif: undefined,
    metric: undefined, prefsrc: undefined, realms: undefined, pref: undefined, expires: undefined, nhid: undefined,
    metrics: undefined, multipath: undefined, encap: undefined, raw: raw.subarray(NLMSG_HDRLEN),
  };
}

/** What the kernel fills in from a route's nexthop object: refused beside RTA_NH_ID in a request. */
const NEXTHOP_EXPANSION = new Set([C.RTA_OIF, C.RTA_GATEWAY, C.RTA_VIA, C.RTA_MULTIPATH, C.RTA_ENCAP, C.RTA_ENCAP_TYPE]);

/**
 * A dumped route message to send back for deletion. A route using a nexthop object (RTA_NH_ID) is
 * dumped with that nexthop's device, gateway and encap (or a group's paths in RTA_MULTIPATH) filled
 * in, which the kernel refuses beside RTA_NH_ID in a request ("Nexthop specification and nexthop id
 * are mutually exclusive", both families): those attributes are left out, and the nexthop id selects
 * the route. Any other message is returned as it is.
 */
function withoutNexthopExpansion(raw: Buffer): Buffer {
  const start = NLMSG_HDRLEN + RTMSG_SIZE;
  if (raw.length < start || scanAttr(raw, start, raw.length, C.RTA_NH_ID) < 0) return raw;
  const kept: Buffer[] = [raw.subarray(0, start)];
  try {
    forEachAttr(raw, start, raw.length, 'route', (type, off, len) => {
      if (!NEXTHOP_EXPANSION.has(type)) kept.push(raw.subarray(off - NLA_HDRLEN, Math.min(off + align4(len), raw.length)));
    });
  } catch {
    return raw; // malformed after RTA_NH_ID: sent as it is, for the kernel to refuse
  }
  const out = Buffer.concat(kept);
  out.writeUInt32LE(out.length, 0);
  return out;
}

/** A route type for add/replace/del: any RTN_* but RTN_UNSPEC (`none`). */
function checkRouteType(field: string, value: unknown): number {
  if (value === 'none') throw new ValidationError(field, value, `a route type other than 'none' is required`);
  return E.ROUTE_TYPES.check(field, value);
}

/** An IP address of the route's family. */
function checkAddress(field: string, value: unknown, version: IpVersion, what: string): Uint8Array {
  const a = parseIp(field, value);
  if (a.version !== version) {
    throw new ValidationError(field, value, `an IPv${version} ${what} is required for an IPv${version} route` +
      (what === 'gateway' ? ' (use via for a gateway of another family)' : ''));
  }
  return a.bytes;
}

/** A gateway of any family (RTA_VIA), refused where the kernel refuses it. */
function checkVia(field: string, value: unknown, version: IpVersion): CheckedVia {
  const a = parseIp(field, value);
  if (version === 6 && a.version === 4) {
    throw new ValidationError(field, value, 'an IPv6 route cannot have an IPv4 gateway (the kernel takes RTA_VIA for IPv4 routes only)');
  }
  return { family: familyOf(a.version), bytes: a.bytes };
}

/** The IP version a spec's other addresses imply, for `'default'` without `family`. */
function impliedVersion(o: Record<string, unknown>): IpVersion | undefined {
  const probe = (v: unknown): IpVersion | undefined => (typeof v === 'string' ? (v.includes(':') ? 6 : 4) : undefined);
  const hop0 = Array.isArray(o.multipath) && typeof o.multipath[0] === 'object' && o.multipath[0] !== null
    ? (o.multipath[0] as Record<string, unknown>).gateway : undefined;
  return probe(o.gateway) ?? probe(o.prefsrc) ?? probe(o.src) ?? probe(hop0);
}

/** One path of `multipath`, checked. */
function checkNexthop(p: string, value: unknown, version: IpVersion, family: number): CheckedNexthop {
  const o = checkObject(p, value);
  checkKeys(p, o, HOP_KEYS);
  if (o.gateway !== undefined && o.via !== undefined) throw new ValidationError(`${p}.via`, o.via, 'give either gateway or via, not both');
  let gateway = o.gateway === undefined ? undefined : checkAddress(`${p}.gateway`, o.gateway, version, 'gateway');
  let via: CheckedVia | undefined;
  if (o.via !== undefined) {
    via = checkVia(`${p}.via`, o.via, version);
    if (via.family === family) [gateway, via] = [via.bytes, undefined];
  }
  const oif = o.oif === undefined ? undefined : checkLinkRef(`${p}.oif`, o.oif);
  if (gateway === undefined && via === undefined && oif === undefined) {
    throw new ValidationError(p, value, 'a nexthop needs a gateway, a via or an oif');
  }
  const hops = o.weight === undefined ? 0 : checkInt(`${p}.weight`, o.weight, 1, 256) - 1;
  const flags = o.onlink !== undefined && checkBool(`${p}.onlink`, o.onlink) ? C.RTNH_F_ONLINK : 0;
  const realms = o.realms === undefined ? undefined : checkU32(`${p}.realms`, o.realms);
  return { gateway, via, oif, hops, flags, realms };
}

/** A tunnel id: a u64 given as a number or a bigint. */
function checkTunnelId(field: string, v: unknown): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'bigint' && v >= 0n && v <= 0xffffffffffffffffn) return v;
  throw new ValidationError(field, v, 'a tunnel id (a non-negative integer or a u64 bigint) is required');
}

/**
 * Checks an encap spec into the attributes encap.ts writes (in `ip route … encap`'s order). Also
 * the encap of nexthop objects (nexthop/options.ts): the kernel builds both with lwtunnel.
 */
export function checkEncap(p: string, value: unknown): RouteEncap {
  const o = checkObject(p, value);
  const keys = typeof o.type === 'string' ? ENCAP_KEYS.get(o.type) : undefined;
  if (keys === undefined) throw new ValidationError(`${p}.type`, o.type, 'ip, ip6, mpls, seg6 or seg6local is required');
  checkKeys(p, o, keys);
  const u8 = (key: string): number | undefined => (o[key] === undefined ? undefined : checkInt(`${p}.${key}`, o[key], 0, 255));
  if (o.type === 'seg6' || o.type === 'seg6local') return checkSeg6(p, o);
  if (o.type === 'mpls') {
    const labels: unknown = o.labels;
    if (!Array.isArray(labels) || labels.length === 0 || labels.length > 30) {
      throw new ValidationError(`${p}.labels`, labels, 'an array of 1..30 MPLS labels is required');
    }
    const dst = checkArray(`${p}.labels`, labels, 'MPLS labels').map((l, i) => checkInt(`${p}.labels[${i}]`, l, 0, MPLS_LABEL_MAX));
    return { type: LWTUNNEL_ENCAP_MPLS, attributes: definedOnly({ dst, ttl: u8('ttl') }) };
  }
  const version = o.type === 'ip' ? 4 : 6;
  // Addresses are checked here and kept as given: the encap's ip codec writes them.
  const address = (key: 'dst' | 'src', what: string): string | undefined => {
    if (o[key] === undefined) return undefined;
    checkAddress(`${p}.${key}`, o[key], version, what);
    return o[key] as string;
  };
  const id = o.id === undefined ? undefined : checkTunnelId(`${p}.id`, o.id);
  const dst = address('dst', 'tunnel destination');
  const src = address('src', 'tunnel source');
  const ttl = u8(version === 4 ? 'ttl' : 'hoplimit');
  const tos = u8(version === 4 ? 'tos' : 'tc');
  return version === 4
    ? { type: LWTUNNEL_ENCAP_IP, attributes: definedOnly({ id, dst, src, ttl, tos }) }
    : { type: LWTUNNEL_ENCAP_IP6, attributes: definedOnly({ id, dst, src, hoplimit: ttl, tc: tos }) };
}

/**
 * A seg6 or seg6local encap. A header inserted into the packet (seg6 `inline`, seg6local `End.B6`)
 * gets one more segment, `::`, after the caller's: the slot for the packet's own destination, as
 * iproute2 writes it. Link parameters (`iif`, `oif`) are ifindexes.
 */
function checkSeg6(p: string, o: Record<string, unknown>): RouteEncap {
  const segments = (insertion: boolean): string[] => {
    const list = o.segments;
    const max = SRH_MAX_SEGMENTS - (insertion ? 1 : 0);
    if (!Array.isArray(list) || list.length === 0 || list.length > max) {
      throw new ValidationError(`${p}.segments`, list, `an array of 1..${max} IPv6 segments is required`);
    }
    const out = checkArray(`${p}.segments`, list, 'segments').map((x, i) => {
      checkAddress(`${p}.segments[${i}]`, x, 6, 'segment');
      return x as string;
    });
    if (insertion) out.push('::');
    return out;
  };
  if (o.type === 'seg6') {
    if (o.mode === undefined) throw new ValidationError(`${p}.mode`, undefined, `a mode (${SEG6_MODES.names().join(', ')}) is required`);
    const mode = SEG6_MODES.check(`${p}.mode`, o.mode);
    return { type: LWTUNNEL_ENCAP_SEG6, attributes: { srh: { mode, segments: segments(mode === SEG6_IPTUN_MODE_INLINE) } } };
  }
  if (o.action === undefined) throw new ValidationError(`${p}.action`, undefined, 'a seg6local action (End, End.X, End.DT6 …) is required');
  const action = SEG6_LOCAL_ACTIONS.check(`${p}.action`, o.action);
  const address = (key: 'nh4' | 'nh6', version: IpVersion): string | undefined => {
    if (o[key] === undefined) return undefined;
    checkAddress(`${p}.${key}`, o[key], version, 'nexthop');
    return o[key] as string;
  };
  const ifindex = (key: 'iif' | 'oif'): number | undefined =>
    (o[key] === undefined ? undefined : checkInt(`${p}.${key}`, o[key], 1, 0x7fffffff));
  return {
    type: LWTUNNEL_ENCAP_SEG6_LOCAL,
    attributes: definedOnly({
      action,
      srh: o.segments === undefined ? undefined : segments(action === SEG6_LOCAL_ACTION_END_B6),
      table: o.table === undefined ? undefined : E.checkTable(`${p}.table`, o.table),
      nh4: address('nh4', 4),
      nh6: address('nh6', 6),
      iif: ifindex('iif'),
      oif: ifindex('oif'),
      vrftable: o.vrftable === undefined ? undefined : E.checkTable(`${p}.vrftable`, o.vrftable),
    }),
  };
}

/** The fields of `o` that are not undefined, in order (attribute values are optional, never undefined). */
function definedOnly<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** `get` input, checked: the lookup's rtmsg and attributes, link names still to resolve. */
export interface CheckedGet extends RtMsg {
  /** RTA_DST: the address looked up. */
  dst: Uint8Array;
  /** RTA_SRC. */
  from: Uint8Array | undefined;
  /** RTA_IIF, by name or ifindex. */
  iif: LinkRef | undefined;
  /** RTA_OIF, by name or ifindex. */
  oif: LinkRef | undefined;
  /** RTA_MARK. */
  mark: number | undefined;
  /** RTA_UID. */
  uid: number | undefined;
  /** RTA_IP_PROTO. */
  ipProto: number | undefined;
  /** RTA_SPORT. */
  sport: number | undefined;
  /** RTA_DPORT. */
  dport: number | undefined;
}

/** Checks `get(address, options)`. */
export function checkGet(address: unknown, options: RouteGetOptions): CheckedGet {
  const a = parseIp('address', address);
  const o = checkObject('options', options);
  checkKeys('', o, GET_KEYS);
  const from = o.from === undefined ? undefined : checkAddress('from', o.from, a.version, 'source address');
  const iif = o.iif === undefined ? undefined : checkLinkRef('iif', o.iif);
  const oif = o.oif === undefined ? undefined : checkLinkRef('oif', o.oif);
  const mark = o.mark === undefined ? undefined : checkU32('mark', o.mark);
  const uid = o.uid === undefined ? undefined : checkU32('uid', o.uid);
  const tos = o.tos === undefined ? 0 : checkInt('tos', o.tos, 0, 255);
  const ipProto = o.ipProto === undefined ? undefined : checkInt('ipProto', o.ipProto, 0, 255);
  const sport = o.sport === undefined ? undefined : checkInt('sport', o.sport, 0, 0xffff);
  const dport = o.dport === undefined ? undefined : checkInt('dport', o.dport, 0, 0xffff);
  const fibMatch = o.fibMatch === undefined ? false : checkBool('fibMatch', o.fibMatch);
  const family = familyOf(a.version);
  const bits = a.version === 4 ? 32 : 128;
  return {
    family, dstLen: bits, srcLen: from === undefined ? 0 : bits, tos, table: 0, protocol: 0, scope: 0, type: 0,
    // IPv4 lookups ask for RTM_F_LOOKUP_TABLE (rtm_table says which table answered), as ip does;
    // IPv6 refuses the flag under strict checking ("Invalid flags for get route request").
    flags: (family === AF_INET ? C.RTM_F_LOOKUP_TABLE : 0) | (fibMatch ? C.RTM_F_FIB_MATCH : 0),
    dst: a.bytes, from, iif, oif, mark, uid, ipProto, sport, dport,
  };
}
