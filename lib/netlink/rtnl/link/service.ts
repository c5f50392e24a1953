/**
 * `nl.links`: list, get, add, set and delete network interfaces (RTM_*LINK).
 *
 * Every method validates its input completely before sending anything (options.ts). Links are
 * named by name or ifindex; a name the kernel does not know is a NetlinkError ENODEV naming the
 * link (only the kernel can know). Requests are built by request.ts and written by the one link
 * encoder, so they are laid out as iproute2 6.1 lays them out.
 */
import { DecodeError, NetlinkError, ValidationError } from '../../core/errors.js';
import { ENODEV } from '../../core/errno.js';
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL } from '../../core/protocol.js';
import { checkArray, checkBool, checkInt, checkKeys, checkLinkName, checkLinkRef, checkObject, type LinkRef } from '../../core/validate.js';
import type { BulkResult, Connection, OrderSlot, RequestBuilder } from '../../transport/connection.js';
import { openNamespace } from '../../../netns/netns.js';
import { readBefore, resolveRefs, sendInSlot, type LinkIndexer } from '../resolve.js';
import { RTM_DELLINK, RTM_DELLINKPROP, RTM_GETLINK, RTM_NEWLINK, RTM_NEWLINKPROP } from '../rtm.js';
import { checkNow, dumpList, dumpStream, type PreparedDump } from '../stream.js';
import { IFI_INDEX_AT } from './codec.js';
import * as C from './constants.js';
import { checkKindData, type CheckedKindData } from './kinds/options.js';
import {
  checkAdd, checkList, checkOpenTun, checkSet, type CheckedAdd, type TunFiles, type TunOpenOptions, type CheckedList, type LinkAddOptions, type LinkAliasRef, type LinkListOptions,
  type LinkSetOptions,
} from './options.js';
import {
  addRequest, altGetRequest, altNameRequest, delRequest, dumpRequest, followUpRequest, groupDelRequest, groupMoveRequest, requestBuilder, setRequest,
  writeGetRequest, writeLinkRequest, type LinkRequest,
} from './request.js';
import { checkAliasRef, checkAltNames, longAltName } from './names.js';
import type { CheckedTun } from './kinds/tun.js';
import { Link, linkView } from './view.js';
import { addMany } from './add-many.js';
import { attachTunQueues, makeTun } from './tun-create.js';

export type { LinkRef } from '../../core/validate.js';
export {
  KNOWN_KINDS, type LinkAddBase, type LinkAddKind, type LinkAddOptions, type LinkAliasRef, type LinkListOptions,
  type LinkSetOptions, type LinkSettings, type TunFiles, type TunOpenOptions, type VethPeer,
} from './options.js';

/** Runs `fn` with namespace fds opened for the given references, closing them afterwards. */
async function withNamespaces<T>(refs: Array<[field: string, ref: string | number | undefined]>,
  fn: (fds: Array<number | undefined>) => Promise<T>): Promise<T> {
  const opened: Array<{ fd: number; close(): void } | undefined> = [];
  try {
    for (const [field, ref] of refs) opened.push(ref === undefined ? undefined : openNamespace(field, ref));
    return await fn(opened.map((o) => o?.fd));
  } finally {
    for (const o of opened) o?.close();
  }
}

/** The link names inside checked kind data, in order (see {@link payloads}). */
function kindRefs(...data: Array<CheckedKindData | undefined>): string[] {
  return data.flatMap((d) => d?.refs ?? []);
}

/** The payloads of checked kind data, given the ifindexes of {@link kindRefs}' names in order. */
function payloads(ifindexes: ReadonlyArray<number | undefined>, ...data: Array<CheckedKindData | undefined>): Array<Uint8Array | undefined> {
  let at = 0;
  return data.map((d) => {
    if (d === undefined) return undefined;
    const mine = ifindexes.slice(at, at += d.refs.length);
    return d.payload(mine);
  });
}

