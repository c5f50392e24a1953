/**
 * Events: `nl.monitor({ groups })` subscribes a socket of its own to rtnetlink multicast groups
 * and yields typed events as an async iterable.
 *
 * Reading is pulled by the consumer: a datagram is read from the kernel only when the loop asks for
 * the next event. A consumer that falls behind therefore makes the kernel's receive queue overflow,
 * which the kernel reports as ENOBUFS; the iterator turns that into an explicit `{ type: 'overrun' }`
 * event (events were lost: resynchronise with a dump) and goes on. It never ends silently.
 *
 * Waiting: `next()` calls are served first come, first served. While at least one of them waits and
 * nothing is queued in the kernel, the socket's readiness watcher is on (and keeps the process
 * alive); each readable socket serves the waiting calls in order, and the watcher goes off once
 * none waits. `close()`/`return()` settle every waiting call as done.
 */
import { NetlinkError, ValidationError } from '../core/errors.js';
import { EAGAIN, ENOBUFS } from '../core/errno.js';
import type { NamespaceRef } from '../transport/native.js';
import { NETLINK_ROUTE } from '../core/protocol.js';
import * as R from './rtm.js';
import { NetlinkSocket, RECV_TRUNCATED } from '../transport/socket.js';
import { checkBool, checkInt } from '../core/validate.js';
import { eventDecoder, type EventKind, type EventObjects } from './monitor-decoders.js';
import { Listing, ListingBroken } from './monitor-list.js';

/** A multicast group of `nl.monitor`, by name: each stands for RTNLGRP_* groups (`rules` for both rule groups). */
export type MonitorGroup = 'link' | 'neigh' | 'ipv4-ifaddr' | 'ipv6-ifaddr' | 'ipv4-route' | 'ipv6-route'
  | 'ipv4-rule' | 'ipv6-rule' | 'rules' | 'nexthop';

/** Group names accepted by {@link MonitorOptions.groups}, mapped to RTNLGRP_* numbers. */
export const MONITOR_GROUPS: ReadonlyMap<string, readonly number[]> = new Map<MonitorGroup, readonly number[]>([
  ['link', [R.RTNLGRP_LINK]],
  ['neigh', [R.RTNLGRP_NEIGH]],
  ['ipv4-ifaddr', [R.RTNLGRP_IPV4_IFADDR]],
  ['ipv6-ifaddr', [R.RTNLGRP_IPV6_IFADDR]],
  ['ipv4-route', [R.RTNLGRP_IPV4_ROUTE]],
  ['ipv6-route', [R.RTNLGRP_IPV6_ROUTE]],
  ['ipv4-rule', [R.RTNLGRP_IPV4_RULE]],
  ['ipv6-rule', [R.RTNLGRP_IPV6_RULE]],
  ['rules', [R.RTNLGRP_IPV4_RULE, R.RTNLGRP_IPV6_RULE]],
  ['nexthop', [R.RTNLGRP_NEXTHOP]],
]);

/** Options of `nl.monitor`. */
export interface MonitorOptions {
  /** The groups to join (at least one). */
  groups: MonitorGroup[];
  /**
   * NETLINK_LISTEN_ALL_NSID: also receive the events of every namespace that has an nsid in the
   * handle's namespace; such events carry `nsid`.
   */
  allNamespaces?: boolean;
  /** SO_RCVBUF of the event socket in bytes (default 4 MiB). Small values overrun sooner. */
  receiveBufferSize?: number;
  /**
   * First yield every object the groups cover as it is now (`{ type: 'new', kind, object,
   * existing: true }`: links, addresses, routes, neighbours including proxy and bridge FDB
   * entries, rules, nexthops — of the handle's namespace), then the changes made while they were listed,
   * then `{ type: 'synced' }`; every event after that is a change made after the list. The
   * subscription is made before the listing starts, so nothing is missed in between, and a
   * change the list already shows is not repeated as an event (see monitor-list.ts for the one
   * exception: a change made while the kernel built the part of the list that shows it may come
   * both ways, the same state twice). After an `overrun`, a complete list follows again, up to
   * the next `synced`: replace what you kept with it. Default false.
   */
  listExisting?: boolean;
}

/** An object created/changed (`new`) or deleted (`del`), or lost events (`overrun`). */
export type MonitorEvent = ObjectEvent | {
  /** The kernel dropped events (ENOBUFS): resynchronise with a dump. */
  type: 'overrun';
};

/**
 * The events of a monitor with {@link MonitorOptions.listExisting}: those of {@link MonitorEvent},
 * and `synced` at the end of each complete list.
 */
export type ListingEvent = MonitorEvent | {
  /** The list of existing objects is complete; the events after this are changes. */
  type: 'synced';
};

/**
 * A `new`/`del` event, discriminated by `kind` so `object` has its family's type. `existing` is
 * true on the objects of a list ({@link MonitorOptions.listExisting}), absent on changes. `nsid`
 * is set on events of other namespaces ({@link MonitorOptions.allNamespaces}).
 */
