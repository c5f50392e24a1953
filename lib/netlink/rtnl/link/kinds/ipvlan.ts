/**
 * The ipvlan and ipvtap kinds: IFLA_INFO_DATA attributes (enum IFLA_IPVLAN_*, if_link.h) as
 * ipvlan_nl_fillinfo sends them and ipvlan_nl_policy accepts them.
 */
import { EnumTable } from '../../../core/enum-table.js';
import { enumOf } from '../fields.js';
import { AttrSet, attr, u16, type AttrValues } from '../../../core/schema.js';

export const IFLA_IPVLAN_MODE = 1;
export const IFLA_IPVLAN_FLAGS = 2;

/** enum ipvlan_mode (IPVLAN_MODE_*) as `ip -j` prints it. */
export const IPVLAN_MODES = new EnumTable('ipvlan mode', [['l2', 0], ['l3', 1], ['l3s', 2]] as const, [], { max: 0xffff });
/** IPVLAN_F_PRIVATE / IPVLAN_F_VEPA as `ip -j` prints IFLA_IPVLAN_FLAGS (0 is `bridge`). */
export const IPVLAN_FLAGS = new EnumTable('ipvlan flags', [['bridge', 0], ['private', 1], ['vepa', 2]] as const, [], { max: 0xffff });
export const IPVLAN_F_PRIVATE = 0x01;
export const IPVLAN_F_VEPA = 0x02;

/** IFLA_INFO_DATA of kinds `ipvlan` and `ipvtap`. */
export const ipvlanAttrs = new AttrSet('ipvlan', () => ({
  /** IFLA_IPVLAN_MODE: `'l2'`, `'l3'` or `'l3s'`. */
  mode: attr(IFLA_IPVLAN_MODE, enumOf(u16, IPVLAN_MODES)),
  /** IFLA_IPVLAN_FLAGS: `'bridge'` (0), `'private'` or `'vepa'`. */
  flags: attr(IFLA_IPVLAN_FLAGS, enumOf(u16, IPVLAN_FLAGS)),
}));

/**
 * The decoded IFLA_INFO_DATA of an ipvlan / ipvtap.
 *
 * @interface
 */
export type IpvlanData = AttrValues<typeof ipvlanAttrs.defs>;

/** ipvlan options of `links.add` / `links.set`. */
export const IPVLAN_WRITABLE = ['mode', 'flags'] as const satisfies ReadonlyArray<keyof IpvlanData>;
