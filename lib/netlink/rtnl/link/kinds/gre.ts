/**
 * The GRE kinds: gre and gretap (IPv4 endpoints), ip6gre and ip6gretap (IPv6 endpoints), and the
 * erspan kinds that share their attributes: IFLA_INFO_DATA (enum IFLA_GRE_*,
 * include/uapi/linux/if_tunnel.h) as ipgre_fill_info / ip6gre_fill_info send them and the GRE
 * policies accept them.
 *
 * GRE keys only count with the key flag: the kernel ignores IFLA_GRE_IKEY unless IFLA_GRE_IFLAGS
 * has GRE_KEY. Like `ip … ikey N`, an `ikey` (`okey`) without `iflags` (`oflags`) sends GRE_KEY; an
 * explicit `iflags` without it is refused, since the key would be silently dropped.
 *
 * This machine's kernel has no GRE driver: the sets are tested on iproute2's captured requests
 * (spec/fixtures/link/request-gre*.hex, request-ip6gretap.hex); live tests are reported as skipped.
 */
import { EnumTable } from '../../../core/enum-table.js';
import { ValidationError } from '../../../core/errors.js';
import { bool8, enumOf, ip4, ip6, ranged } from '../fields.js';
import { AttrSet, attr, flag, u16, u16be, u32, u32be, u8, type AttrValues, type FieldCodec } from '../../../core/schema.js';

export const IFLA_GRE_LINK = 1;
export const IFLA_GRE_IFLAGS = 2;
export const IFLA_GRE_OFLAGS = 3;
export const IFLA_GRE_IKEY = 4;
export const IFLA_GRE_OKEY = 5;
export const IFLA_GRE_LOCAL = 6;
export const IFLA_GRE_REMOTE = 7;
export const IFLA_GRE_TTL = 8;
export const IFLA_GRE_TOS = 9;
export const IFLA_GRE_PMTUDISC = 10;
export const IFLA_GRE_ENCAP_LIMIT = 11;
export const IFLA_GRE_FLOWINFO = 12;
export const IFLA_GRE_FLAGS = 13;
export const IFLA_GRE_ENCAP_TYPE = 14;
export const IFLA_GRE_ENCAP_FLAGS = 15;
export const IFLA_GRE_ENCAP_SPORT = 16;
export const IFLA_GRE_ENCAP_DPORT = 17;
export const IFLA_GRE_COLLECT_METADATA = 18;
export const IFLA_GRE_IGNORE_DF = 19;
export const IFLA_GRE_FWMARK = 20;
export const IFLA_GRE_ERSPAN_INDEX = 21;
export const IFLA_GRE_ERSPAN_VER = 22;
export const IFLA_GRE_ERSPAN_DIR = 23;
export const IFLA_GRE_ERSPAN_HWID = 24;

/** GRE header flags of IFLA_GRE_IFLAGS / IFLA_GRE_OFLAGS (big-endian on the wire, these values). */
export const GRE_CSUM = 0x8000;
export const GRE_KEY = 0x2000;
export const GRE_SEQ = 0x1000;

/** IP6_TNL_F_* bits of IFLA_GRE_FLAGS (ip6gre): e.g. 0x1 IGN_ENCAP_LIMIT (`encaplimit none`). */
export const IP6_TNL_F_IGN_ENCAP_LIMIT = 0x1;

/** enum tunnel_encap_types (TUNNEL_ENCAP_*): IFLA_GRE_ENCAP_TYPE, as `ip` names them. */
export const TUNNEL_ENCAP_TYPES = new EnumTable('tunnel encap type', [['none', 0], ['fou', 1], ['gue', 2], ['mpls', 3]] as const, [], { max: 0xffff });
/** enum erspan_direction: IFLA_GRE_ERSPAN_DIR, as `ip` names it. */
export const ERSPAN_DIRECTIONS = new EnumTable('erspan direction', [['ingress', 0], ['egress', 1]] as const);

