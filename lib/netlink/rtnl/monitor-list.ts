/**
 * The monitor's list-existing mode: the objects the kernel has now, then the events that follow,
 * with no gap and no stale duplicate.
 *
 * Subscribe first, then dump, then reconcile. The event socket joins its groups before anything
 * is dumped, so no change is missed. The dumps run on a second socket that carries nothing else,
 * read one datagram at a time: the kernel builds each dump datagram inside the call that reads the
 * one before (the first inside the send of the request), and the event socket is read empty before
 * each of those calls. So an event read before a dump datagram was built reports a change made
 * before it was built, which the datagram therefore shows. Such an event is dropped when its object
 * appears in the dump for the first time in a datagram built after the event was read; every other
 * event of the listing is kept and yielded after the last existing object, in order. The events of
 * objects the dump never showed are dropped when the last of them is a deletion (an object that
 * came and went, or went, before the dump reached it).
 *
 * A dump can also skip an object nobody changed: most dumps resume by position, and a deletion
 * before that position shifts what follows. The kernel flags such dumps NLM_F_DUMP_INTR (links,
 * addresses, routes); neighbour, FDB and rule dumps are never flagged, so a deletion of their
 * kind, or a new entry (which may grow the hash table), during a dump of several datagrams counts
 * as the flag. A flagged dump runs again and yields only the objects the attempts before it did
 * not list (the others are brought up to date by their kept events).
 *
 * What remains: a change made while the kernel was building the very datagram that shows it is
 * both in the list and in a kept event (the same state twice; never a lost or older one).
 */
import { NetlinkError, ProtocolError } from '../core/errors.js';
import { EAGAIN } from '../core/errno.js';
import { AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC } from '../core/inet.js';
import { parseDoneMessage, parseErrorMessage } from '../core/message.js';
import {
  NETLINK_ROUTE, NLMSG_DONE, NLMSG_ERROR, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_REQUEST,
} from '../core/protocol.js';
import { NlWriter } from '../core/writer.js';
import type { NamespaceRef } from '../transport/native.js';
import { NetlinkSocket } from '../transport/socket.js';
import { IFADDRMSG_SIZE } from './address/codec.js';
import { IFINFOMSG_SIZE } from './link/codec.js';
import { eventDecoder, type EventKind } from './monitor-decoders.js';
import type { ListingEvent, ObjectEvent } from './monitor.js';
import { NDMSG_SIZE, NTF_PROXY } from './neighbor/codec.js';
import { NHMSG_SIZE } from './nexthop/codec.js';
import { RTMSG_SIZE } from './route/codec.js';
import { FIB_RULE_HDR_SIZE } from './rule/codec.js';
import * as R from './rtm.js';

/** Where a listing puts the events it hands out, in order. */
export interface EventSink {
  push(event: ListingEvent): unknown;
}

/** One dump of a listing. */
interface DumpSpec {
  /** RTM_GET*. */
  type: number;
  /** The family byte of the request header. */
  family: number;
  /** Size of the family header (ifinfomsg, ifaddrmsg …). */
  header: number;
  /** ndm_flags for a neighbour dump (NTF_PROXY: the proxy entries), else 0. */
  ndmFlags: number;
  /** A failure (a family the kernel lacks) skips the dump instead of failing the listing. */
  optional: boolean;
  /** The kind of the objects it lists. */
  kind: EventKind;
  /**
   * The kernel resumes this dump by position and never flags it NLM_F_DUMP_INTR (neighbour and
   * FDB hash tables, rules): a deletion before the position, or an insertion that grows the hash
   * table, can make it skip an object nobody changed, and only the events can tell.
   */
  unflagged: boolean;
}

/** How many times a dump flagged NLM_F_DUMP_INTR is repeated before the listing fails. */
const MAX_ATTEMPTS = 10;

/** Offset of ndm_flags in struct ndmsg. */
const NDM_FLAGS_OFFSET = 10;

const dump = (kind: EventKind, type: number, family: number, header: number,
  { ndmFlags = 0, optional = false, unflagged = false } = {}): DumpSpec =>
  ({ kind, type, family, header, ndmFlags, optional, unflagged });