/**
 * The ifindex in a link message (the whole message at `off`, `len` bytes): a reply too short for
 * its ifinfomsg, or naming no link (ifindex < 1), is a DecodeError, never bytes read past it.
 */
function ifindexOfReply(buf: Buffer, off: number, len: number): number {
  if (len < IFI_INDEX_AT + 4) throw new DecodeError('link', off, `a link message of ${len} bytes has no ifinfomsg`);
  const ifindex = buf.readInt32LE(off + IFI_INDEX_AT);
  if (ifindex < 1) throw new DecodeError('link.ifi_index', off + IFI_INDEX_AT, `ifindex ${ifindex} names no link`);
  return ifindex;
}

/** The links of one netlink handle. Obtain it as `nl.links`. */
export class Links {
  /** Resolves one link name to its ifindex (for rtnl/resolve). */
  private readonly indexer: LinkIndexer = (name) => this.index(name);

  /** @internal */
  constructor(private readonly conn: Connection) {}

  /**
   * All links (one RTM_GETLINK dump), optionally filtered: by master and kind in the kernel, by
   * alias here.
   */
  async list(options: LinkListOptions = {}): Promise<Link[]> {
    return dumpList(this.conn, RTM_GETLINK, await this.prepareDump(checkList(options)));
  }

  /** Like {@link list}, one link at a time, reading from the kernel as the loop advances. */
  stream(options: LinkListOptions = {}): AsyncIterableIterator<Link> {
    const checked = checkNow(() => checkList(options));
    return dumpStream(this.conn, RTM_GETLINK, () => this.prepareDump(checked()));
  }

  /** The dump of list options (checked, the master's name resolved), skipping links of another alias. */
  private async prepareDump(c: CheckedList): Promise<PreparedDump<Link>> {
    const master = c.master === undefined ? undefined : await this.index(c.master);
    const build = requestBuilder(dumpRequest(c, master));
    const alias = c.alias;
    if (alias === undefined) return { build, decode: linkView };
    return {
      build,
      decode: (buf, off, len) => {
        const link = linkView(buf, off, len);
        return link.alias === alias ? link : undefined;
      },
    };
  }

  /**
   * One link by name, ifindex or alias (`{ alias: 'uplink' }`). By name (an alternative name too,
   * up to 127 bytes: IFLA_ALT_IFNAME past 15) or ifindex it is one RTM_GETLINK; the kernel cannot look a link up by alias, so an alias is one dump without
   * statistics, then a GET of the first link (in ifindex order) that has it. A missing link is a
   * NetlinkError ENODEV naming it.
   */
  get(ref: LinkRef | LinkAliasRef): Promise<Link> {
    // Not async: the hot path (one GET per call) saves the extra promise of an async function.
    let checked: LinkRef;
    try {
      if (typeof ref === 'object' && ref !== null) return this.byAlias(checkAliasRef(ref));
      checked = checkLinkRef('link', ref);
    } catch (e) {
      // Not an interface name, but maybe an alternative name too long for IFLA_IFNAME.
      const alt = longAltName(ref);
      if (alt === undefined) return Promise.reject(e as Error);
      return this.conn.get(RTM_GETLINK, 0, requestBuilder(altGetRequest(alt, C.RTEXT_FILTER_VF)), linkView, alt);
    }
    return this.conn.get(RTM_GETLINK, 0, (w) => writeGetRequest(w, checked, C.RTEXT_FILTER_VF), linkView, checked);
  }

  /** The first link with alias `alias`, in full (see {@link get}). */
  private async byAlias(alias: string): Promise<Link> {
    const [first] = await this.list({ alias, stats: false });
    if (first === undefined) throw new NetlinkError(ENODEV, 'RTM_GETLINK', { requestType: RTM_GETLINK, alias });
    return this.get(first.ifindex);
  }

