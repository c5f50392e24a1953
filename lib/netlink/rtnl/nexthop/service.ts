/**
 * `nl.nexthops`: list, get, add, replace and delete nexthop objects (RTM_*NEXTHOP, Linux 5.3+), as
 * `ip nexthop` does: single nexthops (a gateway and/or a device, a blackhole, an fdb nexthop, a
 * lightweight-tunnel encap) and groups of them (hash-threshold or resilient, with weights). Routes
 * use them by id (`routes.add({ dst, nhid })`, `routes.list({ nhid })`).
 *
 * Every method validates its whole input before anything is sent (options.ts); device names are
 * resolved through `links.index` (a missing one is a NetlinkError ENODEV naming it). A missing
 * nexthop is a NetlinkError ENOENT.
 */
import { NLMSG_HDRLEN, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../core/protocol.js';
import type { BulkResult, Connection } from '../../transport/connection.js';
import { bulk, optionPrefix, type BulkCodec } from '../bulk.js';
import type { Links } from '../link/service.js';
import { findAttr } from '../../core/attributes.js';
import { NHA_FDB, NHMSG_SIZE } from './codec.js';
import { resolveRefs, sendResolved } from '../resolve.js';
import { RTM_DELNEXTHOP, RTM_GETNEXTHOP, RTM_NEWNEXTHOP } from '../rtm.js';
import { checkNow, dumpList, dumpStream, type PreparedDump } from '../stream.js';
import {
  checkNexthop, checkNexthopGet, checkNexthopId, checkNexthopList, type CheckedNexthop, type CheckedNexthopList, type NexthopGetOptions,
  type NexthopListOptions, type NexthopSpec,
} from './options.js';
import { dumpRequest, idRequest, newRequest, requestBuilder, writeNexthopRequest } from './request.js';
import { Nexthop, nexthopView } from './view.js';

export type { NexthopGetOptions, NexthopGroupSpec, NexthopListOptions, NexthopSpec } from './options.js';

/** Where nh_protocol and the attributes are in a nexthop message. */
const PROTOCOL_AT = NLMSG_HDRLEN + 2;
const ATTRS_AT = NLMSG_HDRLEN + NHMSG_SIZE;

/** The nexthop objects of one netlink handle. Obtain it as `nl.nexthops`. */
export class Nexthops {
  /** @internal */
  constructor(protected readonly conn: Connection, protected readonly links: Links) {}

  /**
   * Every nexthop (one RTM_GETNEXTHOP dump), optionally filtered: family, device, master and
   * groups only by the kernel, fdb only and protocol here.
   */
  async list(options: NexthopListOptions = {}): Promise<Nexthop[]> {
    return dumpList(this.conn, RTM_GETNEXTHOP, await this.prepareDump(checkNexthopList(options)));
  }

  /** Like {@link list}, one nexthop at a time, reading from the kernel as the loop advances. */
  stream(options: NexthopListOptions = {}): AsyncIterableIterator<Nexthop> {
    const checked = checkNow(() => checkNexthopList(options));
    return dumpStream(this.conn, RTM_GETNEXTHOP, () => this.prepareDump(checked()));
  }

  /** Resolves the devices of checked list options and prepares the dump. */
  private async prepareDump(c: CheckedNexthopList): Promise<PreparedDump<Nexthop>> {
    const r = resolveRefs(this.index, [c.oif, c.master]);
    const [oif, master] = r instanceof Promise ? await r : r;
    const build = requestBuilder(dumpRequest(c, oif, master));
    const { protocol, fdb } = c;
    if (protocol === undefined && !fdb) return { build, decode: nexthopView };
    return {
      build,
      decode: (buf, off, len) => {
        const nh = nexthopView(buf, off, len);
        if (protocol !== undefined && buf[off + PROTOCOL_AT] !== protocol) return undefined;
        // The kernel's NHA_FDB dump filter lets every nexthop through (seen on 6.18, and ip shows
        // the same): fdb nexthops are picked here.
        if (fdb && findAttr(buf, off + ATTRS_AT, off + len, NHA_FDB) < 0) return undefined;
        return nh;
      },
    };
  }

  /** One nexthop by id (RTM_GETNEXTHOP). A missing one is a NetlinkError ENOENT. */
  get(id: number, options: NexthopGetOptions = {}): Promise<Nexthop> {
    let c: ReturnType<typeof checkNexthopGet>;
    try {
      c = checkNexthopGet(id, options);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return this.conn.get(RTM_GETNEXTHOP, 0, requestBuilder(idRequest(c.id, c.opFlags)), nexthopView);
  }

  /**
   * Adds a nexthop (RTM_NEWNEXTHOP, NLM_F_CREATE | NLM_F_EXCL), as `ip nexthop add`. An id in use
   * is a NetlinkError EEXIST; a member of a group that does not exist is EINVAL (the kernel's
   * message says which).
   */
  add(spec: NexthopSpec): Promise<void> {
    return this.one(NLM_F_CREATE | NLM_F_EXCL, spec);
  }

  /**
   * Adds or replaces a nexthop (RTM_NEWNEXTHOP, NLM_F_CREATE | NLM_F_REPLACE), as `ip nexthop
   * replace`: the routes and groups using the id follow the new definition at once.
   */
  replace(spec: NexthopSpec): Promise<void> {
    return this.one(NLM_F_CREATE | NLM_F_REPLACE, spec);
  }

  /**
   * Deletes a nexthop by id (RTM_DELNEXTHOP). The kernel also deletes the routes that use it and
   * removes it from its groups. A missing one is a NetlinkError ENOENT.
   */
  del(id: number): Promise<void> {
    let checked: number;
    try {
      checked = checkNexthopId('id', id);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return this.conn.ack(RTM_DELNEXTHOP, 0, requestBuilder(idRequest(checked)));
  }

  /** Adds many nexthops in as few datagrams as possible, one result per item, in order. */
  addMany(specs: readonly NexthopSpec[]): Promise<BulkResult[]> {
    return bulk(this.conn, this.index, RTM_NEWNEXTHOP, NLM_F_CREATE | NLM_F_EXCL, 'nexthops', specs, ADD);
  }

  /** Deletes many nexthops by id, one result per item, in order. */
  delMany(ids: readonly number[]): Promise<BulkResult[]> {
    return bulk(this.conn, this.index, RTM_DELNEXTHOP, 0, 'ids', ids, DEL);
  }

  /** Checks one nexthop and sends it once its device is resolved. */
  private async one(flags: number, spec: unknown): Promise<void> {
    const c = checkNexthop('', spec);
    await sendResolved(this.conn, this.index, [c.oif], ([oif]) => this.conn.ack(RTM_NEWNEXTHOP, flags, requestBuilder(newRequest(c, oif))));
  }

  /** Resolves a device name (NetlinkError ENODEV naming a missing one). */
  private readonly index = (name: string): Promise<number> => this.links.index(name);
}

/** Bulk codecs: the check, device reference and request of one item. */
const ADD: BulkCodec<CheckedNexthop> = {
  check: (field, value) => checkNexthop(optionPrefix(field), value),
  refs: (c) => [c.oif],
  write: (w, c, [oif]) => writeNexthopRequest(w, newRequest(c, oif)),
};
const DEL: BulkCodec<number> = {
  check: (field, value) => checkNexthopId(field, value),
  refs: () => [],
  write: (w, id) => writeNexthopRequest(w, idRequest(id)),
};

export { Nexthop };