export type ObjectEvent = {
  [K in EventKind]: {
    /** `new`: created or changed (RTM_NEW*); `del`: deleted (RTM_DEL*). */
    type: 'new' | 'del';
    /** The object's family: `link`, `address`, `route`, `neighbor` or `rule`. */
    kind: K;
    /** The object as the notification carries it (a lazy view over the event's bytes). */
    object: EventObjects[K];
    /** The netns id (as seen from the handle's namespace) the event comes from, with `allNamespaces`. */
    nsid?: number;
    /** True on the objects of the initial list (`listExisting`). */
    existing?: true;
  };
}[EventKind];

/**
 * The async iterable returned by `nl.monitor`: {@link MonitorEvent}s, or {@link ListingEvent}s with
 * `listExisting`. `return()` (or `close()`) closes its socket.
 */
export interface Monitor<E extends ListingEvent = MonitorEvent> extends AsyncIterableIterator<E> {
  /** Closes the event socket; every pending `next()` resolves as done. */
  close(): void;
}

const OPTION_KEYS = ['groups', 'allNamespaces', 'receiveBufferSize', 'listExisting'];
/** More entries than there are group names means a mistake (and bounds the loop below). */
const MAX_GROUP_ENTRIES = 64;

/** The checked options of a monitor. */
interface CheckedOptions {
  groups: Set<number>;
  allNamespaces: boolean;
  receiveBufferSize: number | undefined;
  listExisting: boolean;
}

/** `o[key]` if it is o's own property: options are never read through the prototype chain. */
function own(o: object, key: string): unknown {
  return Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/** Checks `nl.monitor`'s options: a plain object of known own properties, every value checked. */
function checkMonitorOptions(options: unknown): CheckedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValidationError('options', options, 'an options object is required');
  }
  const proto = Object.getPrototypeOf(options) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    throw new ValidationError('options', options, 'a plain options object is required');
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new ValidationError(key, own(options, key), `unknown option (known: ${OPTION_KEYS.join(', ')})`);
    }
  }
  const known = [...MONITOR_GROUPS.keys()].join(', ');
  const names = own(options, 'groups');
  if (!Array.isArray(names) || names.length === 0 || names.length > MAX_GROUP_ENTRIES) {
    throw new ValidationError('groups', names, `a non-empty array of group names is required (${known})`);
  }
  const groups = new Set<number>();
  for (let i = 0; i < names.length; i++) {
    const name = own(names, String(i));
    const numbers = typeof name === 'string' ? MONITOR_GROUPS.get(name) : undefined;
    if (numbers === undefined) throw new ValidationError(`groups[${i}]`, name, `unknown group (known: ${known})`);
    for (const n of numbers) groups.add(n);
  }
  const all = own(options, 'allNamespaces');
  const rcvbuf = own(options, 'receiveBufferSize');
  const list = own(options, 'listExisting');
  return {
    groups,
    allNamespaces: all === undefined ? false : checkBool('allNamespaces', all),
    receiveBufferSize: rcvbuf === undefined ? undefined : checkInt('receiveBufferSize', rcvbuf, 1024, 0x7fffffff),
    listExisting: list === undefined ? false : checkBool('listExisting', list),
  };
}

/** @internal Checks the options, opens the event socket and returns the iterator. */
export function openMonitor(netns: NamespaceRef | undefined, options: MonitorOptions): Monitor<ListingEvent> {
  const checked = checkMonitorOptions(options);
  const socket = NetlinkSocket.open(NETLINK_ROUTE, {
    netns, receiveBufferSize: checked.receiveBufferSize, extendedAck: false, strictCheck: false,
  });
  try {
    for (const g of checked.groups) socket.addMembership(g);
    if (checked.allNamespaces) socket.listenAllNsid(true);
  } catch (e) {
    socket.close();
    throw e;
  }
  const listing = checked.listExisting ? (): Listing => new Listing(netns, checked.groups) : undefined;
  return new EventIterator(socket, checked.allNamespaces, listing);
}

/** A `next()` waiting for its event. */
interface Taker {
  resolve(result: IteratorResult<ListingEvent>): void;
  reject(error: unknown): void;
}

const DONE: IteratorResult<ListingEvent> = Object.freeze({ value: undefined, done: true });

/** A malformed datagram, queued in order after the events decoded before the fault. */
class Failure {
  constructor(readonly error: unknown) {}
}

/** The monitor's iterator: decoded events in a queue, `next()` calls in another. */
class EventIterator implements Monitor<ListingEvent> {
  private readonly queue: Array<ListingEvent | Failure> = [];
  private head = 0;
  private readonly takers: Taker[] = [];
  private closed = false;
  /** The listing in progress (list-existing mode). */
  private listing: Listing | undefined;
  /** Listings that broke in a row (a stalled dump), to give up rather than retry forever. */
  private broken = 0;
  /** The socket became readable: serve the waiting `next()` calls. */
  private readonly onReadable = (): void => {
    this.socket.unwatch();
    this.pump();
  };

  /**
   * @param socket The event socket, subscribed to its groups.
   * @param allNamespaces Whether events of other namespaces come too (they carry `nsid`).
   * @param newListing Starts a listing (list-existing mode); undefined: events only.
   */
  constructor(private readonly socket: NetlinkSocket, private readonly allNamespaces: boolean,
    private readonly newListing: (() => Listing) | undefined) {
    this.listing = newListing?.();
  }

