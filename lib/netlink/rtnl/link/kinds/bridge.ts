/**
 * The bridge kind: IFLA_INFO_DATA of a bridge (enum IFLA_BR_*), IFLA_INFO_SLAVE_DATA of a bridge
 * port (enum IFLA_BRPORT_*, slave kind `bridge`), the querier state nest (BRIDGE_QUERIER_*) and
 * the IFLA_AF_SPEC of AF_BRIDGE link messages (IFLA_BRIDGE_*, linux/if_bridge.h).
 *
 * Numbers from include/uapi/linux/if_link.h and if_bridge.h; those newer than the installed 6.1
 * headers (IFLA_BR_FDB_N_LEARNED / FDB_MAX_LEARNED, IFLA_BRPORT_MAB … BACKUP_NHID) come from the
 * kernel's 6.x uapi and are marked. Field names are `ip -j -d` names in camelCase where ip prints
 * one, the kernel's otherwise. Times are the kernel's clock_t (hundredths of a second).
 */
import { EnumTable } from '../../../core/enum-table.js';
import {
  bool8, boolOptMulti, bridgeId, bridgeVlanInfo, enumOf, ether, ip4, ip6, u64n,
} from '../fields.js';
import { AttrSet, attr, binary, flag, multi, nest, u16, u16be, u32, u8, type AttrValues } from '../../../core/schema.js';

// enum IFLA_BR_* (if_link.h).
export const IFLA_BR_FORWARD_DELAY = 1;
export const IFLA_BR_HELLO_TIME = 2;
export const IFLA_BR_MAX_AGE = 3;
export const IFLA_BR_AGEING_TIME = 4;
export const IFLA_BR_STP_STATE = 5;
export const IFLA_BR_PRIORITY = 6;
export const IFLA_BR_VLAN_FILTERING = 7;
export const IFLA_BR_VLAN_PROTOCOL = 8;
export const IFLA_BR_GROUP_FWD_MASK = 9;
export const IFLA_BR_ROOT_ID = 10;
export const IFLA_BR_BRIDGE_ID = 11;
export const IFLA_BR_ROOT_PORT = 12;
export const IFLA_BR_ROOT_PATH_COST = 13;
export const IFLA_BR_TOPOLOGY_CHANGE = 14;
export const IFLA_BR_TOPOLOGY_CHANGE_DETECTED = 15;
export const IFLA_BR_HELLO_TIMER = 16;
export const IFLA_BR_TCN_TIMER = 17;
export const IFLA_BR_TOPOLOGY_CHANGE_TIMER = 18;
export const IFLA_BR_GC_TIMER = 19;
export const IFLA_BR_GROUP_ADDR = 20;
export const IFLA_BR_FDB_FLUSH = 21;
export const IFLA_BR_MCAST_ROUTER = 22;
export const IFLA_BR_MCAST_SNOOPING = 23;
export const IFLA_BR_MCAST_QUERY_USE_IFADDR = 24;
export const IFLA_BR_MCAST_QUERIER = 25;
export const IFLA_BR_MCAST_HASH_ELASTICITY = 26;
export const IFLA_BR_MCAST_HASH_MAX = 27;
export const IFLA_BR_MCAST_LAST_MEMBER_CNT = 28;
export const IFLA_BR_MCAST_STARTUP_QUERY_CNT = 29;
export const IFLA_BR_MCAST_LAST_MEMBER_INTVL = 30;
export const IFLA_BR_MCAST_MEMBERSHIP_INTVL = 31;
export const IFLA_BR_MCAST_QUERIER_INTVL = 32;
export const IFLA_BR_MCAST_QUERY_INTVL = 33;
export const IFLA_BR_MCAST_QUERY_RESPONSE_INTVL = 34;
export const IFLA_BR_MCAST_STARTUP_QUERY_INTVL = 35;
export const IFLA_BR_NF_CALL_IPTABLES = 36;
export const IFLA_BR_NF_CALL_IP6TABLES = 37;
export const IFLA_BR_NF_CALL_ARPTABLES = 38;
export const IFLA_BR_VLAN_DEFAULT_PVID = 39;
export const IFLA_BR_PAD = 40;
export const IFLA_BR_VLAN_STATS_ENABLED = 41;
export const IFLA_BR_MCAST_STATS_ENABLED = 42;
export const IFLA_BR_MCAST_IGMP_VERSION = 43;
export const IFLA_BR_MCAST_MLD_VERSION = 44;
export const IFLA_BR_VLAN_STATS_PER_PORT = 45;
export const IFLA_BR_MULTI_BOOLOPT = 46;
export const IFLA_BR_MCAST_QUERIER_STATE = 47;
// Newer than the installed headers (kernel 6.8 uapi).
export const IFLA_BR_FDB_N_LEARNED = 48;
export const IFLA_BR_FDB_MAX_LEARNED = 49;

