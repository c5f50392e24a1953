/**
 * The kind-specific part of `ip -d link show`: `linkinfo.info_data` and `info_slave_data` as
 * iproute2 6.1's per-kind printers write them (iplink_bridge.c, iplink_bridge_slave.c,
 * iplink_vxlan.c, iplink_macvlan.c, iplink_tuntap.c), for the kinds this CLI reproduces: bridge,
 * bridge ports, vxlan, macvlan, macvtap and tun. Other kinds get no `info_data` here (ip prints one
 * for vlan, ipvlan, bond … too).
 */
import { linkKindData, linkSlaveData, type BridgeId, type LinkInfo } from '../netlink/index.js';
import { accountName, type AccountFile } from './accounts.js';
import type { LinkTable } from './context.js';
import { JsonNumberText, type JsonObject } from './json.js';
import * as K from './kernel.js';

/** A clock_t timer as ip prints it: seconds with two decimals (`%i.%.2i`). */
function timer(ticks: bigint): JsonNumberText {
  const t = Number(ticks);
  return new JsonNumberText(`${Math.trunc(t / K.USER_HZ)}.${String(t % K.USER_HZ).padStart(2, '0')}`);
}

/**
 * A bridge id as ip's br_dump_bridge_id prints it: the priority as four hex digits, then the
 * address bytes in hex without leading zeros (`8000.2:0:0:0:3:1`).
 */
function bridgeIdText(id: BridgeId): string {
  return `${id.priority.toString(16).padStart(4, '0')}.${id.address.split(':').map((b) => Number.parseInt(b, 16).toString(16)).join(':')}`;
}

/** A number as C's `%#llx` prints it: `0`, or `0x…`. */
function hex(n: number): string {
  return n === 0 ? '0' : `0x${n.toString(16)}`;
}

/** The link-local groups a port forwards, as ip names the bits of its group_fwd_mask. */
const FWD_MASK_NAMES = new Map<number, string>([[0, 'stp'], [2, 'lacp'], [14, 'lldp']]);

/** group_fwd_mask as ip's `group_fwd_mask_str` (`stp,lacp,0x10` or `0x0`). */
function fwdMaskText(mask: number): string {
  const parts: string[] = [];
  for (let bit = 0; bit < 16; bit++) {
    if ((mask & (1 << bit)) !== 0) parts.push(FWD_MASK_NAMES.get(bit) ?? `0x${(1 << bit).toString(16)}`);
  }
  return parts.length === 0 ? '0x0' : parts.join(',');
}

/** Adds `key: value` when the value is present. */
function put(o: JsonObject, key: string, v: string | number | boolean | JsonNumberText | undefined): void {
  if (v !== undefined) o[key] = v;
}

/** A bridge's `info_data` (bridge_print_opt). */
function bridgeData(info: LinkInfo): JsonObject | undefined {
  const d = linkKindData(info, 'bridge');
  if (d === undefined) return undefined;
  const o: JsonObject = {};
  put(o, 'forward_delay', d.forwardDelay);
  put(o, 'hello_time', d.helloTime);
  put(o, 'max_age', d.maxAge);
  put(o, 'ageing_time', d.ageingTime);
  put(o, 'stp_state', d.stpState);
  put(o, 'priority', d.priority);
  put(o, 'vlan_filtering', d.vlanFiltering);
  if (d.vlanProtocol !== undefined) o.vlan_protocol = String(d.vlanProtocol);
  if (d.bridgeId !== undefined) o.bridge_id = bridgeIdText(d.bridgeId);
  // ip 6.1 prints IFLA_BR_BRIDGE_ID under root_id too (it reads the wrong attribute).
  if (d.rootId !== undefined && d.bridgeId !== undefined) o.root_id = bridgeIdText(d.bridgeId);
  put(o, 'root_port', d.rootPort);
  put(o, 'root_path_cost', d.rootPathCost);
  put(o, 'topology_change', d.topologyChange);
  put(o, 'topology_change_detected', d.topologyChangeDetected);
  if (d.helloTimer !== undefined) o.hello_timer = timer(d.helloTimer);
  if (d.tcnTimer !== undefined) o.tcn_timer = timer(d.tcnTimer);
  if (d.topologyChangeTimer !== undefined) o.topology_change_timer = timer(d.topologyChangeTimer);
  if (d.gcTimer !== undefined) o.gc_timer = timer(d.gcTimer);
  put(o, 'vlan_default_pvid', d.vlanDefaultPvid);
  put(o, 'vlan_stats_enabled', d.vlanStatsEnabled);
  put(o, 'vlan_stats_per_port', d.vlanStatsPerPort);
  if (d.groupFwdMask !== undefined) o.group_fwd_mask = hex(d.groupFwdMask);
  put(o, 'group_addr', d.groupAddr);
  put(o, 'mcast_snooping', d.mcastSnooping);
  if (d.multiBoolopt !== undefined) {
    const { optval, optmask } = d.multiBoolopt;
    for (const [bit, key] of [[K.BR_BOOLOPT_NO_LL_LEARN, 'no_linklocal_learn'], [K.BR_BOOLOPT_MCAST_VLAN_SNOOPING, 'mcast_vlan_snooping']] as const) {
      if ((optmask & (1 << bit)) !== 0) o[key] = (optval & (1 << bit)) !== 0 ? 1 : 0;
    }
  }
  put(o, 'mcast_router', d.mcastRouter);
  put(o, 'mcast_query_use_ifaddr', d.mcastQueryUseIfaddr);
  put(o, 'mcast_querier', d.mcastQuerier);
  put(o, 'mcast_hash_elasticity', d.mcastHashElasticity);
  put(o, 'mcast_hash_max', d.mcastHashMax);
  put(o, 'mcast_last_member_cnt', d.mcastLastMemberCnt);
  put(o, 'mcast_startup_query_cnt', d.mcastStartupQueryCnt);
  for (const [key, v] of [
    ['mcast_last_member_intvl', d.mcastLastMemberIntvl], ['mcast_membership_intvl', d.mcastMembershipIntvl],
    ['mcast_querier_intvl', d.mcastQuerierIntvl], ['mcast_query_intvl', d.mcastQueryIntvl],
    ['mcast_query_response_intvl', d.mcastQueryResponseIntvl], ['mcast_startup_query_intvl', d.mcastStartupQueryIntvl],
  ] as const) {
    if (v !== undefined) o[key] = v;
  }
  put(o, 'mcast_stats_enabled', d.mcastStatsEnabled);
  put(o, 'mcast_igmp_version', d.mcastIgmpVersion);
  put(o, 'mcast_mld_version', d.mcastMldVersion);
  put(o, 'nf_call_iptables', d.nfCallIptables);
  put(o, 'nf_call_ip6tables', d.nfCallIp6tables);
  put(o, 'nf_call_arptables', d.nfCallArptables);
  return o;
}

