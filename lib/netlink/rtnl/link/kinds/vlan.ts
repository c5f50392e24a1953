/**
 * The vlan (802.1Q / 802.1ad) kind: IFLA_INFO_DATA attributes (enum IFLA_VLAN_*, if_link.h) as
 * vlan_fill_info sends them and vlan_policy accepts them.
 */
import { vlanProtocol } from './bridge.js';
import { qosMapping, ranged, vlanFlags } from '../fields.js';
import { AttrSet, attr, multi, nest, u16, type AttrValues } from '../../../core/schema.js';

export const IFLA_VLAN_ID = 1;
export const IFLA_VLAN_FLAGS = 2;
export const IFLA_VLAN_EGRESS_QOS = 3;
export const IFLA_VLAN_INGRESS_QOS = 4;
export const IFLA_VLAN_PROTOCOL = 5;
export const IFLA_VLAN_QOS_MAPPING = 1;

// VLAN_FLAG_* (if_vlan.h): struct ifla_vlan_flags bits.
export const VLAN_FLAG_REORDER_HDR = 0x1;
export const VLAN_FLAG_GVRP = 0x2;
export const VLAN_FLAG_LOOSE_BINDING = 0x4;
export const VLAN_FLAG_MVRP = 0x8;
export const VLAN_FLAG_BRIDGE_BINDING = 0x10;

/** IFLA_VLAN_EGRESS_QOS / IFLA_VLAN_INGRESS_QOS: priority mappings. */
export const vlanQosAttrs = new AttrSet('vlan_qos', () => ({
  /** IFLA_VLAN_QOS_MAPPING entries: `{ from, to }` priority pairs. */
  mapping: multi(IFLA_VLAN_QOS_MAPPING, qosMapping),
}));

/** IFLA_INFO_DATA of kind `vlan`. */
export const vlanAttrs = new AttrSet('vlan', () => ({
  /** IFLA_VLAN_ID: the VLAN id, 0..4094. */
  id: attr(IFLA_VLAN_ID, ranged(u16, 0, 4094)),
  /** IFLA_VLAN_FLAGS: struct ifla_vlan_flags, VLAN_FLAG_* bits of `mask` set to `flags`. */
  flags: attr(IFLA_VLAN_FLAGS, vlanFlags),
  /** IFLA_VLAN_EGRESS_QOS: skb priority → VLAN PCP mappings. */
  egressQos: attr(IFLA_VLAN_EGRESS_QOS, nest(vlanQosAttrs)),
  /** IFLA_VLAN_INGRESS_QOS: VLAN PCP → skb priority mappings. */
  ingressQos: attr(IFLA_VLAN_INGRESS_QOS, nest(vlanQosAttrs)),
  /** IFLA_VLAN_PROTOCOL: `'802.1Q'` or `'802.1ad'` (big-endian ethertype). */
  protocol: attr(IFLA_VLAN_PROTOCOL, vlanProtocol),
}));

/**
 * The decoded IFLA_INFO_DATA of a vlan.
 *
 * @interface
 */
export type VlanData = AttrValues<typeof vlanAttrs.defs>;

/** vlan options of `links.add` / `links.set`. */
export const VLAN_WRITABLE = ['id', 'flags', 'egressQos', 'ingressQos', 'protocol'] as const satisfies ReadonlyArray<keyof VlanData>;
