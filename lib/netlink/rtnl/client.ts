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
import { Nsids } from './nsid/service.js';
import { Nexthops } from './nexthop/service.js';
import { Routes } from './route/service.js';
import { Rules } from './rule/service.js';
import { NETLINK_ROUTE } from '../core/protocol.js';
import { messageTypeName } from './rtm.js';
import { checkNamespaceRef } from '../../netns/checks.js';
import { checkBool, checkInt, checkKeys, checkObject } from '../core/validate.js';

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
  /** The ids this namespace gives other namespaces (RTM_*NSID), and their namespace files. */
  readonly nsids: Nsids;
  /** Nexthop objects and groups (RTM_*NEXTHOP), which routes use by id. */
  readonly nexthops: Nexthops;
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
    this.nsids = new Nsids(connection);
    this.nexthops = new Nexthops(connection, this.links);
  }

  /**
   * Opens a handle: one NETLINK_ROUTE socket (inside `options.netns` when given) with extended
   * acknowledgements and strict checking on where the kernel supports them. Throws NetlinkError if
   * the namespace cannot be entered (ENOENT for a missing file, EPERM without CAP_SYS_ADMIN).
   */
  static async open(options: RtNetlinkOptions = {}): Promise<RtNetlink> {
    const checked = checkOpenOptions(options);
    return new RtNetlink(Connection.open(NETLINK_ROUTE, checked, messageTypeName), checked.netns);
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

/** The options {@link RtNetlink.open} knows. */
const OPEN_KEYS: readonly (keyof RtNetlinkOptions)[] = [
  'netns', 'timeout', 'dumpRetries', 'maxDatagramSize', 'onWarning', 'receiveBufferSize', 'sendBufferSize',
  'extendedAck', 'strictCheck', 'capAck',
];

/** setTimeout's largest delay (2^31 - 1 ms); longer ones fire at once. */
const MAX_TIMEOUT_MS = 0x7fffffff;

/**
 * Validates {@link RtNetlink.open}'s options (own properties only, no unknown key: the typo `netNs`
 * must not open a handle in the caller's namespace) and returns a clean copy.
 */
function checkOpenOptions(options: unknown): RtNetlinkOptions {
  const o = checkObject('options', options);
  checkKeys('', o, OPEN_KEYS);
  // A null prototype: what reads these options later cannot find a polluted Object.prototype's values.
  const out = Object.create(null) as RtNetlinkOptions;
  if (o.netns !== undefined) out.netns = checkNamespaceRef('netns', o.netns);
  if (o.timeout !== undefined) out.timeout = checkInt('timeout', o.timeout, 1, MAX_TIMEOUT_MS);
  if (o.dumpRetries !== undefined) out.dumpRetries = checkInt('dumpRetries', o.dumpRetries, 0, 1000);
  if (o.maxDatagramSize !== undefined) out.maxDatagramSize = checkInt('maxDatagramSize', o.maxDatagramSize, 4096, 0x7fffffff);
  if (o.receiveBufferSize !== undefined) out.receiveBufferSize = checkInt('receiveBufferSize', o.receiveBufferSize, 1024, 0x3fffffff);
  if (o.sendBufferSize !== undefined) out.sendBufferSize = checkInt('sendBufferSize', o.sendBufferSize, 1024, 0x3fffffff);
  if (o.extendedAck !== undefined) out.extendedAck = checkBool('extendedAck', o.extendedAck);
  if (o.strictCheck !== undefined) out.strictCheck = checkBool('strictCheck', o.strictCheck);
  if (o.capAck !== undefined) out.capAck = checkBool('capAck', o.capAck);
  if (o.onWarning !== undefined) {
    if (typeof o.onWarning !== 'function') throw new ValidationError('onWarning', o.onWarning, 'a function is required');
    out.onWarning = o.onWarning as NonNullable<RtNetlinkOptions['onWarning']>;
  }
  return out;
}
