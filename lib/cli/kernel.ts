/**
 * The CLI's only reach past the package's public entry points: kernel constants the library
 * defines once and `ip` prints by name — address families, enumerations (RTPROT_*, RT_SCOPE_*,
 * RTN_*, RT_TABLE_*, IP protocols) and flag bits (BR_BOOLOPT_*, IFF_*, IFA_F_*, MACVLAN_FLAG_*,
 * RTAX_*, RTNH_F_* and RTM_F_*, NUD_*, NTF_*, FIB_RULE_*, FR_ACT_*) — and glibc's strerror texts
 * (errno.ts), which the public API only carries inside error messages. Everything the CLI does to
 * the kernel goes through `rtnetlink` and `rtnetlink/sandbox` as a consumer's code would; this
 * file only names numbers.
 */
import { errnoText } from '../netlink/core/errno.js';
import type { EnumTable } from '../netlink/core/enum-table.js';
import { PROTOCOLS, ROUTE_TABLES, ROUTE_TYPES, SCOPES } from '../netlink/rtnl/enums.js';
import { ROUTE_PREFS } from '../netlink/rtnl/route/constants.js';

export { AF_BRIDGE, AF_INET, AF_INET6 } from '../netlink/core/inet.js';
export { BR_BOOLOPT_MCAST_VLAN_SNOOPING, BR_BOOLOPT_NO_LL_LEARN } from '../netlink/rtnl/link/kinds/bridge.js';
export { MACVLAN_FLAG_NODST, MACVLAN_FLAG_NOPROMISC } from '../netlink/rtnl/link/kinds/macvlan.js';
export {
  IFA_F_DADFAILED, IFA_F_DEPRECATED, IFA_F_HOMEADDRESS, IFA_F_MANAGETEMPADDR, IFA_F_MCAUTOJOIN, IFA_F_NODAD,
  IFA_F_NOPREFIXROUTE, IFA_F_OPTIMISTIC, IFA_F_PERMANENT, IFA_F_SECONDARY, IFA_F_STABLE_PRIVACY, IFA_F_TENTATIVE,
} from '../netlink/rtnl/address/codec.js';
export {
  IFF_ALLMULTI, IFF_AUTOMEDIA, IFF_BROADCAST, IFF_DEBUG, IFF_DORMANT, IFF_DYNAMIC, IFF_ECHO, IFF_LOOPBACK,
  IFF_LOWER_UP, IFF_MASTER, IFF_MULTICAST, IFF_NOARP, IFF_NOTRAILERS, IFF_POINTOPOINT, IFF_PORTSEL, IFF_PROMISC,
  IFF_RUNNING, IFF_SLAVE, IFF_UP,
} from '../netlink/rtnl/link/constants.js';
export {
  RTAX_ADVMSS, RTAX_CC_ALGO, RTAX_CWND, RTAX_FASTOPEN_NO_COOKIE, RTAX_FEATURES, RTAX_FEATURE_ECN, RTAX_HOPLIMIT,
  RTAX_INITCWND, RTAX_INITRWND, RTAX_MTU, RTAX_QUICKACK, RTAX_REORDERING, RTAX_RTO_MIN, RTAX_RTT, RTAX_RTTVAR,
  RTAX_SSTHRESH, RTAX_WINDOW, USER_HZ,
  RTM_F_CLONED, RTM_F_NOTIFY, RTM_F_OFFLOAD, RTM_F_OFFLOAD_FAILED, RTM_F_TRAP, RTNH_F_DEAD, RTNH_F_LINKDOWN,
  RTNH_F_OFFLOAD, RTNH_F_ONLINK, RTNH_F_PERVASIVE, RTNH_F_TRAP, RTNH_F_UNRESOLVED,
} from '../netlink/rtnl/route/constants.js';
export {
  NTF_EXT_LEARNED, NTF_EXT_MANAGED, NTF_OFFLOADED, NTF_PROXY, NTF_ROUTER, NUD_DELAY, NUD_FAILED, NUD_INCOMPLETE,
  NUD_NOARP, NUD_PERMANENT, NUD_PROBE, NUD_REACHABLE, NUD_STALE,
} from '../netlink/rtnl/neighbor/codec.js';
export {
  FIB_RULE_IIF_DETACHED, FIB_RULE_INVERT, FIB_RULE_OIF_DETACHED, FIB_RULE_UNRESOLVED, FR_ACT_GOTO, FR_ACT_NOP,
  FR_ACT_TO_TBL,
} from '../netlink/rtnl/rule/codec.js';

/** A kernel enumeration with the names `ip` prints (a read-only view of the library's table). */
export type KernelEnum = Pick<EnumTable, 'name' | 'value'>;

/** RTPROT_* (route, rule, neighbour and address protocols). */
export const protocols: KernelEnum = PROTOCOLS;
/** RT_SCOPE_* (route and address scopes). */
export const scopes: KernelEnum = SCOPES;
/** RTN_* (route types; also rule actions). */
export const routeTypes: KernelEnum = ROUTE_TYPES;
/** RT_TABLE_* names (`local`, `main`, `default`). */
export const routeTables: KernelEnum = ROUTE_TABLES;
/** ICMPV6_ROUTER_PREF_* (RTA_PREF): `low`, `medium`, `high`. */
export const routePrefs: KernelEnum = ROUTE_PREFS;

/** glibc's strerror text of a positive errno (`File exists`), as `ip` prints kernel refusals. */
export function errnoMessage(errno: number): string {
  return errnoText(errno);
}
