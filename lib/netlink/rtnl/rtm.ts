/**
 * rtnetlink message types and multicast groups (include/uapi/linux/rtnetlink.h), with the names
 * errors and events print.
 */

export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_GETLINK = 18;
export const RTM_SETLINK = 19;
export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const RTM_GETADDR = 22;
export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const RTM_GETROUTE = 26;
export const RTM_NEWNEIGH = 28;
export const RTM_DELNEIGH = 29;
export const RTM_GETNEIGH = 30;
export const RTM_NEWRULE = 32;
export const RTM_DELRULE = 33;
export const RTM_GETRULE = 34;
export const RTM_NEWNEIGHTBL = 64;
export const RTM_GETNEIGHTBL = 66;
export const RTM_SETNEIGHTBL = 67;
export const RTM_NEWNSID = 88;
export const RTM_DELNSID = 89;
export const RTM_GETNSID = 90;
export const RTM_NEWNEXTHOP = 104;
export const RTM_DELNEXTHOP = 105;
export const RTM_GETNEXTHOP = 106;
export const RTM_NEWLINKPROP = 108;
export const RTM_DELLINKPROP = 109;

const NAMES: Record<number, string> = {
  16: 'RTM_NEWLINK',
  17: 'RTM_DELLINK',
  18: 'RTM_GETLINK',
  19: 'RTM_SETLINK',
  20: 'RTM_NEWADDR',
  21: 'RTM_DELADDR',
  22: 'RTM_GETADDR',
  24: 'RTM_NEWROUTE',
  25: 'RTM_DELROUTE',
  26: 'RTM_GETROUTE',
  28: 'RTM_NEWNEIGH',
  29: 'RTM_DELNEIGH',
  30: 'RTM_GETNEIGH',
  32: 'RTM_NEWRULE',
  33: 'RTM_DELRULE',
  34: 'RTM_GETRULE',
  36: 'RTM_NEWQDISC',
  37: 'RTM_DELQDISC',
  38: 'RTM_GETQDISC',
  40: 'RTM_NEWTCLASS',
  41: 'RTM_DELTCLASS',
  42: 'RTM_GETTCLASS',
  44: 'RTM_NEWTFILTER',
  45: 'RTM_DELTFILTER',
  46: 'RTM_GETTFILTER',
  48: 'RTM_NEWACTION',
  49: 'RTM_DELACTION',
  50: 'RTM_GETACTION',
  52: 'RTM_NEWPREFIX',
  58: 'RTM_GETMULTICAST',
  62: 'RTM_GETANYCAST',
  64: 'RTM_NEWNEIGHTBL',
  66: 'RTM_GETNEIGHTBL',
  67: 'RTM_SETNEIGHTBL',
  68: 'RTM_NEWNDUSEROPT',
  72: 'RTM_NEWADDRLABEL',
  73: 'RTM_DELADDRLABEL',
  74: 'RTM_GETADDRLABEL',
  78: 'RTM_GETDCB',
  79: 'RTM_SETDCB',
  80: 'RTM_NEWNETCONF',
  81: 'RTM_DELNETCONF',
  82: 'RTM_GETNETCONF',
  84: 'RTM_NEWMDB',
  85: 'RTM_DELMDB',
  86: 'RTM_GETMDB',
  88: 'RTM_NEWNSID',
  89: 'RTM_DELNSID',
  90: 'RTM_GETNSID',
  92: 'RTM_NEWSTATS',
  94: 'RTM_GETSTATS',
  95: 'RTM_SETSTATS',
  96: 'RTM_NEWCACHEREPORT',
  100: 'RTM_NEWCHAIN',
  101: 'RTM_DELCHAIN',
  102: 'RTM_GETCHAIN',
  104: 'RTM_NEWNEXTHOP',
  105: 'RTM_DELNEXTHOP',
  106: 'RTM_GETNEXTHOP',
  108: 'RTM_NEWLINKPROP',
  109: 'RTM_DELLINKPROP',
  110: 'RTM_GETLINKPROP',
  112: 'RTM_NEWVLAN',
  113: 'RTM_DELVLAN',
  114: 'RTM_GETVLAN',
  116: 'RTM_NEWNEXTHOPBUCKET',
  117: 'RTM_DELNEXTHOPBUCKET',
  118: 'RTM_GETNEXTHOPBUCKET',
  120: 'RTM_NEWTUNNEL',
  121: 'RTM_DELTUNNEL',
  122: 'RTM_GETTUNNEL',
};

/** The RTM_* name of a message type (`16` → `'RTM_NEWLINK'`); control types too. */
export function messageTypeName(type: number): string {
  switch (type) {
    case 1: return 'NLMSG_NOOP';
    case 2: return 'NLMSG_ERROR';
    case 3: return 'NLMSG_DONE';
    case 4: return 'NLMSG_OVERRUN';
    default: return NAMES[type] ?? `message type ${type}`;
  }
}

// enum rtnetlink_groups (multicast group numbers for NETLINK_ADD_MEMBERSHIP).
export const RTNLGRP_LINK = 1;
export const RTNLGRP_NOTIFY = 2;
export const RTNLGRP_NEIGH = 3;
export const RTNLGRP_TC = 4;
export const RTNLGRP_IPV4_IFADDR = 5;
export const RTNLGRP_IPV4_MROUTE = 6;
export const RTNLGRP_IPV4_ROUTE = 7;
export const RTNLGRP_IPV4_RULE = 8;
export const RTNLGRP_IPV6_IFADDR = 9;
export const RTNLGRP_IPV6_MROUTE = 10;
export const RTNLGRP_IPV6_ROUTE = 11;
export const RTNLGRP_IPV6_IFINFO = 12;
export const RTNLGRP_NOP2 = 14;
export const RTNLGRP_NOP4 = 17;
export const RTNLGRP_IPV6_PREFIX = 18;
export const RTNLGRP_IPV6_RULE = 19;
export const RTNLGRP_ND_USEROPT = 20;
export const RTNLGRP_PHONET_IFADDR = 21;
export const RTNLGRP_PHONET_ROUTE = 22;
export const RTNLGRP_DCB = 23;
export const RTNLGRP_IPV4_NETCONF = 24;
export const RTNLGRP_IPV6_NETCONF = 25;
export const RTNLGRP_MDB = 26;
export const RTNLGRP_MPLS_ROUTE = 27;
export const RTNLGRP_NSID = 28;
export const RTNLGRP_MPLS_NETCONF = 29;
export const RTNLGRP_IPV4_MROUTE_R = 30;
export const RTNLGRP_IPV6_MROUTE_R = 31;
export const RTNLGRP_NEXTHOP = 32;
export const RTNLGRP_BRVLAN = 33;
export const RTNLGRP_MCTP_IFADDR = 34;
export const RTNLGRP_TUNNEL = 35;
export const RTNLGRP_STATS = 36;
