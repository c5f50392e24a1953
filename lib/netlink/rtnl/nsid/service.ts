/**
 * `nl.nsids`: the ids the handle's network namespace gives other ("peer") namespaces
 * (RTM_NEWNSID / RTM_GETNSID), as `ip netns set NAME NSID`, `ip netns list-id` and the ids
 * `ip netns list` prints; and {@link Nsids.resolve}, which maps an nsid (a link's `linkNetnsId`, a
 * neighbour's) back to the namespace file that holds that namespace.
 *
 * A peer is named by a namespace file (opened for the request and closed after it), an fd the
 * caller has open on one, or `{ pid }`. Every method checks its input completely before opening or
 * sending anything. The kernel has no request that removes an nsid: an id lives as long as both
 * namespaces do (RTM_DELNSID is only the event sent when the peer goes).
 */
import { NetlinkError, ProtocolError } from '../../core/errors.js';
import { checkInt } from '../../core/validate.js';
import type { Connection } from '../../transport/connection.js';
import { list as listNamespaceFiles, NETNS_RUN_DIR, openNamespace } from '../../../netns/netns.js';
import { RTM_GETNSID, RTM_NEWNSID } from '../rtm.js';
import { checkNow, dumpStream } from '../stream.js';
import { NSID_MAX } from './codec.js';
import {
  checkNsidValue, checkPeer, checkResolveOptions, checkTarget, type CheckedPeer, type NsidGetOptions, type NsidListOptions,
  type NsidPeer, type NsidResolveOptions,
} from './options.js';
import { writeNsidDump, writeNsidGet, writeNsidSet, type PeerAttr } from './request.js';
import { Nsid, nsidView } from './view.js';

export type { NsidGetOptions, NsidListOptions, NsidPeer, NsidResolveOptions } from './options.js';

/** How many namespace files {@link Nsids.resolve} holds open (and asks about) at once. */
const RESOLVE_BATCH = 64;

/** Runs `fn` with the peer as a request attribute: a namespace file is opened for it and closed after. */
async function withPeer<T>(peer: CheckedPeer, fn: (attr: PeerAttr) => Promise<T>): Promise<T> {
  if (peer.kind === 'pid') return fn({ pid: peer.pid });
  const opened = openNamespace('peer', peer.ref);
  try {
    return await fn({ fd: opened.fd });
  } finally {
    opened.close();
  }
}

/** The namespace ids of one netlink handle. Obtain it as `nl.nsids`. */
export class Nsids {
  /** @internal */
  constructor(protected readonly conn: Connection) {}

  /**
   * The nsid the handle's namespace (or the `target`'s) gives `peer` (RTM_GETNSID), or undefined
   * when it has none. A peer file that is no network namespace is the kernel's NetlinkError EINVAL;
   * a missing file is ENOENT, a process that does not exist ESRCH.
   */
  async get(peer: NsidPeer, options: NsidGetOptions = {}): Promise<number | undefined> {
    const p = checkPeer('peer', peer);
    const target = checkTarget(options);
    return (await this.getView(p, target)).nsid;
  }

  /** Asks the kernel for one peer's id (the view of its answer). */
  private getView(peer: CheckedPeer, target: number | undefined): Promise<Nsid> {
    return withPeer(peer, (attr) => this.conn.get(RTM_GETNSID, 0, (w) => writeNsidGet(w, attr, target), nsidView));
  }

  /**
   * Gives `peer` an id in the handle's namespace (RTM_NEWNSID, as `ip netns set NAME NSID`), or the
   * lowest free one for `'auto'`; resolves to the id. A peer that already has an id, or an id
   * already given to another namespace, is the kernel's NetlinkError EEXIST.
   */
  async set(peer: NsidPeer, nsid: number | 'auto'): Promise<number> {
    const p = checkPeer('peer', peer);
    const value = checkNsidValue('nsid', nsid);
    return withPeer(p, async (attr) => {
      await this.conn.ack(RTM_NEWNSID, 0, (w) => writeNsidSet(w, attr, value));
      if (value >= 0) return value;
      // The kernel's ACK does not say which id it picked: ask (the fd is still open).
      const answer = await this.conn.get(RTM_GETNSID, 0, (w) => writeNsidGet(w, attr, undefined), nsidView);
      if (answer.nsid === undefined) throw new ProtocolError('ERR_NL_BAD_REPLY', 'RTM_GETNSID', 'the peer has no nsid right after it was given one');
      return answer.nsid;
    });
  }

  /** The ids the handle's namespace (or the `target`'s) has given (one RTM_GETNSID dump, `ip netns list-id`). */
  async list(options: NsidListOptions = {}): Promise<Nsid[]> {
    const target = checkTarget(options);
    return this.conn.dump(RTM_GETNSID, 0, (w) => writeNsidDump(w, target), nsidView);
  }

  /** Like {@link list}, one id at a time, reading from the kernel as the loop advances. */
  stream(options: NsidListOptions = {}): AsyncIterableIterator<Nsid> {
    const checked = checkNow(() => checkTarget(options));
    return dumpStream(this.conn, RTM_GETNSID, () => {
      const target = checked();
      return { build: (w) => writeNsidDump(w, target), decode: nsidView };
    });
  }

  /**
   * The namespace file (in `dir`, default /run/netns) of the namespace the handle's namespace calls
   * `nsid`, e.g. a link's `linkNetnsId` (the namespace of a veth's peer): each namespace file is
   * asked for its id, as `ip netns list` does. Undefined when no file there holds it (or for an
   * undefined nsid: the link's other end is in the handle's own namespace).
   */
  async resolve(nsid: number | undefined, options: NsidResolveOptions = {}): Promise<string | undefined> {
    const want = nsid === undefined ? undefined : checkInt('nsid', nsid, 0, NSID_MAX);
    const dir = checkResolveOptions(options, NETNS_RUN_DIR);
    if (want === undefined) return undefined;
    const files = await listNamespaceFiles(dir);
    for (let i = 0; i < files.length; i += RESOLVE_BATCH) {
      const ids = await Promise.all(files.slice(i, i + RESOLVE_BATCH).map((path) => this.fileNsid(path)));
      const at = ids.indexOf(want);
      if (at >= 0) return files[i + at];
    }
    return undefined;
  }

  /** The id of one listed namespace file, or undefined when it has none or is gone since. */
  private async fileNsid(path: string): Promise<number | undefined> {
    try {
      return (await this.getView({ kind: 'ref', ref: path }, undefined)).nsid;
    } catch (e) {
      // Removed or replaced between the listing and the open: not the one looked for.
      if (e instanceof NetlinkError && (e.code === 'ENOENT' || e.code === 'EINVAL')) return undefined;
      throw e;
    }
  }
}

export { Nsid };
