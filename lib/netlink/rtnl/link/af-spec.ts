/**
 * IFLA_AF_SPEC of a link message: a nest keyed by address family, each holding that family's
 * per-device state (`rtnl_fill_link_af`): AF_INET → IFLA_INET_* (the devconf array), AF_INET6 →
 * IFLA_INET6_* (flags, devconf, statistics, cacheinfo, token, address generation mode, RA MTU),
 * AF_MCTP → IFLA_MCTP_*. The same IFLA_INET6_* nest is the IFLA_PROTINFO of AF_INET6 link
 * messages (RTNLGRP_IPV6_IFINFO). AF_BRIDGE messages carry another IFLA_AF_SPEC (see
 * kinds/bridge.ts). Numbers from include/uapi/linux/if_link.h.
 */
import { EnumTable } from '../../core/enum-table.js';
import { AF_INET, AF_INET6 } from '../../core/inet.js';
import { cacheinfo, enumOf, ip6, s32Array, u64Array } from './fields.js';
import { AttrSet, attr, binary, nest, u32, u8, type AttrValues } from '../../core/schema.js';

/** AF_MCTP (linux/socket.h). */
export const AF_MCTP = 45;

// enum IFLA_INET_*.
export const IFLA_INET_CONF = 1;

// enum IFLA_INET6_*.
export const IFLA_INET6_FLAGS = 1;
export const IFLA_INET6_CONF = 2;
export const IFLA_INET6_STATS = 3;
export const IFLA_INET6_MCAST = 4;
export const IFLA_INET6_CACHEINFO = 5;
export const IFLA_INET6_ICMP6STATS = 6;
export const IFLA_INET6_TOKEN = 7;
export const IFLA_INET6_ADDR_GEN_MODE = 8;
export const IFLA_INET6_RA_MTU = 9;

// enum IFLA_MCTP_*.
export const IFLA_MCTP_NET = 1;
export const IFLA_MCTP_PHYS_BINDING = 2;

/** enum in6_addr_gen_mode (IN6_ADDR_GEN_MODE_*) as `ip -j` prints `inet6_addr_gen_mode`. */
export const IN6_ADDR_GEN_MODES = new EnumTable('address generation mode', [
  ['eui64', 0], ['none', 1], ['stable_secret', 2], ['random', 3],
] as const);
/** An IPv6 address generation mode (or its number when unnamed). */
export type AddrGenMode = 'eui64' | 'none' | 'stable_secret' | 'random' | number;

/** AF_INET: IFLA_INET_CONF is the devconf array (index i is IPV4_DEVCONF_* i + 1). */
export const inetAfAttrs = new AttrSet('af_inet', () => ({
  conf: attr(IFLA_INET_CONF, s32Array),
}));

/** AF_INET6 (and the IFLA_PROTINFO of AF_INET6 link messages). */
export const inet6AfAttrs = new AttrSet('af_inet6', () => ({
  /** IFLA_INET6_FLAGS: IF_RA_* / IF_READY … of the inet6 device. */
  flags: attr(IFLA_INET6_FLAGS, u32),
  /** IFLA_INET6_CONF: the devconf array (index i is DEVCONF_* i). */
  conf: attr(IFLA_INET6_CONF, s32Array),
  /** IFLA_INET6_STATS: IPSTATS_MIB_* counters (element 0 is their number). */
  stats: attr(IFLA_INET6_STATS, u64Array),
  mcast: attr(IFLA_INET6_MCAST, binary),
  cacheinfo: attr(IFLA_INET6_CACHEINFO, cacheinfo),
  /** IFLA_INET6_ICMP6STATS: ICMP6_MIB_* counters (element 0 is their number). */
  icmp6stats: attr(IFLA_INET6_ICMP6STATS, u64Array),
  /** IFLA_INET6_TOKEN: the interface identifier token (`::` when unset). */
  token: attr(IFLA_INET6_TOKEN, ip6),
  addrGenMode: attr(IFLA_INET6_ADDR_GEN_MODE, enumOf(u8, IN6_ADDR_GEN_MODES)),
  raMtu: attr(IFLA_INET6_RA_MTU, u32),
}));

/** AF_MCTP. */
export const mctpAfAttrs = new AttrSet('af_mctp', () => ({
  net: attr(IFLA_MCTP_NET, u32),
  physBinding: attr(IFLA_MCTP_PHYS_BINDING, u8),
}));

/** IFLA_AF_SPEC of AF_UNSPEC link messages, keyed by family. */
export const afSpecAttrs = new AttrSet('af_spec', () => ({
  inet: attr(AF_INET, nest(inetAfAttrs)),
  inet6: attr(AF_INET6, nest(inet6AfAttrs)),
  mctp: attr(AF_MCTP, nest(mctpAfAttrs)),
}));

/** The decoded IFLA_AF_SPEC of an AF_UNSPEC link message. */
export type LinkAfSpec = AttrValues<typeof afSpecAttrs.defs>;
/** The decoded AF_INET6 part of IFLA_AF_SPEC. */
export type Inet6AfSpec = AttrValues<typeof inet6AfAttrs.defs>;