// enum br_boolopt_id (if_bridge.h): bit numbers in IFLA_BR_MULTI_BOOLOPT.
export const BR_BOOLOPT_NO_LL_LEARN = 0;
export const BR_BOOLOPT_MCAST_VLAN_SNOOPING = 1;
export const BR_BOOLOPT_MST_ENABLE = 2;
/** Newer than the installed headers (kernel 6.15 uapi). */
export const BR_BOOLOPT_MDB_OFFLOAD_FAIL_NOTIFICATION = 3;

// enum BRIDGE_QUERIER_* (if_bridge.h): inside IFLA_BR_MCAST_QUERIER_STATE.
export const BRIDGE_QUERIER_IP_ADDRESS = 1;
export const BRIDGE_QUERIER_IP_PORT = 2;
export const BRIDGE_QUERIER_IP_OTHER_TIMER = 3;
export const BRIDGE_QUERIER_PAD = 4;
export const BRIDGE_QUERIER_IPV6_ADDRESS = 5;
export const BRIDGE_QUERIER_IPV6_PORT = 6;
export const BRIDGE_QUERIER_IPV6_OTHER_TIMER = 7;

// enum IFLA_BRPORT_* (if_link.h): bridge port options (IFLA_INFO_SLAVE_DATA, AF_BRIDGE IFLA_PROTINFO).
export const IFLA_BRPORT_STATE = 1;
export const IFLA_BRPORT_PRIORITY = 2;
export const IFLA_BRPORT_COST = 3;
export const IFLA_BRPORT_MODE = 4;
export const IFLA_BRPORT_GUARD = 5;
export const IFLA_BRPORT_PROTECT = 6;
export const IFLA_BRPORT_FAST_LEAVE = 7;
export const IFLA_BRPORT_LEARNING = 8;
export const IFLA_BRPORT_UNICAST_FLOOD = 9;
export const IFLA_BRPORT_PROXYARP = 10;
export const IFLA_BRPORT_LEARNING_SYNC = 11;
export const IFLA_BRPORT_PROXYARP_WIFI = 12;
export const IFLA_BRPORT_ROOT_ID = 13;
export const IFLA_BRPORT_BRIDGE_ID = 14;
export const IFLA_BRPORT_DESIGNATED_PORT = 15;
export const IFLA_BRPORT_DESIGNATED_COST = 16;
export const IFLA_BRPORT_ID = 17;
export const IFLA_BRPORT_NO = 18;
export const IFLA_BRPORT_TOPOLOGY_CHANGE_ACK = 19;
export const IFLA_BRPORT_CONFIG_PENDING = 20;
export const IFLA_BRPORT_MESSAGE_AGE_TIMER = 21;
export const IFLA_BRPORT_FORWARD_DELAY_TIMER = 22;
export const IFLA_BRPORT_HOLD_TIMER = 23;
export const IFLA_BRPORT_FLUSH = 24;
export const IFLA_BRPORT_MULTICAST_ROUTER = 25;
export const IFLA_BRPORT_PAD = 26;
export const IFLA_BRPORT_MCAST_FLOOD = 27;
export const IFLA_BRPORT_MCAST_TO_UCAST = 28;
export const IFLA_BRPORT_VLAN_TUNNEL = 29;
export const IFLA_BRPORT_BCAST_FLOOD = 30;
export const IFLA_BRPORT_GROUP_FWD_MASK = 31;
export const IFLA_BRPORT_NEIGH_SUPPRESS = 32;
export const IFLA_BRPORT_ISOLATED = 33;
export const IFLA_BRPORT_BACKUP_PORT = 34;
export const IFLA_BRPORT_MRP_RING_OPEN = 35;
export const IFLA_BRPORT_MRP_IN_OPEN = 36;
export const IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT = 37;
export const IFLA_BRPORT_MCAST_EHT_HOSTS_CNT = 38;
export const IFLA_BRPORT_LOCKED = 39;
// Newer than the installed headers (kernel 6.2 … 6.7 uapi).
export const IFLA_BRPORT_MAB = 40;
export const IFLA_BRPORT_MCAST_N_GROUPS = 41;
export const IFLA_BRPORT_MCAST_MAX_GROUPS = 42;
export const IFLA_BRPORT_NEIGH_VLAN_SUPPRESS = 43;
export const IFLA_BRPORT_BACKUP_NHID = 44;

