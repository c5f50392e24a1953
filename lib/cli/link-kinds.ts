/**
 * The words after `type KIND` in `rtnl link add|set`, as ip's per-kind parsers take them
 * (ip/link_veth.c, iplink_bridge.c, iplink_bridge_slave.c, iplink_vxlan.c, iplink_macvlan.c,
 * iplink_vlan.c, iplink_ipvlan.c), turned into the library's `peer`, `data` and `slaveData`
 * options. Values go to the kernel as ip sends them: bridge times are the kernel's clock_t
 * (hundredths of a second: `forward_delay 1500` is 15 s), vxlan `ageing` is in seconds.
 * Kinds without options here (ifb, dummy, bond …) take no words.
 */
import type { VethPeer } from '../netlink/index.js';
import { invalidArgument, UsageError } from './errors.js';
import { flag, integer, value, type Grammar, type Keyword, parseWords } from './grammar.js';

/** What the kind's words give: kind data, a veth peer, or bridge port options. */
export interface KindArgs {
  /** IFLA_INFO_DATA options (library field names). */
  data: Record<string, unknown> | undefined;
  /** IFLA_INFO_SLAVE_DATA options of a bridge port (`type bridge_slave …`). */
  slaveData: Record<string, unknown> | undefined;
  /** The veth peer (`peer name X …`). */
  peer: VethPeer | undefined;
}

/** `on` / `off` as ip's parse_on_off takes them. */
function onOff(s: string, what: string): boolean {
  if (s === 'on') return true;
  if (s === 'off') return false;
  throw invalidArgument(s, `"${what}" takes "on" or "off"`);
}

/** A keyword storing an integer in `field` of the data. */
function num(ipName: string, field: string, max = 0xffffffff, target: 'data' | 'slaveData' = 'data'): Keyword<KindArgs> {
  return value([ipName], (s, v) => {
    (s[target] ??= {})[field] = integer(v, ipName, 0, max);
  });
}

/** A keyword storing `on`/`off` (or 0/1 with `numeric`) in `field`. */
function bool(ipName: string, field: string, target: 'data' | 'slaveData' = 'data', numeric = false): Keyword<KindArgs> {
  return value([ipName], (s, v) => {
    const b = numeric ? integer(v, ipName, 0, 1) === 1 : onOff(v, ipName);
    (s[target] ??= {})[field] = numeric ? (b ? 1 : 0) : b;
  });
}

/** A switch setting `field` to `v` (`learning` / `nolearning`). */
function set(names: readonly string[], field: string, v: unknown): Keyword<KindArgs> {
  return flag(names, (s) => {
    (s.data ??= {})[field] = v;
  });
}

/** A keyword storing the word itself in `field` (the library checks it: modes, protocols, addresses). */
function word(names: readonly string[], field: string): Keyword<KindArgs> {
  return value(names, (s, v) => {
    (s.data ??= {})[field] = v;
  });
}

const bridge: Grammar<KindArgs> = {
  object: 'link',
  keywords: [
    num('forward_delay', 'forwardDelay'), num('hello_time', 'helloTime'), num('max_age', 'maxAge'),
    num('ageing_time', 'ageingTime'), num('stp_state', 'stpState'), num('priority', 'priority', 0xffff),
    num('vlan_filtering', 'vlanFiltering', 1), word(['vlan_protocol'], 'vlanProtocol'),
    num('vlan_default_pvid', 'vlanDefaultPvid', 4094), num('vlan_stats_enabled', 'vlanStatsEnabled', 1),
    num('vlan_stats_per_port', 'vlanStatsPerPort', 1), num('group_fwd_mask', 'groupFwdMask', 0xffff),
    word(['group_address'], 'groupAddr'), num('mcast_snooping', 'mcastSnooping', 1),
    num('mcast_router', 'mcastRouter', 255), num('mcast_querier', 'mcastQuerier', 1),
    num('mcast_query_use_ifaddr', 'mcastQueryUseIfaddr', 1), num('mcast_hash_max', 'mcastHashMax'),
    num('mcast_igmp_version', 'mcastIgmpVersion', 255), num('mcast_mld_version', 'mcastMldVersion', 255),
    num('mcast_stats_enabled', 'mcastStatsEnabled', 1), num('nf_call_iptables', 'nfCallIptables', 1),
    num('nf_call_ip6tables', 'nfCallIp6tables', 1), num('nf_call_arptables', 'nfCallArptables', 1),
    flag(['fdb_flush'], (s) => { (s.data ??= {}).fdbFlush = true; }),
  ],
};

const bridgeSlave: Grammar<KindArgs> = {
  object: 'link',
  keywords: [
    num('state', 'state', 4, 'slaveData'), num('priority', 'priority', 0xffff, 'slaveData'),
    num('cost', 'cost', 0xffffffff, 'slaveData'), bool('guard', 'guard', 'slaveData'),
    bool('hairpin', 'mode', 'slaveData'), bool('fastleave', 'fastLeave', 'slaveData'),
    bool('root_block', 'protect', 'slaveData'), bool('learning', 'learning', 'slaveData'),
    bool('flood', 'unicastFlood', 'slaveData'), bool('proxy_arp', 'proxyarp', 'slaveData'),
    bool('proxy_arp_wifi', 'proxyarpWifi', 'slaveData'), bool('mcast_flood', 'mcastFlood', 'slaveData'),
    bool('bcast_flood', 'bcastFlood', 'slaveData'), bool('mcast_to_unicast', 'mcastToUcast', 'slaveData'),
    bool('neigh_suppress', 'neighSuppress', 'slaveData'), bool('vlan_tunnel', 'vlanTunnel', 'slaveData'),
    bool('isolated', 'isolated', 'slaveData'), num('mcast_router', 'multicastRouter', 255, 'slaveData'),
    value(['backup_port'], (s, v) => { (s.slaveData ??= {}).backupPort = v; }),
    flag(['flush'], (s) => { (s.slaveData ??= {}).flush = true; }),
  ],
};

