/**
 * The state a sandbox shares between its modules (namespace, interface, route, neighbor), as
 * libnetwork's `Namespace` struct does: the handles of the sandbox and its source namespace, and
 * what the kernel accepted — interfaces, gateways, static routes, neighbour entries — each with the
 * link (ifindex inside the sandbox) it is on, so records can follow the kernel when a link leaves.
 * Everything is recorded only after the kernel accepted it.
 */
import type { RtNetlink } from '../netlink/rtnl/client.js';
import type { Advertiser } from './advertise.js';
import { SandboxError } from './errors.js';
import type { Interface, InterfaceOrigin } from './interface.js';
import type { InterfaceSysctl, KnobChange } from './knobs.js';
import type { CheckedPrefix, NeighborFamilyName } from './options.js';
import type { SourceNamespace } from './source.js';

/** What the sandbox knows about an interface. */
export interface InterfaceRecord {
  srcName: string;
  dstName: string;
  /** ifindex inside the sandbox. */
  ifindex: number;
  address: CheckedPrefix | undefined;
  addressIPv6: CheckedPrefix | undefined;
  mac: string | undefined;
  bridge: boolean;
  /** The source name of the master bridge, if any. */
  master: string | undefined;
  routes: CheckedPrefix[];
  linkLocalAddresses: CheckedPrefix[];
  sysctls: InterfaceSysctl[];
  disableIPv6: boolean;
  advertiseAddrNMsgs: number;
  /** In milliseconds. */
  advertiseAddrInterval: number;
  origin: InterfaceOrigin;
  /** A remove() is in flight. */
  removing: boolean;
  /** For an interface created inside by the caller: what to put back on remove(). */
  inside: InsideState | undefined;
  /** The unsolicited ARP/NA rounds, while they may still run. */
  advertiser: Advertiser | undefined;
}

/** How a link that was already inside (createdInContainer) was found, to put it back. */
export interface LinkSnapshot {
  name: string;
  mac: string | undefined;
  up: boolean;
  /** ifindex of its master, if any. */
  master: number | undefined;
}

/** What configuring a link changed (exactly what the kernel accepted), to undo it in place. */
export interface AppliedConfig {
  /** Addresses added (main, IPv6, link-local). */
  addresses: CheckedPrefix[];
  /** Link-scope routes added. */
  routes: CheckedPrefix[];
  /** /proc/sys knobs written, with their values before. */
  knobs: KnobChange[];
  /** A master was set. */
  master: boolean;
  /** The MAC was set. */
  mac: boolean;
}

/** The undo information of an interface created inside by the caller. */
export interface InsideState {
  snapshot: LinkSnapshot;
  applied: AppliedConfig;
}

/** A default route through an interface, without a gateway (setDefaultRouteIPv4/IPv6). */
export interface DefaultRouteRecord {
  /** The source name of the interface. */
  srcName: string;
  oif: number;
  /** The interface's default route (0.0.0.0/0 or ::/0). */
  dst: CheckedPrefix;
}

/** A default gateway the kernel accepted. */
export interface GatewayRecord {
  ip: string;
  oif: number;
}

/** A static route the kernel accepted. */
export interface StaticRouteRecord {
  destination: CheckedPrefix;
  nextHop: string;
  oif: number;
}

/** A permanent neighbour or FDB entry the kernel accepted. */
export interface NeighborRecord {
  ip: string;
  mac: string;
  family: NeighborFamilyName;
  /** The source name of the sandbox interface it is on. */
  linkName: string;
  ifindex: number;
}

/** One sandbox's handles and records. */
export interface SandboxState {
  /** The path the network namespace is mounted on. */
  readonly key: string;
  /** An fd of the sandbox's namespace (CLOEXEC), for IFLA_NET_NS_FD and invoke. */
  readonly fd: number;
  /** The netlink handle inside the sandbox. */
  readonly nl: RtNetlink;
  /** The (shared) source namespace: where interfaces come from and go back to. */
  readonly source: SourceNamespace;
  /** The netlink handle in the source namespace. */
  readonly sourceNl: RtNetlink;
  /** The interfaces added (or restored), in insertion order. */
  readonly interfaces: Interface[];
  /** Names inside the sandbox taken by interfaces, including those being added right now. */
  readonly names: Set<string>;
  gateway: GatewayRecord | undefined;
  gatewayIPv6: GatewayRecord | undefined;
  defaultRoute: DefaultRouteRecord | undefined;
  defaultRouteIPv6: DefaultRouteRecord | undefined;
  readonly staticRoutes: StaticRouteRecord[];
  readonly neighbors: NeighborRecord[];
  status: 'live' | 'destroyed';
}

/** A new state with nothing recorded yet. */
export function newState(key: string, fd: number, nl: RtNetlink, source: SourceNamespace, sourceNl: RtNetlink): SandboxState {
  return {
    key, fd, nl, source, sourceNl, interfaces: [], names: new Set(), gateway: undefined, gatewayIPv6: undefined,
    defaultRoute: undefined, defaultRouteIPv6: undefined, staticRoutes: [], neighbors: [], status: 'live',
  };
}

/** Throws the SandboxError (step `'state'`) of a sandbox that is no longer live. */
export function assertLive(state: SandboxState): void {
  if (state.status !== 'live') throw new SandboxError('state', `sandbox "${state.key}" is ${state.status}`);
}
