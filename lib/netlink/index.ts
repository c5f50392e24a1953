/**
 * rtnetlink: a pure-TypeScript client of the Linux kernel's routing netlink.
 *
 * ```ts
 * import { RtNetlink, netns } from 'rtnetlink';
 * const nl = await RtNetlink.open({ netns: '/run/netns/blue' });
 * await nl.links.add({ name: 'br0', kind: 'bridge', up: true });
 * ```
 *
 * @module rtnetlink
 */
export { RtNetlink, type RtNetlinkOptions } from './rtnl/client.js';
export { NetlinkError, ValidationError, DecodeError, ProtocolError } from './core/errors.js';
export type { ExtendedAck, ProtocolErrorCode } from './core/errors.js';
export type { BulkResult, NetlinkWarning } from './transport/connection.js';
export { Links, Link, KNOWN_KINDS } from './rtnl/link/service.js';
export type { LinkAddOptions, LinkAddBase, LinkAddKind, LinkSetOptions, LinkListOptions, LinkSettings, VethPeer, LinkRef, LinkAliasRef, TunOpenOptions, TunFiles } from './rtnl/link/service.js';
export type { LinkObject } from './rtnl/link/view.js';
export type { LinkFlags } from './rtnl/link/flags.js';
export { linkFlagNames } from './rtnl/link/flags.js';
export type { LinkStats64, LinkAttributes, LinkBody, IfInfoMsg } from './rtnl/link/codec.js';
export type { LinkInfo, LinkKindData, LinkKindDataMap, LinkSlaveDataMap, BridgeOptions, VxlanOptions, MacvlanOptions, VlanOptions, IpvlanOptions, BridgePortOptions, LinkKindOptions, GeneveOptions, GreOptions, BondOptions, BondPortOptions, VrfOptions, LinkSlaveOptionsMap } from './rtnl/link/kinds/index.js';
export { linkKindData, linkSlaveData, LINK_KINDS } from './rtnl/link/kinds/index.js';
export type { BridgeData, BridgePortData } from './rtnl/link/kinds/bridge.js';
export type { VxlanData } from './rtnl/link/kinds/vxlan.js';
export type { MacvlanData } from './rtnl/link/kinds/macvlan.js';
export type { VlanData } from './rtnl/link/kinds/vlan.js';
export type { IpvlanData } from './rtnl/link/kinds/ipvlan.js';
export type { TunData, TunOptions } from './rtnl/link/kinds/tun.js';
export type { GeneveData } from './rtnl/link/kinds/geneve.js';
export type { GreData } from './rtnl/link/kinds/gre.js';
export type { BondData, BondPortData } from './rtnl/link/kinds/bond.js';
export type { VrfData, VrfPortData } from './rtnl/link/kinds/vrf.js';
export type { LinkAfSpec, AddrGenMode } from './rtnl/link/af-spec.js';
export { formatBridgeId, type BridgeId } from './rtnl/link/fields.js';
export { Addresses, Address } from './rtnl/address/service.js';
export type { AddressListOptions, AddressAddOptions, AddressDelOptions, AddressFlagOption, AddressFlagSelector, AddressLifetime } from './rtnl/address/service.js';
export type { AddressFlagName, AddressProtoName, AddressScope, AddressAttributes, AddressBody, IfAddrMsg, IfaCacheInfo } from './rtnl/address/codec.js';
export type { AddressObject } from './rtnl/address/view.js';
export { Routes, Route } from './rtnl/route/service.js';
export type { RouteTypeName, RouteScopeName, RouteTableRef, RouteNexthopSpec, RouteEncapSpec, RouteSpec, RouteListOptions, RouteGetOptions } from './rtnl/route/service.js';
export type { RtMsg, RouteAttributes, RouteBody, RouteCacheInfo, RtNexthop, RtVia, RouteMetrics, MfcStats } from './rtnl/route/codec.js';
export type { RouteNexthop, RouteMetricValues, RouteObject, RouteTableValue } from './rtnl/route/view.js';
export { Neighbors, Neighbor } from './rtnl/neighbor/service.js';
export type { NeighborFamily, NeighborStateName, NeighborFlagName, NeighborListOptions, NeighborKey, NeighborOptions, NeighborGetOptions } from './rtnl/neighbor/service.js';
export type { NeighborFamilyValue, NeighborObject } from './rtnl/neighbor/view.js';
export type { NeighborCacheinfo, NdMsg, NeighborAttributes } from './rtnl/neighbor/codec.js';
export { Nexthops, Nexthop } from './rtnl/nexthop/service.js';
export type { NexthopSpec, NexthopGroupSpec, NexthopListOptions, NexthopGetOptions } from './rtnl/nexthop/service.js';
export type { NexthopResilientArgs, NexthopGroupStats, NexthopObject } from './rtnl/nexthop/view.js';
export type { NhMsg, NexthopAttributes, NexthopBody, NexthopGroupMember } from './rtnl/nexthop/codec.js';
export { Rules, Rule } from './rtnl/rule/service.js';
export type { RuleOptions, RuleListOptions, RuleAction, RuleTable, RuleRangeInput } from './rtnl/rule/service.js';
export type { RuleRange, FibRuleHdr, RuleAttributes } from './rtnl/rule/codec.js';
export { Nsids, Nsid } from './rtnl/nsid/service.js';
export type { NsidPeer, NsidGetOptions, NsidListOptions, NsidResolveOptions } from './rtnl/nsid/service.js';
export type { NsidAttributes, NsidBody } from './rtnl/nsid/codec.js';
export type { NsidObject } from './rtnl/nsid/view.js';
export type { RuleObject } from './rtnl/rule/view.js';
export type { Monitor, MonitorEvent, ListingEvent, ObjectEvent, MonitorOptions, MonitorGroup } from './rtnl/monitor.js';
export type { EventKind, EventObjects } from './rtnl/monitor-decoders.js';
export type { ConnectionOptions } from './transport/connection.js';
export { errnoName, errnoNumber } from './core/errno.js';
export * as netns from '../netns/index.js';
