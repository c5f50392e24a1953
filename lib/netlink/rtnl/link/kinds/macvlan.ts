/**
 * The macvlan and macvtap kinds: IFLA_INFO_DATA attributes (enum IFLA_MACVLAN_*, if_link.h), as
 * macvlan_fill_info sends them and macvlan_policy accepts them. IFLA_MACVLAN_BC_CUTOFF is newer
 * than the installed 6.1 headers (kernel 6.4 uapi).
 */
import { EnumTable } from '../../../core/enum-table.js';
import { enumOf, ether } from '../fields.js';
import { AttrSet, attr, multi, nest, s32, u16, u32, type AttrValues } from '../../../core/schema.js';

export const IFLA_MACVLAN_MODE = 1;
export const IFLA_MACVLAN_FLAGS = 2;
export const IFLA_MACVLAN_MACADDR_MODE = 3;
export const IFLA_MACVLAN_MACADDR = 4;
export const IFLA_MACVLAN_MACADDR_DATA = 5;
export const IFLA_MACVLAN_MACADDR_COUNT = 6;
export const IFLA_MACVLAN_BC_QUEUE_LEN = 7;
export const IFLA_MACVLAN_BC_QUEUE_LEN_USED = 8;
/** Newer than the installed headers (kernel 6.4 uapi). */
export const IFLA_MACVLAN_BC_CUTOFF = 9;

/** enum macvlan_mode (MACVLAN_MODE_*) as `ip -j` prints it. */
export const MACVLAN_MODES = new EnumTable('macvlan mode', [
  ['private', 1], ['vepa', 2], ['bridge', 4], ['passthru', 8], ['source', 16],
] as const, [], { max: 0xffffffff });
/** A macvlan mode: `'private'`, `'vepa'`, `'bridge'`, `'passthru'`, `'source'` (or the number). */
export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru' | 'source' | number;
/** enum macvlan_macaddr_mode (MACVLAN_MACADDR_*): what IFLA_MACVLAN_MACADDR(_DATA) does in source mode. */
export const MACVLAN_MACADDR_MODES = new EnumTable('macvlan address mode', [
  ['add', 0], ['del', 1], ['flush', 2], ['set', 3],
] as const, [], { max: 0xffffffff });
/** MACVLAN_FLAG_* (IFLA_MACVLAN_FLAGS bits). */
export const MACVLAN_FLAG_NOPROMISC = 1;
export const MACVLAN_FLAG_NODST = 2;

/** IFLA_MACVLAN_MACADDR_DATA: the source MAC list of a `source` mode macvlan. */
export const macvlanMacaddrAttrs = new AttrSet('macvlan_macaddr', () => ({
  /** The source MAC addresses (IFLA_MACVLAN_MACADDR entries). */
  macaddr: multi(IFLA_MACVLAN_MACADDR, ether),
}));

/** IFLA_INFO_DATA of kinds `macvlan` and `macvtap`. */
export const macvlanAttrs = new AttrSet('macvlan', () => ({
  /** IFLA_MACVLAN_MODE: `'private'`, `'vepa'`, `'bridge'`, `'passthru'` or `'source'`. */
  mode: attr(IFLA_MACVLAN_MODE, enumOf(u32, MACVLAN_MODES)),
  /** IFLA_MACVLAN_FLAGS: MACVLAN_FLAG_NOPROMISC | MACVLAN_FLAG_NODST. */
  flags: attr(IFLA_MACVLAN_FLAGS, u16),
  /** IFLA_MACVLAN_MACADDR_MODE (requests only): how `macaddr` / `macaddrData` change the source list. */
  macaddrMode: attr(IFLA_MACVLAN_MACADDR_MODE, enumOf(u32, MACVLAN_MACADDR_MODES)),
  /** IFLA_MACVLAN_MACADDR (requests only): one source address to add or delete. */
  macaddr: attr(IFLA_MACVLAN_MACADDR, ether),
  /** IFLA_MACVLAN_MACADDR_DATA: the source MAC list of a `source` mode macvlan. */
  macaddrData: attr(IFLA_MACVLAN_MACADDR_DATA, nest(macvlanMacaddrAttrs)),
  /** IFLA_MACVLAN_MACADDR_COUNT: how many source MACs the list holds. */
  macaddrCount: attr(IFLA_MACVLAN_MACADDR_COUNT, u32),
  /** IFLA_MACVLAN_BC_QUEUE_LEN: requested broadcast queue length (`ip`'s `bcqueuelen`). */
  bcQueueLen: attr(IFLA_MACVLAN_BC_QUEUE_LEN, u32),
  /** IFLA_MACVLAN_BC_QUEUE_LEN_USED: the length in use on the port (`ip`'s `usedbcqueuelen`). */
  bcQueueLenUsed: attr(IFLA_MACVLAN_BC_QUEUE_LEN_USED, u32),
  /** IFLA_MACVLAN_BC_CUTOFF: multicast → unicast cutoff (`ip`'s `bccutoff`); sent when not 1. */
  bcCutoff: attr(IFLA_MACVLAN_BC_CUTOFF, s32),
}));

/**
 * The decoded IFLA_INFO_DATA of a macvlan / macvtap.
 *
 * @interface
 */
export type MacvlanData = AttrValues<typeof macvlanAttrs.defs>;

/** macvlan options of `links.add` / `links.set`. */
export const MACVLAN_WRITABLE = [
  'mode', 'flags', 'macaddrMode', 'macaddr', 'macaddrData', 'bcQueueLen', 'bcCutoff',
] as const satisfies ReadonlyArray<keyof MacvlanData>;
