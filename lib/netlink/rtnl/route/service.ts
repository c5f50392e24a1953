/**
 * `nl.routes`: list, stream, look up, add, replace and delete IPv4 and IPv6 routes (RTM_*ROUTE).
 *
 * Every method validates its whole input before anything is sent (a bulk call validates every item
 * first; validate.ts), then writes its request with request.ts. Link names in `oif` are resolved
 * through the handle's link names (rtnl/resolve.ts: remembered while no link changes, else
 * `links.index`), each distinct name once per call; a name the kernel does not know is a
 * NetlinkError ENODEV. Requests use the same defaults as `ip route`: table main (local for local,
 * broadcast, nat and anycast routes), protocol boot,
 * scope link for routes without a gateway; a delete leaves protocol, type and scope as wildcards
 * unless they are given.
 */
import type { BulkResult, Connection } from '../../transport/connection.js';
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../core/protocol.js';
import type { Links } from '../link/service.js';
import { RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE } from '../rtm.js';
import { bulk, optionPrefix, type BulkCodec } from '../bulk.js';
import { linkNames, resolveRefs, sendResolved, soleRef, type LinkIndexer } from '../resolve.js';
import { checkNow, dumpList, dumpStream, type PreparedDump } from '../stream.js';
import { checkFilter, prepareDump, type CheckedFilter } from './filter.js';
import type { RouteGetOptions, RouteListOptions, RouteSpec } from './options.js';
import { routeRefs, writeGet, writeRoute } from './request.js';
import { checkGet, checkRoute, type CheckedRoute, type RouteMode } from './validate.js';
import { Route, routeView } from './view.js';

/** The public option types, where lib/netlink/index.ts and callers have always imported them. */
export type {
  RouteEncapSpec, RouteGetOptions, RouteListOptions, RouteNexthopSpec, RouteScopeName, RouteSpec, RouteTableRef, RouteTypeName,
} from './options.js';

/** The routes of one netlink handle. Obtain it as `nl.routes`. */
export class Routes {
  /** Resolves link references: the handle's link names (ENODEV names a missing link). */
  private readonly index: LinkIndexer;

  /** @internal */
  constructor(protected readonly conn: Connection, protected readonly links: Links) {
    this.index = linkNames(conn, (name) => links.index(name));
  }

  /**
   * All routes of every table (one RTM_GETROUTE dump), optionally filtered. Table, output link,
   * protocol and type are filtered by the kernel (strict dump checking); what it cannot filter
   * (destination, source, gateway, prefsrc, iif, tos, scope, metric, mark, realms, nhid, hoplimit,
   * a family when none is given, protocol `'unspec'`, or everything on a socket without strict
   * checking) is filtered here, on the replies' bytes. A table that does not exist yields no routes.
   */
  async list(options: RouteListOptions = {}): Promise<Route[]> {
    return dumpList(this.conn, RTM_GETROUTE, await this.prepareDump(checkFilter(options)));
  }

  /**
   * Like {@link list}, one route at a time, reading the next datagram from the kernel only when
   * the loop needs more: memory stays bounded whatever the table size (as long as the caller does
   * not keep the routes). A dump the kernel flags as inconsistent (NLM_F_DUMP_INTR) ends with
   * ProtocolError ERR_NL_DUMP_INTERRUPTED after the routes already yielded. The options are read
   * when the stream is made; bad ones reject the first `next()`.
   */
  stream(options: RouteListOptions = {}): AsyncIterableIterator<Route> {
    const checked = checkNow(() => checkFilter(options));
    return dumpStream(this.conn, RTM_GETROUTE, () => this.prepareDump(checked()));
  }

  /** Resolves the links of checked list options, and prepares the dump for this socket's checking mode. */
  private async prepareDump(f: CheckedFilter): Promise<PreparedDump<Route>> {
    const r = resolveRefs(this.index, [f.oif, f.iif]);
    const [oif, iif] = r instanceof Promise ? await r : r;
    const d = prepareDump(f, oif, this.conn.socket.strictCheck, iif);
    d.subject = f.oif; // the kernel filters on oif (strict checking), and says ENODEV when it has no such link
    return d;
  }

  /**
   * The kernel's route lookup for one address (RTM_GETROUTE without dump, `ip route get`): the
   * route a packet to `address` would take. No route is a NetlinkError (ENETUNREACH …).
   */
  async get(address: string, options: RouteGetOptions = {}): Promise<Route> {
    const g = checkGet(address, options);
    const refs = [g.iif, g.oif];
    return sendResolved(this.conn, this.index, refs, ([iif, oif]) => this.conn.get(RTM_GETROUTE, 0, (w) => writeGet(w, g, iif, oif), routeView, soleRef(refs)));
  }

