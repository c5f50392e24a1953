/**
 * The request encoder of `nl.neighbors`: RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH (one entry) and its dump, with
 * the attributes iproute2 6.1 sends (the captured req-*.hex goldens are its tests), written with
 * the ndmsg writer and the attribute schema of codec.ts, the ones that encode replies.
 *
 * One specialisation for speed (bulk adds run through here once per item): the IP and link-layer
 * addresses arrive already parsed, so they are written as the bytes the `ip` and `lladdr` codecs
 * would produce from their text, not formatted and parsed again.
 */
import { AF_BRIDGE } from '../../core/inet.js';
import type { AttrDef } from '../../core/schema.js';
import type { NlWriter } from '../../core/writer.js';
import { NTF_PROXY, neighborAttrs, writeNdMsg } from './codec.js';
import type { CheckedNeighborList } from './filter.js';
import type { CheckedNeighbor, CheckedNeighborGet } from './options.js';

const A = neighborAttrs.defs;

/** Writes one attribute with its schema definition: its number and its value codec. */
function put<T>(w: NlWriter, def: AttrDef<T>, value: T, path: string): void {
  def.element.encode(w, def.type, value, path);
}

/** Writes a pre-parsed address attribute (what the schema's `ip` / `lladdr` codec writes for its text). */
function putBytes(w: NlWriter, def: AttrDef<string>, bytes: Uint8Array): void {
  w.attrBytes(def.type, bytes);
}

/**
 * Writes the body (after the nlmsghdr) of an RTM_NEWNEIGH or RTM_DELNEIGH: ndmsg (ndm_type 0: the
 * kernel derives the type itself) and the NDA_* attributes in iproute2's order for the family, but
 * NDA_PROTOCOL last (iproute2 puts it first; the kernel reads attributes by type, in any order).
 * `ifindex`, `via` and `master` are the resolved link references of `c`.
 */
export function writeNeighbor(w: NlWriter, c: CheckedNeighbor, ifindex: number, via: number | undefined, master: number | undefined): void {
  writeNdMsg(w, c.af, ifindex, c.state, c.flags, 0);
  if (c.af === AF_BRIDGE) {
    // An FDB entry is keyed by its MAC (and VLAN); on a VXLAN device dst/port/vni pick one remote.
    putBytes(w, A.lladdr, c.lladdr!);
    if (c.dst !== undefined) putBytes(w, A.dst, c.dst);
    if (c.vlan !== undefined) put(w, A.vlan, c.vlan, 'vlan');
    if (c.port !== undefined) put(w, A.port, c.port, 'port');
    if (c.vni !== undefined) put(w, A.vni, c.vni, 'vni');
    if (via !== undefined) put(w, A.ifindex, via, 'via');
    if (c.srcVni !== undefined) put(w, A.srcVni, c.srcVni, 'srcVni');
    if (c.nhId !== undefined) put(w, A.nhId, c.nhId, 'nhId');
  } else {
    putBytes(w, A.dst, c.dst!);
    if (c.lladdr !== undefined) putBytes(w, A.lladdr, c.lladdr);
  }
  if (master !== undefined) put(w, A.master, master, 'master');
  if (c.flagsExt !== undefined) put(w, A.flagsExt, c.flagsExt, 'flagsExt');
  if (c.protocol !== undefined) put(w, A.protocol, c.protocol, 'protocol');
}

/**
 * Writes an RTM_GETNEIGH dump request. Strict checking (Linux 4.20+) wants a zero ndmsg (the family
 * and NTF_PROXY aside) and the link and master filters as NDA_IFINDEX / NDA_MASTER attributes.
 */
export function writeNeighborDump(w: NlWriter, l: CheckedNeighborList, link: number | undefined, master: number | undefined): void {
  writeNdMsg(w, l.af, 0, 0, l.proxy ? NTF_PROXY : 0, 0);
  if (link !== undefined) put(w, A.ifindex, link, 'link');
  if (master !== undefined) put(w, A.master, master, 'master');
}

/**
 * Writes an RTM_GETNEIGH request for one entry, as `ip neigh get` and `bridge fdb get` lay it out:
 * the kernel refuses a state or type in the header and any attribute but NDA_DST (neighbours) or
 * NDA_LLADDR, NDA_VLAN, NDA_VNI, NDA_MASTER (FDB). `ifindex` and `master` are the resolved links.
 */
export function writeNeighborGet(w: NlWriter, c: CheckedNeighborGet, ifindex: number | undefined, master: number | undefined): void {
  writeNdMsg(w, c.af, ifindex ?? 0, 0, c.flags, 0);
  if (c.dst !== undefined) putBytes(w, A.dst, c.dst);
  if (c.lladdr !== undefined) putBytes(w, A.lladdr, c.lladdr);
  if (master !== undefined) put(w, A.master, master, 'master');
  if (c.vlan !== undefined) put(w, A.vlan, c.vlan, 'vlan');
  if (c.vni !== undefined) put(w, A.vni, c.vni, 'vni');
}
