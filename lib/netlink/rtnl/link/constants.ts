/**
 * Link (RTM_*LINK) numbers from include/uapi/linux/if_link.h, if.h and if_arp.h, with the kernel's
 * names. Attributes newer than the installed headers (62 and up) come from the kernel's
 * if_link.h of 6.x and are marked.
 */
import { EnumTable } from '../../core/enum-table.js';

// enum IFLA_* (the attributes of a link message).
export const IFLA_ADDRESS = 1;
export const IFLA_BROADCAST = 2;
export const IFLA_IFNAME = 3;
export const IFLA_MTU = 4;
export const IFLA_LINK = 5;
export const IFLA_QDISC = 6;
export const IFLA_STATS = 7;
export const IFLA_COST = 8;
export const IFLA_PRIORITY = 9;
export const IFLA_MASTER = 10;
export const IFLA_WIRELESS = 11;
export const IFLA_PROTINFO = 12;
export const IFLA_TXQLEN = 13;
export const IFLA_MAP = 14;
export const IFLA_WEIGHT = 15;
export const IFLA_OPERSTATE = 16;
export const IFLA_LINKMODE = 17;
export const IFLA_LINKINFO = 18;
export const IFLA_NET_NS_PID = 19;
export const IFLA_IFALIAS = 20;
export const IFLA_NUM_VF = 21;
export const IFLA_VFINFO_LIST = 22;
export const IFLA_STATS64 = 23;
export const IFLA_VF_PORTS = 24;
export const IFLA_PORT_SELF = 25;
export const IFLA_AF_SPEC = 26;
export const IFLA_GROUP = 27;
export const IFLA_NET_NS_FD = 28;
export const IFLA_EXT_MASK = 29;
export const IFLA_PROMISCUITY = 30;
export const IFLA_NUM_TX_QUEUES = 31;
export const IFLA_NUM_RX_QUEUES = 32;
export const IFLA_CARRIER = 33;
export const IFLA_PHYS_PORT_ID = 34;
export const IFLA_CARRIER_CHANGES = 35;
export const IFLA_PHYS_SWITCH_ID = 36;
export const IFLA_LINK_NETNSID = 37;
export const IFLA_PHYS_PORT_NAME = 38;
export const IFLA_PROTO_DOWN = 39;
export const IFLA_GSO_MAX_SEGS = 40;
export const IFLA_GSO_MAX_SIZE = 41;
export const IFLA_PAD = 42;
export const IFLA_XDP = 43;
export const IFLA_EVENT = 44;
export const IFLA_NEW_NETNSID = 45;
export const IFLA_IF_NETNSID = 46;
export const IFLA_TARGET_NETNSID = IFLA_IF_NETNSID;
export const IFLA_CARRIER_UP_COUNT = 47;
export const IFLA_CARRIER_DOWN_COUNT = 48;
export const IFLA_NEW_IFINDEX = 49;
export const IFLA_MIN_MTU = 50;
export const IFLA_MAX_MTU = 51;
export const IFLA_PROP_LIST = 52;
export const IFLA_ALT_IFNAME = 53;
export const IFLA_PERM_ADDRESS = 54;
export const IFLA_PROTO_DOWN_REASON = 55;
export const IFLA_PARENT_DEV_NAME = 56;
export const IFLA_PARENT_DEV_BUS_NAME = 57;
export const IFLA_GRO_MAX_SIZE = 58;
export const IFLA_TSO_MAX_SIZE = 59;
export const IFLA_TSO_MAX_SEGS = 60;
export const IFLA_ALLMULTI = 61;
// Newer than /usr/include/linux/if_link.h here (kernel 6.x uapi).
export const IFLA_DEVLINK_PORT = 62;
export const IFLA_GSO_IPV4_MAX_SIZE = 63;
export const IFLA_GRO_IPV4_MAX_SIZE = 64;
export const IFLA_DPLL_PIN = 65;
export const IFLA_MAX_PACING_OFFLOAD_HORIZON = 66;
export const IFLA_NETNS_IMMUTABLE = 67;
export const IFLA_HEADROOM = 68;
export const IFLA_TAILROOM = 69;
/** The highest IFLA_* number this library indexes. */
export const IFLA_MAX = 69;

// enum IFLA_INFO_* (inside IFLA_LINKINFO).
export const IFLA_INFO_KIND = 1;
export const IFLA_INFO_DATA = 2;
export const IFLA_INFO_XSTATS = 3;
export const IFLA_INFO_SLAVE_KIND = 4;
export const IFLA_INFO_SLAVE_DATA = 5;

// enum IFLA_XDP_* (inside IFLA_XDP).
export const IFLA_XDP_FD = 1;
export const IFLA_XDP_ATTACHED = 2;
export const IFLA_XDP_FLAGS = 3;
export const IFLA_XDP_PROG_ID = 4;
export const IFLA_XDP_DRV_PROG_ID = 5;
export const IFLA_XDP_SKB_PROG_ID = 6;
export const IFLA_XDP_HW_PROG_ID = 7;
export const IFLA_XDP_EXPECTED_FD = 8;