  /**
   * @internal Resolves link references to ifindexes (rtnl/resolve): synchronously when every
   * reference is already an ifindex (or absent), so a caller that sends right after does so in
   * the same tick, and requests leave in the order they were made.
   */
  resolve(refs: ReadonlyArray<LinkRef | undefined>): Array<number | undefined> | Promise<Array<number | undefined>> {
    return resolveRefs(this.indexer, refs);
  }

  /** The ifindex of a link given by name (an index is returned as it is). */
  async index(ref: LinkRef): Promise<number> {
    if (typeof ref === 'number') return checkLinkRef('link', ref) as number;
    const alt = longAltName(ref);
    const name = alt ?? checkLinkName('link', ref);
    const build: RequestBuilder = alt === undefined ? (w) => writeGetRequest(w, name, C.RTEXT_FILTER_SKIP_STATS)
      : requestBuilder(altGetRequest(alt, C.RTEXT_FILTER_SKIP_STATS));
    return this.conn.get(RTM_GETLINK, 0, build, ifindexOfReply, name);
  }

  /**
   * Creates a link (RTM_NEWLINK with NLM_F_CREATE | NLM_F_EXCL) and resolves to it as the kernel
   * reported it. An existing name or a taken `index` is a NetlinkError EEXIST; a kind the kernel
   * cannot create is EOPNOTSUPP.
   *
   * The request carries NLM_F_ECHO: the kernel (Linux 6.3 and later) sends its notification of the
   * new link back before the ACK, so one request creates the link and returns it. A kernel that
   * does not echo costs one RTM_GETLINK more. A link created in another namespace (`netns`) is
   * not visible from this handle: the promise then resolves to undefined (and the request has no
   * NLM_F_ECHO, since the kernel would echo it to a socket of that namespace).
   *
   * What the kernel ignores or refuses at creation comes by one more request once the link exists:
   * an alias (IFLA_IFALIAS is not applied when a link is created), and a veth peer's `up`/`alias`;
   * the link is then read again. If that request fails, the new link is deleted (with its peer) and
   * the error rejects.
   *
   * A tun or tap device (`kind: 'tun'`, `data: { type: 'tap' }`) is made with the TUNSETIFF ioctl
   * instead, persistent, as `ip tuntap add` makes it: the kernel refuses tun over rtnetlink.
   */
  add(options: LinkAddOptions & { netns: string | number }): Promise<undefined>;
  add(options: LinkAddOptions & { netns?: undefined }): Promise<Link>;
  add(options: LinkAddOptions): Promise<Link | undefined>;
  async add(options: LinkAddOptions): Promise<Link | undefined> {
    const c = checkAdd(options);
    if (c.tun !== undefined) return this.addTun(c, c.tun);
    let master: number | undefined;
    let link: number | undefined;
    let data: Uint8Array | undefined;
    // A link named by a name the handle does not know is looked up first; the request keeps its
    // place in the call order meanwhile (transport/call-order.ts).
    let slot: OrderSlot | undefined;
    let echoed: Link | undefined;
    try {
      if (c.data !== undefined || c.link !== undefined || (c.settings.master ?? undefined) !== undefined) {
        const refs = kindRefs(c.data);
        const r = this.resolve([c.settings.master ?? undefined, c.link, ...refs]);
        if (r instanceof Promise) slot = this.conn.reserve();
        const [m, l, ...ifindexes] = r instanceof Promise ? await r : r;
        master = m;
        link = l;
        [data] = payloads(ifindexes, c.data);
      }
      if (c.settings.netns !== undefined) {
        await withNamespaces([['netns', c.settings.netns], ['peer.netns', c.peer?.settings.netns]], ([netNsFd, peerNetNsFd]) => sendInSlot(slot, () =>
          this.conn.ack(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, requestBuilder(addRequest(c, { master, link, netNsFd, peerNetNsFd, data })))));
        return undefined;
      }
      const peerNetns = c.peer?.settings.netns;
      const echo = (peerNetNsFd: number | undefined): Promise<Link | undefined> => sendInSlot(slot, () => this.conn.echo(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
        requestBuilder(addRequest(c, { master, link, netNsFd: undefined, peerNetNsFd, data })), linkView));
      // No namespace to open (the usual case): the request is written in this call, no wrapper.
      echoed = await (peerNetns === undefined ? echo(undefined) : withNamespaces([['peer.netns', peerNetns]], ([fd]) => echo(fd)));
    } finally {
      // The place is given up unless the request was sent (a failed lookup, a namespace that would not open).
      slot?.cancel();
    }
    // Kernels before 6.3 do not echo RTM_NEWLINK: read the new link instead (also, defensively, if
    // what came back is not the link asked for).
    const created = echoed !== undefined && echoed.name === c.name ? echoed : await this.get(c.name);
    return this.finishAdd(c, created);
  }

