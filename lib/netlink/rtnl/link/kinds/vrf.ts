/**
 * The vrf kind: IFLA_INFO_DATA (IFLA_VRF_TABLE) and the IFLA_INFO_SLAVE_DATA of a vrf port
 * (IFLA_VRF_PORT_TABLE), include/uapi/linux/if_link.h. This machine's kernel has no vrf driver:
 * tested on iproute2's captured request, live tests reported as skipped.
 */
import { AttrSet, attr, u32, type AttrValues } from '../../../core/schema.js';

export const IFLA_VRF_TABLE = 1;
export const IFLA_VRF_PORT_TABLE = 1;

/** IFLA_INFO_DATA of kind `vrf`. */
export const vrfAttrs = new AttrSet('vrf', () => ({
  /** IFLA_VRF_TABLE: the routing table the vrf's routes go to. */
  table: attr(IFLA_VRF_TABLE, u32),
}));

/** IFLA_INFO_SLAVE_DATA of a vrf port (reported only). */
export const vrfPortAttrs = new AttrSet('vrf_port', () => ({
  /** IFLA_VRF_PORT_TABLE: the table of the vrf the link is enslaved to. */
  table: attr(IFLA_VRF_PORT_TABLE, u32),
}));

/** The decoded IFLA_INFO_DATA of a vrf. */
export type VrfData = AttrValues<typeof vrfAttrs.defs>;
/** The decoded IFLA_INFO_SLAVE_DATA of a vrf port. */
export type VrfPortData = AttrValues<typeof vrfPortAttrs.defs>;

/** vrf options of `links.add` (the table cannot change later). */
export const VRF_WRITABLE = ['table'] as const satisfies ReadonlyArray<keyof VrfData>;
