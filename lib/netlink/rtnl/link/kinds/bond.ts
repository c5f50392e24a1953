/**
 * The bond kind: IFLA_INFO_DATA of a bond (enum IFLA_BOND_*), its 802.3ad state nest
 * (IFLA_BOND_AD_INFO_*) and the IFLA_INFO_SLAVE_DATA of a bond port (IFLA_BOND_SLAVE_*), from
 * include/uapi/linux/if_link.h and if_bonding.h, as bond_fill_info / bond_fill_slave_info send them
 * and bond_policy / bond_slave_policy accept them. Enumerations take the names `ip -d link` prints
 * (`mode: '802.3ad'`, `xmitHashPolicy: 'layer3+4'`); times are in milliseconds as the kernel keeps
 * them (miimon, updelay, arpInterval …).
 *
 * This machine's kernel has no bonding driver: the sets are tested on iproute2's captured requests
 * (spec/fixtures/link/request-bond*.hex); live tests are reported as skipped.
 */
import { EnumTable } from '../../../core/enum-table.js';
import { DecodeError, ValidationError } from '../../../core/errors.js';
import { formatIp, parseIp, type IpVersion } from '../../../core/inet.js';
import { checkArray } from '../../../core/validate.js';
import { bool8, enumOf, ether } from '../fields.js';
import { AttrSet, attr, nest, s32, u16, u32, u8, type AttrValues, type FieldCodec } from '../../../core/schema.js';

export const IFLA_BOND_MODE = 1;
export const IFLA_BOND_ACTIVE_SLAVE = 2;
export const IFLA_BOND_MIIMON = 3;
export const IFLA_BOND_UPDELAY = 4;
export const IFLA_BOND_DOWNDELAY = 5;
export const IFLA_BOND_USE_CARRIER = 6;
export const IFLA_BOND_ARP_INTERVAL = 7;
export const IFLA_BOND_ARP_IP_TARGET = 8;
export const IFLA_BOND_ARP_VALIDATE = 9;
export const IFLA_BOND_ARP_ALL_TARGETS = 10;
export const IFLA_BOND_PRIMARY = 11;
export const IFLA_BOND_PRIMARY_RESELECT = 12;
export const IFLA_BOND_FAIL_OVER_MAC = 13;
export const IFLA_BOND_XMIT_HASH_POLICY = 14;
export const IFLA_BOND_RESEND_IGMP = 15;
export const IFLA_BOND_NUM_PEER_NOTIF = 16;
export const IFLA_BOND_ALL_SLAVES_ACTIVE = 17;
export const IFLA_BOND_MIN_LINKS = 18;
export const IFLA_BOND_LP_INTERVAL = 19;
export const IFLA_BOND_PACKETS_PER_SLAVE = 20;
export const IFLA_BOND_AD_LACP_RATE = 21;
export const IFLA_BOND_AD_SELECT = 22;
export const IFLA_BOND_AD_INFO = 23;
export const IFLA_BOND_AD_ACTOR_SYS_PRIO = 24;
export const IFLA_BOND_AD_USER_PORT_KEY = 25;
export const IFLA_BOND_AD_ACTOR_SYSTEM = 26;
export const IFLA_BOND_TLB_DYNAMIC_LB = 27;
export const IFLA_BOND_PEER_NOTIF_DELAY = 28;
export const IFLA_BOND_AD_LACP_ACTIVE = 29;
export const IFLA_BOND_MISSED_MAX = 30;
export const IFLA_BOND_NS_IP6_TARGET = 31;
export const IFLA_BOND_COUPLED_CONTROL = 32;

export const IFLA_BOND_AD_INFO_AGGREGATOR = 1;
export const IFLA_BOND_AD_INFO_NUM_PORTS = 2;
export const IFLA_BOND_AD_INFO_ACTOR_KEY = 3;
export const IFLA_BOND_AD_INFO_PARTNER_KEY = 4;
export const IFLA_BOND_AD_INFO_PARTNER_MAC = 5;

