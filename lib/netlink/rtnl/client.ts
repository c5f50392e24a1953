/**
 * RtNetlink: a handle on the kernel's routing netlink (NETLINK_ROUTE) in one network namespace,
 * with one typed service per object family (`links`, …). Open it with {@link RtNetlink.open};
 * close it when done (an idle handle does not keep the process alive).
 */
import { Connection, type ConnectionOptions } from '../transport/connection.js';
import { ValidationError } from '../core/errors.js';
import { Addresses } from './address/service.js';
import { Links } from './link/service.js';
import { openMonitor, type ListingEvent, type Monitor, type MonitorEvent, type MonitorOptions } from './monitor.js';
import { Neighbors } from './neighbor/service.js';
import { Routes } from './route/service.js';
import { Rules } from './rule/service.js';
import { NETLINK_ROUTE } from '../core/protocol.js';
import { messageTypeName } from './rtm.js';
import { checkNamespace } from '../core/validate.js';

/** Options of {@link RtNetlink.open}. */
export interface RtNetlinkOptions extends ConnectionOptions {
  /**
   * The network namespace to work in: a namespace file (`/run/netns/blue`, `/proc/123/ns/net`) or
   * an open namespace fd. Omitted: the caller's namespace.
   */
  netns?: string | number | undefined;
}

/** A routing-netlink handle. */
export class RtNetlink {
  /** Network interfaces (RTM_*LINK). */
  readonly links: Links;
  /** IP addresses (RTM_*ADDR). */
  readonly addresses: Addresses;
  /** Routes (RTM_*ROUTE). */
  readonly routes: Routes;
  /** Neighbour (ARP/NDP) and bridge FDB entries (RTM_*NEIGH). */
  readonly neighbors: Neighbors;
  /** Policy routing rules (RTM_*RULE). */
  readonly rules: Rules;
  /** @internal The request engine. */
  readonly connection: Connection;
  /** The namespace the handle works in, as given to {@link open} (undefined: the caller's). */
  readonly netns: string | number | undefined;

  private constructor(connection: Connection, netns: string | number | undefined) {
    this.connection = connection;
    this.netns = netns;
    this.links = new Links(connection);
    this.addresses = new Addresses(connection, this.links);
    this.routes = new Routes(connection, this.links);
    this.neighbors = new Neighbors(connection, this.links);
    this.rules = new Rules(connection, this.links);
  }

  /**
   * Opens a handle: one NETLINK_ROUTE socket (inside `options.netns` when given) with extended
   * acknowledgements and strict checking on where the kernel supports them. Throws NetlinkError if
   * the namespace cannot be entered (ENOENT for a missing file, EPERM without CAP_SYS_ADMIN).
   */
  static async open(options: RtNetlinkOptions = {}): Promise<RtNetlink> {
    if (typeof options !== 'object' || options === null) throw new ValidationError('options', options, 'an options object is required');
    const netns = options.netns === undefined ? undefined : checkNamespace('netns', options.netns);
    return new RtNetlink(Connection.open(NETLINK_ROUTE, { ...options, netns }, messageTypeName), netns);
  }

  /**
   * Subscribes to rtnetlink events on a socket of its own (in the handle's namespace) and returns
   * an async iterable of `{ type: 'new' | 'del', kind, object }` events, with `{ type: 'overrun' }`
   * when the kernel dropped events. With `listExisting: true`, the objects that exist come first
   * (`existing: true`), then `{ type: 'synced' }` (see {@link MonitorOptions.listExisting}).
   * `return()` (breaking out of the loop) closes the socket.
   */
  monitor(options: MonitorOptions & { listExisting: true }): Monitor<ListingEvent>;
  monitor(options: MonitorOptions & { listExisting?: false | undefined }): Monitor<MonitorEvent>;
  monitor(options: MonitorOptions): Monitor<ListingEvent>;
  monitor(options: MonitorOptions): Monitor<ListingEvent> {
    return openMonitor(this.netns, options);
  }

  /** The socket's netlink port id. */
  get portId(): number {
    return this.connection.socket.portId;
  }

  /** Closes the socket. Requests still in flight fail with ERR_NL_CLOSED. Idempotent. */
  close(): void {
    this.connection.close();
  }
}
