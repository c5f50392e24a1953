/**
 * Routes as `ip` prints them (iproute2 6.1, ip/iproute.c print_route): the object of `ip -j route
 * show` — same keys, values and order — and ip's text line. What ip leaves out because the show
 * command filtered on it (`dev` after `dev X`, `table` after `table N` …) is left out the same way
 * ({@link RouteHide}). Lightweight-tunnel `encap` and MPLS `as to` are not printed.
 */
import type { Route } from '../netlink/index.js';
import { familyName } from './address-format.js';
import type { LinkTable } from './context.js';
import type { JsonObject, JsonValue } from './json.js';
import * as K from './kernel.js';
import { dsfieldName, protoName, realmName, scopeName, tableName } from './names.js';

/** Fields the show command filtered on exactly, which ip then does not print. */
export interface RouteHide {
  dev?: boolean;
  table?: boolean;
  protocol?: boolean;
  scope?: boolean;
  metric?: boolean;
  tos?: boolean;
  gateway?: boolean;
  prefsrc?: boolean;
}

/** How a route is printed. */
export interface RouteFormat {
  details: number;
  stats: number;
  hide?: RouteHide;
  deleted?: boolean;
}

/** rtm_flags / rtnh_flags in ip's print order (print_rt_flags). */
const FLAGS: ReadonlyArray<readonly [number, string]> = [
  [K.RTNH_F_DEAD, 'dead'], [K.RTNH_F_ONLINK, 'onlink'], [K.RTNH_F_PERVASIVE, 'pervasive'], [K.RTNH_F_OFFLOAD, 'offload'],
  [K.RTNH_F_TRAP, 'trap'], [K.RTM_F_NOTIFY, 'notify'], [K.RTNH_F_LINKDOWN, 'linkdown'], [K.RTNH_F_UNRESOLVED, 'unresolved'],
  [K.RTM_F_OFFLOAD, 'rt_offload'], [K.RTM_F_TRAP, 'rt_trap'], [K.RTM_F_OFFLOAD_FAILED, 'rt_offload_failed'],
];

/** RTCF_* (linux/in_route.h) of cached IPv4 routes, as ip names them (print_cache_flags). */
const CACHE_FLAGS: ReadonlyArray<readonly [number, string]> = [
  [0x80000000, 'local'], [0x40000000, 'reject'], [0x20000000, 'mc'], [0x10000000, 'brd'], [0x08000000, 'dst-nat'],
  [0x00800000, 'src-nat'], [0x00400000, 'masq'], [0x00020000, 'dst-direct'], [0x04000000, 'src-direct'],
  [0x00040000, 'redirected'], [0x01000000, 'redirect'], [0x00200000, 'fastroute'], [0x00010000, 'notify'],
  [0x00080000, 'proxy'],
];

/** RTAX_* in ip's order, with the library's field and ip's JSON key. */
const METRICS: ReadonlyArray<readonly [number, string, string]> = [
  [K.RTAX_MTU, 'mtu', 'mtu'], [K.RTAX_WINDOW, 'window', 'window'], [K.RTAX_RTT, 'rtt', 'rtt'],
  [K.RTAX_RTTVAR, 'rttvar', 'rttvar'], [K.RTAX_SSTHRESH, 'ssthresh', 'ssthresh'], [K.RTAX_CWND, 'cwnd', 'cwnd'],
  [K.RTAX_ADVMSS, 'advmss', 'advmss'], [K.RTAX_REORDERING, 'reordering', 'reordering'],
  [K.RTAX_HOPLIMIT, 'hoplimit', 'hoplimit'], [K.RTAX_INITCWND, 'initcwnd', 'initcwnd'],
  [K.RTAX_FEATURES, 'features', 'features'], [K.RTAX_RTO_MIN, 'rtoMin', 'rto_min'],
  [K.RTAX_INITRWND, 'initrwnd', 'initrwnd'], [K.RTAX_QUICKACK, 'quickack', 'quickack'],
  [K.RTAX_CC_ALGO, 'ccAlgo', 'congestion'], [K.RTAX_FASTOPEN_NO_COOKIE, 'fastopenNoCookie', 'fastopen_no_cookie'],
];

/** The route-flag names of `flags`, in ip's order. */
export function routeFlagList(flags: number): string[] {
  return FLAGS.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}

/** A route type as ip names it (rtnl_rtntype_n2a). */
export function routeTypeName(type: number): string {
  return K.routeTypes.name(type) ?? String(type);
}

