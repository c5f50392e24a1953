/**
 * rtnetlink: a pure-TypeScript client of the Linux kernel's routing netlink.
 *
 * ```ts
 * import { RtNetlink, netns } from 'rtnetlink';
 * const nl = await RtNetlink.open({ netns: '/run/netns/blue' });
 * await nl.links.add({ name: 'br0', kind: 'bridge', up: true });
 * ```
 */
export { RtNetlink, type RtNetlinkOptions } from './rtnetlink.js';
export { NetlinkError, ValidationError, DecodeError, ProtocolError } from './errors.js';
export type { ExtendedAck, ProtocolErrorCode } from './errors.js';
export type { BulkResult, NetlinkWarning } from './connection.js';
export { Links, Link, KNOWN_KINDS } from './links.js';
export type { LinkAddOptions, LinkAddBase, LinkAddKind, LinkSetOptions, LinkListOptions, LinkSettings, VethPeer, LinkRef } from './links.js';
export type { LinkFlags } from './link.js';
export type { LinkStats64, LinkAttributes, LinkBody, IfInfoMsg } from './link-codec.js';
export type { LinkInfo, LinkKindData, LinkKindDataMap, LinkSlaveDataMap, BridgeOptions, VxlanOptions, MacvlanOptions, VlanOptions, IpvlanOptions, BridgePortOptions, LinkKindOptions } from './link-kinds.js';
export { linkKindData, linkSlaveData, LINK_KINDS } from './link-kinds.js';
export type { BridgeData, BridgePortData } from './link-kind-bridge.js';
export type { VxlanData } from './link-kind-vxlan.js';
export type { MacvlanData } from './link-kind-macvlan.js';
export type { VlanData } from './link-kind-vlan.js';
export type { IpvlanData } from './link-kind-ipvlan.js';
export type { TunData } from './link-kind-tun.js';
export type { LinkAfSpec, AddrGenMode } from './link-af.js';
export { formatBridgeId, type BridgeId } from './link-fields.js';
export { Addresses, Address } from './addresses.js';
export type { AddressListOptions, AddressAddOptions, AddressDelOptions, AddressFlagOption, AddressLifetime } from './addresses.js';
export type { AddressFlagName, AddressScope, AddressAttributes, AddressBody, IfAddrMsg, IfaCacheInfo } from './address-codec.js';
export { Routes, Route } from './routes.js';
export type { RouteTypeName, RouteScopeName, RouteTableRef, RouteNexthopSpec, RouteEncapSpec, RouteSpec, RouteListOptions, RouteGetOptions } from './routes.js';
export type { RtMsg, RouteAttributes, RouteBody, RouteCacheInfo, RtNexthop, RtVia, RouteMetrics, MfcStats } from './route-codec.js';
export type { RouteNexthop, RouteMetricValues } from './route.js';
export { Neighbors, Neighbor } from './neighbors.js';
export type { NeighborFamily, NeighborStateName, NeighborFlagName, NeighborListOptions, NeighborKey, NeighborOptions } from './neighbors.js';
export type { NeighborFamilyValue } from './neighbor.js';
export type { NeighborCacheinfo, NdMsg, NeighborAttributes } from './neighbor-codec.js';
export { Rules, Rule } from './rules.js';
export type { RuleOptions, RuleListOptions, RuleAction, RuleTable, RuleRangeInput } from './rules.js';
export type { RuleRange, FibRuleHdr, RuleAttributes } from './rule-codec.js';
export type { Monitor, MonitorEvent, ObjectEvent, MonitorOptions, MonitorGroup } from './monitor.js';
export type { EventKind, EventObjects } from './monitor-decoders.js';
export type { ConnectionOptions } from './connection.js';
export { errnoName, errnoNumber } from './errno.js';
export * as netns from './netns-api.js';
