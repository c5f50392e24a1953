/**
 * The tun kind (tun and tap devices made with TUNSETIFF, e.g. `ip tuntap add`): IFLA_INFO_DATA
 * attributes (enum IFLA_TUN_*, if_link.h) as tun_fill_info sends them, and the options of
 * `links.add({ kind: 'tun' })`. The kernel cannot create tun devices over rtnetlink (tun_validate:
 * EOPNOTSUPP): they are made with the TUNSETIFF ioctl (native `tunCreate`), as `ip tuntap add`
 * makes them, so these options become ioctl flags, not attributes.
 */
import { ValidationError } from '../../../core/errors.js';
import { EnumTable } from '../../../core/enum-table.js';
import { checkBool, checkInt, checkKeys, checkObject } from '../../../core/validate.js';
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
export const tunAttrs = new AttrSet('tun', () => ({
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
}));

/**
 * The decoded IFLA_INFO_DATA of a tun / tap device.
 *
 * @interface
 */
export type TunData = AttrValues<typeof tunAttrs.defs>;

/** TUNSETIFF flags (if_tun.h). */
export const IFF_TUN = 0x0001;
export const IFF_TAP = 0x0002;
export const IFF_MULTI_QUEUE = 0x0100;
export const IFF_NO_PI = 0x1000;
export const IFF_VNET_HDR = 0x4000;

/** The largest uid / gid a tun device can be given: (uid_t)-1 means "none" to the kernel. */
const MAX_ID = 0xfffffffe;

/**
 * Options of `links.add({ name, kind: 'tun', data })`, as `ip tuntap add` takes them:
 * `{ type: 'tap', multiQueue: true, owner: 1000 }`. The device is persistent (it outlives the
 * process, as ip's), and `pi` is off unless asked for, as with ip.
 */
export interface TunOptions {
  /** `'tun'` (IP packets, IFF_TUN) or `'tap'` (Ethernet frames, IFF_TAP). Required, as ip's `mode`. */
  type: 'tun' | 'tap';
  /** Packets carry the 4-byte packet information header (clears IFF_NO_PI). Default false. */
  pi?: boolean;
  /** Packets carry a virtio-net header (IFF_VNET_HDR). Default false. */
  vnetHdr?: boolean;
  /** Several queues may be attached (IFF_MULTI_QUEUE). Default false. */
  multiQueue?: boolean;
  /** The uid allowed to attach to the device (TUNSETOWNER), 0..2^32-2. Default: none. */
  owner?: number;
  /** The gid allowed to attach to the device (TUNSETGROUP), 0..2^32-2. Default: none. */
  group?: number;
}

/** {@link TunOptions} checked: the TUNSETIFF flags, and the owner and group (-1: none). */
export interface CheckedTun {
  /** IFF_TUN or IFF_TAP with IFF_NO_PI, IFF_VNET_HDR, IFF_MULTI_QUEUE as asked. */
  flags: number;
  /** TUNSETOWNER's uid, or -1. */
  owner: number;
  /** TUNSETGROUP's gid, or -1. */
  group: number;
}

const TUN_KEYS = ['type', 'pi', 'vnetHdr', 'multiQueue', 'owner', 'group'];

/** Checks the `data` of a tun device to create completely; throws ValidationError naming `data.<key>`. */
export function checkTunOptions(field: string, value: unknown): CheckedTun {
  if (value === undefined) throw new ValidationError(field, value, "a tun device needs its type: { type: 'tun' } or { type: 'tap' }");
  const o = checkObject(field, value);
  checkKeys(field, o, TUN_KEYS);
  const type = typeof o.type === 'string' ? TUN_TYPES.value(o.type) : undefined;
  if (type === undefined) throw new ValidationError(`${field}.type`, o.type, "'tun' or 'tap' is required");
  let flags = type === 1 ? IFF_TUN : IFF_TAP;
  if (o.pi === undefined || !checkBool(`${field}.pi`, o.pi)) flags |= IFF_NO_PI;
  if (o.vnetHdr !== undefined && checkBool(`${field}.vnetHdr`, o.vnetHdr)) flags |= IFF_VNET_HDR;
  if (o.multiQueue !== undefined && checkBool(`${field}.multiQueue`, o.multiQueue)) flags |= IFF_MULTI_QUEUE;
  const owner = o.owner === undefined ? -1 : checkInt(`${field}.owner`, o.owner, 0, MAX_ID);
  const group = o.group === undefined ? -1 : checkInt(`${field}.group`, o.group, 0, MAX_ID);
  return { flags, owner, group };
}
