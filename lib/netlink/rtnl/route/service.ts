/**
 * `nl.routes`: list, stream, look up, add, replace and delete IPv4 and IPv6 routes (RTM_*ROUTE).
 *
 * Every method validates its whole input before anything is sent (a bulk call validates every item
 * first). Link names in `oif` are resolved through `links.index`, each distinct name once per call;
 * a name the kernel does not know is a NetlinkError ENODEV. Requests use the same defaults as
 * `ip route`: table main, protocol boot, scope link for routes without a gateway; a delete leaves
 * protocol, type and scope as wildcards unless they are given.
 */
import { NetlinkError, ProtocolError, ValidationError } from '../../core/errors.js';
import type { BulkResult, Connection } from '../../transport/connection.js';
import { ENOENT } from '../../core/errno.js';
import { AF_INET, AF_INET6, familyOf, hasHostBits, parseIp, parsePrefix, type IpVersion, type Prefix } from '../../core/inet.js';
import type { Links } from '../link/service.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../core/protocol.js';
import * as C from './codec.js';
import * as E from '../enums.js';
import { Route, routeView } from './view.js';
import { RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE } from '../rtm.js';
import { checkBool, checkInt, checkKeys, checkLinkRef, checkObject, checkU32, type LinkRef } from '../../core/validate.js';
import { NlWriter } from '../../core/writer.js';

/** Route type names accepted and printed (`ip route add blackhole …`). */
export type RouteTypeName =
  | 'unicast' | 'local' | 'broadcast' | 'anycast' | 'multicast' | 'blackhole' | 'unreachable' | 'prohibit'
  | 'throw' | 'nat' | 'xresolve';

/** Route scope names (`'global'` is RT_SCOPE_UNIVERSE, also accepted as `'universe'`). */
export type RouteScopeName = 'global' | 'universe' | 'site' | 'link' | 'host' | 'nowhere';

/** A routing table: its id (0..2^32-1) or a reserved name. */
export type RouteTableRef = number | 'main' | 'local' | 'default';

/** One path of a multipath route. */
export interface RouteNexthopSpec {
  /** The path's gateway, of the route's family (RTA_GATEWAY). */
  gateway?: string;
  /** A gateway of another family (RTA_VIA), e.g. an IPv6 nexthop for an IPv4 route. */
  via?: string;
  /** The output link of the path (name or ifindex). */
  oif?: LinkRef;
  /** Relative weight 1..256 (default 1): rtnh_hops = weight - 1. */
  weight?: number;
  /** RTNH_F_ONLINK: the gateway is on the link even if no prefix says so. */
  onlink?: boolean;
  /** RTA_FLOW: realms of the path. */
  realms?: number;
}

/**
 * A lightweight-tunnel encapsulation (RTA_ENCAP + RTA_ENCAP_TYPE, `ip route add … encap …`): `ip`
 * and `ip6` set the tunnel metadata for a collect_md (external) tunnel device, `mpls` pushes labels.
 */
export type RouteEncapSpec =
  | { type: 'ip'; id?: number | bigint; dst?: string; src?: string; ttl?: number; tos?: number }
  | { type: 'ip6'; id?: number | bigint; dst?: string; src?: string; hoplimit?: number; tc?: number }
  | { type: 'mpls'; labels: number[]; ttl?: number };

/** What `add`, `replace` and `del` describe: `ip route add` in object form. */
export interface RouteSpec {
  /** The destination: `'10.2.0.0/16'`, a host (`'10.2.0.1'` = /32), or `'default'`. Host bits must be zero. */
  dst: string;
  /** 4 or 6: needed for `'default'` when nothing else (gateway, prefsrc …) tells the family. */
  family?: 4 | 6;
  /** Source selector prefix (RTA_SRC, `from`; IPv6 subtrees). */
  src?: string;
  /** The gateway, of the route's family (RTA_GATEWAY). */
  gateway?: string;
  /** A gateway of any family (RTA_VIA), e.g. `via: 'fe80::1'` for an IPv4 route. */
  via?: string;
  /** The output link (name or ifindex; RTA_OIF). */
  oif?: LinkRef;
  /** The table: id or `'main'` (default), `'local'`, `'default'`. Ids above 255 travel in RTA_TABLE. */
  table?: RouteTableRef;
  /** RTA_PRIORITY: the metric (IPv6: 0 means 1024). */
  metric?: number;
  /** rtm_scope (default as `ip`: link without a gateway, host for local routes, else global). */
  scope?: RouteScopeName | number;
  /** rtm_protocol (default `'boot'`, like `ip route add`). */
  protocol?: string | number;
  /** rtm_type (default `'unicast'`). */
  type?: RouteTypeName | number;
  /** RTA_PREFSRC: the preferred source address. */
  prefsrc?: string;
  /** rtm_tos. */
  tos?: number;
  /** RTNH_F_ONLINK. */
  onlink?: boolean;
  /** RTA_FLOW: realms. */
  realms?: number;
  /** RTA_NH_ID: use a nexthop object. */
  nhid?: number;
  /** RTA_MULTIPATH: several paths with weights. */
  multipath?: RouteNexthopSpec[];
  /** RTA_ENCAP / RTA_ENCAP_TYPE: a lightweight-tunnel encapsulation. */
  encap?: RouteEncapSpec;
  /** RTA_PREF (IPv6 only): router preference. */
  pref?: 'low' | 'medium' | 'high';
  /** RTA_EXPIRES (IPv6 only): seconds until the route expires. */
  expires?: number;
  /** RTAX_MTU. */
  mtu?: number;
  /** RTAX_ADVMSS. */
  advmss?: number;
  /** RTAX_HOPLIMIT. */
  hoplimit?: number;
  /** RTAX_WINDOW. */
  window?: number;
  /** RTAX_RTT, raw (1/8 ms units, as the kernel stores it). */
  rtt?: number;
  /** RTAX_RTTVAR, raw (1/4 ms units). */
  rttvar?: number;
  /** RTAX_SSTHRESH. */
  ssthresh?: number;
  /** RTAX_CWND. */
  cwnd?: number;
  /** RTAX_INITCWND. */
  initcwnd?: number;
  /** RTAX_INITRWND. */
  initrwnd?: number;
  /** RTAX_REORDERING. */
  reordering?: number;
  /** RTAX_FEATURES (RTAX_FEATURE_* bits). */
  features?: number;
  /** RTAX_RTO_MIN in ms. */
  rtoMin?: number;
  /** RTAX_QUICKACK. */
  quickack?: boolean;
  /** RTAX_FASTOPEN_NO_COOKIE. */
  fastopenNoCookie?: boolean;
  /** RTAX_CC_ALGO: congestion control name. */
  congctl?: string;
  /** RTAX_LOCK: metrics the kernel must not change (names of the options above, e.g. `['mtu']`). */
  lock?: string[];
}