// enum IFLA_BRIDGE_* (if_bridge.h): IFLA_AF_SPEC of AF_BRIDGE link messages.
export const IFLA_BRIDGE_FLAGS = 0;
export const IFLA_BRIDGE_MODE = 1;
export const IFLA_BRIDGE_VLAN_INFO = 2;
export const IFLA_BRIDGE_VLAN_TUNNEL_INFO = 3;
export const IFLA_BRIDGE_MRP = 4;
export const IFLA_BRIDGE_CFM = 5;
export const IFLA_BRIDGE_MST = 6;
export const IFLA_BRIDGE_VLAN_TUNNEL_ID = 1;
export const IFLA_BRIDGE_VLAN_TUNNEL_VID = 2;
export const IFLA_BRIDGE_VLAN_TUNNEL_FLAGS = 3;

// BRIDGE_VLAN_INFO_* (if_bridge.h): struct bridge_vlan_info flags.
export const BRIDGE_VLAN_INFO_MASTER = 1 << 0;
export const BRIDGE_VLAN_INFO_PVID = 1 << 1;
export const BRIDGE_VLAN_INFO_UNTAGGED = 1 << 2;
export const BRIDGE_VLAN_INFO_RANGE_BEGIN = 1 << 3;
export const BRIDGE_VLAN_INFO_RANGE_END = 1 << 4;
export const BRIDGE_VLAN_INFO_BRENTRY = 1 << 5;
export const BRIDGE_VLAN_INFO_ONLY_OPTS = 1 << 6;

/** ETH_P_8021Q / ETH_P_8021AD as `ip` names them (IFLA_BR_VLAN_PROTOCOL, IFLA_VLAN_PROTOCOL). */
export const VLAN_PROTOCOLS = new EnumTable('VLAN protocol', [['802.1Q', 0x8100], ['802.1ad', 0x88a8]] as const, [], { max: 0xffff });
/** A VLAN protocol: `'802.1Q'`, `'802.1ad'` or another ethertype number. */
export type VlanProtocol = '802.1Q' | '802.1ad' | number;
/** IFLA_*_VLAN_PROTOCOL: a big-endian ethertype, decoded to `ip`'s names. */
export const vlanProtocol = enumOf(u16be, VLAN_PROTOCOLS);

/** BR_STATE_* (if_bridge.h) as `ip -j` prints IFLA_BRPORT_STATE. */
export const BRPORT_STATES = new EnumTable('bridge port state', [
  ['disabled', 0], ['listening', 1], ['learning', 2], ['forwarding', 3], ['blocking', 4],
] as const);
/** A bridge port's STP state. */
export type BridgePortState = 'disabled' | 'listening' | 'learning' | 'forwarding' | 'blocking' | number;

/** BRIDGE_QUERIER_*: the multicast querier the bridge elected (IFLA_BR_MCAST_QUERIER_STATE). */
export const bridgeQuerierAttrs = new AttrSet('bridge_querier', () => ({
  /** BRIDGE_QUERIER_IP_ADDRESS: the elected IPv4 querier. */
  ipAddress: attr(BRIDGE_QUERIER_IP_ADDRESS, ip4),
  /** BRIDGE_QUERIER_IP_PORT: the ifindex of the port the IPv4 querier is behind. */
  ipPort: attr(BRIDGE_QUERIER_IP_PORT, u32),
  /** BRIDGE_QUERIER_IP_OTHER_TIMER: time left before the other IPv4 querier is considered gone, in hundredths of a second. */
  ipOtherTimer: attr(BRIDGE_QUERIER_IP_OTHER_TIMER, u64n),
  /** Padding attribute (never carries data). */
  pad: attr(BRIDGE_QUERIER_PAD, binary),
  /** BRIDGE_QUERIER_IPV6_ADDRESS: the elected IPv6 querier. */
  ipv6Address: attr(BRIDGE_QUERIER_IPV6_ADDRESS, ip6),
  /** BRIDGE_QUERIER_IPV6_PORT: the ifindex of the port the IPv6 querier is behind. */
  ipv6Port: attr(BRIDGE_QUERIER_IPV6_PORT, u32),
  /** BRIDGE_QUERIER_IPV6_OTHER_TIMER: time left before the other IPv6 querier is considered gone, in hundredths of a second. */
  ipv6OtherTimer: attr(BRIDGE_QUERIER_IPV6_OTHER_TIMER, u64n),
}));

