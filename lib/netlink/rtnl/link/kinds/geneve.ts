/**
 * The geneve kind: IFLA_INFO_DATA attributes (enum IFLA_GENEVE_*, include/uapi/linux/if_link.h)
 * as geneve_fill_info sends them and geneve_policy accepts them. Field names follow the vxlan
 * kind's (`id`, `port`, `collectMetadata`, `label`), the kernel's otherwise.
 *
 * This machine's kernel has no geneve driver: the set is tested on iproute2's captured requests
 * (spec/fixtures/link/request-geneve*.hex), and live tests are reported as skipped.
 */
import { EnumTable } from '../../../core/enum-table.js';
import { bool8, enumOf, ip4, ip6, ranged } from '../fields.js';
import { AttrSet, attr, flag, u16be, u32, u32be, u8, type AttrValues } from '../../../core/schema.js';

export const IFLA_GENEVE_ID = 1;
export const IFLA_GENEVE_REMOTE = 2;
export const IFLA_GENEVE_TTL = 3;
export const IFLA_GENEVE_TOS = 4;
export const IFLA_GENEVE_PORT = 5;
export const IFLA_GENEVE_COLLECT_METADATA = 6;
export const IFLA_GENEVE_REMOTE6 = 7;
export const IFLA_GENEVE_UDP_CSUM = 8;
export const IFLA_GENEVE_UDP_ZERO_CSUM6_TX = 9;
export const IFLA_GENEVE_UDP_ZERO_CSUM6_RX = 10;
export const IFLA_GENEVE_LABEL = 11;
export const IFLA_GENEVE_TTL_INHERIT = 12;
export const IFLA_GENEVE_DF = 13;
export const IFLA_GENEVE_INNER_PROTO_INHERIT = 14;

/** enum ifla_geneve_df (GENEVE_DF_*) as `ip -j` prints it. */
export const GENEVE_DF = new EnumTable('geneve df', [['unset', 0], ['set', 1], ['inherit', 2]] as const);

/** IFLA_INFO_DATA of kind `geneve`. */
export const geneveAttrs = new AttrSet('geneve', () => ({
  /** IFLA_GENEVE_ID: the VNI (24 bits). */
  id: attr(IFLA_GENEVE_ID, ranged(u32, 0, 0xffffff)),
  /** IFLA_GENEVE_REMOTE: the IPv4 remote endpoint. */
  remote: attr(IFLA_GENEVE_REMOTE, ip4),
  /** IFLA_GENEVE_TTL (0: inherit from the inner packet's route). */
  ttl: attr(IFLA_GENEVE_TTL, u8),
  tos: attr(IFLA_GENEVE_TOS, u8),
  /** IFLA_GENEVE_PORT: the UDP destination port (big-endian on the wire; 6081 by default). */
  port: attr(IFLA_GENEVE_PORT, u16be),
  /** IFLA_GENEVE_COLLECT_METADATA (`ip`'s `external`): flow-based tunnel. */
  collectMetadata: attr(IFLA_GENEVE_COLLECT_METADATA, flag),
  /** IFLA_GENEVE_REMOTE6: the IPv6 remote endpoint. */
  remote6: attr(IFLA_GENEVE_REMOTE6, ip6),
  udpCsum: attr(IFLA_GENEVE_UDP_CSUM, bool8),
  udpZeroCsum6Tx: attr(IFLA_GENEVE_UDP_ZERO_CSUM6_TX, bool8),
  udpZeroCsum6Rx: attr(IFLA_GENEVE_UDP_ZERO_CSUM6_RX, bool8),
  /** IFLA_GENEVE_LABEL: the IPv6 flow label (20 bits, big-endian on the wire). */
  label: attr(IFLA_GENEVE_LABEL, ranged(u32be, 0, 0xfffff)),
  /** IFLA_GENEVE_TTL_INHERIT (`ip`'s `ttl inherit`). */
  ttlInherit: attr(IFLA_GENEVE_TTL_INHERIT, bool8),
  df: attr(IFLA_GENEVE_DF, enumOf(u8, GENEVE_DF)),
  /** IFLA_GENEVE_INNER_PROTO_INHERIT: carry the inner protocol (L3 payloads, no Ethernet header). */
  innerProtoInherit: attr(IFLA_GENEVE_INNER_PROTO_INHERIT, flag),
}));

/** The decoded IFLA_INFO_DATA of a geneve link. */
export type GeneveData = AttrValues<typeof geneveAttrs.defs>;

/** Every geneve attribute is an option of `links.add` (the kernel refuses changing most later). Listed when the kind is first checked. */
export const geneveWritable = (): ReadonlyArray<keyof GeneveData> => Object.keys(geneveAttrs.defs) as ReadonlyArray<keyof GeneveData>;
