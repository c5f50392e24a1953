/**
 * The kernel enumerations more than one message family uses, each defined once: numbers from
 * include/uapi/linux/rtnetlink.h and netinet/in.h, names as iproute2 prints them
 * (rt_tables, rt_protos, rt_scopes, rtnl_rtntype_n2a, ipproto names). Families import
 * these; none defines its own copy. Every name lookup goes through an {@link EnumTable} (a Map), so
 * `Object.prototype` member names are never taken for enum names.
 */
import { EnumTable } from '../core/enum-table.js';

// Address families (AF_*) live in core/inet.ts with the IP codecs that use them.

// ---- routing tables: RT_TABLE_* ----

/** RT_TABLE_UNSPEC: no table given (in rtm_table: RTA_TABLE carries the id). */
export const RT_TABLE_UNSPEC = 0;
/** RT_TABLE_COMPAT: the id that stands in rtm_table for ids above 255. */
export const RT_TABLE_COMPAT = 252;
/** RT_TABLE_DEFAULT: `ip`'s table `default`. */
export const RT_TABLE_DEFAULT = 253;
/** RT_TABLE_MAIN: the main table (`ip route` without `table`). */
export const RT_TABLE_MAIN = 254;
/** RT_TABLE_LOCAL: local and broadcast routes, kept by the kernel. */
export const RT_TABLE_LOCAL = 255;
/** The largest table id (RTA_TABLE is a u32). */
export const RT_TABLE_MAX = 0xffffffff;

/** Table ids by the names `ip` knows without /etc/iproute2/rt_tables (`main`, `local`, `default`). */
export const ROUTE_TABLES = new EnumTable<'default' | 'main' | 'local'>('routing table', [
  ['default', RT_TABLE_DEFAULT], ['main', RT_TABLE_MAIN], ['local', RT_TABLE_LOCAL],
], [], { min: 1, max: RT_TABLE_MAX });

// ---- route protocols: RTPROT_* (values above RTPROT_STATIC are not interpreted by the kernel) ----

export const RTPROT_UNSPEC = 0;
export const RTPROT_REDIRECT = 1;
export const RTPROT_KERNEL = 2;
export const RTPROT_BOOT = 3;
export const RTPROT_STATIC = 4;
export const RTPROT_GATED = 8;
export const RTPROT_RA = 9;
export const RTPROT_MRT = 10;
export const RTPROT_ZEBRA = 11;
export const RTPROT_BIRD = 12;
export const RTPROT_DNROUTED = 13;
export const RTPROT_XORP = 14;
export const RTPROT_NTK = 15;
export const RTPROT_DHCP = 16;
export const RTPROT_MROUTED = 17;
export const RTPROT_KEEPALIVED = 18;
export const RTPROT_BABEL = 42;
export const RTPROT_OPENR = 99;
export const RTPROT_BGP = 186;
export const RTPROT_ISIS = 187;
export const RTPROT_OSPF = 188;
export const RTPROT_RIP = 189;
export const RTPROT_EIGRP = 192;

/**
 * The protocol (origin) of a route, rule, neighbour or address, by iproute2's rt_protos names;
 * the same table for every family (rtm_protocol, FRA_PROTOCOL, NDA_PROTOCOL, IFA_PROTO).
 */
export const PROTOCOLS = new EnumTable('protocol', [
  ['unspec', RTPROT_UNSPEC], ['redirect', RTPROT_REDIRECT], ['kernel', RTPROT_KERNEL], ['boot', RTPROT_BOOT],
  ['static', RTPROT_STATIC], ['gated', RTPROT_GATED], ['ra', RTPROT_RA], ['mrt', RTPROT_MRT],
  ['zebra', RTPROT_ZEBRA], ['bird', RTPROT_BIRD], ['dnrouted', RTPROT_DNROUTED], ['xorp', RTPROT_XORP],
  ['ntk', RTPROT_NTK], ['dhcp', RTPROT_DHCP], ['mrouted', RTPROT_MROUTED], ['keepalived', RTPROT_KEEPALIVED],
  ['babel', RTPROT_BABEL], ['openr', RTPROT_OPENR], ['bgp', RTPROT_BGP], ['isis', RTPROT_ISIS],
  ['ospf', RTPROT_OSPF], ['rip', RTPROT_RIP], ['eigrp', RTPROT_EIGRP],
]);