/** IFLA_BRPORT_STATE names (ip's port_states). */
const PORT_STATES = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];

/** A bridge port's `info_slave_data` (bridge_slave_print_opt). */
function bridgePortData(info: LinkInfo, links: LinkTable): JsonObject | undefined {
  const d = linkSlaveData(info, 'bridge');
  if (d === undefined) return undefined;
  const o: JsonObject = {};
  if (d.state !== undefined) {
    const s = typeof d.state === 'number' ? PORT_STATES[d.state] : d.state;
    if (s === undefined) o.state_index = d.state;
    else o.state = s;
  }
  put(o, 'priority', d.priority);
  put(o, 'cost', d.cost);
  put(o, 'hairpin', d.mode);
  put(o, 'guard', d.guard);
  put(o, 'root_block', d.protect);
  put(o, 'fastleave', d.fastLeave);
  put(o, 'learning', d.learning);
  put(o, 'flood', d.unicastFlood);
  if (d.id !== undefined) o.id = hex(d.id);
  if (d.no !== undefined) o.no = hex(d.no);
  put(o, 'designated_port', d.designatedPort);
  put(o, 'designated_cost', d.designatedCost);
  if (d.bridgeId !== undefined) o.bridge_id = bridgeIdText(d.bridgeId);
  if (d.rootId !== undefined) o.root_id = bridgeIdText(d.rootId);
  if (d.holdTimer !== undefined) o.hold_timer = timer(d.holdTimer);
  if (d.messageAgeTimer !== undefined) o.message_age_timer = timer(d.messageAgeTimer);
  if (d.forwardDelayTimer !== undefined) o.forward_delay_timer = timer(d.forwardDelayTimer);
  put(o, 'topology_change_ack', d.topologyChangeAck);
  put(o, 'config_pending', d.configPending);
  put(o, 'proxy_arp', d.proxyarp);
  put(o, 'proxy_arp_wifi', d.proxyarpWifi);
  put(o, 'multicast_router', d.multicastRouter);
  put(o, 'mcast_flood', d.mcastFlood);
  put(o, 'bcast_flood', d.bcastFlood);
  put(o, 'mcast_to_unicast', d.mcastToUcast);
  put(o, 'neigh_suppress', d.neighSuppress);
  if (d.groupFwdMask !== undefined) {
    o.group_fwd_mask = hex(d.groupFwdMask);
    o.group_fwd_mask_str = fwdMaskText(d.groupFwdMask);
  }
  put(o, 'vlan_tunnel', d.vlanTunnel);
  put(o, 'isolated', d.isolated);
  put(o, 'locked', d.locked);
  if (d.backupPort !== undefined) o.backup_port = links.name(d.backupPort);
  return o;
}

/** Whether an IPv4 address is multicast (224.0.0.0/4). */
function multicast4(a: string): boolean {
  const first = Number(a.split('.')[0]);
  return first >= 224 && first <= 239;
}