  /** Makes a persistent tun / tap device (see tun-create.ts). */
  private async addTun(c: CheckedAdd, tun: CheckedTun): Promise<Link | undefined> {
    return (await makeTun(this.conn, this, (conn) => new Links(conn), c, tun, undefined)).link;
  }

  /**
   * Makes a tun or tap device that lives as long as its files are open, and resolves to it with the
   * files' descriptors: what a program that reads and writes the device's packets needs (a VPN, a
   * user-space stack, a VM monitor handed the fds). Options as {@link add} takes them for kind
   * `'tun'`, plus `queues` (1..256 files, one per queue; more than one needs `data.multiQueue`) and
   * `nonBlocking` (O_NONBLOCK files). Each fd is close-on-exec and the caller's to close
   * (`fs.closeSync`); when the last one closes, the kernel deletes the device. Each read returns one
   * packet (one Ethernet frame for a tap), each write sends one. An existing name is EEXIST; if the
   * kernel refuses a setting, the files are closed and the error rejects. In another namespace
   * (`netns`) `link` is undefined.
   */
  async openTun(options: TunOpenOptions): Promise<TunFiles> {
    const c = checkOpenTun(options);
    return makeTun(this.conn, this, (conn) => new Links(conn), c.add, c.tun, c.files);
  }

  /**
   * Opens `count` more queues (1..256) of the tun / tap device `ref` and resolves to their fds (the
   * caller's to close; `nonBlocking`: O_NONBLOCK files), as vishvananda/netlink's `AddQueues`. The
   * files attach with the flags the device has, so nothing else about it changes; closing a queue's
   * fd removes that queue. A link that is no tun device is a NetlinkError EINVAL; a device without
   * `multiQueue` that has a file open already is EBUSY.
   */
  async openTunQueues(ref: LinkRef, count: number, options: { nonBlocking?: boolean } = {}): Promise<number[]> {
    const target = checkLinkRef('link', ref);
    const n = checkInt('count', count, 1, 256);
    const o = checkObject('options', options);
    checkKeys('options', o, ['nonBlocking']);
    const nonBlocking = o.nonBlocking === undefined ? false : checkBool('options.nonBlocking', o.nonBlocking);
    return attachTunQueues(this.conn, await this.get(target), n, nonBlocking);
  }

  /**
   * The requests after a creation (alias, a veth peer's up and alias), and the link read again when
   * there were any; on failure the new link is deleted and the error rethrown.
   */
  private finishAdd(c: CheckedAdd, created: Link): Link | Promise<Link> {
    const own = followUpRequest(created.ifindex, c.settings.alias, undefined);
    // An unnamed peer is found as the new link's IFLA_LINK.
    const peerRef = c.peer === undefined ? undefined : c.peer.name ?? created.link;
    const ofPeer = c.peer === undefined ? undefined : followUpRequest(peerRef ?? 0, c.peer.settings.alias, c.peer.settings.up);
    // Nothing to follow up (the usual case): the link as created, without another promise.
    if (own === undefined && ofPeer === undefined) return created;
    return this.followUp(c, created, own, ofPeer, peerRef);
  }

