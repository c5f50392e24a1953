/**
 * `nl.neighbors`: list, add, replace and delete neighbour entries (ARP / NDP) and bridge FDB
 * entries (RTM_*NEIGH), one at a time or many at once.
 *
 * An entry is identified by its link and `dst` (families 4 and 6), or by its link, `lladdr` and
 * `vlan` for bridge FDB entries (on a VXLAN device also `dst`, `vni`, `port` to pick one remote).
 * Every method validates its input completely before sending anything (options.ts); link names
 * are resolved with `links.index` (a missing link is the kernel's NetlinkError ENODEV).
 */
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../core/protocol.js';
import type { BulkResult, Connection } from '../../transport/connection.js';
import { bulk, type BulkCodec } from '../bulk.js';
import type { Links } from '../link/service.js';
import { inTurn, linkNames, resolveRefs, sendResolved, soleRef, type LinkIndexer } from '../resolve.js';
import { RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH } from '../rtm.js';
import { checkNow, dumpStream, type PreparedDump } from '../stream.js';
import { checkNeighborList, neighborStateMatches, type CheckedNeighborList, type NeighborListOptions } from './filter.js';
import {
  checkNeighbor, checkNeighborGet, type CheckedNeighbor, type NeighborGetOptions, type NeighborKey, type NeighborOptions,
} from './options.js';
import { neighborRefs, writeNeighbor, writeNeighborDump, writeNeighborGet } from './request.js';
import { Neighbor, neighborView } from './view.js';

export type {
  NeighborFamily, NeighborFlagName, NeighborGetOptions, NeighborKey, NeighborOptions, NeighborStateName,
} from './options.js';
export type { NeighborListOptions } from './filter.js';

/** The dump decoder of checked list options: the kernel does not filter by state, so it is done here. */
function dumpDecoder(l: CheckedNeighborList): (buf: Buffer, off: number, len: number) => Neighbor | undefined {
  if (l.state === 0 && !l.stateNone) return neighborView;
  return (buf, off, len) => {
    const n = neighborView(buf, off, len);
    return neighborStateMatches(l, n.rawState) ? n : undefined;
  };
}

/** Bulk codec: validation, link references (link, via, master) and the request writer of one entry. */
const BULK_CODEC: BulkCodec<CheckedNeighbor> = {
  check: checkNeighbor,
  refs: neighborRefs,
  write: writeNeighbor,
};

/** The neighbour and FDB entries of one netlink handle. Obtain it as `nl.neighbors`. */
export class Neighbors {
  /** Resolves link references: the handle's link names (ENODEV names a missing link). */
  private readonly index: LinkIndexer;

  /** @internal */
  constructor(protected readonly conn: Connection, protected readonly links: Links) {
    this.index = linkNames(conn, (name) => links.index(name));
  }

  /**
   * The entries (one RTM_GETNEIGH dump), filtered by the kernel by family, link, master and table
   * (proxy or not), and here by NUD state.
   */
  async list(options: NeighborListOptions = {}): Promise<Neighbor[]> {
    const d = await this.prepareDump(checkNeighborList(options));
    const all = await this.conn.dump(RTM_GETNEIGH, 0, d.build, d.decode);
    return all.filter((n): n is Neighbor => n !== undefined);
  }

  /** Like {@link list}, one entry at a time, reading from the kernel as the loop advances. */
  stream(options: NeighborListOptions = {}): AsyncIterableIterator<Neighbor> {
    const checked = checkNow(() => checkNeighborList(options));
    return dumpStream(this.conn, RTM_GETNEIGH, () => this.prepareDump(checked()));
  }

  /** Resolves the link names of checked list options (a bad option rejects a stream's first read). */
  private async prepareDump(l: CheckedNeighborList): Promise<PreparedDump<Neighbor>> {
    const r = resolveRefs(this.index, [l.link, l.master]);
    const [link, master] = r instanceof Promise ? await r : r;
    return { build: (w) => writeNeighborDump(w, l, link, master), decode: dumpDecoder(l) };
  }