/** IFLA_INFO_DATA of kind `bridge` (enum IFLA_BR_*, br_fill_info / br_policy). */
export const bridgeAttrs = new AttrSet('bridge', () => ({
  /** IFLA_BR_FORWARD_DELAY: STP forward delay, in hundredths of a second (clock_t, USER_HZ = 100): 1500 is 15 s (`ip`'s `forward_delay`). */
  forwardDelay: attr(IFLA_BR_FORWARD_DELAY, u32),
  /** IFLA_BR_HELLO_TIME: STP hello time, in hundredths of a second (clock_t, USER_HZ = 100): 200 is 2 s. */
  helloTime: attr(IFLA_BR_HELLO_TIME, u32),
  /** IFLA_BR_MAX_AGE: STP maximum message age, in hundredths of a second (clock_t, USER_HZ = 100): 2000 is 20 s. */
  maxAge: attr(IFLA_BR_MAX_AGE, u32),
  /** IFLA_BR_AGEING_TIME: how long a learned FDB entry lives, in hundredths of a second (clock_t, USER_HZ = 100): 30000 is 300 s. */
  ageingTime: attr(IFLA_BR_AGEING_TIME, u32),
  /** IFLA_BR_STP_STATE: 0 STP off, 1 kernel STP, 2 user-space STP. */
  stpState: attr(IFLA_BR_STP_STATE, u32),
  /** IFLA_BR_PRIORITY: the bridge priority of the STP bridge id (0..65535, default 32768). */
  priority: attr(IFLA_BR_PRIORITY, u16),
  /** IFLA_BR_VLAN_FILTERING: 1 filters frames by VLAN. */
  vlanFiltering: attr(IFLA_BR_VLAN_FILTERING, u8),
  /** IFLA_BR_VLAN_PROTOCOL: the VLAN protocol filtered on, `'802.1Q'` or `'802.1ad'`. */
  vlanProtocol: attr(IFLA_BR_VLAN_PROTOCOL, vlanProtocol),
  /** IFLA_BR_GROUP_FWD_MASK: bit mask of the link-local groups 01:80:C2:00:00:0X the bridge forwards. */
  groupFwdMask: attr(IFLA_BR_GROUP_FWD_MASK, u16),
  /** IFLA_BR_ROOT_ID: the STP root bridge id. */
  rootId: attr(IFLA_BR_ROOT_ID, bridgeId),
  /** IFLA_BR_BRIDGE_ID: this bridge's STP id (priority and address). */
  bridgeId: attr(IFLA_BR_BRIDGE_ID, bridgeId),
  /** IFLA_BR_ROOT_PORT: the port number towards the root (0: this bridge is the root). */
  rootPort: attr(IFLA_BR_ROOT_PORT, u16),
  /** IFLA_BR_ROOT_PATH_COST: the STP path cost to the root. */
  rootPathCost: attr(IFLA_BR_ROOT_PATH_COST, u32),
  /** IFLA_BR_TOPOLOGY_CHANGE: 1 while a topology change is in progress. */
  topologyChange: attr(IFLA_BR_TOPOLOGY_CHANGE, u8),
  /** IFLA_BR_TOPOLOGY_CHANGE_DETECTED: 1 when this bridge detected a topology change. */
  topologyChangeDetected: attr(IFLA_BR_TOPOLOGY_CHANGE_DETECTED, u8),
  /** IFLA_BR_HELLO_TIMER: time left on the hello timer, in hundredths of a second (clock_t, USER_HZ = 100). */
  helloTimer: attr(IFLA_BR_HELLO_TIMER, u64n),
  /** IFLA_BR_TCN_TIMER: time left on the topology-change-notification timer, in hundredths of a second (clock_t, USER_HZ = 100). */
  tcnTimer: attr(IFLA_BR_TCN_TIMER, u64n),
  /** IFLA_BR_TOPOLOGY_CHANGE_TIMER: time left on the topology-change timer, in hundredths of a second (clock_t, USER_HZ = 100). */
  topologyChangeTimer: attr(IFLA_BR_TOPOLOGY_CHANGE_TIMER, u64n),
  /** IFLA_BR_GC_TIMER: time left until the next FDB garbage collection, in hundredths of a second (clock_t, USER_HZ = 100). */
  gcTimer: attr(IFLA_BR_GC_TIMER, u64n),
  /** IFLA_BR_GROUP_ADDR: the STP group address (01:80:c2:00:00:00 by default). */
  groupAddr: attr(IFLA_BR_GROUP_ADDR, ether),
  /** IFLA_BR_FDB_FLUSH (requests only): flush the learned FDB entries. */
  fdbFlush: attr(IFLA_BR_FDB_FLUSH, flag),
  /** IFLA_BR_MCAST_ROUTER: 0 never a multicast router port, 1 learned (default), 2 always. */
  mcastRouter: attr(IFLA_BR_MCAST_ROUTER, u8),
  /** IFLA_BR_MCAST_SNOOPING: 1 snoops IGMP/MLD (default). */
  mcastSnooping: attr(IFLA_BR_MCAST_SNOOPING, u8),
  /** IFLA_BR_MCAST_QUERY_USE_IFADDR: 1 sends queries from the bridge's own address. */
  mcastQueryUseIfaddr: attr(IFLA_BR_MCAST_QUERY_USE_IFADDR, u8),
  /** IFLA_BR_MCAST_QUERIER: 1 makes the bridge an IGMP/MLD querier. */
  mcastQuerier: attr(IFLA_BR_MCAST_QUERIER, u8),
  /** IFLA_BR_MCAST_HASH_ELASTICITY: kept for compatibility (the kernel ignores it). */
  mcastHashElasticity: attr(IFLA_BR_MCAST_HASH_ELASTICITY, u32),
  /** IFLA_BR_MCAST_HASH_MAX: the largest number of multicast groups (a power of two). */
  mcastHashMax: attr(IFLA_BR_MCAST_HASH_MAX, u32),
  /** IFLA_BR_MCAST_LAST_MEMBER_CNT: last-member queries sent before a group is dropped. */
  mcastLastMemberCnt: attr(IFLA_BR_MCAST_LAST_MEMBER_CNT, u32),
  /** IFLA_BR_MCAST_STARTUP_QUERY_CNT: queries sent at startup. */
  mcastStartupQueryCnt: attr(IFLA_BR_MCAST_STARTUP_QUERY_CNT, u32),
  /** IFLA_BR_MCAST_LAST_MEMBER_INTVL: interval between last-member queries, in hundredths of a second (clock_t, USER_HZ = 100). */
  mcastLastMemberIntvl: attr(IFLA_BR_MCAST_LAST_MEMBER_INTVL, u64n),
  /** IFLA_BR_MCAST_MEMBERSHIP_INTVL: how long a group membership lives without a report, in hundredths of a second (clock_t, USER_HZ = 100). */
  mcastMembershipIntvl: attr(IFLA_BR_MCAST_MEMBERSHIP_INTVL, u64n),
  /** IFLA_BR_MCAST_QUERIER_INTVL: how long another querier is assumed present, in hundredths of a second (clock_t, USER_HZ = 100). */
  mcastQuerierIntvl: attr(IFLA_BR_MCAST_QUERIER_INTVL, u64n),
  /** IFLA_BR_MCAST_QUERY_INTVL: interval between general queries, in hundredths of a second (clock_t, USER_HZ = 100). */
  mcastQueryIntvl: attr(IFLA_BR_MCAST_QUERY_INTVL, u64n),
  /** IFLA_BR_MCAST_QUERY_RESPONSE_INTVL: maximum response time of a query, in hundredths of a second (clock_t, USER_HZ = 100). */
  mcastQueryResponseIntvl: attr(IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, u64n),
  /** IFLA_BR_MCAST_STARTUP_QUERY_INTVL: interval between startup queries, in hundredths of a second (clock_t, USER_HZ = 100). */
  mcastStartupQueryIntvl: attr(IFLA_BR_MCAST_STARTUP_QUERY_INTVL, u64n),
  /** IFLA_BR_NF_CALL_IPTABLES: 1 passes bridged IPv4 through iptables. */
  nfCallIptables: attr(IFLA_BR_NF_CALL_IPTABLES, u8),
  /** IFLA_BR_NF_CALL_IP6TABLES: 1 passes bridged IPv6 through ip6tables. */
  nfCallIp6tables: attr(IFLA_BR_NF_CALL_IP6TABLES, u8),
  /** IFLA_BR_NF_CALL_ARPTABLES: 1 passes bridged ARP through arptables. */
  nfCallArptables: attr(IFLA_BR_NF_CALL_ARPTABLES, u8),
  /** IFLA_BR_VLAN_DEFAULT_PVID: the PVID of new ports (0..4094, 0 none). */
  vlanDefaultPvid: attr(IFLA_BR_VLAN_DEFAULT_PVID, u16),
  /** Padding attribute (never carries data). */
  pad: attr(IFLA_BR_PAD, binary),
  /** IFLA_BR_VLAN_STATS_ENABLED: 1 counts per-VLAN statistics. */
  vlanStatsEnabled: attr(IFLA_BR_VLAN_STATS_ENABLED, u8),
  /** IFLA_BR_MCAST_STATS_ENABLED: 1 counts IGMP/MLD statistics. */
  mcastStatsEnabled: attr(IFLA_BR_MCAST_STATS_ENABLED, u8),
  /** IFLA_BR_MCAST_IGMP_VERSION: the IGMP version of the querier (2 or 3). */
  mcastIgmpVersion: attr(IFLA_BR_MCAST_IGMP_VERSION, u8),
  /** IFLA_BR_MCAST_MLD_VERSION: the MLD version of the querier (1 or 2). */
  mcastMldVersion: attr(IFLA_BR_MCAST_MLD_VERSION, u8),
  /** IFLA_BR_VLAN_STATS_PER_PORT: 1 counts VLAN statistics per port. */
  vlanStatsPerPort: attr(IFLA_BR_VLAN_STATS_PER_PORT, u8),
  /** IFLA_BR_MULTI_BOOLOPT: boolean options by name (no_linklocal_learn, mcast_vlan_snooping, mst_enable …). */
  multiBoolopt: attr(IFLA_BR_MULTI_BOOLOPT, boolOptMulti),
  /** IFLA_BR_MCAST_QUERIER_STATE: the elected IGMP/MLD queriers and their ports. */
  mcastQuerierState: attr(IFLA_BR_MCAST_QUERIER_STATE, nest(bridgeQuerierAttrs), { flagged: true }),
  /** IFLA_BR_FDB_N_LEARNED: the number of learned FDB entries (Linux 6.8+). */
  fdbNLearned: attr(IFLA_BR_FDB_N_LEARNED, u32),
  /** IFLA_BR_FDB_MAX_LEARNED: the largest number of learned FDB entries, 0 unlimited (Linux 6.8+). */
  fdbMaxLearned: attr(IFLA_BR_FDB_MAX_LEARNED, u32),
}));