/** Per multicast group, the dumps that list what its events report; in this order. */
const DUMPS_BY_GROUP: ReadonlyArray<readonly [number, readonly DumpSpec[]]> = [
  [R.RTNLGRP_LINK, [dump('link', R.RTM_GETLINK, AF_UNSPEC, IFINFOMSG_SIZE)]],
  [R.RTNLGRP_IPV4_IFADDR, [dump('address', R.RTM_GETADDR, AF_INET, IFADDRMSG_SIZE)]],
  [R.RTNLGRP_IPV6_IFADDR, [dump('address', R.RTM_GETADDR, AF_INET6, IFADDRMSG_SIZE)]],
  [R.RTNLGRP_IPV4_ROUTE, [dump('route', R.RTM_GETROUTE, AF_INET, RTMSG_SIZE)]],
  [R.RTNLGRP_IPV6_ROUTE, [dump('route', R.RTM_GETROUTE, AF_INET6, RTMSG_SIZE)]],
  // ARP and NDP entries, their proxy entries, and bridge FDB entries: all three come as events of
  // the neigh group.
  [R.RTNLGRP_NEIGH, [
    dump('neighbor', R.RTM_GETNEIGH, AF_UNSPEC, NDMSG_SIZE, { unflagged: true }),
    dump('neighbor', R.RTM_GETNEIGH, AF_UNSPEC, NDMSG_SIZE, { ndmFlags: NTF_PROXY, unflagged: true }),
    dump('neighbor', R.RTM_GETNEIGH, AF_BRIDGE, NDMSG_SIZE, { optional: true, unflagged: true }),
  ]],
  [R.RTNLGRP_IPV4_RULE, [dump('rule', R.RTM_GETRULE, AF_INET, FIB_RULE_HDR_SIZE, { unflagged: true })]],
  [R.RTNLGRP_IPV6_RULE, [dump('rule', R.RTM_GETRULE, AF_INET6, FIB_RULE_HDR_SIZE, { unflagged: true })]],
  // Nexthop dumps resume by id and are flagged NLM_F_DUMP_INTR; a kernel without nexthop objects
  // (before 5.3) fails the dump, which then lists nothing.
  [R.RTNLGRP_NEXTHOP, [dump('nexthop', R.RTM_GETNEXTHOP, AF_UNSPEC, NHMSG_SIZE, { optional: true })]],
];

/** The dumps that list the objects of `groups`. */
function dumpsFor(groups: ReadonlySet<number>): DumpSpec[] {
  return DUMPS_BY_GROUP.filter(([group]) => groups.has(group)).flatMap(([, dumps]) => dumps);
}

/** An event read while listing, and whether reconciling dropped it. */
interface Buffered {
  event: ObjectEvent;
  /** How many dump datagrams had been built when it was read. */
  epoch: number;
  key: string | undefined;
  dropped: boolean;
}

/** Why a listing cannot go on; the monitor starts a new one (after an overrun event) or fails. */
export class ListingBroken extends Error {
  constructor(readonly reason: Error, readonly retryable: boolean) {
    super(reason.message);
  }
}

/** One listing: its dump socket, its dumps in turn, and the events read meanwhile. */
export class Listing {
  private readonly dumps: DumpSpec[];
  private index = 0;
  private socket: NetlinkSocket | undefined;
  private readonly writer = new NlWriter(64);
  private seq = 0;
  private sent = false;
  /** Dump datagrams built so far (each inside a send or receive call of ours). */
  private builds = 0;
  /** The build number of the datagram the next receive returns. */
  private nextBuild = 0;
  private readonly buffered: Buffered[] = [];
  /** Events whose object the dump has not shown yet, by key. */
  private readonly waiting = new Map<string, Buffered[]>();
  /** Keys the dump has shown. */
  private readonly listed = new Set<string>();
  private done = false;
  /** The current dump's attempt (1 …) and whether the kernel flagged it NLM_F_DUMP_INTR. */
  private attempt = 1;
  private interrupted = false;
  /** An unflagged dump saw a change of its kind that can make it skip objects. */
  private suspect = false;
  /** Datagrams of the current attempt read so far (a one-datagram dump is built at once). */
  private datagrams = 0;

  /**
   * @param netns The namespace to dump (the monitor's).
   * @param groups The monitor's groups (RTNLGRP_*): which dumps to run.
   */
  constructor(private readonly netns: NamespaceRef | undefined, groups: ReadonlySet<number>) {
    this.dumps = dumpsFor(groups);
  }

  /** Whether the listing ended (its events were handed out). */
  get finished(): boolean {
    return this.done;
  }

  /**
   * An event read from the event socket while listing. `key` identifies its object (undefined for
   * events that are not reconciled: another namespace's, or too short to tell).
   */
  buffer(event: ObjectEvent, key: string | undefined): void {
    const b: Buffered = { event, epoch: this.builds, key, dropped: false };
    this.buffered.push(b);
    const spec = this.dumps[this.index];
    if (this.sent && spec !== undefined && spec.unflagged && event.kind === spec.kind
      && (event.type === 'del' || key === undefined || !this.listed.has(key))) {
      this.suspect = true;
    }
    if (key === undefined || this.listed.has(key)) return;
    const list = this.waiting.get(key);
    if (list === undefined) this.waiting.set(key, [b]);
    else list.push(b);
  }