/** An address with its prefix length, as ip prints a route's dst/src (no `/32` on a host). */
function prefix(addr: string, len: number, family: number): string {
  const host = family === K.AF_INET6 ? 128 : 32;
  return len === host ? addr : `${addr}/${len}`;
}

/** RTA_METRICS as ip's `metrics` array (one object). */
function metricsObject(m: Record<string, unknown>): JsonObject {
  const lock = typeof m.lock === 'number' ? m.lock : 0;
  const o: JsonObject = {};
  for (const [rtax, field, key] of METRICS) {
    const v = m[field];
    if (v === undefined && (lock & (1 << rtax)) === 0) continue;
    if (rtax === K.RTAX_CC_ALGO) {
      o.congestion = typeof v === 'string' ? v : '';
      continue;
    }
    let n = typeof v === 'number' ? v : 0;
    if (rtax === K.RTAX_HOPLIMIT && (n | 0) === -1) continue;
    if (rtax === K.RTAX_FEATURES) {
      if ((n & K.RTAX_FEATURE_ECN) !== 0) o.ecn = null;
      if ((n & ~K.RTAX_FEATURE_ECN) !== 0) o.features = `0x${n.toString(16)}`;
      continue;
    }
    if (rtax === K.RTAX_RTT) n = Math.floor(n / 8);
    else if (rtax === K.RTAX_RTTVAR) n = Math.floor(n / 4);
    o[key] = n;
  }
  return o;
}

/** RTA_FLOW as ip's `flow` object. */
function flowObject(realms: number): JsonObject {
  const o: JsonObject = {};
  const from = realms >>> 16;
  if (from !== 0) o.from = realmName(from);
  o.to = realmName(realms & 0xffff);
  return o;
}

/** The object `ip -j route show` prints for `route`. */
export function routeObject(route: Route, links: LinkTable, f: RouteFormat): JsonObject {
  const h = route.header;
  const a = route.attributes;
  const hide = f.hide ?? {};
  const o: JsonObject = {};
  if (f.deleted === true) o.deleted = true;
  if (h.type !== K.routeTypes.value('unicast') || f.details > 0) o.type = routeTypeName(h.type);
  if (a.dst !== undefined) o.dst = prefix(a.dst, h.dstLen, h.family);
  else o.dst = h.dstLen !== 0 ? `0/${h.dstLen} ` : 'default';
  if (a.src !== undefined) o.from = prefix(a.src, h.srcLen, h.family);
  else if (h.srcLen !== 0) o.src = `0/${h.srcLen}`;
  if (a.nhId !== undefined) o.nhid = a.nhId;
  if (h.tos !== 0 && hide.tos !== true) o.tos = dsfieldName(h.tos);
  if (a.gateway !== undefined && hide.gateway !== true) o.gateway = a.gateway;
  if (a.via !== undefined) o.via = { family: familyName(a.via.family) ?? '???', host: a.via.address };
  if (a.oif !== undefined && hide.dev !== true) o.dev = links.name(a.oif);
  const table = a.table ?? h.table;
  if (table !== 0 && (table !== K.routeTables.value('main') || f.details > 0) && hide.table !== true) o.table = tableName(table);
  if ((h.flags & K.RTM_F_CLONED) === 0) {
    if ((h.protocol !== K.protocols.value('boot') || f.details > 0) && hide.protocol !== true) o.protocol = protoName(h.protocol);
    if ((h.scope !== K.scopes.value('global') || f.details > 0) && hide.scope !== true) o.scope = scopeName(h.scope);
  }
  if (a.prefsrc !== undefined && hide.prefsrc !== true) o.prefsrc = a.prefsrc;
  if (a.priority !== undefined && hide.metric !== true) o.metric = a.priority;
  o.flags = routeFlagList(h.flags);
  if (a.mark !== undefined && a.mark !== 0) o.mark = a.mark;
  if (a.flow !== undefined) o.flow = flowObject(a.flow);
  if (a.uid !== undefined) o.uid = a.uid;
  if (h.family === K.AF_INET && (h.flags & K.RTM_F_CLONED) !== 0) {
    o.cache = CACHE_FLAGS.filter(([bit]) => (h.flags & bit) !== 0).map(([, name]) => name);
  }
  if (a.cacheinfo !== undefined && (h.family === K.AF_INET || h.family === K.AF_INET6)) {
    const ci = a.cacheinfo;
    if (ci.expires !== 0) o.expires = Math.trunc(ci.expires / K.USER_HZ);
    if (ci.error !== 0) o.error = ci.error >>> 0;
    if (f.stats > 0) {
      if (ci.clntref !== 0) o.users = ci.clntref;
      if (ci.used !== 0) o.used = ci.used;
      if (ci.lastuse !== 0) o.age = Math.trunc(ci.lastuse / K.USER_HZ);
    }
    if (ci.id !== 0) o.ipid = `0x${ci.id.toString(16).padStart(4, '0')}`;
    if (ci.ts !== 0 || ci.tsage !== 0) {
      o.ts = `0x${ci.ts.toString(16)}`;
      o.tsage = ci.tsage;
    }
  }
  if (a.metrics !== undefined) o.metrics = [metricsObject(a.metrics as Record<string, unknown>)];
  if (a.iif !== undefined) o.iif = links.name(a.iif);
  if (a.pref !== undefined) o.pref = K.routePrefs.name(a.pref) ?? a.pref;
  if (a.ttlPropagate !== undefined) o['ttl-propogate'] = a.ttlPropagate !== 0;
  if (a.multipath !== undefined) {
    o.nexthops = a.multipath.map((nh) => {
      const n: JsonObject = {};
      if (nh.attributes.gateway !== undefined) n.gateway = nh.attributes.gateway;
      if (nh.attributes.via !== undefined) n.via = { family: familyName(nh.attributes.via.family) ?? '???', host: nh.attributes.via.address };
      if (nh.attributes.flow !== undefined) n.flow = flowObject(nh.attributes.flow);
      n.dev = links.name(nh.ifindex);
      n.weight = nh.hops + 1;
      n.flags = routeFlagList(nh.flags);
      return n;
    });
  }
  return o;
}