// ---- scopes: RT_SCOPE_* (a distance to the destination; values in between are allowed) ----

export const RT_SCOPE_UNIVERSE = 0;
export const RT_SCOPE_SITE = 200;
export const RT_SCOPE_LINK = 253;
export const RT_SCOPE_HOST = 254;
export const RT_SCOPE_NOWHERE = 255;

/** A scope by the name `ip` prints (RT_SCOPE_UNIVERSE is `global`; `universe` is accepted on input). */
export type ScopeName = 'global' | 'site' | 'link' | 'host' | 'nowhere';

/** Scopes of routes and addresses (rtm_scope, ifa_scope), by iproute2's rt_scopes names. */
export const SCOPES = new EnumTable<ScopeName>('scope', [
  ['global', RT_SCOPE_UNIVERSE], ['site', RT_SCOPE_SITE], ['link', RT_SCOPE_LINK], ['host', RT_SCOPE_HOST],
  ['nowhere', RT_SCOPE_NOWHERE],
], [['universe', RT_SCOPE_UNIVERSE]]);

// ---- route types: RTN_* (rtm_type; also ndm_type) ----

export const RTN_UNSPEC = 0;
export const RTN_UNICAST = 1;
export const RTN_LOCAL = 2;
export const RTN_BROADCAST = 3;
export const RTN_ANYCAST = 4;
export const RTN_MULTICAST = 5;
export const RTN_BLACKHOLE = 6;
export const RTN_UNREACHABLE = 7;
export const RTN_PROHIBIT = 8;
export const RTN_THROW = 9;
export const RTN_NAT = 10;
export const RTN_XRESOLVE = 11;

/** A route type by the name `ip` prints (RTN_UNSPEC prints as `none`). */
export type RouteTypeName =
  | 'none' | 'unicast' | 'local' | 'broadcast' | 'anycast' | 'multicast' | 'blackhole' | 'unreachable'
  | 'prohibit' | 'throw' | 'nat' | 'xresolve';

/** Route types by iproute2's rtnl_rtntype_n2a names. */
export const ROUTE_TYPES = new EnumTable<RouteTypeName>('route type', [
  ['none', RTN_UNSPEC], ['unicast', RTN_UNICAST], ['local', RTN_LOCAL], ['broadcast', RTN_BROADCAST],
  ['anycast', RTN_ANYCAST], ['multicast', RTN_MULTICAST], ['blackhole', RTN_BLACKHOLE],
  ['unreachable', RTN_UNREACHABLE], ['prohibit', RTN_PROHIBIT], ['throw', RTN_THROW], ['nat', RTN_NAT],
  ['xresolve', RTN_XRESOLVE],
]);

// ---- IP protocol numbers (netinet/in.h), as `ip rule … ipproto` takes them ----

/** IP protocols by name (`tcp`, `udp`, `icmp` …; `ipv6-icmp` and `icmpv6` are both 58). */
export const IP_PROTOCOLS = new EnumTable('IP protocol', [
  ['icmp', 1], ['igmp', 2], ['ipip', 4], ['tcp', 6], ['udp', 17], ['ipv6', 41], ['gre', 47], ['esp', 50],
  ['ah', 51], ['ipv6-icmp', 58], ['sctp', 132], ['udplite', 136], ['mpls', 137],
], [['icmpv6', 58]]);

/**
 * Checks a routing table given by caller input, for routes and rules alike: `'main'`, `'local'`,
 * `'default'` or an id 1..2^32-1. Table 0 (RT_TABLE_UNSPEC) names no table: omit the option
 * instead (the kernel then uses the main table).
 */
export function checkTable(field: string, value: unknown): number {
  return ROUTE_TABLES.check(field, value);
}
