/**
 * Link references (a name or an ifindex) turned into ifindexes, shared by every family's service.
 * Ifindexes cost nothing and are answered synchronously, so a caller that sends right after does so
 * in the same tick and requests leave in the order they were made. A name costs one RTM_GETLINK,
 * unless the handle's {@link LinkNames} still knows it.
 */
import { NetlinkError } from '../core/errors.js';
import { EAGAIN, ENOBUFS } from '../core/errno.js';
import { NETLINK_ROUTE } from '../core/protocol.js';
import type { LinkRef } from '../core/validate.js';
import { requestsWaitingToBeSent, type Connection, type OrderSlot } from '../transport/connection.js';
import type { NetlinkSocket } from '../transport/socket.js';
import { RTNLGRP_LINK } from './rtm.js';

/**
 * What resolves one link name: `links.index` (a NetlinkError ENODEV names a missing link), or a
 * handle's {@link LinkNames}, which answers synchronously with an ifindex it still knows.
 */
export type LinkIndexer = (name: string) => number | Promise<number>;

/**
 * Resolves references that may be absent. Synchronous (a new array) when every reference is an
 * ifindex, absent, or a name the indexer answers synchronously; otherwise a Promise that rejects
 * with the first lookup's error.
 */
export function resolveRefs(index: LinkIndexer, refs: ReadonlyArray<LinkRef | undefined>): Array<number | undefined> | Promise<Array<number | undefined>> {
  let out: Array<number | undefined | Promise<number>> | undefined;
  let pending = 0;
  let last = -1;
  for (let k = 0; k < refs.length; k++) {
    const r = refs[k];
    if (typeof r !== 'string') continue;
    out ??= refs.slice() as Array<number | undefined>;
    // A name given twice in one request (multipath hops on one device) is looked up once: one
    // RTM_GETLINK, and one answer for both places.
    const first = k === 0 ? 0 : refs.indexOf(r);
    const v = first < k ? out[first]! : index(r);
    out[k] = v;
    if (typeof v !== 'number') {
      pending++;
      last = k;
    }
  }
  if (out === undefined) return refs as Array<number | undefined>;
  if (pending === 0) return out as Array<number | undefined>;
  const list = out;
  // One lookup in one place (the usual case): one reaction, not Promise.all's bookkeeping.
  if (pending === 1) {
    return (list[last] as Promise<number>).then((ifindex) => {
      list[last] = ifindex;
      return list as Array<number | undefined>;
    });
  }
  return Promise.all(list);
}

/**
 * Resolves `refs` (see {@link resolveRefs}) and sends with `send`: in this call when no lookup is
 * needed; otherwise from a place reserved in `conn`'s request order right after the lookups, so the
 * request is written before any request made after this call (transport/call-order.ts). A failed
 * lookup rejects and gives the place up.
 */
export function sendResolved<T>(conn: Connection, index: LinkIndexer, refs: ReadonlyArray<LinkRef | undefined>,
  send: (ifindexes: Array<number | undefined>) => Promise<T>): Promise<T> {
  const r = resolveRefs(index, refs);
  if (!(r instanceof Promise)) return send(r);
  return inTurn(conn, r, send);
}

/**
 * Runs `send` with what `pending` resolves to, in the place `conn`'s request order has for a call
 * made now (take it after starting the lookups `pending` waits for: they go first).
 */
export function inTurn<V, T>(conn: Connection, pending: Promise<V>, send: (value: V) => Promise<T>): Promise<T> {
  const slot = conn.reserve();
  return pending.then((value) => sendInSlot(slot, () => send(value)), (error: unknown) => {
    slot.cancel();
    throw error;
  });
}

/**
 * Runs `send` (which writes one request) when `slot`'s turn comes, or at once without a slot, and
 * resolves as its promise does. A `send` that throws rejects.
 */
export function sendInSlot<T>(slot: OrderSlot | undefined, send: () => Promise<T>): Promise<T> {
  return slot === undefined ? send() : scheduled((run) => slot.fill(run), send);
}

/**
 * Runs `read` (which writes one request the caller needs before its own: a GET, a lookup) in
 * `slot`'s place, ahead of the caller's request (see OrderSlot.before), or at once without a slot.
 */
export function readBefore<T>(slot: OrderSlot | undefined, read: () => Promise<T>): Promise<T> {
  return slot === undefined ? read() : scheduled((run) => slot.before(run), read);
}