  /** Adds a route (RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL): an existing one is a NetlinkError EEXIST. */
  add(route: RouteSpec): Promise<void> {
    return this.one(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, route, 'add');
  }

  /** Adds or replaces a route (RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE), as `ip route replace`. */
  replace(route: RouteSpec): Promise<void> {
    return this.one(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, route, 'add');
  }

  /**
   * Adds a route after those of the same destination, TOS and metric (RTM_NEWROUTE, NLM_F_CREATE |
   * NLM_F_APPEND), as `ip route append`: an IPv4 route with a different gateway or link coexists
   * with them (only the first is used until it goes away); IPv6 adds the gateway to the existing
   * route's paths (an ECMP route, listed with `multipath`). An identical route is a NetlinkError
   * EEXIST.
   */
  append(route: RouteSpec): Promise<void> {
    return this.one(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_APPEND, route, 'add');
  }

  /**
   * Changes an existing route (RTM_NEWROUTE, NLM_F_REPLACE without NLM_F_CREATE), as `ip route
   * change`: the first route of the same destination, TOS and metric (and table) takes the new
   * gateway, link, prefsrc … (an IPv6 route with several paths is replaced whole); none is a
   * NetlinkError ENOENT.
   */
  change(route: RouteSpec): Promise<void> {
    return this.one(RTM_NEWROUTE, NLM_F_REPLACE, route, 'add');
  }

  /**
   * Deletes a route (RTM_DELROUTE): by spec (what is not given matches anything, as with `ip route
   * del`), or a {@link Route} from `list`, sent back as it is (a route using a nexthop object without
   * the device, gateway, paths and encap the kernel filled in from it, which it refuses beside the
   * nexthop id: the id selects the route). A missing route is a NetlinkError
   * (ESRCH for IPv4, ESRCH/ENOENT as the kernel says).
   */
  del(route: RouteSpec | Route): Promise<void> {
    return this.one(RTM_DELROUTE, 0, route, 'del');
  }

  /**
   * Adds many routes in as few datagrams as possible (NLM_F_CREATE | NLM_F_EXCL each). Every item is
   * validated before anything is sent; each distinct link name is resolved once. Resolves to one
   * result per item, in order (an unknown link name fails its items with ENODEV).
   */
  addMany(routes: readonly RouteSpec[]): Promise<BulkResult[]> {
    return bulk(this.conn, this.index, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, 'routes', routes, ADD);
  }

  /** Like {@link addMany} with NLM_F_CREATE | NLM_F_REPLACE. */
  replaceMany(routes: readonly RouteSpec[]): Promise<BulkResult[]> {
    return bulk(this.conn, this.index, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, 'routes', routes, ADD);
  }

  /** Like {@link addMany} with NLM_F_CREATE | NLM_F_APPEND ({@link append}). */
  appendMany(routes: readonly RouteSpec[]): Promise<BulkResult[]> {
    return bulk(this.conn, this.index, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_APPEND, 'routes', routes, ADD);
  }

  /** Like {@link addMany} with NLM_F_REPLACE only ({@link change}). */
  changeMany(routes: readonly RouteSpec[]): Promise<BulkResult[]> {
    return bulk(this.conn, this.index, RTM_NEWROUTE, NLM_F_REPLACE, 'routes', routes, ADD);
  }

  /** Deletes many routes (specs or {@link Route} views), one result per item, in order. */
  delMany(routes: ReadonlyArray<RouteSpec | Route>): Promise<BulkResult[]> {
    return bulk(this.conn, this.index, RTM_DELROUTE, 0, 'routes', routes, DEL);
  }

  /**
   * Checks one route and sends it once its links are resolved. Not async: with ifindexes or names
   * the handle still knows, the request is written in this call and the caller awaits one promise,
   * the ACK's (a bad option is a rejection, as from an async function).
   */
  private one(type: number, flags: number, route: unknown, mode: RouteMode): Promise<void> {
    let c: CheckedRoute;
    try {
      c = checkRoute('', route, mode);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const refs = routeRefs(c);
    const subject = soleRef(refs);
    return sendResolved(this.conn, this.index, refs, (ifindexes) => this.conn.ack(type, flags, (w) => writeRoute(w, c, ifindexes), subject));
  }
}

/** Bulk codecs: the check, link references and request writer of one route. */
const ADD: BulkCodec<CheckedRoute> = {
  check: (field, value) => checkRoute(optionPrefix(field), value, 'add'),
  refs: routeRefs,
  write: writeRoute,
};
const DEL: BulkCodec<CheckedRoute> = {
  check: (field, value) => checkRoute(optionPrefix(field), value, 'del'),
  refs: routeRefs,
  write: writeRoute,
};

/** The Route view, where lib/netlink/index.ts has always imported it. */
export { Route };