/** Filters of `routes.list` and `routes.stream`. */
export interface RouteListOptions {
  /** Only IPv4 or IPv6 routes (omitted: both; multicast caches and other families are left out). */
  family?: 4 | 6;
  /** Only this table (kernel filter: RTA_TABLE). */
  table?: RouteTableRef;
  /** Only routes through this link, multipath routes included (kernel filter: RTA_OIF). */
  oif?: LinkRef;
  /** Only this rtm_protocol (kernel filter, except `'unspec'`). */
  protocol?: string | number;
  /** Only this rtm_type (kernel filter). */
  type?: RouteTypeName | number;
}

/** Options of `routes.get` (`ip route get`). */
export interface RouteGetOptions {
  /** RTA_SRC: the source address of the lookup. */
  from?: string;
  /** RTA_IIF: look up as if received on this link (needs `from`). */
  iif?: LinkRef;
  /** RTA_OIF: force the output link. */
  oif?: LinkRef;
  /** RTA_MARK: the firewall mark of the lookup. */
  mark?: number;
  /** RTA_UID: the uid of the lookup. */
  uid?: number;
  /** rtm_tos. */
  tos?: number;
  /** RTA_IP_PROTO: the IP protocol number (6 tcp, 17 udp …). */
  ipProto?: number;
  /** RTA_SPORT. */
  sport?: number;
  /** RTA_DPORT. */
  dport?: number;
  /** RTM_F_FIB_MATCH: return the matching FIB entry rather than the resolved route. */
  fibMatch?: boolean;
}

const SPEC_KEYS = [
  'dst', 'family', 'src', 'gateway', 'via', 'oif', 'table', 'metric', 'scope', 'protocol', 'type', 'prefsrc', 'tos',
  'onlink', 'realms', 'nhid', 'multipath', 'encap', 'pref', 'expires', 'mtu', 'advmss', 'hoplimit', 'window', 'rtt', 'rttvar',
  'ssthresh', 'cwnd', 'initcwnd', 'initrwnd', 'reordering', 'features', 'rtoMin', 'quickack', 'fastopenNoCookie',
  'congctl', 'lock',
];
const SPEC_KEY_SET = new Set(SPEC_KEYS);
const METRIC_KEYS = new Set([
  'mtu', 'advmss', 'hoplimit', 'window', 'rtt', 'rttvar', 'ssthresh', 'cwnd', 'initcwnd', 'initrwnd', 'reordering',
  'features', 'rtoMin', 'quickack', 'fastopenNoCookie', 'congctl', 'lock',
]);
const HOP_KEYS = ['gateway', 'via', 'oif', 'weight', 'onlink', 'realms'];
const LIST_KEYS = ['family', 'table', 'oif', 'protocol', 'type'];
const GET_KEYS = ['from', 'iif', 'oif', 'mark', 'uid', 'tos', 'ipProto', 'sport', 'dport', 'fibMatch'];

/** Numeric metrics: option name, RTAX_*, max value. */
const METRIC_OPTIONS: ReadonlyArray<readonly [keyof RouteSpec, number, number]> = [
  ['mtu', C.RTAX_MTU, 0xffffffff], ['window', C.RTAX_WINDOW, 0xffffffff], ['rtt', C.RTAX_RTT, 0xffffffff],
  ['rttvar', C.RTAX_RTTVAR, 0xffffffff], ['ssthresh', C.RTAX_SSTHRESH, 0xffffffff], ['cwnd', C.RTAX_CWND, 0xffffffff],
  ['advmss', C.RTAX_ADVMSS, 0xffffffff], ['reordering', C.RTAX_REORDERING, 0xffffffff], ['hoplimit', C.RTAX_HOPLIMIT, 255],
  ['initcwnd', C.RTAX_INITCWND, 0xffffffff], ['features', C.RTAX_FEATURES, 0xffffffff], ['rtoMin', C.RTAX_RTO_MIN, 0xffffffff],
  ['initrwnd', C.RTAX_INITRWND, 0xffffffff],
];
const LOCKABLE = new Map<string, number>(Object.entries({
  mtu: C.RTAX_MTU, window: C.RTAX_WINDOW, rtt: C.RTAX_RTT, rttvar: C.RTAX_RTTVAR, ssthresh: C.RTAX_SSTHRESH,
  cwnd: C.RTAX_CWND, advmss: C.RTAX_ADVMSS, reordering: C.RTAX_REORDERING, hoplimit: C.RTAX_HOPLIMIT,
  initcwnd: C.RTAX_INITCWND, features: C.RTAX_FEATURES, rtoMin: C.RTAX_RTO_MIN, initrwnd: C.RTAX_INITRWND,
  quickack: C.RTAX_QUICKACK, congctl: C.RTAX_CC_ALGO, fastopenNoCookie: C.RTAX_FASTOPEN_NO_COOKIE,
}));

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

/** A gateway through RTA_VIA (or RTA_GATEWAY when it has the route's family, as `ip` does). */
interface Via {
  family: number;
  bytes: Uint8Array;
}

function checkVia(field: string, value: unknown, version: IpVersion): Via {
  const a = parseIp(field, value);
  if (version === 6 && a.version === 4) {
    throw new ValidationError(field, value, 'an IPv6 route cannot have an IPv4 gateway (the kernel takes RTA_VIA for IPv4 routes only)');
  }
  return { family: familyOf(a.version), bytes: a.bytes };
}