/** XDP_ATTACHED_* (IFLA_XDP_ATTACHED values), named as `ip -j` prints the attach mode. */
export const XDP_ATTACHED = new EnumTable('XDP attach mode', [
  ['none', 0], ['drv', 1], ['skb', 2], ['hw', 3], ['multi', 4],
] as const);

// enum IFLA_PROTO_DOWN_REASON_* (inside IFLA_PROTO_DOWN_REASON).
export const IFLA_PROTO_DOWN_REASON_MASK = 1;
export const IFLA_PROTO_DOWN_REASON_VALUE = 2;

// enum dpll_a (linux/dpll.h): inside IFLA_DPLL_PIN. Newer than the installed headers (6.7 uapi).
export const DPLL_A_PIN_ID = 1;

// IFLA_EXT_MASK bits (RTEXT_FILTER_*, rtnetlink.h).
export const RTEXT_FILTER_VF = 1 << 0;
export const RTEXT_FILTER_BRVLAN = 1 << 1;
export const RTEXT_FILTER_BRVLAN_COMPRESSED = 1 << 2;
export const RTEXT_FILTER_SKIP_STATS = 1 << 3;

// enum net_device_flags (if.h): ifi_flags.
export const IFF_UP = 1 << 0;
export const IFF_BROADCAST = 1 << 1;
export const IFF_DEBUG = 1 << 2;
export const IFF_LOOPBACK = 1 << 3;
export const IFF_POINTOPOINT = 1 << 4;
export const IFF_NOTRAILERS = 1 << 5;
export const IFF_RUNNING = 1 << 6;
export const IFF_NOARP = 1 << 7;
export const IFF_PROMISC = 1 << 8;
export const IFF_ALLMULTI = 1 << 9;
export const IFF_MASTER = 1 << 10;
export const IFF_SLAVE = 1 << 11;
export const IFF_MULTICAST = 1 << 12;
export const IFF_PORTSEL = 1 << 13;
export const IFF_AUTOMEDIA = 1 << 14;
export const IFF_DYNAMIC = 1 << 15;
export const IFF_LOWER_UP = 1 << 16;
export const IFF_DORMANT = 1 << 17;
export const IFF_ECHO = 1 << 18;

// IF_OPER_* (if.h): IFLA_OPERSTATE values, named as `ip -j` prints them.
export const OPERSTATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'] as const;

// ARPHRD_* (if_arp.h).
export const ARPHRD_ETHER = 1;
export const ARPHRD_LOOPBACK = 772;
export const ARPHRD_NONE = 0xfffe;
export const ARPHRD_VOID = 0xffff;
/** ARPHRD_* (if_arp.h): ifi_type, as `ip -j` names it (`link_type`). */
const LINK_TYPES = new EnumTable('link type', [
  ['netrom', 0], ['ether', 1], ['eether', 2], ['ax25', 3], ['pronet', 4], ['chaos', 5], ['ieee802', 6],
  ['arcnet', 7], ['appletlk', 8], ['dlci', 15], ['atm', 19], ['metricom', 23], ['ieee1394', 24], ['eui64', 27],
  ['infiniband', 32], ['slip', 256], ['cslip', 257], ['slip6', 258], ['cslip6', 259], ['rsrvd', 260], ['adapt', 264],
  ['rose', 270], ['x25', 271], ['hwx25', 272], ['can', 280], ['ppp', 512], ['hdlc', 513], ['lapb', 516],
  ['ddcmp', 517], ['rawhdlc', 518], ['rawip', 519], ['ipip', 768], ['tunnel6', 769], ['frad', 770], ['skip', 771],
  ['loopback', 772], ['localtlk', 773], ['fddi', 774], ['bif', 775], ['sit', 776], ['ip/ddp', 777], ['gre', 778],
  ['pimreg', 779], ['hippi', 780], ['ash', 781], ['econet', 782], ['irda', 783], ['fcpp', 784], ['fcal', 785],
  ['fcpl', 786], ['fcfb', 787], ['tr', 800], ['tr+', 801], ['ieee802.11/prism', 802], ['ieee802.11/radiotap', 803],
  ['ieee802.15.4', 804], ['ieee802.15.4/monitor', 805], ['phonet', 820], ['phonet_pipe', 821], ['caif', 822],
  ['ip6gre', 823], ['netlink', 824], ['6lowpan', 825], ['vsockmon', 826], ['none', 0xfffe], ['void', 0xffff],
], [], { max: 0xffff });

/** The `ip -j` name of an ARPHRD_* type (`1` → `'ether'`), or `'[N]'` as ip prints unknown ones. */
export function linkTypeName(type: number): string {
  return LINK_TYPES.name(type) ?? `[${type}]`;
}
