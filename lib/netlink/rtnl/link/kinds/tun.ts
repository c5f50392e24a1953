/**
 * The tun kind (tun and tap devices made with TUNSETIFF, e.g. `ip tuntap add`): IFLA_INFO_DATA
 * attributes (enum IFLA_TUN_*, if_link.h) as tun_fill_info sends them. The kernel cannot create
 * tun devices over rtnetlink (tun_validate: EOPNOTSUPP), so this kind is decode-only.
 */
import { EnumTable } from '../../../core/enum-table.js';
import { bool8, enumOf } from '../fields.js';
import { AttrSet, attr, u32, u8, type AttrValues } from '../../../core/schema.js';

export const IFLA_TUN_OWNER = 1;
export const IFLA_TUN_GROUP = 2;
export const IFLA_TUN_TYPE = 3;
export const IFLA_TUN_PI = 4;
export const IFLA_TUN_VNET_HDR = 5;
export const IFLA_TUN_PERSIST = 6;
export const IFLA_TUN_MULTI_QUEUE = 7;
export const IFLA_TUN_NUM_QUEUES = 8;
export const IFLA_TUN_NUM_DISABLED_QUEUES = 9;

/** IFF_TUN / IFF_TAP (if_tun.h) as `ip -j` prints IFLA_TUN_TYPE. */
export const TUN_TYPES = new EnumTable('tun type', [['tun', 1], ['tap', 2]] as const);

/** IFLA_INFO_DATA of kind `tun`. */
export const tunAttrs = new AttrSet('tun', {
  /** IFLA_TUN_OWNER: the owning uid (sent only when set). */
  owner: attr(IFLA_TUN_OWNER, u32),
  /** IFLA_TUN_GROUP: the owning gid (sent only when set). */
  group: attr(IFLA_TUN_GROUP, u32),
  /** IFLA_TUN_TYPE: `'tun'` (IP packets) or `'tap'` (Ethernet frames). */
  type: attr(IFLA_TUN_TYPE, enumOf(u8, TUN_TYPES)),
  /** IFLA_TUN_PI: packets carry the 4-byte packet information header. */
  pi: attr(IFLA_TUN_PI, bool8),
  /** IFLA_TUN_VNET_HDR: packets carry a virtio-net header (offloads). */
  vnetHdr: attr(IFLA_TUN_VNET_HDR, bool8),
  /** IFLA_TUN_PERSIST: the device outlives the process that opened it. */
  persist: attr(IFLA_TUN_PERSIST, bool8),
  /** IFLA_TUN_MULTI_QUEUE: the device has several queues. */
  multiQueue: attr(IFLA_TUN_MULTI_QUEUE, bool8),
  /** IFLA_TUN_NUM_QUEUES: the number of queues attached. */
  numQueues: attr(IFLA_TUN_NUM_QUEUES, u32),
  /** IFLA_TUN_NUM_DISABLED_QUEUES: the number of queues disabled. */
  numDisabledQueues: attr(IFLA_TUN_NUM_DISABLED_QUEUES, u32),
});

/**
 * The decoded IFLA_INFO_DATA of a tun / tap device.
 *
 * @interface
 */
export type TunData = AttrValues<typeof tunAttrs.defs>;