/** A promise of what `send` resolves to, once `schedule` runs it (a throw rejects). */
function scheduled<T>(schedule: (run: () => void) => void, send: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    schedule(() => {
      try {
        send().then(resolve, reject);
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}

/**
 * The one link reference among `refs`, as the caller gave it (a name or an ifindex): what an ENODEV
 * of the request names. Undefined when there is none, or several (the kernel does not say which
 * one it could not find).
 */
export function soleRef(refs: ReadonlyArray<LinkRef | undefined>): LinkRef | undefined {
  let found: LinkRef | undefined;
  for (let k = 0; k < refs.length; k++) {
    const r = refs[k];
    if (r === undefined) continue;
    if (found !== undefined) return undefined;
    found = r;
  }
  return found;
}

/**
 * Resolves each distinct name once, for bulk calls: a name the kernel does not know maps to its
 * NetlinkError (which then fails only the items naming it); any other error rejects.
 */
export async function resolveNames(index: LinkIndexer, names: Iterable<string>): Promise<Map<string, number | NetlinkError>> {
  const resolved = new Map<string, number | NetlinkError>();
  const pending: Array<Promise<void>> = [];
  for (const name of names) {
    if (resolved.has(name)) continue;
    const v = index(name);
    if (typeof v === 'number') {
      resolved.set(name, v);
      continue;
    }
    resolved.set(name, 0);
    pending.push(v.then(
      (ifindex) => { resolved.set(name, ifindex); },
      (error: unknown) => {
        if (!(error instanceof NetlinkError)) throw error;
        resolved.set(name, error);
      }));
  }
  if (pending.length > 0) await Promise.all(pending);
  return resolved;
}

/** Receive buffer of a {@link LinkNames} watcher: a burst that overflows it only forgets the names. */
const WATCHER_RCVBUF = 64 * 1024;

/**
 * The link names one handle has resolved, with their ifindexes, kept only while no link changes.
 *
 * From a handle's second name lookup on, a socket of its own in the handle's namespace listens to
 * the kernel's link notifications (RTNLGRP_LINK). The kernel queues a notification to every
 * listener inside the call that changes a link (creation, deletion, rename, a move to another
 * namespace, any attribute), before that call returns to whoever made it. So before a remembered
 * ifindex is used, that socket is read without waiting: anything there — or lost (ENOBUFS) — and
 * every name is forgotten and asked again; nothing there, and the kernel would have answered a
 * lookup with the same ifindex. An answer is remembered only when no notification came while it
 * was asked. Nothing is trusted while some connection of this process holds requests not sent yet
 * (their changes have not happened). If the socket cannot be opened, names are simply looked up
 * every time. Cost of a remembered name: one recvmsg that finds nothing, instead of an
 * RTM_GETLINK round trip.
 */
export class LinkNames {
  private readonly known = new Map<string, number>();
  private watcher: NetlinkSocket | undefined;
  /** The handle's socket the watcher was opened beside (a connection reopens its socket after a broken dump). */
  private base: NetlinkSocket | undefined;
  /** 0: not watching yet; 1: watching; 2: off (closed, or the watcher could not be used). */
  private mode = 0;
  private lookups = 0;
  /** Counts the changes seen: an answer asked before a change is not remembered. */
  private generation = 0;

  /**
   * @param conn  the handle's connection (its namespace, and its close, which closes the watcher)
   * @param fetch looks a name up in the kernel: `links.index`
   */
  constructor(private readonly conn: Connection, private readonly fetch: (name: string) => Promise<number>) {
    conn.onClose(() => this.close());
  }

  /** The ifindex of link `name`: synchronously when it is known and no link changed since; else a lookup. */
  readonly index = (name: string): number | Promise<number> => {
    // Requests of this process written but not sent yet (a rename queued just before, on this
    // handle or another) have not reached the kernel, so no notification can tell of them: ask
    // the kernel, whose answer comes after them, as a lookup always did.
    if (this.mode === 1 && !requestsWaitingToBeSent() && this.quiet()) {
      const ifindex = this.known.get(name);
      if (ifindex !== undefined) return ifindex;
    }
    return this.lookup(name);
  };

  /** Asks the kernel, and remembers the answer if no link changed while it was asked. */
  private lookup(name: string): Promise<number> {
    // From the second lookup on: a one-shot caller pays for no second socket.
    if (this.mode === 0 && ++this.lookups >= 2) this.watch();
    const generation = this.generation;
    const watching = this.mode === 1;
    return this.fetch(name).then((ifindex) => {
      if (watching && this.mode === 1 && this.quiet() && this.generation === generation) this.known.set(name, ifindex);
      return ifindex;
    });
  }

  /** Opens the watcher (subscribed before any answer it vouches for is asked). */
  private watch(): void {
    let socket: NetlinkSocket | undefined;
    try {
      // In the namespace the handle's socket is in (its path may name another one by now).
      socket = this.conn.socket.openSibling(NETLINK_ROUTE, {
        receiveBufferSize: WATCHER_RCVBUF, sendBufferSize: 4096, extendedAck: false, strictCheck: false, capAck: false,
      });
      socket.addMembership(RTNLGRP_LINK);
    } catch {
      socket?.close();
      this.mode = 2;
      return;
    }
    this.watcher = socket;
    this.base = this.conn.socket;
    this.mode = 1;
  }

  /**
   * Reads the watcher without waiting. True when nothing came: no link changed since the last
   * read. Otherwise every name is forgotten (and false).
   */
  private quiet(): boolean {
    if (this.conn.socket !== this.base) {
      // The handle reopened its socket (after a broken dump; in the same namespace, found with
      // SIOCGSKNS, but nothing here checks that): stop remembering names rather than assume it.
      this.close();
      return false;
    }
    const socket = this.watcher!;
    // The usual answer, nothing queued, comes from the cheapest syscall (socket.pending, which
    // leaves a datagram queued and reports an error once).
    let r = socket.pending();
    if (r === -EAGAIN) return true;
    // A notification, or lost ones (ENOBUFS): something changed. Drain what is queued.
    for (;;) {
      if (r < 0 && r !== -ENOBUFS) {
        // The socket broke: stop trusting it.
        this.close();
        return false;
      }
      r = socket.discard();
      if (r === -EAGAIN) break;
    }
    this.known.clear();
    this.generation++;
    return false;
  }

  /** Forgets every name and closes the watcher (the handle closed). */
  close(): void {
    this.mode = 2;
    this.known.clear();
    this.generation++;
    this.watcher?.close();
    this.watcher = undefined;
  }
}

/** The {@link LinkNames} of each connection. */
const caches = new WeakMap<Connection, LinkNames>();

/**
 * The link names of `conn`'s handle, shared by its services (made on first use, with `fetch` to
 * look names up). Returns the {@link LinkIndexer} to resolve references with.
 */
export function linkNames(conn: Connection, fetch: (name: string) => Promise<number>): LinkIndexer {
  let names = caches.get(conn);
  if (names === undefined) {
    names = new LinkNames(conn, fetch);
    caches.set(conn, names);
  }
  return names.index;
}