/** One multipath path, checked. */
interface CompiledHop {
  gateway?: Uint8Array;
  via?: Via;
  oif?: LinkRef;
  hops: number;
  flags: number;
  realms?: number;
}

/** A route request, checked and parsed once: the bytes to send, except link names still to resolve. */
interface CompiledRoute {
  family: number;
  dstLen: number;
  srcLen: number;
  tos: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  flags: number;
  dst?: Uint8Array;
  src?: Uint8Array;
  gateway?: Uint8Array;
  via?: Via;
  metric?: number;
  prefsrc?: Uint8Array;
  realms?: number;
  pref?: number;
  expires?: number;
  nhid?: number;
  oif?: LinkRef;
  metrics?: Array<readonly [number, number | string]>;
  multipath?: CompiledHop[];
  /** RTA_ENCAP_TYPE and the RTA_ENCAP payload, encoded once. */
  encap?: { type: number; payload: Uint8Array };
  /** A Route view to delete: its message is sent back as it is. */
  raw?: Buffer;
}

type Mode = 'add' | 'del';

/** The last link name that passed checkLinkName (bulk calls usually repeat one name). */
let lastName: string | undefined;

/**
 * A fast path for the common `a.b.c.d/len` (bulk calls parse thousands): null for anything it does
 * not accept outright (IPv6, a bare address, leading zeros, out-of-range parts), which then goes
 * through parsePrefix and gets its exact error message.
 */
function fastPrefix4(s: unknown): Prefix | null {
  if (typeof s !== 'string') return null;
  const bytes = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return null; // leading zero
      value = value * 10 + (c - 48);
      if (++digits > 3) return null;
    } else if (c === 46 /* . */ && part < 3) {
      if (digits === 0 || value > 255) return null;
      bytes[part++] = value;
      value = 0;
      digits = 0;
    } else if (c === 47 /* / */ && part === 3) {
      if (digits === 0 || value > 255) return null;
      bytes[3] = value;
      value = 0;
      digits = 0;
      for (let j = i + 1; j < n; j++) {
        const d = s.charCodeAt(j);
        if (d < 48 || d > 57 || (digits > 0 && value === 0)) return null;
        value = value * 10 + (d - 48);
        if (++digits > 2) return null;
      }
      if (digits === 0 || value > 32) return null;
      return { version: 4, bytes, prefixlen: value };
    } else {
      return null;
    }
  }
  return null;
}

/** The IP version a spec's other addresses imply, for `'default'` without `family`. */
function impliedVersion(o: Record<string, unknown>): IpVersion | undefined {
  const probe = (v: unknown): IpVersion | undefined => (typeof v === 'string' ? (v.includes(':') ? 6 : 4) : undefined);
  const hop0 = Array.isArray(o.multipath) && typeof o.multipath[0] === 'object' && o.multipath[0] !== null
    ? (o.multipath[0] as Record<string, unknown>).gateway : undefined;
  return probe(o.gateway) ?? probe(o.prefsrc) ?? probe(o.src) ?? probe(hop0);
}