  /**
   * One entry (RTM_GETNEIGH without NLM_F_DUMP): a neighbour by link and `dst` (`ip neigh get`;
   * `proxy: true` for the proxy entry), or an FDB entry by `lladdr` and port or bridge (`bridge fdb
   * get`). A missing entry is the kernel's NetlinkError ENOENT; a missing link is ENODEV.
   */
  async get(options: NeighborGetOptions): Promise<Neighbor> {
    const c = checkNeighborGet(options);
    const refs = [c.link, c.master];
    return sendResolved(this.conn, this.index, refs, ([link, master]) => this.conn.get(RTM_GETNEIGH, 0, (w) => writeNeighborGet(w, c, link, master), neighborView, soleRef(refs)));
  }

  /**
   * Adds an entry (RTM_NEWNEIGH with NLM_F_CREATE | NLM_F_EXCL; state `permanent` unless told
   * otherwise). An existing entry is a NetlinkError EEXIST.
   */
  add(options: NeighborOptions): Promise<void> {
    return this.one(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, options);
  }

  /** Adds or overwrites an entry (RTM_NEWNEIGH with NLM_F_CREATE | NLM_F_REPLACE). */
  replace(options: NeighborOptions): Promise<void> {
    return this.one(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, options);
  }

  /**
   * Adds one more remote to a VXLAN FDB entry (RTM_NEWNEIGH with NLM_F_CREATE | NLM_F_APPEND, as
   * `bridge fdb append`), e.g. several `dst` for the all-zeros MAC (head-end replication).
   */
  append(options: NeighborOptions): Promise<void> {
    return this.one(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND, options);
  }

  /**
   * Deletes an entry (RTM_DELNEIGH): link + dst, or link + lladdr (+ vlan; + dst/vni/port for one
   * VXLAN remote) for FDB entries; `flags: ['self']` / `['master']` say which FDB. A missing entry
   * is a NetlinkError ENOENT.
   */
  del(key: NeighborKey | NeighborOptions): Promise<void> {
    return this.one(RTM_DELNEIGH, 0, key);
  }

  /**
   * Adds many entries (NLM_F_CREATE | NLM_F_EXCL each), packed into as few datagrams as possible.
   * Every item is validated first (one bad item rejects the call and nothing is sent), each
   * distinct link name is resolved once; resolves to one result per item, in order (an item whose
   * link does not exist gets that ENODEV).
   */
  addMany(items: readonly NeighborOptions[]): Promise<BulkResult[]> {
    return bulk(this.conn, this.index, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, 'items', items, BULK_CODEC);
  }

  /** Like {@link addMany} with NLM_F_REPLACE: adds or overwrites each entry. */
  replaceMany(items: readonly NeighborOptions[]): Promise<BulkResult[]> {
    return bulk(this.conn, this.index, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, 'items', items, BULK_CODEC);
  }

  /** Deletes many entries; one result per item, in order (see {@link addMany}). */
  delMany(items: ReadonlyArray<NeighborKey | NeighborOptions>): Promise<BulkResult[]> {
    return bulk(this.conn, this.index, RTM_DELNEIGH, 0, 'items', items, BULK_CODEC);
  }

  /**
   * Sends one checked request once its links are resolved. Not async: with ifindexes or names the
   * handle still knows, the request is written in this call and the caller awaits one promise, the
   * ACK's (a bad option is a rejection, as from an async function).
   */
  private one(type: number, flags: number, options: unknown): Promise<void> {
    let c: CheckedNeighbor;
    try {
      c = checkNeighbor('', options);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    if (c.via === undefined && c.master === undefined) {
      // Only the link to resolve (the usual request): no list of references to build and walk.
      const link = c.link;
      const ifindex = typeof link === 'number' ? link : this.index(link);
      if (typeof ifindex === 'number') return this.conn.ack(type, flags, (w) => writeNeighbor(w, c, [ifindex, undefined, undefined]), link);
      return inTurn(this.conn, ifindex, (i) => this.conn.ack(type, flags, (w) => writeNeighbor(w, c, [i, undefined, undefined]), link));
    }
    const refs = neighborRefs(c);
    const subject = soleRef(refs);
    return sendResolved(this.conn, this.index, refs, (ifindexes) => this.conn.ack(type, flags, (w) => writeNeighbor(w, c, ifindexes), subject));
  }
}

export { Neighbor };