/** The IFLA_GRE_* definitions, with the endpoints' address codec (IPv4 or IPv6). */
function defs(address: FieldCodec<string>) {
  return {
    /** IFLA_GRE_LINK: the ifindex of the underlay device (`dev`). */
    link: attr(IFLA_GRE_LINK, u32),
    /** IFLA_GRE_IFLAGS: GRE_CSUM | GRE_KEY | GRE_SEQ expected on input. */
    iflags: attr(IFLA_GRE_IFLAGS, u16be),
    /** IFLA_GRE_OFLAGS: GRE_CSUM | GRE_KEY | GRE_SEQ put on output. */
    oflags: attr(IFLA_GRE_OFLAGS, u16be),
    /** IFLA_GRE_IKEY: the input key (big-endian on the wire). */
    ikey: attr(IFLA_GRE_IKEY, u32be),
    /** IFLA_GRE_OKEY: the output key. */
    okey: attr(IFLA_GRE_OKEY, u32be),
    local: attr(IFLA_GRE_LOCAL, address),
    remote: attr(IFLA_GRE_REMOTE, address),
    /** IFLA_GRE_TTL (ip6gre: the hop limit; 0: inherit). */
    ttl: attr(IFLA_GRE_TTL, u8),
    tos: attr(IFLA_GRE_TOS, u8),
    pmtudisc: attr(IFLA_GRE_PMTUDISC, bool8),
    /** IFLA_GRE_ENCAP_LIMIT (ip6gre): the tunnel encapsulation limit option. */
    encapLimit: attr(IFLA_GRE_ENCAP_LIMIT, u8),
    /** IFLA_GRE_FLOWINFO (ip6gre): traffic class and flow label, big-endian. */
    flowinfo: attr(IFLA_GRE_FLOWINFO, u32be),
    /** IFLA_GRE_FLAGS (ip6gre): IP6_TNL_F_*. */
    flags: attr(IFLA_GRE_FLAGS, u32),
    /** IFLA_GRE_ENCAP_TYPE: `'none'`, `'fou'`, `'gue'`, `'mpls'`. */
    encapType: attr(IFLA_GRE_ENCAP_TYPE, enumOf(u16, TUNNEL_ENCAP_TYPES)),
    /** IFLA_GRE_ENCAP_FLAGS: TUNNEL_ENCAP_FLAG_* (csum, csum6, remcsum). */
    encapFlags: attr(IFLA_GRE_ENCAP_FLAGS, u16),
    encapSport: attr(IFLA_GRE_ENCAP_SPORT, u16be),
    encapDport: attr(IFLA_GRE_ENCAP_DPORT, u16be),
    /** IFLA_GRE_COLLECT_METADATA (`ip`'s `external`): flow-based tunnel. */
    collectMetadata: attr(IFLA_GRE_COLLECT_METADATA, flag),
    ignoreDf: attr(IFLA_GRE_IGNORE_DF, bool8),
    fwmark: attr(IFLA_GRE_FWMARK, u32),
    /** IFLA_GRE_ERSPAN_INDEX (erspan v1). */
    erspanIndex: attr(IFLA_GRE_ERSPAN_INDEX, ranged(u32, 0, 0xfffff)),
    /** IFLA_GRE_ERSPAN_VER: 0, 1 or 2 (the kernel sends 1 for gre tunnels too). */
    erspanVer: attr(IFLA_GRE_ERSPAN_VER, u8),
    erspanDir: attr(IFLA_GRE_ERSPAN_DIR, enumOf(u8, ERSPAN_DIRECTIONS)),
    /** IFLA_GRE_ERSPAN_HWID (erspan v2, 6 bits). */
    erspanHwid: attr(IFLA_GRE_ERSPAN_HWID, ranged(u16, 0, 0x3f)),
  };
}

/** IFLA_INFO_DATA of kinds `gre`, `gretap` and `erspan` (IPv4 endpoints). */
export const greAttrs = new AttrSet('gre', () => defs(ip4));
/** IFLA_INFO_DATA of kinds `ip6gre`, `ip6gretap` and `ip6erspan` (IPv6 endpoints). */
export const ip6greAttrs = new AttrSet('ip6gre', () => defs(ip6));

/** The decoded IFLA_INFO_DATA of a GRE link (IPv4 or IPv6 endpoints, both as text). */
export type GreData = AttrValues<typeof greAttrs.defs>;

/** Every GRE attribute is an option of `links.add`; `link` may be a name. Listed when the kind is first checked. */
export const greWritable = (): ReadonlyArray<keyof GreData> => Object.keys(greAttrs.defs) as ReadonlyArray<keyof GreData>;

/**
 * The key flags of GRE options, checked (see the file comment): sets GRE_KEY in `iflags` /
 * `oflags` for a key given without them, refuses explicit flags without it.
 */
export function checkGreKeys(field: string, value: Record<string, unknown>): void {
  for (const [key, flags] of [['ikey', 'iflags'], ['okey', 'oflags']] as const) {
    if (value[key] === undefined) continue;
    if (value[flags] === undefined) {
      value[flags] = GRE_KEY;
    } else if (typeof value[flags] === 'number' && ((value[flags] as number) & GRE_KEY) === 0) {
      throw new ValidationError(`${field}.${flags}`, value[flags], `GRE_KEY (0x2000) is required with ${key} (the kernel ignores a key without it)`);
    }
  }
}
