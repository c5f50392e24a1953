/**
 * Route (RTM_*ROUTE) numbers from include/uapi/linux/rtnetlink.h (and icmpv6.h for RTA_PREF), with
 * the kernel's names, and the names iproute2 prints for them. RTN_*, RTPROT_*, RT_SCOPE_* and
 * RT_TABLE_* are shared by several families: see ../enums.ts. Lightweight-tunnel numbers
 * (LWTUNNEL_*) are in encap.ts. Numbers are from the 6.1-era UAPI headers in /usr/include/linux;
 * RTA_FLOWLABEL comes from the newer uapi (6.16+) and is marked as such.
 */
import { EnumTable } from '../../core/enum-table.js';

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

/** USER_HZ: the unit of rta_cacheinfo times (clock_t), 100 on every Linux architecture. */
export const USER_HZ = 100;

// ---- names, as iproute2 prints them ----

/** RTA_PREF (ICMPV6_ROUTER_PREF_*) by name. */
export const ROUTE_PREFS = new EnumTable<'low' | 'medium' | 'high'>('router preference', [
  ['medium', ICMPV6_ROUTER_PREF_MEDIUM], ['high', ICMPV6_ROUTER_PREF_HIGH], ['low', ICMPV6_ROUTER_PREF_LOW],
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