export const IFLA_BOND_SLAVE_STATE = 1;
export const IFLA_BOND_SLAVE_MII_STATUS = 2;
export const IFLA_BOND_SLAVE_LINK_FAILURE_COUNT = 3;
export const IFLA_BOND_SLAVE_PERM_HWADDR = 4;
export const IFLA_BOND_SLAVE_QUEUE_ID = 5;
export const IFLA_BOND_SLAVE_AD_AGGREGATOR_ID = 6;
export const IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE = 7;
export const IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE = 8;
export const IFLA_BOND_SLAVE_PRIO = 9;
export const IFLA_BOND_SLAVE_ACTOR_PORT_PRIO = 10;
export const IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE = 11;
export const IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE = 12;

/** BOND_MODE_* (if_bonding.h) as `ip` names them. */
export const BOND_MODES = new EnumTable('bond mode', [
  ['balance-rr', 0], ['active-backup', 1], ['balance-xor', 2], ['broadcast', 3], ['802.3ad', 4], ['balance-tlb', 5], ['balance-alb', 6],
] as const);
/** BOND_XMIT_POLICY_* as `ip` names them. */
export const BOND_XMIT_HASH_POLICIES = new EnumTable('bond xmit hash policy', [
  ['layer2', 0], ['layer3+4', 1], ['layer2+3', 2], ['encap2+3', 3], ['encap3+4', 4], ['vlan+srcmac', 5],
] as const);
/** BOND_ARP_VALIDATE_* as `ip` names them. */
export const BOND_ARP_VALIDATE = new EnumTable('bond arp validate', [
  ['none', 0], ['active', 1], ['backup', 2], ['all', 3], ['filter', 4], ['filter_active', 5], ['filter_backup', 6],
] as const, [], { max: 0xffffffff });
/** BOND_ARP_TARGETS_* as `ip` names them. */
export const BOND_ARP_ALL_TARGETS = new EnumTable('bond arp all targets', [['any', 0], ['all', 1]] as const, [], { max: 0xffffffff });
/** BOND_PRI_RESELECT_* as `ip` names them. */
export const BOND_PRIMARY_RESELECT = new EnumTable('bond primary reselect', [['always', 0], ['better', 1], ['failure', 2]] as const);
/** BOND_FOM_* as `ip` names them. */
export const BOND_FAIL_OVER_MAC = new EnumTable('bond fail over mac', [['none', 0], ['active', 1], ['follow', 2]] as const);
/** AD_LACP_SLOW / AD_LACP_FAST as `ip` names them. */
export const BOND_LACP_RATES = new EnumTable('bond lacp rate', [['slow', 0], ['fast', 1]] as const);
/** BOND_AD_STABLE / BANDWIDTH / COUNT as `ip` names them. */
export const BOND_AD_SELECT = new EnumTable('bond ad select', [['stable', 0], ['bandwidth', 1], ['count', 2]] as const);
/** BOND_STATE_* of a port as `ip` names them. */
export const BOND_SLAVE_STATES = new EnumTable('bond port state', [['ACTIVE', 0], ['BACKUP', 1]] as const);
/** BOND_LINK_* of a port as `ip` names them. */
export const BOND_SLAVE_MII_STATUS = new EnumTable('bond port mii status', [['UP', 0], ['GOING_DOWN', 1], ['DOWN', 2], ['GOING_BACK', 3]] as const);

/** BOND_MAX_ARP_TARGETS / BOND_MAX_NS_TARGETS: the most targets a bond takes. */
export const BOND_MAX_TARGETS = 16;

/**
 * IFLA_BOND_ARP_IP_TARGET / IFLA_BOND_NS_IP6_TARGET: a nest of addresses whose attribute types
 * are their positions (0, 1, 2 …), as the kernel sends them and `ip` writes them.
 */