/**
 * The decoded IFLA_INFO_DATA of a bridge.
 *
 * @interface
 */
export type BridgeData = AttrValues<typeof bridgeAttrs.defs>;

/** Bridge options `links.add` / `links.set` accept (the rest is state the kernel reports). */
export const BRIDGE_WRITABLE = [
  'forwardDelay', 'helloTime', 'maxAge', 'ageingTime', 'stpState', 'priority', 'vlanFiltering', 'vlanProtocol',
  'groupFwdMask', 'groupAddr', 'fdbFlush', 'mcastRouter', 'mcastSnooping', 'mcastQueryUseIfaddr', 'mcastQuerier',
  'mcastHashElasticity', 'mcastHashMax', 'mcastLastMemberCnt', 'mcastStartupQueryCnt', 'mcastLastMemberIntvl',
  'mcastMembershipIntvl', 'mcastQuerierIntvl', 'mcastQueryIntvl', 'mcastQueryResponseIntvl',
  'mcastStartupQueryIntvl', 'nfCallIptables', 'nfCallIp6tables', 'nfCallArptables', 'vlanDefaultPvid',
  'vlanStatsEnabled', 'mcastStatsEnabled', 'mcastIgmpVersion', 'mcastMldVersion', 'vlanStatsPerPort',
  'multiBoolopt', 'fdbMaxLearned',
] as const satisfies ReadonlyArray<keyof BridgeData>;