  /**
   * One step, to be taken only right after the event socket was read empty: sends the next dump
   * request, or reads one dump datagram (whose existing objects go to `out`). When the last dump
   * ends, the kept events and `{ type: 'synced' }` go to `out` and the dump socket is closed.
   * Throws {@link ListingBroken}.
   */
  step(out: EventSink): void {
    if (this.done) return;
    if (this.index === this.dumps.length) {
      this.finish(out);
      return;
    }
    if (!this.sent) {
      this.request();
      return;
    }
    const socket = this.socket!;
    const r = socket.recv();
    if (r < 0) {
      const reason = r === -EAGAIN
        ? new ProtocolError('ERR_NL_BAD_REPLY', R.messageTypeName(this.dumps[this.index]!.type), 'the dump stalled')
        : new NetlinkError(-r, 'recvmsg');
      throw new ListingBroken(reason, true);
    }
    // This call also built the next datagram of the dump (if it goes on).
    const build = this.nextBuild;
    this.nextBuild = ++this.builds;
    this.datagrams++;
    if (socket.meta[0] !== 0) return; // not from the kernel
    // Listed objects are copied out of the receive buffer (socket.arena): a kept one holds a small block.
    const arena = socket.arena;
    const start = socket.roff;
    let status: number | undefined;
    arena.forEachMessage(socket.rbuf, start, start + r, (off, len, type, flags, seq) => {
      const buf = arena.buf;
      if (seq !== this.seq || status !== undefined) return;
      if (flags & NLM_F_DUMP_INTR) this.interrupted = true;
      if (type === NLMSG_DONE) {
        status = parseDoneMessage(buf, off, len, flags).errno;
      } else if (type === NLMSG_ERROR) {
        status = parseErrorMessage(buf, off, len, flags).errno;
      } else {
        const decoder = eventDecoder(type);
        if (decoder === undefined) return;
        const key = decoder.key(buf, off, len);
        if (key !== undefined) {
          // A repeated dump yields only what the attempts before it missed.
          if (this.attempt > 1 && this.listed.has(key)) return;
          this.listedAt(key, build);
        }
        out.push({ type: 'new', kind: decoder.kind, object: decoder.decode(buf, off, len), existing: true } as ObjectEvent);
      }
    });
    if (status === undefined) return;
    const spec = this.dumps[this.index]!;
    if (status !== 0 && !spec.optional) {
      throw new ListingBroken(new NetlinkError(status, R.messageTypeName(spec.type), { requestType: spec.type, seq: this.seq }), false);
    }
    this.sent = false;
    const interrupted = this.interrupted;
    const suspect = this.suspect && this.datagrams > 1;
    this.interrupted = false;
    this.suspect = false;
    this.datagrams = 0;
    if (status === 0 && (interrupted || (suspect && this.attempt < MAX_ATTEMPTS))) {
      // The table changed between two datagrams of the dump. Changed objects come as events, but
      // an unchanged one can be skipped (an address dump resumes by position, and a deletion
      // before that position shifts the rest): dump again, for what was missed. (An unflagged
      // dump that keeps seeing changes is taken as it is after the last attempt.)
      if (++this.attempt > MAX_ATTEMPTS) {
        throw new ListingBroken(new ProtocolError('ERR_NL_DUMP_INTERRUPTED', R.messageTypeName(spec.type),
          `the dump stayed inconsistent (NLM_F_DUMP_INTR) after ${MAX_ATTEMPTS} attempts`), false);
      }
      return;
    }
    this.attempt = 1;
    this.index++;
    if (this.index === this.dumps.length) this.finish(out);
  }

  /** Closes the dump socket (the kernel drops a dump whose socket closes). Idempotent. */
  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  /** The dump showed `key` in the datagram built `build`th: events read before that are in it. */
  private listedAt(key: string, build: number): void {
    if (this.listed.has(key)) return;
    this.listed.add(key);
    const list = this.waiting.get(key);
    if (list === undefined) return;
    this.waiting.delete(key);
    for (const b of list) if (b.epoch < build) b.dropped = true;
  }

  /** Sends the current dump's request on the dump socket (opened on first use). */
  private request(): void {
    const spec = this.dumps[this.index]!;
    try {
      this.socket ??= NetlinkSocket.open(NETLINK_ROUTE, {
        netns: this.netns, receiveBufferSize: 256 * 1024, extendedAck: false, strictCheck: false,
      });
      const w = this.writer;
      w.reset();
      this.seq = (this.seq + 1) >>> 0 || 1;
      const start = w.beginMessage(spec.type, NLM_F_REQUEST | NLM_F_DUMP, this.seq);
      w.putU8(spec.family);
      w.putZeros(spec.header - 1);
      if (spec.ndmFlags !== 0) w.buf[start + 16 + NDM_FLAGS_OFFSET] = spec.ndmFlags;
      w.endMessage(start);
      this.socket.send(w.buf, 0, w.length);
    } catch (e) {
      throw new ListingBroken(e as Error, false);
    }
    // The kernel built the first datagram inside the send.
    this.nextBuild = ++this.builds;
    this.sent = true;
  }

  /** Hands out the kept events and the end mark. */
  private finish(out: EventSink): void {
    this.done = true;
    this.close();
    // Objects the dump never showed: forget them if they are gone at the end.
    for (const list of this.waiting.values()) {
      const last = list[list.length - 1]!;
      if (last.event.type === 'del') for (const b of list) b.dropped = true;
    }
    for (const b of this.buffered) if (!b.dropped) out.push(b.event);
    this.buffered.length = 0;
    this.waiting.clear();
    this.listed.clear();
    out.push({ type: 'synced' });
  }
}