/** Checks a {@link RouteSpec} (field names prefixed with `p`) and parses it into a {@link CompiledRoute}. */
function compile(p: string, spec: unknown, mode: Mode): CompiledRoute {
  if (spec instanceof Route) {
    if (mode === 'del') return compileView(p, spec);
    throw new ValidationError(p === '' ? 'route' : p.slice(0, -1), spec.dst, 'a route spec object is required (Route views are accepted by del only)');
  }
  const o = checkObject(p === '' ? 'route' : p.slice(0, -1), spec);
  let hasMetrics = false;
  for (const key of Object.keys(o)) {
    if (METRIC_KEYS.has(key)) hasMetrics = true;
    else if (!SPEC_KEY_SET.has(key) && o[key] !== undefined) checkKeys(p.slice(0, -1), o, SPEC_KEYS);
  }
  if (o.dst === undefined) throw new ValidationError(`${p}dst`, o.dst, 'a destination is required (a CIDR or "default")');
  let version: IpVersion | undefined;
  if (o.family !== undefined) {
    if (o.family !== 4 && o.family !== 6) throw new ValidationError(`${p}family`, o.family, '4 or 6 is required');
    version = o.family;
  }
  let dst = 0;
  let dstBytes: Uint8Array | undefined;
  if (o.dst === 'default') {
    // With an explicit family, iproute2 (`ip -6 route add default …`) sends an all-zero RTA_DST;
    // with the family taken from the gateway (`ip route add default via …`) it sends none. Same here.
    if (version !== undefined) dstBytes = new Uint8Array(version === 4 ? 4 : 16);
    version ??= impliedVersion(o);
    if (version === undefined) {
      throw new ValidationError(`${p}family`, undefined, '"default" needs family 4 or 6 (or a gateway/prefsrc telling it)');
    }
  } else {
    const prefix = fastPrefix4(o.dst) ?? parsePrefix(`${p}dst`, o.dst);
    if (version !== undefined && prefix.version !== version) {
      throw new ValidationError(`${p}dst`, o.dst, `an IPv${version} destination is required (family is ${version})`);
    }
    version = prefix.version;
    if (hasHostBits(prefix.bytes, prefix.prefixlen)) {
      throw new ValidationError(`${p}dst`, o.dst, 'host bits are set beyond the prefix length (the kernel refuses this with EINVAL)');
    }
    dst = prefix.prefixlen;
    dstBytes = prefix.bytes;
  }
  const c: CompiledRoute = {
    family: familyOf(version), dstLen: dst, srcLen: 0, tos: 0, table: E.RT_TABLE_MAIN,
    protocol: mode === 'add' ? E.RTPROT_BOOT : E.RTPROT_UNSPEC, scope: E.RT_SCOPE_UNIVERSE,
    type: mode === 'add' ? E.RTN_UNICAST : E.RTN_UNSPEC, flags: 0,
  };
  if (dstBytes !== undefined) c.dst = dstBytes;
  if (o.src !== undefined) {
    const s = parsePrefix(`${p}src`, o.src, { version });
    if (hasHostBits(s.bytes, s.prefixlen)) throw new ValidationError(`${p}src`, o.src, 'host bits are set beyond the prefix length');
    c.srcLen = s.prefixlen;
    c.src = s.bytes;
  }
  if (o.gateway !== undefined && o.via !== undefined) {
    throw new ValidationError(`${p}via`, o.via, 'give either gateway or via, not both');
  }
  if (o.gateway !== undefined) c.gateway = checkAddress(`${p}gateway`, o.gateway, version, 'gateway');
  if (o.via !== undefined) {
    const v = checkVia(`${p}via`, o.via, version);
    if (v.family === c.family) c.gateway = v.bytes;
    else c.via = v;
  }
  if (o.oif !== undefined) c.oif = typeof o.oif === 'string' && o.oif === lastName ? o.oif : checkLinkRef(`${p}oif`, o.oif);
  if (typeof c.oif === 'string') lastName = c.oif;
  if (o.table !== undefined) c.table = E.checkTable(`${p}table`, o.table);
  if (o.metric !== undefined) c.metric = checkU32(`${p}metric`, o.metric);
  if (o.protocol !== undefined) c.protocol = E.PROTOCOLS.check(`${p}protocol`, o.protocol);
  if (o.type !== undefined) c.type = checkRouteType(`${p}type`, o.type);
  if (o.prefsrc !== undefined) c.prefsrc = checkAddress(`${p}prefsrc`, o.prefsrc, version, 'prefsrc');
  if (o.tos !== undefined) c.tos = checkInt(`${p}tos`, o.tos, 0, 255);
  if (o.onlink !== undefined && checkBool(`${p}onlink`, o.onlink)) c.flags |= C.RTNH_F_ONLINK;
  if (o.realms !== undefined) c.realms = checkU32(`${p}realms`, o.realms);
  if (o.nhid !== undefined) c.nhid = checkInt(`${p}nhid`, o.nhid, 1, 0xffffffff);
  if (o.pref !== undefined) {
    const pref = typeof o.pref === 'string' ? C.ROUTE_PREFS.value(o.pref) : undefined;
    if (pref === undefined) throw new ValidationError(`${p}pref`, o.pref, 'low, medium or high is required');
    if (version !== 6) throw new ValidationError(`${p}pref`, o.pref, 'pref applies to IPv6 routes only');
    c.pref = pref;
  }
  if (o.expires !== undefined) {
    c.expires = checkU32(`${p}expires`, o.expires);
    if (version !== 6) throw new ValidationError(`${p}expires`, o.expires, 'expires applies to IPv6 routes only');
  }
  if (o.multipath !== undefined) {
    if (!Array.isArray(o.multipath) || o.multipath.length === 0) {
      throw new ValidationError(`${p}multipath`, o.multipath, 'a non-empty array of nexthops is required');
    }
    if (c.gateway !== undefined || c.via !== undefined) {
      throw new ValidationError(`${p}multipath`, o.multipath, 'a multipath route takes its gateways in the nexthops, not in gateway/via');
    }
    c.multipath = o.multipath.map((h: unknown, i) => compileHop(`${p}multipath[${i}]`, h, version, c.family));
  }
  if (o.encap !== undefined) c.encap = compileEncap(`${p}encap`, o.encap);
  if (hasMetrics) {
    const metrics = compileMetrics(p, o);
    if (metrics !== undefined) c.metrics = metrics;
  }
  if (o.scope !== undefined) {
    c.scope = E.SCOPES.check(`${p}scope`, o.scope);
  } else if (mode === 'del') {
    c.scope = E.RT_SCOPE_NOWHERE; // a wildcard for fib_table_delete
  } else if (version === 4) {
    // iproute2's defaults: host for local/nat, link for broadcast/multicast/anycast and for
    // unicast routes with no gateway; global otherwise (IPv6 routes are always global).
    if (c.type === E.RTN_LOCAL || c.type === E.RTN_NAT) c.scope = E.RT_SCOPE_HOST;
    else if (c.type === E.RTN_BROADCAST || c.type === E.RTN_MULTICAST || c.type === E.RTN_ANYCAST) c.scope = E.RT_SCOPE_LINK;
    else if (c.type === E.RTN_UNICAST && c.gateway === undefined && c.via === undefined && c.multipath === undefined && c.nhid === undefined) {
      c.scope = E.RT_SCOPE_LINK;
    }
  }
  return c;
}

function compileHop(p: string, value: unknown, version: IpVersion, family: number): CompiledHop {
  const o = checkObject(p, value);
  checkKeys(p, o, HOP_KEYS);
  const h: CompiledHop = { hops: 0, flags: 0 };
  if (o.gateway !== undefined && o.via !== undefined) throw new ValidationError(`${p}.via`, o.via, 'give either gateway or via, not both');
  if (o.gateway !== undefined) h.gateway = checkAddress(`${p}.gateway`, o.gateway, version, 'gateway');
  if (o.via !== undefined) {
    const v = checkVia(`${p}.via`, o.via, version);
    if (v.family === family) h.gateway = v.bytes;
    else h.via = v;
  }
  if (o.oif !== undefined) h.oif = checkLinkRef(`${p}.oif`, o.oif);
  if (h.gateway === undefined && h.via === undefined && h.oif === undefined) {
    throw new ValidationError(p, value, 'a nexthop needs a gateway, a via or an oif');
  }
  if (o.weight !== undefined) h.hops = checkInt(`${p}.weight`, o.weight, 1, 256) - 1;
  if (o.onlink !== undefined && checkBool(`${p}.onlink`, o.onlink)) h.flags |= C.RTNH_F_ONLINK;
  if (o.realms !== undefined) h.realms = checkU32(`${p}.realms`, o.realms);
  return h;
}

const ENCAP_KEYS: Record<string, string[]> = {
  ip: ['type', 'id', 'dst', 'src', 'ttl', 'tos'],
  ip6: ['type', 'id', 'dst', 'src', 'hoplimit', 'tc'],
  mpls: ['type', 'labels', 'ttl'],
};

