/**
 * The request encoder of `nl.neighbors`: RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH (one entry) and its dump, with
 * the attributes iproute2 6.1 sends (the captured req-*.hex goldens are its tests), written with
 * the ndmsg writer and the attribute schema of codec.ts, the ones that encode replies.
 *
 * One specialisation for speed (bulk adds run through here once per item): the IP and link-layer
 * addresses arrive checked, as text, and are parsed straight into the message (the bytes the `ip`
 * and `lladdr` codecs would produce from that text), so no bytes are kept per item in between.
 */
import { AF_BRIDGE, writeIpAttr } from '../../core/inet.js';
import { writeMacNumberAttr } from '../../core/mac.js';
import type { AttrDef } from '../../core/schema.js';
import type { NlWriter } from '../../core/writer.js';
import type { LinkRef } from '../../core/validate.js';
import { NDA_DST, NDA_LLADDR, NTF_PROXY, neighborAttrs, writeNdMsg } from './codec.js';
import type { CheckedNeighborList } from './filter.js';
import type { CheckedNeighbor, CheckedNeighborGet } from './options.js';

/** Writes one attribute with its schema definition: its number and its value codec. */
function put<T>(w: NlWriter, def: AttrDef<T>, value: T, path: string): void {
  def.element.encode(w, def.type, value, path);
}

/** The link references of a checked request, in the order {@link writeNeighbor} takes them: link, via, master. */
export function neighborRefs(c: CheckedNeighbor): Array<LinkRef | undefined> {
  return [c.link, c.via, c.master];
}

/**
 * Writes the body (after the nlmsghdr) of an RTM_NEWNEIGH or RTM_DELNEIGH: ndmsg (ndm_type 0: the
 * kernel derives the type itself) and the NDA_* attributes in iproute2's order for the family, but
 * NDA_PROTOCOL last (iproute2 puts it first; the kernel reads attributes by type, in any order).
 * `ifindexes` are the resolved link references of `c`: its link, `via` and `master` (see
 * {@link neighborRefs}).
 */
export function writeNeighbor(w: NlWriter, c: CheckedNeighbor, ifindexes: ReadonlyArray<number | undefined>): void {
  const A = neighborAttrs.defs;
  const via = ifindexes[1];
  const master = ifindexes[2];
  writeNdMsg(w, c.af, ifindexes[0]!, c.state, c.flags, 0);
  if (c.af === AF_BRIDGE) {
    // An FDB entry is keyed by its MAC (and VLAN); on a VXLAN device dst/port/vni pick one remote.
    if (c.mac >= 0) writeMacNumberAttr(w, NDA_LLADDR, c.mac);
    else w.attrBytes(NDA_LLADDR, c.lladdr!);
    if (c.dst4 >= 0) w.attrU32Be(NDA_DST, c.dst4);
    else if (c.dst !== undefined) writeIpAttr(w, NDA_DST, c.dst);
    if (c.vlan !== undefined) put(w, A.vlan, c.vlan, 'vlan');
    if (c.port !== undefined) put(w, A.port, c.port, 'port');
    if (c.vni !== undefined) put(w, A.vni, c.vni, 'vni');
    if (via !== undefined) put(w, A.ifindex, via, 'via');
    if (c.srcVni !== undefined) put(w, A.srcVni, c.srcVni, 'srcVni');
    if (c.nhId !== undefined) put(w, A.nhId, c.nhId, 'nhId');
  } else {
    if (c.dst4 >= 0) w.attrU32Be(NDA_DST, c.dst4);
    else writeIpAttr(w, NDA_DST, c.dst!);
    // NDA_LLADDR: a MAC address from its number, or bytes (a tunnel's IP address …) as they are.
    if (c.mac >= 0) writeMacNumberAttr(w, NDA_LLADDR, c.mac);
    else if (c.lladdr !== undefined) w.attrBytes(NDA_LLADDR, c.lladdr);
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
  const A = neighborAttrs.defs;
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
  const A = neighborAttrs.defs;
  writeNdMsg(w, c.af, ifindex ?? 0, 0, c.flags, 0);
  if (c.dst !== undefined) w.attrBytes(NDA_DST, c.dst);
  if (c.lladdr !== undefined) w.attrBytes(NDA_LLADDR, c.lladdr);
  if (master !== undefined) put(w, A.master, master, 'master');
  if (c.vlan !== undefined) put(w, A.vlan, c.vlan, 'vlan');
  if (c.vni !== undefined) put(w, A.vni, c.vni, 'vni');
}