function targets(version: IpVersion): FieldCodec<string[]> {
  const size = version === 4 ? 4 : 16;
  return {
    kind: `in${version === 4 ? '' : '6'}_addr[]`,
    decode(buf, off, len, path) {
      const out: string[] = [];
      for (let at = off; at + 4 <= off + len;) {
        const n = buf.readUInt16LE(at);
        if (n !== 4 + size || at + n > off + len) throw new DecodeError(path, at, `a target of ${n - 4} bytes, ${size} expected`);
        out.push(formatIp(buf, at + 4, size));
        at += (n + 3) & ~3;
      }
      return out;
    },
    encode(w, type, addresses, path) {
      if (!Array.isArray(addresses) || addresses.length > BOND_MAX_TARGETS) {
        throw new ValidationError(path, addresses, `an array of at most ${BOND_MAX_TARGETS} IPv${version} addresses is required`);
      }
      const list = checkArray(path, addresses, `IPv${version} addresses`);
      const start = w.beginNest(type);
      list.forEach((a, i) => w.attrBytes(i, parseIp(`${path}[${i}]`, a, version).bytes));
      w.endNest(start);
    },
  };
}

/** IFLA_BOND_AD_INFO: the active 802.3ad aggregator (reported). */
export const bondAdInfoAttrs = new AttrSet('bond_ad_info', () => ({
  aggregator: attr(IFLA_BOND_AD_INFO_AGGREGATOR, u16),
  numPorts: attr(IFLA_BOND_AD_INFO_NUM_PORTS, u16),
  actorKey: attr(IFLA_BOND_AD_INFO_ACTOR_KEY, u16),
  partnerKey: attr(IFLA_BOND_AD_INFO_PARTNER_KEY, u16),
  partnerMac: attr(IFLA_BOND_AD_INFO_PARTNER_MAC, ether),
}));

/** IFLA_INFO_DATA of kind `bond`. */
export const bondAttrs = new AttrSet('bond', () => ({
  mode: attr(IFLA_BOND_MODE, enumOf(u8, BOND_MODES)),
  /** IFLA_BOND_ACTIVE_SLAVE: the active port's ifindex (active-backup). */
  activeSlave: attr(IFLA_BOND_ACTIVE_SLAVE, u32),
  /** IFLA_BOND_MIIMON: link monitoring interval, ms. */
  miimon: attr(IFLA_BOND_MIIMON, u32),
  /** IFLA_BOND_UPDELAY, ms. */
  updelay: attr(IFLA_BOND_UPDELAY, u32),
  /** IFLA_BOND_DOWNDELAY, ms. */
  downdelay: attr(IFLA_BOND_DOWNDELAY, u32),
  useCarrier: attr(IFLA_BOND_USE_CARRIER, bool8),
  /** IFLA_BOND_ARP_INTERVAL: ARP monitoring interval, ms. */
  arpInterval: attr(IFLA_BOND_ARP_INTERVAL, u32),
  /** IFLA_BOND_ARP_IP_TARGET: up to 16 IPv4 addresses to ARP for. */
  arpIpTarget: attr(IFLA_BOND_ARP_IP_TARGET, targets(4)),
  arpValidate: attr(IFLA_BOND_ARP_VALIDATE, enumOf(u32, BOND_ARP_VALIDATE)),
  arpAllTargets: attr(IFLA_BOND_ARP_ALL_TARGETS, enumOf(u32, BOND_ARP_ALL_TARGETS)),
  /** IFLA_BOND_PRIMARY: the preferred port's ifindex. */
  primary: attr(IFLA_BOND_PRIMARY, u32),
  primaryReselect: attr(IFLA_BOND_PRIMARY_RESELECT, enumOf(u8, BOND_PRIMARY_RESELECT)),
  failOverMac: attr(IFLA_BOND_FAIL_OVER_MAC, enumOf(u8, BOND_FAIL_OVER_MAC)),
  xmitHashPolicy: attr(IFLA_BOND_XMIT_HASH_POLICY, enumOf(u8, BOND_XMIT_HASH_POLICIES)),
  resendIgmp: attr(IFLA_BOND_RESEND_IGMP, u32),
  /** IFLA_BOND_NUM_PEER_NOTIF (`ip`'s `num_grat_arp` / `num_unsol_na`). */
  numPeerNotif: attr(IFLA_BOND_NUM_PEER_NOTIF, u8),
  allSlavesActive: attr(IFLA_BOND_ALL_SLAVES_ACTIVE, bool8),
  minLinks: attr(IFLA_BOND_MIN_LINKS, u32),
  /** IFLA_BOND_LP_INTERVAL, seconds. */
  lpInterval: attr(IFLA_BOND_LP_INTERVAL, u32),
  packetsPerSlave: attr(IFLA_BOND_PACKETS_PER_SLAVE, u32),
  adLacpRate: attr(IFLA_BOND_AD_LACP_RATE, enumOf(u8, BOND_LACP_RATES)),
  adSelect: attr(IFLA_BOND_AD_SELECT, enumOf(u8, BOND_AD_SELECT)),
  adInfo: attr(IFLA_BOND_AD_INFO, nest(bondAdInfoAttrs)),
  adActorSysPrio: attr(IFLA_BOND_AD_ACTOR_SYS_PRIO, u16),
  adUserPortKey: attr(IFLA_BOND_AD_USER_PORT_KEY, u16),
  adActorSystem: attr(IFLA_BOND_AD_ACTOR_SYSTEM, ether),
  tlbDynamicLb: attr(IFLA_BOND_TLB_DYNAMIC_LB, bool8),
  /** IFLA_BOND_PEER_NOTIF_DELAY, ms. */
  peerNotifDelay: attr(IFLA_BOND_PEER_NOTIF_DELAY, u32),
  adLacpActive: attr(IFLA_BOND_AD_LACP_ACTIVE, bool8),
  missedMax: attr(IFLA_BOND_MISSED_MAX, u8),
  /** IFLA_BOND_NS_IP6_TARGET: up to 16 IPv6 addresses to send neighbour solicitations to. */
  nsIp6Target: attr(IFLA_BOND_NS_IP6_TARGET, targets(6)),
  coupledControl: attr(IFLA_BOND_COUPLED_CONTROL, bool8),
}));