  [Symbol.asyncIterator](): EventIterator {
    return this;
  }

  next(): Promise<IteratorResult<ListingEvent>> {
    if (this.closed) return Promise.resolve(DONE);
    return new Promise<IteratorResult<ListingEvent>>((resolve, reject) => {
      this.takers.push({ resolve, reject });
      this.pump();
    });
  }

  return(): Promise<IteratorResult<ListingEvent>> {
    this.close();
    return Promise.resolve(DONE);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
    this.listing?.close();
    this.listing = undefined;
    this.queue.length = 0;
    this.head = 0;
    for (const taker of this.takers.splice(0)) taker.resolve(DONE);
  }

  /**
   * Hands queued events to waiting `next()` calls in order, reading datagrams while some still
   * wait; when the kernel has nothing queued, watches the socket until it becomes readable.
   */
  private pump(): void {
    while (this.takers.length > 0 && !this.closed) {
      if (this.head < this.queue.length) {
        const value = this.queue[this.head]!;
        this.queue[this.head++] = undefined as unknown as ListingEvent;
        if (this.head === this.queue.length) { this.queue.length = 0; this.head = 0; }
        if (value instanceof Failure) this.takers.shift()!.reject(value.error);
        else this.takers.shift()!.resolve({ value, done: false });
        continue;
      }
      if (!this.readOne()) {
        // Nothing queued in the kernel: wait for readability (this keeps the process alive while
        // someone is waiting for an event, and only then).
        this.socket.watch(this.onReadable);
        this.socket.setRef(true);
        return;
      }
    }
    this.socket.unwatch();
  }

  /**
   * Reads one datagram into the queue, or while listing, takes one step of the listing once the
   * event socket is empty; false when there is nothing to do until the socket becomes readable.
   */
  private readOne(): boolean {
    const socket = this.socket;
    const r = socket.recv();
    if (r === -EAGAIN) {
      if (this.listing === undefined) return false;
      this.listStep(this.listing);
      return true;
    }
    if (r < 0) {
      if (r !== -ENOBUFS && r !== RECV_TRUNCATED) {
        // Not a lost event but a broken socket (EBADF …): it would fail again at every read.
        this.fail(new NetlinkError(-r, 'recvmsg'));
        return true;
      }
      // The kernel dropped events (ENOBUFS), or one datagram was too large for the buffer: say
      // so rather than stop. In list-existing mode a new list follows (its dump starts once this
      // socket has been read empty: until then the kernel keeps dropping events).
      this.queue.push({ type: 'overrun' });
      if (this.newListing !== undefined) this.restartListing();
      return true;
    }
    // Events come from the kernel (port 0); a user process could otherwise inject them.
    if (socket.meta[0] !== 0) return true;
    // Events are copied out of the receive buffer (socket.arena): a kept event holds a small block.
    const arena = socket.arena;
    const start = socket.roff;
    const nsid = socket.meta[3]!;
    const foreign = this.allNamespaces && nsid >= 0;
    const listing = this.listing;
    try {
      arena.forEachMessage(socket.rbuf, start, start + r, (off, len, type) => {
        const buf = arena.buf;
        const decoder = eventDecoder(type);
        if (decoder === undefined) return;
        const event = { type: decoder.del ? 'del' : 'new', kind: decoder.kind, object: decoder.decode(buf, off, len) } as ObjectEvent;
        if (foreign) event.nsid = nsid;
        // While listing, events wait to be reconciled with the list (another namespace's are not).
        if (listing !== undefined) listing.buffer(event, foreign ? undefined : decoder.key(buf, off, len));
        else this.queue.push(event);
      });
    } catch (e) {
      // A malformed datagram (DecodeError): the call that reaches it in the queue rejects; later
      // calls go on with the next datagram.
      this.queue.push(new Failure(e));
    }
    return true;
  }

  /** One step of `listing` (the event socket was just read empty). */
  private listStep(listing: Listing): void {
    try {
      listing.step(this.queue);
    } catch (e) {
      const broken = e instanceof ListingBroken ? e : new ListingBroken(e as Error, true);
      if (!broken.retryable || ++this.broken > MAX_BROKEN_LISTINGS) {
        this.fail(broken.reason);
        return;
      }
      // What was listed may be incomplete: say so, and list again.
      this.queue.push({ type: 'overrun' });
      this.restartListing();
      return;
    }
    if (listing.finished) {
      this.listing = undefined;
      this.broken = 0;
    }
  }

  /** Drops the listing in progress (and what it buffered) and starts a new one. */
  private restartListing(): void {
    this.listing?.close();
    this.listing = this.newListing?.();
  }

  /** The monitor cannot go on: the first waiting call rejects with `error`, the others end. */
  private fail(error: Error): void {
    const taker = this.takers.shift();
    this.close();
    taker?.reject(error);
  }
}

/** A dump that stalls this many times in a row fails the monitor instead of listing again. */
const MAX_BROKEN_LISTINGS = 3;