  /** Sends {@link finishAdd}'s follow-up requests; on failure deletes the new link. */
  private async followUp(c: CheckedAdd, created: Link, own: LinkRequest | undefined, ofPeer: LinkRequest | undefined,
    peerRef: LinkRef | undefined): Promise<Link> {
    try {
      if (ofPeer !== undefined && peerRef === undefined) {
        throw new ValidationError('peer', c.peer, 'the kernel did not report the peer of the new veth');
      }
      await Promise.all([own, ofPeer].map((req) => (req === undefined ? undefined : this.conn.ack(RTM_NEWLINK, 0, requestBuilder(req)))));
    } catch (error) {
      // Deleting one end of a veth deletes both.
      await this.del(created.ifindex).catch(() => undefined);
      throw error;
    }
    return this.get(created.ifindex);
  }

  /**
   * Changes a link (RTM_NEWLINK without NLM_F_CREATE, as `ip link set` does; see request.ts for
   * why not RTM_SETLINK). All changes travel in one request; the kernel applies a namespace move
   * first, then the other settings.
   */
  async set(ref: LinkRef, changes: LinkSetOptions): Promise<void> {
    const c = checkSet(ref, changes);
    let { kind, data } = c;
    // A rename puts the new name in IFLA_IFNAME, so the link must then be named by index; kind
    // data without a kind needs the link's kind from the kernel.
    // Port data is checked against the link's master: the kernel reads IFLA_INFO_SLAVE_DATA with
    // the current master's attribute numbers whatever IFLA_INFO_SLAVE_KIND says (bond port data on
    // a bridge port would set bridge flags).
    let target = c.target;
    // The reads a set may need first (the link's kind or port kind, the ifindex of a link renamed
    // by name, a master or kind reference's ifindex) go in the call's place in the request order,
    // ahead of its own request; calls made after it wait for that (transport/call-order.ts).
    const reads = c.uncheckedData !== undefined || c.slaveData !== undefined || (c.name !== undefined && typeof target === 'string');
    let slot = reads ? this.conn.reserve() : undefined;
    try {
      const ref = c.target;
      const link = c.uncheckedData !== undefined || c.slaveData !== undefined ? await readBefore(slot, () => this.get(ref)) : undefined;
      if (link !== undefined) target = link.ifindex;
      if (c.uncheckedData !== undefined) {
        kind = link!.kind;
        if (kind === undefined) throw new ValidationError('data', c.uncheckedData, `link ${String(c.target)} has no kind to take data`);
        data = checkKindData('data', kind, c.uncheckedData);
      } else if (c.name !== undefined && typeof target === 'string') {
        const name = target;
        target = await readBefore(slot, () => this.index(name));
      }
      const portOf = link?.slaveKind;
      if (c.slaveData !== undefined && portOf !== undefined && portOf !== c.slaveKind) {
        throw new ValidationError('slaveKind', c.slaveKind,
          `link ${String(c.target)} is a port of a ${portOf}: its slaveData must be ${portOf} port options (slaveKind: '${portOf}')`);
      }
      const refs = kindRefs(data, c.slaveData);
      const placed = slot;
      const r = resolveRefs(placed === undefined ? this.indexer : (name) => readBefore(placed, () => this.index(name)), [c.settings.master ?? undefined, ...refs]);
      if (slot === undefined && r instanceof Promise) slot = this.conn.reserve();
      const [resolvedMaster, ...ifindexes] = r instanceof Promise ? await r : r;
      const master = c.settings.master === null ? 0 : resolvedMaster;
      const [dataBytes, slaveData] = payloads(ifindexes, data, c.slaveData);
      await withNamespaces([['netns', c.settings.netns]], ([netNsFd]) => sendInSlot(slot, () => {
        const request = setRequest(c, { ref: target, master, netNsFd, kind, data: dataBytes, slaveData });
        return this.conn.ack(RTM_NEWLINK, 0, requestBuilder(request), c.target);
      }));
    } finally {
      slot?.cancel();
    }
  }