/** A tunnel id: a u64 given as a number or a bigint. */
function checkTunnelId(field: string, v: unknown): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'bigint' && v >= 0n && v <= 0xffffffffffffffffn) return v;
  throw new ValidationError(field, v, 'a tunnel id (a non-negative integer or a u64 bigint) is required');
}

/** Checks an encap spec and encodes its RTA_ENCAP payload (attribute order as `ip route … encap`). */
function compileEncap(p: string, value: unknown): { type: number; payload: Uint8Array } {
  const o = checkObject(p, value);
  const type = typeof o.type === 'string' && Object.hasOwn(ENCAP_KEYS, o.type) ? o.type : undefined;
  if (type === undefined) throw new ValidationError(`${p}.type`, o.type, 'ip, ip6 or mpls is required');
  checkKeys(p, o, ENCAP_KEYS[type]!);
  const w = new NlWriter(64);
  if (type === 'mpls') {
    const labels: unknown = o.labels;
    if (!Array.isArray(labels) || labels.length === 0 || labels.length > 30) {
      throw new ValidationError(`${p}.labels`, labels, 'an array of 1..30 MPLS labels is required');
    }
    const stack = Buffer.alloc(4 * labels.length);
    labels.forEach((l: unknown, i) => {
      const label = checkInt(`${p}.labels[${i}]`, l, 0, 0xfffff);
      // label << 12, bottom-of-stack bit on the last entry, TC and TTL 0 (as iproute2's mpls_pton).
      stack.writeUInt32BE(((label << 12) | (i === labels.length - 1 ? 0x100 : 0)) >>> 0, 4 * i);
    });
    w.attrBytes(1 /* MPLS_IPTUNNEL_DST */, stack);
    if (o.ttl !== undefined) w.attrU8(2 /* MPLS_IPTUNNEL_TTL */, checkInt(`${p}.ttl`, o.ttl, 0, 255));
    return { type: C.LWTUNNEL_ENCAP_MPLS, payload: Uint8Array.from(w.bytes()) };
  }
  const version = type === 'ip' ? 4 : 6;
  if (o.id !== undefined) {
    const id = Buffer.alloc(8);
    id.writeBigUInt64BE(checkTunnelId(`${p}.id`, o.id));
    w.attrBytes(1 /* LWTUNNEL_IP(6)_ID */, id);
  }
  if (o.dst !== undefined) w.attrBytes(2, checkAddress(`${p}.dst`, o.dst, version, 'tunnel destination'));
  if (o.src !== undefined) w.attrBytes(3, checkAddress(`${p}.src`, o.src, version, 'tunnel source'));
  const ttl = type === 'ip' ? o.ttl : o.hoplimit;
  const tos = type === 'ip' ? o.tos : o.tc;
  if (ttl !== undefined) w.attrU8(4, checkInt(`${p}.${type === 'ip' ? 'ttl' : 'hoplimit'}`, ttl, 0, 255));
  if (tos !== undefined) w.attrU8(5, checkInt(`${p}.${type === 'ip' ? 'tos' : 'tc'}`, tos, 0, 255));
  return { type: type === 'ip' ? C.LWTUNNEL_ENCAP_IP : C.LWTUNNEL_ENCAP_IP6, payload: Uint8Array.from(w.bytes()) };
}

function compileMetrics(p: string, o: Record<string, unknown>): Array<readonly [number, number | string]> | undefined {
  let out: Array<readonly [number, number | string]> | undefined;
  const push = (type: number, v: number | string): void => { (out ??= []).push([type, v]); };
  for (const [key, type, max] of METRIC_OPTIONS) {
    if (o[key] !== undefined) push(type, checkInt(`${p}${key}`, o[key], 0, max));
  }
  if (o.quickack !== undefined) push(C.RTAX_QUICKACK, checkBool(`${p}quickack`, o.quickack) ? 1 : 0);
  if (o.congctl !== undefined) {
    if (typeof o.congctl !== 'string' || o.congctl.length === 0 || o.congctl.length > 15 || o.congctl.includes('\0')) {
      throw new ValidationError(`${p}congctl`, o.congctl, 'a congestion control name (1..15 bytes) is required');
    }
    push(C.RTAX_CC_ALGO, o.congctl);
  }
  if (o.fastopenNoCookie !== undefined) push(C.RTAX_FASTOPEN_NO_COOKIE, checkBool(`${p}fastopenNoCookie`, o.fastopenNoCookie) ? 1 : 0);
  if (o.lock !== undefined) {
    if (!Array.isArray(o.lock)) throw new ValidationError(`${p}lock`, o.lock, 'an array of metric names is required');
    let mask = 0;
    for (const [i, name] of o.lock.entries()) {
      const bit = typeof name === 'string' ? LOCKABLE.get(name) : undefined;
      if (bit === undefined) {
        throw new ValidationError(`${p}lock[${i}]`, name, `unknown metric (known: ${[...LOCKABLE.keys()].join(', ')})`);
      }
      mask |= 1 << bit;
    }
    // iproute2 writes RTAX_LOCK after the values.
    if (mask !== 0) push(C.RTAX_LOCK, mask >>> 0);
  }
  return out;
}

/** A Route view to delete: its own message, sent back as RTM_DELROUTE (what `ip route flush` does). */
function compileView(p: string, route: Route): CompiledRoute {
  const raw = route.raw;
  if (raw.length < 16 + C.RTMSG_SIZE) throw new ValidationError(p.slice(0, -1) || 'route', route, 'a route message is required');
  return {
    family: raw[16]!, dstLen: 0, srcLen: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0,
    raw: raw.subarray(16),
  };
}

/** Every link name a compiled route still needs resolved. */
function collectNames(c: CompiledRoute, into: Set<string>): void {
  if (typeof c.oif === 'string') into.add(c.oif);
  if (c.multipath) for (const h of c.multipath) if (typeof h.oif === 'string') into.add(h.oif);
}

/** Resolved ifindexes by name, or the error of the lookup. */
type NameMap = Map<string, number | Error>;

function resolveRef(ref: LinkRef, names: NameMap): number {
  if (typeof ref === 'number') return ref;
  const v = names.get(ref);
  if (typeof v === 'number') return v;
  throw v ?? new Error(`unresolved link name ${ref}`);
}