/** IFLA_INFO_SLAVE_DATA of a port of a bridge (enum IFLA_BRPORT_*, br_port_fill_attrs). */
export const bridgePortAttrs = new AttrSet('bridge_port', () => ({
  /** IFLA_BRPORT_STATE: the STP port state (`'disabled'`, `'listening'`, `'learning'`, `'forwarding'`, `'blocking'`). */
  state: attr(IFLA_BRPORT_STATE, enumOf(u8, BRPORT_STATES)),
  /** IFLA_BRPORT_PRIORITY: the STP port priority. */
  priority: attr(IFLA_BRPORT_PRIORITY, u16),
  /** IFLA_BRPORT_COST: the STP path cost. */
  cost: attr(IFLA_BRPORT_COST, u32),
  /** IFLA_BRPORT_MODE: hairpin mode (`ip`'s `hairpin`). */
  mode: attr(IFLA_BRPORT_MODE, bool8),
  /** IFLA_BRPORT_GUARD: BPDU guard, BPDUs received disable the port. */
  guard: attr(IFLA_BRPORT_GUARD, bool8),
  /** IFLA_BRPORT_PROTECT (`ip`'s `root_block`). */
  protect: attr(IFLA_BRPORT_PROTECT, bool8),
  /** IFLA_BRPORT_FAST_LEAVE: drop a group at once on an IGMP leave (`ip`'s `fastleave`). */
  fastLeave: attr(IFLA_BRPORT_FAST_LEAVE, bool8),
  /** IFLA_BRPORT_LEARNING: learn source addresses into the FDB. */
  learning: attr(IFLA_BRPORT_LEARNING, bool8),
  /** IFLA_BRPORT_UNICAST_FLOOD (`ip`'s `flood`). */
  unicastFlood: attr(IFLA_BRPORT_UNICAST_FLOOD, bool8),
  /** IFLA_BRPORT_PROXYARP: answer ARP for known hosts on behalf of them. */
  proxyarp: attr(IFLA_BRPORT_PROXYARP, bool8),
  /** IFLA_BRPORT_LEARNING_SYNC: sync learned addresses from the device to the bridge. */
  learningSync: attr(IFLA_BRPORT_LEARNING_SYNC, bool8),
  /** IFLA_BRPORT_PROXYARP_WIFI: proxy ARP for Wi-Fi (IEEE 802.11) access points. */
  proxyarpWifi: attr(IFLA_BRPORT_PROXYARP_WIFI, bool8),
  /** IFLA_BRPORT_ROOT_ID: the STP root bridge id as the port sees it. */
  rootId: attr(IFLA_BRPORT_ROOT_ID, bridgeId),
  /** IFLA_BRPORT_BRIDGE_ID: the STP designated bridge id of the port. */
  bridgeId: attr(IFLA_BRPORT_BRIDGE_ID, bridgeId),
  /** IFLA_BRPORT_DESIGNATED_PORT: the STP designated port. */
  designatedPort: attr(IFLA_BRPORT_DESIGNATED_PORT, u16),
  /** IFLA_BRPORT_DESIGNATED_COST: the STP designated cost. */
  designatedCost: attr(IFLA_BRPORT_DESIGNATED_COST, u16),
  /** IFLA_BRPORT_ID: the STP port id (priority and number). */
  id: attr(IFLA_BRPORT_ID, u16),
  /** IFLA_BRPORT_NO: the port number. */
  no: attr(IFLA_BRPORT_NO, u16),
  /** IFLA_BRPORT_TOPOLOGY_CHANGE_ACK: 1 when a topology change acknowledgement is pending. */
  topologyChangeAck: attr(IFLA_BRPORT_TOPOLOGY_CHANGE_ACK, u8),
  /** IFLA_BRPORT_CONFIG_PENDING: 1 when a configuration BPDU is pending. */
  configPending: attr(IFLA_BRPORT_CONFIG_PENDING, u8),
  /** IFLA_BRPORT_MESSAGE_AGE_TIMER: time left on the STP message age timer, in hundredths of a second (clock_t, USER_HZ = 100). */
  messageAgeTimer: attr(IFLA_BRPORT_MESSAGE_AGE_TIMER, u64n),
  /** IFLA_BRPORT_FORWARD_DELAY_TIMER: time left on the forward delay timer, in hundredths of a second (clock_t, USER_HZ = 100). */
  forwardDelayTimer: attr(IFLA_BRPORT_FORWARD_DELAY_TIMER, u64n),
  /** IFLA_BRPORT_HOLD_TIMER: time left on the hold timer, in hundredths of a second (clock_t, USER_HZ = 100). */
  holdTimer: attr(IFLA_BRPORT_HOLD_TIMER, u64n),
  /** IFLA_BRPORT_FLUSH (requests only): flush the FDB entries learned on the port. */
  flush: attr(IFLA_BRPORT_FLUSH, flag),
  /** IFLA_BRPORT_MULTICAST_ROUTER: 0 never a multicast router port, 1 learned, 2 always, 3 temporary. */
  multicastRouter: attr(IFLA_BRPORT_MULTICAST_ROUTER, u8),
  /** Padding attribute (never carries data). */
  pad: attr(IFLA_BRPORT_PAD, binary),
  /** IFLA_BRPORT_MCAST_FLOOD: flood unknown multicast to the port. */
  mcastFlood: attr(IFLA_BRPORT_MCAST_FLOOD, bool8),
  /** IFLA_BRPORT_MCAST_TO_UCAST: send multicast to each member as unicast. */
  mcastToUcast: attr(IFLA_BRPORT_MCAST_TO_UCAST, bool8),
  /** IFLA_BRPORT_VLAN_TUNNEL: map VLANs to tunnel ids (collect-metadata ports). */
  vlanTunnel: attr(IFLA_BRPORT_VLAN_TUNNEL, bool8),
  /** IFLA_BRPORT_BCAST_FLOOD: flood broadcast to the port. */
  bcastFlood: attr(IFLA_BRPORT_BCAST_FLOOD, bool8),
  /** IFLA_BRPORT_GROUP_FWD_MASK: bit mask of the link-local groups 01:80:C2:00:00:0X the port forwards. */
  groupFwdMask: attr(IFLA_BRPORT_GROUP_FWD_MASK, u16),
  /** IFLA_BRPORT_NEIGH_SUPPRESS: answer ARP/ND from the bridge instead of flooding them. */
  neighSuppress: attr(IFLA_BRPORT_NEIGH_SUPPRESS, bool8),
  /** IFLA_BRPORT_ISOLATED: the port talks to non-isolated ports only. */
  isolated: attr(IFLA_BRPORT_ISOLATED, bool8),
  /** IFLA_BRPORT_BACKUP_PORT: the ifindex of the port that takes over when this one loses carrier. */
  backupPort: attr(IFLA_BRPORT_BACKUP_PORT, u32),
  /** IFLA_BRPORT_MRP_RING_OPEN: the MRP ring is open on this port. */
  mrpRingOpen: attr(IFLA_BRPORT_MRP_RING_OPEN, bool8),
  /** IFLA_BRPORT_MRP_IN_OPEN: the MRP interconnection ring is open on this port. */
  mrpInOpen: attr(IFLA_BRPORT_MRP_IN_OPEN, bool8),
  /** IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT: the most IGMPv3/MLDv2 explicit hosts tracked. */
  mcastEhtHostsLimit: attr(IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT, u32),
  /** IFLA_BRPORT_MCAST_EHT_HOSTS_CNT: the explicit hosts tracked now. */
  mcastEhtHostsCnt: attr(IFLA_BRPORT_MCAST_EHT_HOSTS_CNT, u32),
  /** IFLA_BRPORT_LOCKED: only hosts with an FDB entry may send (802.1X). */
  locked: attr(IFLA_BRPORT_LOCKED, bool8),
  /** IFLA_BRPORT_MAB: MAC authentication bypass on a locked port. */
  mab: attr(IFLA_BRPORT_MAB, bool8),
  /** IFLA_BRPORT_MCAST_N_GROUPS: the multicast groups joined on the port. */
  mcastNGroups: attr(IFLA_BRPORT_MCAST_N_GROUPS, u32),
  /** IFLA_BRPORT_MCAST_MAX_GROUPS: the most multicast groups the port may join, 0 unlimited. */
  mcastMaxGroups: attr(IFLA_BRPORT_MCAST_MAX_GROUPS, u32),
  /** IFLA_BRPORT_NEIGH_VLAN_SUPPRESS: neighbour suppression per VLAN. */
  neighVlanSuppress: attr(IFLA_BRPORT_NEIGH_VLAN_SUPPRESS, bool8),
  /** IFLA_BRPORT_BACKUP_NHID: the nexthop group used when the port loses carrier. */
  backupNhid: attr(IFLA_BRPORT_BACKUP_NHID, u32),
}));