/** An IPv4 or IPv6 address goes to the field of its family (vxlan `group`/`group6`, `local`/`local6`). */
function ipField(names: readonly string[], v4: string, v6: string): Keyword<KindArgs> {
  return value(names, (s, v) => {
    (s.data ??= {})[v.includes(':') ? v6 : v4] = v;
  });
}

const vxlan: Grammar<KindArgs> = {
  object: 'link',
  keywords: [
    value(['id', 'vni'], (s, v) => { (s.data ??= {}).id = integer(v, 'id', 0, 0xffffff); }),
    ipField(['remote', 'group'], 'group', 'group6'), ipField(['local'], 'local', 'local6'),
    value(['dev'], (s, v) => { (s.data ??= {}).link = v; }),
    value(['dstport'], (s, v) => { (s.data ??= {}).port = integer(v, 'dstport', 0, 0xffff); }),
    value(['ttl', 'hoplimit'], (s, v) => {
      const d = (s.data ??= {});
      if (v === 'inherit' || v === 'auto') d.ttlInherit = true;
      else d.ttl = integer(v, 'ttl', 0, 255);
    }),
    value(['tos', 'dsfield'], (s, v) => {
      (s.data ??= {}).tos = v === 'inherit' ? 1 : integer(v, 'tos', 0, 255);
    }),
    num('ageing', 'ageing'), num('maxaddress', 'limit'), num('flowlabel', 'label', 0xfffff),
    set(['learning'], 'learning', true), set(['nolearning'], 'learning', false),
    set(['proxy'], 'proxy', true), set(['noproxy'], 'proxy', false),
    set(['rsc'], 'rsc', true), set(['norsc'], 'rsc', false),
    set(['l2miss'], 'l2miss', true), set(['nol2miss'], 'l2miss', false),
    set(['l3miss'], 'l3miss', true), set(['nol3miss'], 'l3miss', false),
    set(['udpcsum'], 'udpCsum', true), set(['noudpcsum'], 'udpCsum', false),
    set(['external'], 'collectMetadata', true), set(['noexternal'], 'collectMetadata', false),
    set(['gbp'], 'gbp', true), set(['gpe'], 'gpe', true),
  ],
};

const macvlan: Grammar<KindArgs> = {
  object: 'link',
  keywords: [word(['mode'], 'mode'), set(['nopromisc'], 'flags', 1)],
};

const vlan: Grammar<KindArgs> = {
  object: 'link',
  keywords: [
    value(['id'], (s, v) => { (s.data ??= {}).id = integer(v, 'id', 0, 4094); }),
    word(['protocol'], 'protocol'),
  ],
};

const ipvlan: Grammar<KindArgs> = {
  object: 'link',
  keywords: [
    word(['mode'], 'mode'),
    set(['bridge'], 'flags', 'bridge'), set(['private'], 'flags', 'private'), set(['vepa'], 'flags', 'vepa'),
  ],
};

/** The veth peer's words: `peer [name] NAME [address LLADDR] [mtu N] [txqueuelen N] [netns NS]`. */
function vethPeer(toNetns: (v: string) => string): Grammar<KindArgs> {
  const peer = (s: KindArgs): VethPeer => (s.peer ??= {});
  return {
    object: 'link',
    bare: 'name',
    keywords: [
      flag(['peer'], () => undefined),
      value(['name', 'dev'], (s, v) => { peer(s).name = v; }),
      value(['address', 'lladdr'], (s, v) => { peer(s).mac = v; }),
      value(['mtu'], (s, v) => { peer(s).mtu = integer(v, 'mtu'); }),
      value(['txqueuelen', 'qlen', 'txqlen'], (s, v) => { peer(s).txqlen = integer(v, 'txqueuelen'); }),
      value(['netns'], (s, v) => { peer(s).netns = toNetns(v); }),
      flag(['up'], (s) => { peer(s).up = true; }),
    ],
  };
}

/** The kinds whose words this CLI parses. */
const GRAMMARS = new Map<string, Grammar<KindArgs>>([
  ['bridge', bridge], ['bridge_slave', bridgeSlave], ['vxlan', vxlan], ['macvlan', macvlan], ['macvtap', macvlan],
  ['vlan', vlan], ['ipvlan', ipvlan], ['ipvtap', ipvlan],
]);

/**
 * Parses the words after `type KIND`. `toNetns` turns a `netns` word into a namespace path (veth
 * peers may be born in another namespace).
 */
export function parseKindArgs(kind: string, words: readonly string[], toNetns: (v: string) => string): KindArgs {
  const args: KindArgs = { data: undefined, slaveData: undefined, peer: undefined };
  if (words.length === 0) return args;
  if (kind === 'veth') {
    if (words[0] !== 'peer') throw new UsageError(`veth takes "peer [name] NAME …", not "${words[0]}"`);
    return parseWords(vethPeer(toNetns), words, args);
  }
  const g = GRAMMARS.get(kind);
  if (g === undefined) throw new UsageError(`no options of link type "${kind}" are known here (got "${words[0]}")`);
  return parseWords(g, words, args);
}