/** The first failed name lookup a compiled route depends on, if any. */
function failedName(c: CompiledRoute, names: NameMap): Error | undefined {
  const check = (ref: LinkRef | undefined): Error | undefined => {
    if (typeof ref !== 'string') return undefined;
    const v = names.get(ref);
    return v instanceof Error ? v : undefined;
  };
  let e = check(c.oif);
  if (e === undefined && c.multipath) for (const h of c.multipath) if ((e = check(h.oif)) !== undefined) break;
  return e;
}

/** RTA_VIA (struct rtvia): 2 + 4 or 16 bytes, so nla_len is not a multiple of 4. */
function writeVia(w: NlWriter, type: number, via: Via): void {
  const payload = new Uint8Array(2 + via.bytes.length);
  payload[0] = via.family & 0xff; // rtvia_family, host order (little-endian)
  payload[1] = via.family >> 8;
  payload.set(via.bytes, 2);
  w.attrBytes(type, payload);
}

/**
 * Writes a compiled route: rtmsg, then the attributes in the order `ip route add` sends them for
 * `ip route add DST from SRC encap … via GW metric M table T src PREFSRC realms R pref P expires E nhid N
 * dev OIF METRICS… nexthop …`.
 */
function writeRoute(w: NlWriter, c: CompiledRoute, names: NameMap): void {
  if (c.raw !== undefined) {
    w.putBytes(c.raw);
    return;
  }
  w.putU8(c.family);
  w.putU8(c.dstLen);
  w.putU8(c.srcLen);
  w.putU8(c.tos);
  w.putU8(c.table < 256 ? c.table : E.RT_TABLE_UNSPEC);
  w.putU8(c.protocol);
  w.putU8(c.scope);
  w.putU8(c.type);
  w.putU32(c.flags);
  if (c.dst !== undefined) w.attrBytes(C.RTA_DST, c.dst);
  if (c.src !== undefined) w.attrBytes(C.RTA_SRC, c.src);
  if (c.encap !== undefined) {
    // As iproute2: the nest flagged NLA_F_NESTED, then RTA_ENCAP_TYPE.
    const e = w.beginNest(C.RTA_ENCAP, true);
    w.putBytes(c.encap.payload);
    w.endNest(e);
    w.attrU16(C.RTA_ENCAP_TYPE, c.encap.type);
  }
  if (c.gateway !== undefined) w.attrBytes(C.RTA_GATEWAY, c.gateway);
  if (c.via !== undefined) writeVia(w, C.RTA_VIA, c.via);
  if (c.metric !== undefined) w.attrU32(C.RTA_PRIORITY, c.metric);
  if (c.table >= 256) w.attrU32(C.RTA_TABLE, c.table);
  if (c.prefsrc !== undefined) w.attrBytes(C.RTA_PREFSRC, c.prefsrc);
  if (c.realms !== undefined) w.attrU32(C.RTA_FLOW, c.realms);
  if (c.pref !== undefined) w.attrU8(C.RTA_PREF, c.pref);
  if (c.expires !== undefined) w.attrU32(C.RTA_EXPIRES, c.expires);
  if (c.nhid !== undefined) w.attrU32(C.RTA_NH_ID, c.nhid);
  if (c.oif !== undefined) w.attrU32(C.RTA_OIF, resolveRef(c.oif, names));
  if (c.metrics !== undefined) {
    const m = w.beginNest(C.RTA_METRICS);
    for (const [type, v] of c.metrics) {
      if (typeof v === 'string') w.attrString(type, v);
      else w.attrU32(type, v);
    }
    w.endNest(m);
  }
  if (c.multipath !== undefined) {
    const mp = w.beginNest(C.RTA_MULTIPATH);
    for (const h of c.multipath) {
      const at = w.length;
      w.putU16(0); // rtnh_len, patched by endNest (same place and width as nla_len)
      w.putU8(h.flags);
      w.putU8(h.hops);
      w.putS32(h.oif === undefined ? 0 : resolveRef(h.oif, names));
      if (h.gateway !== undefined) w.attrBytes(C.RTA_GATEWAY, h.gateway);
      if (h.via !== undefined) writeVia(w, C.RTA_VIA, h.via);
      if (h.realms !== undefined) w.attrU32(C.RTA_FLOW, h.realms);
      w.endNest(at);
    }
    w.endNest(mp);
  }
}

/** A checked list filter. */
interface CompiledFilter {
  family: number;
  table: number;
  oif?: LinkRef;
  protocol?: number;
  type?: number;
}

function compileFilter(options: unknown): CompiledFilter {
  const o = checkObject('options', options);
  checkKeys('', o, LIST_KEYS);
  const f: CompiledFilter = { family: 0, table: 0 };
  if (o.family !== undefined) {
    if (o.family !== 4 && o.family !== 6) throw new ValidationError('family', o.family, '4 or 6 is required');
    f.family = familyOf(o.family);
  }
  if (o.table !== undefined) {
    f.table = E.checkTable('table', o.table);
  }
  if (o.oif !== undefined) f.oif = checkLinkRef('oif', o.oif);
  if (o.protocol !== undefined) f.protocol = E.PROTOCOLS.check('protocol', o.protocol);
  if (o.type !== undefined) {
    f.type = E.ROUTE_TYPES.check('type', o.type);
  }
  return f;
}

/** A dump prepared: the request, and the decoder that drops what the kernel could not filter. */
interface PreparedDump {
  build: (w: NlWriter) => void;
  decode: (buf: Buffer, off: number, len: number) => Route | null;
  table: number;
}

/** The routes of one netlink handle. Obtain it as `nl.routes`. */
export class Routes {
  /** @internal */
  constructor(protected readonly conn: Connection, protected readonly links: Links) {}