/**
 * The decoded IFLA_INFO_SLAVE_DATA of a bridge port.
 *
 * @interface
 */
export type BridgePortData = AttrValues<typeof bridgePortAttrs.defs>;

/** Bridge port options `links.set(port, { slaveData })` accepts. */
export const BRIDGE_PORT_WRITABLE = [
  'state', 'priority', 'cost', 'mode', 'guard', 'protect', 'fastLeave', 'learning', 'unicastFlood', 'proxyarp',
  'learningSync', 'proxyarpWifi', 'flush', 'multicastRouter', 'mcastFlood', 'mcastToUcast', 'vlanTunnel',
  'bcastFlood', 'groupFwdMask', 'neighSuppress', 'isolated', 'backupPort', 'mcastEhtHostsLimit', 'locked', 'mab',
  'mcastMaxGroups', 'neighVlanSuppress', 'backupNhid',
] as const satisfies ReadonlyArray<keyof BridgePortData>;

/** IFLA_BRIDGE_VLAN_TUNNEL_INFO: a VLAN ↔ tunnel id mapping of a port. */
export const bridgeVlanTunnelAttrs = new AttrSet('bridge_vlan_tunnel', () => ({
  id: attr(IFLA_BRIDGE_VLAN_TUNNEL_ID, u32),
  vid: attr(IFLA_BRIDGE_VLAN_TUNNEL_VID, u16),
  flags: attr(IFLA_BRIDGE_VLAN_TUNNEL_FLAGS, u16),
}));

/**
 * IFLA_AF_SPEC of an AF_BRIDGE link message (`bridge link`, bridge port notifications). MRP, CFM
 * and MST nests (only present when configured) are kept raw in `unknown`.
 */
export const bridgeAfSpecAttrs = new AttrSet('bridge_af_spec', () => ({
  flags: attr(IFLA_BRIDGE_FLAGS, u16),
  /** IFLA_BRPORT_MODE: hairpin mode, frames may go back out of the port they came in on (`ip`'s `hairpin`). */
  mode: attr(IFLA_BRIDGE_MODE, u16),
  vlanInfo: multi(IFLA_BRIDGE_VLAN_INFO, bridgeVlanInfo),
  vlanTunnelInfo: multi(IFLA_BRIDGE_VLAN_TUNNEL_INFO, nest(bridgeVlanTunnelAttrs)),
}));

/** The decoded IFLA_AF_SPEC of an AF_BRIDGE link message. */
export type BridgeAfSpec = AttrValues<typeof bridgeAfSpecAttrs.defs>;