/** A vxlan's `info_data` (vxlan_print_opt). */
function vxlanData(info: LinkInfo, links: LinkTable): JsonObject | undefined {
  const d = linkKindData(info, 'vxlan');
  if (d === undefined) return undefined;
  const o: JsonObject = {};
  if (d.collectMetadata === true) o.external = true;
  if (d.vnifilter === true) o.vnifilter = true;
  put(o, 'id', d.id);
  if (d.group !== undefined) {
    if (d.group !== '0.0.0.0') o[multicast4(d.group) ? 'group' : 'remote'] = d.group;
  } else if (d.group6 !== undefined && d.group6 !== '::') {
    o[d.group6.toLowerCase().startsWith('ff') ? 'group6' : 'remote6'] = d.group6;
  }
  if (d.local !== undefined) {
    if (d.local !== '0.0.0.0') o.local = d.local;
  } else if (d.local6 !== undefined && d.local6 !== '::') {
    o.local6 = d.local6;
  }
  if (d.link !== undefined && d.link !== 0) o.link = links.name(d.link);
  if (d.portRange !== undefined) o.port_range = { low: d.portRange.low, high: d.portRange.high };
  put(o, 'port', d.port);
  put(o, 'learning', d.learning);
  if (d.proxy === true) o.proxy = true;
  if (d.rsc === true) o.rsc = true;
  if (d.l2miss === true) o.l2miss = true;
  if (d.l3miss === true) o.l3miss = true;
  if (d.tos !== undefined && d.tos !== 0) o.tos = hex(d.tos);
  if (d.ttlInherit !== true && d.ttl !== undefined) o.ttl = d.ttl;
  if (d.df !== undefined && typeof d.df === 'string') o.df = d.df;
  if (d.label !== undefined && d.label !== 0) o.label = hex(d.label);
  put(o, 'ageing', d.ageing);
  if (d.limit !== undefined && d.limit !== 0) o.limit = d.limit;
  put(o, 'udp_csum', d.udpCsum);
  put(o, 'udp_zero_csum6_tx', d.udpZeroCsum6Tx);
  put(o, 'udp_zero_csum6_rx', d.udpZeroCsum6Rx);
  if (d.remcsumTx === true) o.remcsum_tx = true;
  if (d.remcsumRx === true) o.remcsum_rx = true;
  if (d.gbp === true) o.gbp = true;
  if (d.gpe === true) o.gpe = true;
  return o;
}

/** A macvlan's or macvtap's `info_data` (macvlan_print_opt). */
function macvlanData(info: LinkInfo, kind: 'macvlan' | 'macvtap'): JsonObject | undefined {
  const d = linkKindData(info, kind);
  if (d === undefined) return undefined;
  const o: JsonObject = {};
  if (d.mode === undefined) return o;
  o.mode = typeof d.mode === 'string' ? d.mode : 'unknown';
  const flags = d.flags ?? 0;
  if ((flags & K.MACVLAN_FLAG_NOPROMISC) !== 0) o.nopromisc = true;
  if ((flags & K.MACVLAN_FLAG_NODST) !== 0) o.nodst = true;
  put(o, 'bcqueuelen', d.bcQueueLen);
  put(o, 'usedbcqueuelen', d.bcQueueLenUsed);
  if (d.mode !== 'source' || d.macaddrCount === undefined) return o;
  o.macaddr_count = d.macaddrCount;
  if (d.macaddrData !== undefined) o.macaddr_data = [...(d.macaddrData.macaddr ?? [])];
  return o;
}

/** A tun device's owner as ip prints it: the account's name, or its number when it has none. */
function account(file: AccountFile, id: number): string | number {
  return accountName(file, id) ?? id;
}

/** A tun or tap device's `info_data` (tun_print_opt). */
function tunData(info: LinkInfo): JsonObject | undefined {
  const d = linkKindData(info, 'tun');
  if (d === undefined) return undefined;
  const o: JsonObject = {};
  if (d.type !== undefined) o.type = typeof d.type === 'string' ? d.type : 'unknown';
  put(o, 'pi', d.pi);
  put(o, 'vnet_hdr', d.vnetHdr);
  if (d.multiQueue !== undefined) {
    o.multi_queue = d.multiQueue;
    if (d.multiQueue) {
      put(o, 'numqueues', d.numQueues);
      put(o, 'numdisabled', d.numDisabledQueues);
    }
  }
  put(o, 'persist', d.persist);
  if (d.owner !== undefined) o.user = account('/etc/passwd', d.owner);
  if (d.group !== undefined) o.group = account('/etc/group', d.group);
  return o;
}

/** `linkinfo.info_data` of a link as ip prints it, or undefined for a kind not reproduced here. */
export function kindDataObject(info: LinkInfo, links: LinkTable): JsonObject | undefined {
  switch (info.kind) {
    case 'bridge': return bridgeData(info);
    case 'vxlan': return vxlanData(info, links);
    case 'macvlan': return macvlanData(info, 'macvlan');
    case 'macvtap': return macvlanData(info, 'macvtap');
    case 'tun': return tunData(info);
    default: return undefined;
  }
}

/** `linkinfo.info_slave_data` of a port as ip prints it, or undefined for a slave kind not reproduced here. */
export function slaveDataObject(info: LinkInfo, links: LinkTable): JsonObject | undefined {
  return info.slaveKind === 'bridge' ? bridgePortData(info, links) : undefined;
}