  /**
   * All routes of every table (one RTM_GETROUTE dump), optionally filtered. Table, link, protocol
   * and type are filtered by the kernel (strict dump checking); what it cannot filter (a family
   * when none is given, protocol `'unspec'`, or everything on a socket without strict checking) is
   * filtered here. A table that does not exist yields no routes.
   */
  async list(options: RouteListOptions = {}): Promise<Route[]> {
    const d = await this.prepareDump(options);
    let items: Array<Route | null>;
    try {
      items = await this.conn.dump(RTM_GETROUTE, 0, d.build, d.decode);
    } catch (e) {
      if (d.table !== 0 && e instanceof NetlinkError && e.errno === ENOENT) return [];
      if (e instanceof ProtocolError && e.code === 'ERR_NL_DUMP_INTERRUPTED' && e.partial) {
        throw new ProtocolError(e.code, e.op, e.message.slice(e.op.length + 2), e.partial.filter((r) => r !== null));
      }
      throw e;
    }
    let n = 0;
    for (let i = 0; i < items.length; i++) {
      const r = items[i]!;
      if (r !== null) items[n++] = r;
    }
    items.length = n;
    return items as Route[];
  }

  /**
   * Like {@link list}, one route at a time, reading the next datagram from the kernel only when
   * the loop needs more: memory stays bounded whatever the table size (as long as the caller does
   * not keep the routes). A dump the kernel flags as inconsistent (NLM_F_DUMP_INTR) ends with
   * ProtocolError ERR_NL_DUMP_INTERRUPTED after the routes already yielded.
   */
  stream(options: RouteListOptions = {}): AsyncIterableIterator<Route> {
    const conn = this.conn;
    const prepared = this.prepareDump(options);
    // Reported on first use, like an immediate rejection of list().
    prepared.catch(() => {});
    let inner: AsyncIterableIterator<Route | null> | undefined;
    let table = 0;
    let finished = false;
    const it: AsyncIterableIterator<Route> = {
      [Symbol.asyncIterator]: () => it,
      async next(): Promise<IteratorResult<Route>> {
        if (finished) return { value: undefined, done: true };
        if (inner === undefined) {
          const d = await prepared;
          table = d.table;
          inner = conn.stream(RTM_GETROUTE, 0, d.build, d.decode);
        }
        for (;;) {
          let r: IteratorResult<Route | null>;
          try {
            r = await inner.next();
          } catch (e) {
            finished = true;
            if (table !== 0 && e instanceof NetlinkError && e.errno === ENOENT) return { value: undefined, done: true };
            throw e;
          }
          if (r.done) {
            finished = true;
            return { value: undefined, done: true };
          }
          if (r.value !== null) return { value: r.value, done: false };
        }
      },
      async return(): Promise<IteratorResult<Route>> {
        finished = true;
        await inner?.return?.();
        return { value: undefined, done: true };
      },
    };
    return it;
  }

  private async prepareDump(options: RouteListOptions): Promise<PreparedDump> {
    const f = compileFilter(options);
    const oif = f.oif === undefined ? undefined : await this.links.index(f.oif);
    const strict = this.conn.socket.strictCheck;
    // What the kernel filters (under strict checking): rtm_protocol and rtm_type when non-zero,
    // RTA_TABLE and RTA_OIF (ip_valid_fib_dump_req / rtm_dump_req validation).
    const kProtocol = strict && f.protocol !== undefined ? f.protocol : 0;
    const kType = strict && f.type !== undefined ? f.type : 0;
    const kTable = strict ? f.table : 0;
    const kOif = strict ? oif : undefined;
    const build = (w: NlWriter): void => {
      w.putU8(f.family);
      w.putU8(0);
      w.putU8(0);
      w.putU8(0);
      w.putU8(0);
      w.putU8(kProtocol);
      w.putU8(0);
      w.putU8(kType);
      w.putU32(0);
      if (kTable !== 0) w.attrU32(C.RTA_TABLE, kTable);
      if (kOif !== undefined) w.attrU32(C.RTA_OIF, kOif);
    };
    // The kernel reads 0 as "no filter": a filter on 0 (protocol unspec) is applied here.
    const jsProtocol = f.protocol !== undefined && kProtocol === 0 ? f.protocol : undefined;
    const jsType = f.type !== undefined && kType === 0 ? f.type : undefined;
    const jsTable = kTable === 0 ? f.table : 0;
    const jsOif = kOif === undefined ? oif : undefined;
    const wantFamily = f.family;
    const needJs = jsProtocol !== undefined || jsType !== undefined || jsTable !== 0 || jsOif !== undefined;
    const decode = (buf: Buffer, off: number, len: number): Route | null => {
      const family = buf[off + 16];
      // An AF_UNSPEC dump also walks the multicast caches (RTNL_FAMILY_IPMR …): IP routes only.
      if (wantFamily === 0 ? family !== AF_INET && family !== AF_INET6 : family !== wantFamily) return null;
      const r = routeView(buf, off, len);
      if (needJs) {
        if (jsProtocol !== undefined && buf[off + 21] !== jsProtocol) return null;
        if (jsType !== undefined && buf[off + 23] !== jsType) return null;
        if (jsTable !== 0 && r.table !== jsTable) return null;
        if (jsOif !== undefined && r.oif !== jsOif && !(r.multipath?.some((h) => h.oif === jsOif) ?? false)) return null;
      }
      return r;
    };
    return { build, decode, table: f.table };
  }

