/**
 * Neighbours as `ip` prints them (iproute2 6.1, ip/ipneigh.c print_neigh): the object of `ip -j
 * neigh show` — same keys, values and order — and ip's text line.
 */
import type { Neighbor } from '../netlink/index.js';
import type { LinkTable } from './context.js';
import type { JsonObject, JsonValue } from './json.js';
import * as K from './kernel.js';
import { protoName } from './names.js';

/** NUD_* in ip's print order, with the names it prints. */
const STATES: ReadonlyArray<readonly [number, string]> = [
  [K.NUD_INCOMPLETE, 'INCOMPLETE'], [K.NUD_REACHABLE, 'REACHABLE'], [K.NUD_STALE, 'STALE'], [K.NUD_DELAY, 'DELAY'],
  [K.NUD_PROBE, 'PROBE'], [K.NUD_FAILED, 'FAILED'], [K.NUD_NOARP, 'NOARP'], [K.NUD_PERMANENT, 'PERMANENT'],
];

/** The NUD_* names of a state, in ip's order. */
export function neighborStateList(state: number): string[] {
  return STATES.filter(([bit]) => (state & bit) !== 0).map(([, name]) => name);
}

/** How a neighbour is printed. */
export interface NeighborFormat {
  /** `-s`: reference count, ages and probes. */
  stats: number;
  /** `dev` was given to show: ip then leaves `dev` out. */
  hideDev?: boolean;
  /** An RTM_DELNEIGH notification. */
  deleted?: boolean;
}

/** The object `ip -j neigh show` prints for `n`. */
export function neighborObject(n: Neighbor, links: LinkTable, f: NeighborFormat): JsonObject {
  const h = n.header;
  const a = n.attributes;
  const o: JsonObject = {};
  if (f.deleted === true) o.deleted = true;
  if (a.dst !== undefined) o.dst = a.dst;
  if (f.hideDev !== true && h.ifindex !== 0) o.dev = links.name(h.ifindex);
  if (a.lladdr !== undefined) o.lladdr = a.lladdr;
  const ext = a.flagsExt ?? 0;
  if ((h.flags & K.NTF_ROUTER) !== 0) o.router = null;
  if ((h.flags & K.NTF_PROXY) !== 0) o.proxy = null;
  if ((ext & K.NTF_EXT_MANAGED) !== 0) o.managed = null;
  if ((h.flags & K.NTF_EXT_LEARNED) !== 0) o.extern_learn = null;
  if ((h.flags & K.NTF_OFFLOADED) !== 0) o.offload = null;
  if (f.stats > 0) {
    const ci = a.cacheinfo;
    if (ci !== undefined) {
      if (ci.refcnt !== 0) o.refcnt = ci.refcnt;
      o.used = Math.floor(ci.used / K.USER_HZ);
      o.confirmed = Math.floor(ci.confirmed / K.USER_HZ);
      o.updated = Math.floor(ci.updated / K.USER_HZ);
    }
    if (a.probes !== undefined) o.probes = a.probes;
  }
  if (h.state !== 0) o.state = neighborStateList(h.state);
  if (a.protocol !== undefined && a.protocol !== 0) o.protocol = protoName(a.protocol);
  return o;
}

/** A value as text. */
function str(v: JsonValue | undefined): string {
  return v === undefined || v === null ? '' : String(v);
}

/** ip's text line of a neighbour object (`10.0.0.2 dev eth0 lladdr 02:… PERMANENT`). */
export function neighborText(o: JsonObject): string[] {
  const p: string[] = [];
  if (o.deleted === true) p.push('Deleted');
  if (o.dst !== undefined) p.push(str(o.dst));
  if (o.dev !== undefined) p.push(`dev ${str(o.dev)}`);
  if (o.lladdr !== undefined) p.push(`lladdr ${str(o.lladdr)}`);
  for (const k of ['router', 'proxy', 'managed', 'extern_learn', 'offload']) if (k in o) p.push(k);
  if (o.used !== undefined) p.push(`${o.refcnt === undefined ? '' : `ref ${str(o.refcnt)} `}used ${str(o.used)}/${str(o.confirmed)}/${str(o.updated)}`);
  if (o.probes !== undefined) p.push(`probes ${str(o.probes)}`);
  p.push(...((o.state as string[] | undefined) ?? []));
  if (o.protocol !== undefined) p.push(`proto ${str(o.protocol)}`);
  return [p.join(' ')];
}
