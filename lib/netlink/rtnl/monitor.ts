/**
 * Events: `nl.monitor({ groups })` subscribes a socket of its own to rtnetlink multicast groups
 * and yields typed events as an async iterable.
 *
 * Reading is pulled by the consumer: a datagram is read from the kernel only when the loop asks for
 * the next event. A consumer that falls behind therefore makes the kernel's receive queue overflow,
 * which the kernel reports as ENOBUFS; the iterator turns that into an explicit `{ type: 'overrun' }`
 * event (events were lost: resynchronise with a dump) and goes on. It never ends silently.
 */
import { ValidationError } from '../core/errors.js';
import { EAGAIN, ENOBUFS } from '../core/errno.js';
import { forEachMessage } from '../core/message.js';
import type { NamespaceRef } from '../transport/native.js';
import { NETLINK_ROUTE } from '../core/protocol.js';
import * as R from './rtm.js';
import { NetlinkSocket, RECV_TRUNCATED } from '../transport/socket.js';
import { checkBool, checkInt, checkKeys, checkObject } from '../core/validate.js';
import { EVENT_DECODERS, type EventKind, type EventObjects } from './monitor-decoders.js';

/** Group names accepted by {@link MonitorOptions.groups}, mapped to RTNLGRP_* numbers. */
export const MONITOR_GROUPS: Readonly<Record<string, readonly number[]>> = {
  link: [R.RTNLGRP_LINK],
  neigh: [R.RTNLGRP_NEIGH],
  'ipv4-ifaddr': [R.RTNLGRP_IPV4_IFADDR],
  'ipv6-ifaddr': [R.RTNLGRP_IPV6_IFADDR],
  'ipv4-route': [R.RTNLGRP_IPV4_ROUTE],
  'ipv6-route': [R.RTNLGRP_IPV6_ROUTE],
  'ipv4-rule': [R.RTNLGRP_IPV4_RULE],
  'ipv6-rule': [R.RTNLGRP_IPV6_RULE],
  rules: [R.RTNLGRP_IPV4_RULE, R.RTNLGRP_IPV6_RULE],
};

/** A group name of {@link MONITOR_GROUPS}. */
export type MonitorGroup = 'link' | 'neigh' | 'ipv4-ifaddr' | 'ipv6-ifaddr' | 'ipv4-route' | 'ipv6-route'
  | 'ipv4-rule' | 'ipv6-rule' | 'rules';

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
}

/** An object created/changed (`new`) or deleted (`del`), or lost events (`overrun`). */
export type MonitorEvent = ObjectEvent | { type: 'overrun' };

/** A `new`/`del` event, discriminated by `kind` so `object` has its family's type. */
export type ObjectEvent = {
  [K in EventKind]: { type: 'new' | 'del'; kind: K; object: EventObjects[K]; nsid?: number };
}[EventKind];

/** The async iterable returned by `nl.monitor`. `return()` (or `close()`) closes its socket. */
export interface Monitor extends AsyncIterableIterator<MonitorEvent> {
  /** Closes the event socket; a pending `next()` resolves as done. */
  close(): void;
}

/** @internal Opens the event socket and returns the iterator. */
export function openMonitor(netns: NamespaceRef | undefined, options: MonitorOptions): Monitor {
  const o = checkObject('options', options);
  checkKeys('', o, ['groups', 'allNamespaces', 'receiveBufferSize']);
  if (!Array.isArray(o.groups) || o.groups.length === 0) {
    throw new ValidationError('groups', o.groups, `a non-empty array of group names is required (${Object.keys(MONITOR_GROUPS).join(', ')})`);
  }
  const groups = new Set<number>();
  o.groups.forEach((g: unknown, i) => {
    const numbers = typeof g === 'string' ? MONITOR_GROUPS[g] : undefined;
    if (numbers === undefined) throw new ValidationError(`groups[${i}]`, g, `unknown group (known: ${Object.keys(MONITOR_GROUPS).join(', ')})`);
    for (const n of numbers) groups.add(n);
  });
  const all = o.allNamespaces === undefined ? false : checkBool('allNamespaces', o.allNamespaces);
  const rcvbuf = o.receiveBufferSize === undefined ? undefined : checkInt('receiveBufferSize', o.receiveBufferSize, 1024, 0x7fffffff);

  const socket = NetlinkSocket.open(NETLINK_ROUTE, { netns, receiveBufferSize: rcvbuf, extendedAck: false, strictCheck: false });
  try {
    for (const g of groups) socket.addMembership(g);
    if (all) socket.listenAllNsid(true);
  } catch (e) {
    socket.close();
    throw e;
  }

  const queue: MonitorEvent[] = [];
  let head = 0;
  let closed = false;
  let wake: (() => void) | undefined;

  /** Reads one datagram into the queue; false when nothing was queued in the kernel. */
  const readOne = (): boolean => {
    const r = socket.recv();
    if (r === -EAGAIN) return false;
    if (r === -ENOBUFS || r === RECV_TRUNCATED) {
      queue.push({ type: 'overrun' });
      return true;
    }
    if (r < 0) {
      // Any other receive error means events may be missing: say so rather than stop.
      queue.push({ type: 'overrun' });
      return true;
    }
    // Events come from the kernel (port 0); a user process could otherwise inject them.
    if (socket.meta[0] !== 0) return true;
    const buf = socket.rbuf;
    const start = socket.roff;
    const nsid = socket.meta[3]!;
    let kept = false;
    forEachMessage(buf, start, start + r, (off, len, type) => {
      const decoder = EVENT_DECODERS[type];
      if (decoder === undefined) return;
      const event = { type: decoder.del ? 'del' : 'new', kind: decoder.kind, object: decoder.decode(buf, off, len) } as ObjectEvent;
      if (all && nsid >= 0) event.nsid = nsid;
      queue.push(event);
      kept = true;
    });
    if (kept) socket.keep(r);
    return true;
  };

  const close = (): void => {
    if (closed) return;
    closed = true;
    socket.close();
    queue.length = 0;
    head = 0;
    wake?.();
  };

  const monitor: Monitor = {
    [Symbol.asyncIterator]: () => monitor,
    async next(): Promise<IteratorResult<MonitorEvent>> {
      for (;;) {
        if (closed) return { value: undefined, done: true };
        if (head < queue.length) {
          const value = queue[head]!;
          queue[head++] = undefined as unknown as MonitorEvent;
          if (head === queue.length) { queue.length = 0; head = 0; }
          return { value, done: false };
        }
        if (readOne()) continue;
        // Nothing queued in the kernel: wait for readability (this keeps the process alive while
        // someone is waiting for an event, and only then).
        await new Promise<void>((resolve) => {
          wake = resolve;
          socket.watch(() => { socket.unwatch(); wake = undefined; resolve(); });
          socket.setRef(true);
        });
      }
    },
    async return(): Promise<IteratorResult<MonitorEvent>> {
      close();
      return { value: undefined, done: true };
    },
    close,
  };
  return monitor;
}