  /**
   * The kernel's route lookup for one address (RTM_GETROUTE without dump, `ip route get`): the
   * route a packet to `address` would take. No route is a NetlinkError (ENETUNREACH …).
   */
  async get(address: string, options: RouteGetOptions = {}): Promise<Route> {
    const a = parseIp('address', address);
    const o = checkObject('options', options);
    checkKeys('', o, GET_KEYS);
    const from = o.from === undefined ? undefined : checkAddress('from', o.from, a.version, 'source address');
    const iifRef = o.iif === undefined ? undefined : checkLinkRef('iif', o.iif);
    const oifRef = o.oif === undefined ? undefined : checkLinkRef('oif', o.oif);
    const mark = o.mark === undefined ? undefined : checkU32('mark', o.mark);
    const uid = o.uid === undefined ? undefined : checkU32('uid', o.uid);
    const tos = o.tos === undefined ? 0 : checkInt('tos', o.tos, 0, 255);
    const ipProto = o.ipProto === undefined ? undefined : checkInt('ipProto', o.ipProto, 0, 255);
    const sport = o.sport === undefined ? undefined : checkInt('sport', o.sport, 0, 0xffff);
    const dport = o.dport === undefined ? undefined : checkInt('dport', o.dport, 0, 0xffff);
    const fibMatch = o.fibMatch === undefined ? false : checkBool('fibMatch', o.fibMatch);
    const [iif, oif] = await Promise.all([
      iifRef === undefined ? undefined : this.links.index(iifRef),
      oifRef === undefined ? undefined : this.links.index(oifRef),
    ]);
    const bits = a.version === 4 ? 32 : 128;
    return this.conn.get(RTM_GETROUTE, 0, (w) => {
      // In the order `ip route get DST from SRC iif I oif O mark M …` sends them. IPv4 lookups ask
      // for RTM_F_LOOKUP_TABLE (rtm_table says which table answered), as ip does; IPv6 refuses the
      // flag under strict checking ("Invalid flags for get route request").
      w.putU8(familyOf(a.version));
      w.putU8(bits);
      w.putU8(from === undefined ? 0 : bits);
      w.putU8(tos);
      w.putU32(0); // table, protocol, scope, type
      w.putU32((a.version === 4 ? C.RTM_F_LOOKUP_TABLE : 0) | (fibMatch ? C.RTM_F_FIB_MATCH : 0));
      w.attrBytes(C.RTA_DST, a.bytes);
      if (from !== undefined) w.attrBytes(C.RTA_SRC, from);
      if (iif !== undefined) w.attrU32(C.RTA_IIF, iif);
      if (oif !== undefined) w.attrU32(C.RTA_OIF, oif);
      if (mark !== undefined) w.attrU32(C.RTA_MARK, mark);
      if (uid !== undefined) w.attrU32(C.RTA_UID, uid);
      if (ipProto !== undefined) w.attrU8(C.RTA_IP_PROTO, ipProto);
      if (sport !== undefined) w.attrU16Be(C.RTA_SPORT, sport);
      if (dport !== undefined) w.attrU16Be(C.RTA_DPORT, dport);
    }, routeView);
  }

  /** Adds a route (RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL): an existing one is a NetlinkError EEXIST. */
  add(route: RouteSpec): Promise<void> {
    return this.one(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, route, 'add');
  }

  /** Adds or replaces a route (RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE), as `ip route replace`. */
  replace(route: RouteSpec): Promise<void> {
    return this.one(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, route, 'add');
  }

  /**
   * Deletes a route (RTM_DELROUTE): by spec (what is not given matches anything, as with `ip route
   * del`), or a {@link Route} from `list`, sent back as it is. A missing route is a NetlinkError
   * (ESRCH for IPv4, ESRCH/ENOENT as the kernel says).
   */
  del(route: RouteSpec | Route): Promise<void> {
    return this.one(RTM_DELROUTE, 0, route, 'del');
  }

  /**
   * Adds many routes in as few datagrams as possible (NLM_F_CREATE | NLM_F_EXCL each). Every item is
   * validated before anything is sent; each distinct link name is resolved once. Resolves to one
   * result per item, in order (an unknown link name fails its items with ENODEV).
   */
  addMany(routes: readonly RouteSpec[]): Promise<BulkResult[]> {
    return this.many(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, routes, 'add');
  }

  /** Like {@link addMany} with NLM_F_CREATE | NLM_F_REPLACE. */
  replaceMany(routes: readonly RouteSpec[]): Promise<BulkResult[]> {
    return this.many(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, routes, 'add');
  }

  /** Deletes many routes (specs or {@link Route} views), one result per item, in order. */
  delMany(routes: ReadonlyArray<RouteSpec | Route>): Promise<BulkResult[]> {
    return this.many(RTM_DELROUTE, 0, routes, 'del');
  }

  private async one(type: number, flags: number, route: unknown, mode: Mode): Promise<void> {
    const c = compile('', route, mode);
    const wanted = new Set<string>();
    collectNames(c, wanted);
    const names: NameMap = new Map();
    if (wanted.size > 0) {
      const list = [...wanted];
      const found = await Promise.all(list.map((n) => this.links.index(n)));
      list.forEach((n, i) => names.set(n, found[i]!));
    }
    await this.conn.ack(type, flags, (w) => writeRoute(w, c, names));
  }

  private async many(type: number, flags: number, routes: readonly unknown[], mode: Mode): Promise<BulkResult[]> {
    if (!Array.isArray(routes)) throw new ValidationError('routes', routes, 'an array of routes is required');
    const n = routes.length;
    const compiled = new Array<CompiledRoute>(n);
    const wanted = new Set<string>();
    for (let i = 0; i < n; i++) {
      const c = compile(`routes[${i}].`, routes[i], mode);
      compiled[i] = c;
      if (c.oif !== undefined || c.multipath !== undefined) collectNames(c, wanted);
    }
    const names: NameMap = new Map();
    if (wanted.size > 0) {
      const list = [...wanted];
      const found = await Promise.allSettled(list.map((name) => this.links.index(name)));
      list.forEach((name, i) => {
        const r = found[i]!;
        names.set(name, r.status === 'fulfilled' ? r.value : r.reason as Error);
      });
    }
    let failed: Array<Error | undefined> | undefined;
    if (wanted.size > 0 && [...names.values()].some((v) => v instanceof Error)) {
      failed = compiled.map((c) => failedName(c, names));
    }
    if (failed === undefined) {
      return this.conn.bulk(type, flags, n, (w, i) => writeRoute(w, compiled[i]!, names));
    }
    // Items whose link name is unknown fail with the lookup's error; the others are sent.
    const send: number[] = [];
    for (let i = 0; i < n; i++) if (failed[i] === undefined) send.push(i);
    const sent = await this.conn.bulk(type, flags, send.length, (w, k) => writeRoute(w, compiled[send[k]!]!, names));
    const out = new Array<BulkResult>(n);
    for (let i = 0; i < n; i++) {
      const e = failed[i];
      if (e !== undefined) out[i] = { status: 'rejected', reason: e };
    }
    send.forEach((i, k) => { out[i] = sent[k]!; });
    return out;
  }
}

export { Route };