/** The decoded IFLA_INFO_DATA of a bond. */
export type BondData = AttrValues<typeof bondAttrs.defs>;

/** bond options of `links.add` / `links.set` (adInfo is reported only); activeSlave and primary may be names. Listed when the kind is first checked. */
export const bondWritable = (): Array<keyof BondData> => (Object.keys(bondAttrs.defs) as Array<keyof BondData>).filter((k) => k !== 'adInfo' && k !== 'unknown');

/** IFLA_INFO_SLAVE_DATA of a bond port (slave kind `bond`). */
export const bondPortAttrs = new AttrSet('bond_port', () => ({
  state: attr(IFLA_BOND_SLAVE_STATE, enumOf(u8, BOND_SLAVE_STATES)),
  miiStatus: attr(IFLA_BOND_SLAVE_MII_STATUS, enumOf(u8, BOND_SLAVE_MII_STATUS)),
  linkFailureCount: attr(IFLA_BOND_SLAVE_LINK_FAILURE_COUNT, u32),
  permHwaddr: attr(IFLA_BOND_SLAVE_PERM_HWADDR, ether),
  /** IFLA_BOND_SLAVE_QUEUE_ID: the transmit queue this port's traffic maps to. */
  queueId: attr(IFLA_BOND_SLAVE_QUEUE_ID, u16),
  adAggregatorId: attr(IFLA_BOND_SLAVE_AD_AGGREGATOR_ID, u16),
  adActorOperPortState: attr(IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE, u8),
  adPartnerOperPortState: attr(IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE, u16),
  /** IFLA_BOND_SLAVE_PRIO: the port's priority for active-port selection. */
  prio: attr(IFLA_BOND_SLAVE_PRIO, s32),
  actorPortPrio: attr(IFLA_BOND_SLAVE_ACTOR_PORT_PRIO, u16),
  adChurnActorState: attr(IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE, u8),
  adChurnPartnerState: attr(IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE, u8),
}));

/** The decoded IFLA_INFO_SLAVE_DATA of a bond port. */
export type BondPortData = AttrValues<typeof bondPortAttrs.defs>;

/** bond port options of `links.set(port, { slaveKind: 'bond', slaveData })`. */
export const BOND_PORT_WRITABLE = ['queueId', 'prio', 'actorPortPrio'] as const satisfies ReadonlyArray<keyof BondPortData>;
