/**
 * What a sandbox records besides its interfaces: gateways, static routes and neighbour entries,
 * each with the link (ifindex inside the sandbox) the kernel put it on, so records can follow the
 * kernel when that link leaves.
 */
import type { CheckedPrefix, NeighborFamilyName } from './options.js';

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