/** A value as text. */
function str(v: JsonValue | undefined): string {
  return v === undefined || v === null ? '' : String(v);
}

/** ip's text line of a route object (`10.0.0.0/24 via 10.0.0.1 dev eth0 proto static metric 5`). */
export function routeText(o: JsonObject): string[] {
  const p: string[] = [];
  if (o.deleted === true) p.push('Deleted');
  if (o.type !== undefined) p.push(str(o.type));
  p.push(str(o.dst).trimEnd());
  if (o.from !== undefined) p.push(`from ${str(o.from)}`);
  if (o.src !== undefined) p.push(`from ${str(o.src)}`);
  if (o.nhid !== undefined) p.push(`nhid ${str(o.nhid)}`);
  if (o.tos !== undefined) p.push(`tos ${str(o.tos)}`);
  if (o.gateway !== undefined) p.push(`via ${str(o.gateway)}`);
  const via = o.via as JsonObject | undefined;
  if (via !== undefined) p.push(`via ${str(via.family)} ${str(via.host)}`);
  if (o.dev !== undefined) p.push(`dev ${str(o.dev)}`);
  if (o.table !== undefined) p.push(`table ${str(o.table)}`);
  if (o.protocol !== undefined) p.push(`proto ${str(o.protocol)}`);
  if (o.scope !== undefined) p.push(`scope ${str(o.scope)}`);
  if (o.prefsrc !== undefined) p.push(`src ${str(o.prefsrc)}`);
  if (o.metric !== undefined) p.push(`metric ${str(o.metric)}`);
  p.push(...(o.flags as string[]));
  if (o.mark !== undefined) p.push(`mark ${Number(o.mark) >= 16 ? `0x${Number(o.mark).toString(16)}` : str(o.mark)}`);
  const flow = o.flow as JsonObject | undefined;
  if (flow !== undefined) p.push(flow.from === undefined ? `realm ${str(flow.to)}` : `realms ${str(flow.from)}/${str(flow.to)}`);
  if (o.uid !== undefined) p.push(`uid ${str(o.uid)}`);
  if (o.expires !== undefined) p.push(`expires ${str(o.expires)}sec`);
  if (o.error !== undefined) p.push(`error ${str(o.error)}`);
  const metrics = (o.metrics as JsonObject[] | undefined)?.[0];
  if (metrics !== undefined) {
    for (const [k, v] of Object.entries(metrics)) p.push(v === null ? k : k === 'congestion' ? `congctl ${str(v)}` : `${k} ${str(v)}`);
  }
  if (o.iif !== undefined) p.push(`iif ${str(o.iif)}`);
  if (o.pref !== undefined) p.push(`pref ${str(o.pref)}`);
  const line = [p.join(' ')];
  for (const nh of (o.nexthops as JsonObject[] | undefined) ?? []) {
    const q = ['\tnexthop'];
    if (nh.gateway !== undefined) q.push(`via ${str(nh.gateway)}`);
    q.push(`dev ${str(nh.dev)}`, `weight ${str(nh.weight)}`, ...(nh.flags as string[]));
    line.push(q.join(' '));
  }
  return line;
}
