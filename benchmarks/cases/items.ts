/**
 * The objects the cases create, made the same way in this process, in a cold worker process and in
 * `ip` batch lines: link names, /24 routes on d0, permanent neighbours on d0.
 */
import type { NeighborOptions, RouteSpec } from '../../lib/netlink/index.js';
import { UP_LINK } from '../harness/namespaces.js';

/** Link names `b0` … `b{n-1}`. */
export function linkNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `b${i}`);
}

/** The i-th /24 prefix, counting up from 10.0.0.0/24 (i < 2^24 − 10·2^16). */
export function routePrefix(i: number): string {
  return `${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`;
}

/** `n` routes `A.B.C.0/24 dev d0 scope link`, as `ip route add A.B.C.0/24 dev d0 scope link` makes them. */
export function routeSpecs(n: number): RouteSpec[] {
  return Array.from({ length: n }, (_, i) => ({ dst: routePrefix(i), oif: UP_LINK, scope: 'link' as const }));
}

/** The `ip -batch` lines adding or deleting {@link routeSpecs}. */
export function routeLines(verb: 'add' | 'del', n: number): string[] {
  return Array.from({ length: n }, (_, i) => `route ${verb} ${routePrefix(i)} dev ${UP_LINK} scope link`);
}

/** The i-th neighbour address, counting up from 10.100.0.0. */
export function neighborAddress(i: number): string {
  return `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
}

/** The i-th neighbour's MAC address, 02:00:00:… */
export function neighborMac(i: number): string {
  const h = (x: number): string => x.toString(16).padStart(2, '0');
  return `02:00:00:${h((i >> 16) & 255)}:${h((i >> 8) & 255)}:${h(i & 255)}`;
}

/** `n` permanent IPv4 neighbours on d0 with a MAC address each. */
export function neighborSpecs(n: number): NeighborOptions[] {
  return Array.from({ length: n }, (_, i) => ({ link: UP_LINK, dst: neighborAddress(i), lladdr: neighborMac(i), state: 'permanent' as const }));
}

/** The `ip -batch` lines adding {@link neighborSpecs}. */
export function neighborAddLines(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `neigh add ${neighborAddress(i)} lladdr ${neighborMac(i)} dev ${UP_LINK} nud permanent`);
}

/** The `ip -batch` lines deleting {@link neighborSpecs}. */
export function neighborDelLines(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `neigh del ${neighborAddress(i)} dev ${UP_LINK}`);
}

/** The keys deleting {@link neighborSpecs}. */
export function neighborKeys(n: number): Array<{ link: string; dst: string }> {
  return Array.from({ length: n }, (_, i) => ({ link: UP_LINK, dst: neighborAddress(i) }));
}
