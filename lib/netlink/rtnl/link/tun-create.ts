/**
 * tun and tap devices made with TUNSETIFF (the kernel refuses them over rtnetlink): persistent
 * ones for `links.add({ kind: 'tun' })`, as `ip tuntap add` makes them, and ones that live as long
 * as their open files for `links.openTun`, as a program that reads and writes their packets makes
 * them (vishvananda/netlink's Tuntap with queues).
 *
 * In another namespace (`netns`) a handle is opened there first: the device is made in the
 * namespace that handle's socket belongs to, and its settings (a master by name among them) are
 * applied from it. The other settings follow in one `set`; if the kernel refuses it, the device is
 * deleted (a persistent one) or its files closed (which takes the device with them).
 */
import { NetlinkError } from '../../core/errors.js';
import { EINVAL } from '../../core/errno.js';
import { NETLINK_ROUTE } from '../../core/protocol.js';
import type { LinkRef } from '../../core/validate.js';
import { Connection } from '../../transport/connection.js';
import { native } from '../../transport/native.js';
import { IFF_MULTI_QUEUE, IFF_NO_PI, IFF_TAP, IFF_TUN, IFF_VNET_HDR, type CheckedTun, type TunData } from './kinds/tun.js';
import { settingsAsChanges, type CheckedAdd, type LinkSetOptions } from './options.js';
import type { Link } from './view.js';

/** What the creation needs of a handle's links service. */
export interface TunLinks {
  set(ref: LinkRef, changes: LinkSetOptions): Promise<void>;
  del(ref: LinkRef): Promise<void>;
  get(ref: LinkRef): Promise<Link>;
}

/** The files of a device made by `links.openTun`: how many, and whether reads and writes block. */
export interface TunFileOptions {
  queues: number;
  nonBlocking: boolean;
}

/** tunCreate's flag for O_NONBLOCK files (above the 16 TUNSETIFF bits; native/rtnetlink.c). */
const TUN_OPEN_NONBLOCK = 0x10000;
/** tunCreate's flag to attach every file to an existing device as a queue. */
const TUN_OPEN_ATTACH = 0x20000;

/**
 * Makes the device `c` describes (its TUNSETIFF flags, owner and group in `tun`): persistent when
 * `files` is undefined, else open in `files.queues` files whose fds are returned. Resolves to the
 * new link (undefined when made in another namespace) and the fds.
 */
export async function makeTun(conn: Connection, here: TunLinks, linksOn: (conn: Connection) => TunLinks, c: CheckedAdd,
  tun: CheckedTun, files: TunFileOptions | undefined): Promise<{ link: Link | undefined; fds: number[] }> {
  const netns = c.settings.netns;
  const there = netns === undefined ? undefined : Connection.open(NETLINK_ROUTE, { netns }, conn.messageName);
  try {
    const links = there === undefined ? here : linksOn(there);
    const nsFd = (there ?? conn).socket.namespaceFd();
    const out = new Int32Array(files === undefined ? 0 : files.queues);
    const flags = tun.flags | (files?.nonBlocking === true ? TUN_OPEN_NONBLOCK : 0);
    let ifindex: number;
    try {
      ifindex = native().tunCreate(nsFd, c.name, flags, tun.owner, tun.group, out);
    } finally {
      native().socketClose(nsFd);
    }
    // An existing name is EEXIST (the helper turns IFF_TUN_EXCL's EBUSY into it); every other errno is the kernel's.
    if (ifindex < 0) throw new NetlinkError(-ifindex, 'ioctl(TUNSETIFF)', c.name === '' ? {} : { link: c.name });
    const fds = [...out];
    const undo = async (): Promise<void> => {
      if (files === undefined) await links.del(ifindex).catch(() => undefined);
      else for (const fd of fds) native().socketClose(fd);
    };
    try {
      const changes = settingsAsChanges(c.settings);
      if (changes !== undefined) await links.set(ifindex, changes);
      return { link: there === undefined ? await here.get(ifindex) : undefined, fds };
    } catch (error) {
      await undo();
      throw error;
    }
  } finally {
    there?.close();
  }
}

/**
 * Opens `count` more queues of the tun / tap device `link` (in the namespace of `conn`'s socket):
 * files attached to it with the flags it has (TUNSETIFF on an existing device takes the new file's
 * flags as the device's), so a multi-queue device gains queues and nothing else changes. Returns
 * their fds (close-on-exec, O_NONBLOCK if asked). A link that is no tun device is EINVAL, as
 * TUNSETIFF says; a device without IFF_MULTI_QUEUE that has a file open is EBUSY.
 */
export function attachTunQueues(conn: Connection, link: Link, count: number, nonBlocking: boolean): number[] {
  const d = link.kind === 'tun' ? link.data as TunData | undefined : undefined;
  if (d === undefined || d.type === undefined || typeof d.type === 'number') throw new NetlinkError(EINVAL, 'ioctl(TUNSETIFF)', { link: link.name });
  const flags = (d.type === 'tap' ? IFF_TAP : IFF_TUN) | (d.pi === true ? 0 : IFF_NO_PI) | (d.vnetHdr === true ? IFF_VNET_HDR : 0)
    | (d.multiQueue === true ? IFF_MULTI_QUEUE : 0) | TUN_OPEN_ATTACH | (nonBlocking ? TUN_OPEN_NONBLOCK : 0);
  const out = new Int32Array(count);
  const nsFd = conn.socket.namespaceFd();
  let r: number;
  try {
    r = native().tunCreate(nsFd, link.name, flags, -1, -1, out);
  } finally {
    native().socketClose(nsFd);
  }
  if (r < 0) throw new NetlinkError(-r, 'ioctl(TUNSETIFF)', { link: link.name });
  return [...out];
}
