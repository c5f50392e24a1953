/**
 * The veth kind (linux/veth.h). The kernel reports no IFLA_INFO_DATA for a veth; a request that
 * creates one carries the far end there, in VETH_INFO_PEER, as a whole link body (struct ifinfomsg
 * and IFLA_* attributes: name, namespace, MAC, MTU … of the peer).
 */
import type { LinkBody } from '../codec.js';
import { AttrSet, attr, type AttrValues, type FieldCodec } from '../../../core/schema.js';

/** VETH_INFO_PEER: the peer of a veth, a whole link body (struct ifinfomsg + IFLA_*). */
export const VETH_INFO_PEER = 1;

/**
 * IFLA_INFO_DATA of kind `veth`, given the link body codec of the peer. The body is handed in
 * rather than imported: a link body holds IFLA_LINKINFO, which holds this set, which holds a link
 * body (codec.ts ties the knot).
 */
export function vethAttrs(peer: FieldCodec<LinkBody>) {
  return new AttrSet('veth', () => ({
    /** VETH_INFO_PEER: the far end, as a whole link body (ifinfomsg and IFLA_* attributes). */
    peer: attr(VETH_INFO_PEER, peer),
  }));
}

/** The decoded IFLA_INFO_DATA of a veth: the peer's link body, in requests. */
export type VethData = AttrValues<ReturnType<typeof vethAttrs>['defs']>;