  /**
   * Adds alternative names to a link (RTM_NEWLINKPROP with IFLA_PROP_LIST, as `ip link property add
   * … altname`): up to 127 bytes each; the link is then found by any of them. A name in use is a
   * NetlinkError EEXIST.
   */
  async addAltName(ref: LinkRef, names: string | string[]): Promise<void> {
    const target = checkLinkRef('link', ref);
    const checked = checkAltNames(names);
    // NLM_F_CREATE | NLM_F_EXCL | NLM_F_APPEND, as ip sends it.
    return this.conn.ack(RTM_NEWLINKPROP, NLM_F_CREATE | NLM_F_EXCL | NLM_F_APPEND, requestBuilder(altNameRequest(target, checked)), target);
  }

  /** Deletes alternative names of a link (RTM_DELLINKPROP). A name the link does not have is a NetlinkError ENOENT. */
  async delAltName(ref: LinkRef, names: string | string[]): Promise<void> {
    const target = checkLinkRef('link', ref);
    const checked = checkAltNames(names);
    return this.conn.ack(RTM_DELLINKPROP, 0, requestBuilder(altNameRequest(target, checked)), target);
  }

  /** Deletes a link (RTM_DELLINK). Deleting one end of a veth deletes both. */
  async del(ref: LinkRef): Promise<void> {
    const target = checkLinkRef('link', ref);
    return this.conn.ack(RTM_DELLINK, 0, requestBuilder(delRequest(target)), target);
  }

  /**
   * Creates many links at once: each item as {@link add} takes it (tun devices excepted: they are
   * made one at a time by `add`). Every item is checked before anything is sent (one bad item
   * rejects the call with its ValidationError, `items[3].name`), each distinct link name is
   * resolved once and each namespace opened once, and the requests leave packed into shared
   * datagrams. Nothing is read back (no NLM_F_ECHO): resolves to one result per item, in order; an
   * existing name fails that item alone (EEXIST). An alias, and a veth peer's `up` and alias, follow
   * by name in a second batch; an item whose follow-up fails is deleted again and fails with it.
   */
  addMany(items: readonly LinkAddOptions[]): Promise<BulkResult[]> {
    return addMany(this.conn, this.indexer, items);
  }

  /**
   * Deletes many links at once. Deleting links one by one costs the kernel an RCU grace period
   * (~16 ms) each; instead, the links are first moved into a fresh IFLA_GROUP (one batched
   * request, with a result per link) and then the whole group is deleted with one RTM_DELLINK,
   * which the kernel unregisters together. Resolves to one result per item, in order.
   */
  async delMany(refs: readonly LinkRef[]): Promise<BulkResult[]> {
    const targets = checkArray('links', refs, 'link names or indexes').map((r, i) => checkLinkRef(`links[${i}]`, r));
    if (targets.length === 0) return [];
    // A group number no link uses, so the group delete cannot touch anything else.
    const links = await this.list({ stats: false });
    const used = new Set(links.map((l) => l.group));
    let group: number;
    do group = 0x40000000 + Math.floor(Math.random() * 0x3fffffff);
    while (used.has(group));
    const moveTo = (groupOf: (target: LinkRef) => number) => this.conn.bulk(RTM_NEWLINK, 0, targets.length,
      (w, i) => writeLinkRequest(w, groupMoveRequest(targets[i]!, groupOf(targets[i]!))));
    const results = await moveTo(() => group);
    if (!results.some((r) => r.status === 'fulfilled')) return results;
    try {
      await this.conn.ack(RTM_DELLINK, 0, requestBuilder(groupDelRequest(group)));
    } catch (error) {
      // Put the links back in their groups, then report the failure on every item it affected.
      const original = new Map<LinkRef, number>();
      for (const l of links) {
        original.set(l.ifindex, l.group ?? 0);
        original.set(l.name, l.group ?? 0);
      }
      await moveTo((target) => original.get(target) ?? 0);
      return results.map((r) => (r.status === 'fulfilled' ? { status: 'rejected', reason: error as Error } : r));
    }
    return results;
  }
}

export { Link };
