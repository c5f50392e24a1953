// List-existing mode against a fake kernel with one queue per socket: the dump and the events are
// scripted at the exact moments the kernel would produce them (the first dump datagram inside the
// send of the request, each next one inside the receive of the one before), so the reconciliation
// of events with the list is checked case by case, deterministically.
import test from 'ava';
import { openMonitor, type ListingEvent, type Monitor } from '../../../lib/netlink/rtnl/monitor.js';
import { NetlinkError, ValidationError } from '../../../lib/netlink/core/errors.js';
import { attr, bytes, cstr, nldone, nlmsg, u32 } from '../../helpers/bytes.js';
import { FakeKernel, type Delivery, type SentMessage } from '../../helpers/fake-kernel.js';

const RTM_NEWLINK = 16;
const RTM_DELLINK = 17;
const RTM_GETLINK = 18;
const RTM_GETNEIGH = 30;
const NLM_F_MULTI = 2;
const NLM_F_DUMP_INTR = 0x10;
const IFLA_MTU = 4;
const serial = test.serial;

/** A fake kernel with a receive queue per socket and a hook run when a dump datagram is read. */
class SocketsKernel extends FakeKernel {
  private nextFd = 7;
  readonly queues = new Map<number, Delivery[]>();
  readonly requests: Array<SentMessage & { fd: number }> = [];
  /** Runs inside the receive of a datagram from `fd` (the kernel builds the next dump datagram then). */
  onRecv: (fd: number) => void = () => {};
  /** Runs inside the send of a request (the kernel builds the first dump datagram then). */
  onRequest: (m: SentMessage, fd: number) => void = () => {};

  override socketOpen(): number {
    const fd = this.nextFd++;
    this.queues.set(fd, []);
    return fd;
  }
  override socketSend(fd: number, buf: Uint8Array, offset: number, length: number): number {
    const d = Buffer.from(buf.subarray(offset, offset + length));
    const m = { type: d.readUInt16LE(4), flags: d.readUInt16LE(6), seq: d.readUInt32LE(8), payload: d.subarray(16, d.readUInt32LE(0)) };
    this.requests.push({ ...m, fd });
    this.onRequest(m, fd);
    return length;
  }
  override socketRecv(fd: number, buf: Uint8Array, offset: number, length: number, meta: Int32Array): number {
    const next = this.queues.get(fd)?.shift();
    if (next === undefined) return -11;
    if ('errno' in next) return -next.errno;
    meta[0] = 0; meta[1] = 0; meta[2] = 0; meta[3] = -1;
    buf.set(next.data, offset);
    this.onRecv(fd);
    return next.data.length;
  }
  override socketPending(fd: number): number {
    const next = this.queues.get(fd)?.[0];
    if (next === undefined) return -11;
    if ('errno' in next) {
      this.queues.get(fd)!.shift();
      return -next.errno;
    }
    return next.data.length;
  }
  /** Queues a datagram of `messages` on `fd`. */
  to(fd: number, ...messages: Buffer[]): void {
    this.queues.get(fd)!.push({ data: Buffer.concat(messages) });
  }
}

/** An RTM_NEWLINK/DELLINK for ifindex `index` named `name` with `mtu`, as an event or dump reply. */
function link(type: number, index: number, name: string, mtu = 1500, seq = 0, flags = 0): Buffer {
  return nlmsg(type, flags, seq, 0, bytes([0, 0, 1, 0], u32(index), u32(0), u32(0)), attr(3, cstr(name)), attr(IFLA_MTU, u32(mtu)));
}

function describe(e: ListingEvent): string {
  if (e.type === 'overrun' || e.type === 'synced') return e.type;
  if (e.kind !== 'link') return `${e.type} ${e.kind}`;
  return `${e.existing ? 'existing' : e.type} ${e.object.name}${e.object.mtu === 1500 ? '' : ` mtu ${e.object.mtu}`}`;
}

/** The next `n` events, described; fewer if the monitor ends or none comes within 2 s. */
async function take(m: Monitor<ListingEvent>, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([m.next(), new Promise<'late'>((res) => { timer = setTimeout(() => res('late'), 2000); })]);
    clearTimeout(timer);
    if (r === 'late' || r.done) break;
    out.push(describe(r.value));
  }
  return out;
}

const EVENTS = 7; // the event socket's fd (opened first)
const DUMP = 8; // the dump socket's fd

serial('events read before the datagram that lists their object are dropped; the others follow the list, then synced', async (t) => {
  const k = new SocketsKernel();
  k.install();
  let seq = 0;
  k.onRequest = (m, fd) => {
    t.is(fd, DUMP, 'the dump runs on a socket of its own');
    seq = m.seq;
    // Build 1 (inside the send): a, b, and c with mtu 1500.
    k.to(DUMP, link(RTM_NEWLINK, 1, 'a', 1500, seq, NLM_F_MULTI), link(RTM_NEWLINK, 2, 'b', 1500, seq, NLM_F_MULTI));
    // Changes after build 1: c's MTU, b deleted, e created, x created and deleted again.
    k.to(EVENTS, link(RTM_NEWLINK, 3, 'c', 1400));
    k.to(EVENTS, link(RTM_DELLINK, 2, 'b'));
    k.to(EVENTS, link(RTM_NEWLINK, 5, 'e'), link(RTM_NEWLINK, 9, 'x'), link(RTM_DELLINK, 9, 'x'));
  };
  let reads = 0;
  k.onRecv = (fd) => {
    if (fd !== DUMP) return;
    reads++;
    if (reads === 1) {
      // Build 2 (inside the read of build 1): c as changed, d, e.
      k.to(DUMP, link(RTM_NEWLINK, 3, 'c', 1400, seq, NLM_F_MULTI), link(RTM_NEWLINK, 4, 'd', 1500, seq, NLM_F_MULTI),
        link(RTM_NEWLINK, 5, 'e', 1500, seq, NLM_F_MULTI));
      // A change after build 2 of an object build 2 showed, and one of a new object.
      k.to(EVENTS, link(RTM_DELLINK, 4, 'd'), link(RTM_NEWLINK, 6, 'f'));
    } else if (reads === 2) {
      k.to(DUMP, nldone(seq));
    }
  };
  const m = openMonitor(undefined, { groups: ['link'], listExisting: true });
  t.deepEqual(await take(m, 9), [
    'existing a', 'existing b', 'existing c mtu 1400', 'existing d', 'existing e',
    'del b', 'del d', 'new f',
    'synced',
  ]);
  t.deepEqual(k.closedFds, [DUMP], 'the dump socket is closed once the list is complete');
  // Live events after the list.
  const p = m.next();
  k.to(EVENTS, link(RTM_NEWLINK, 7, 'g'));
  k.wake();
  t.is(describe((await p).value as ListingEvent), 'new g');
  const req = k.requests[0]!;
  t.is(req.type, RTM_GETLINK);
  t.is(req.flags, 0x301, 'REQUEST | DUMP');
  t.deepEqual([...req.payload], new Array(16).fill(0), 'an AF_UNSPEC ifinfomsg');
  m.close();
});

serial('an overrun during the list yields overrun, then a complete list again and synced', async (t) => {
  const k = new SocketsKernel();
  k.install();
  let attempt = 0;
  k.onRequest = (m, fd) => {
    attempt++;
    k.to(fd, link(RTM_NEWLINK, 1, 'a', 1500, m.seq, NLM_F_MULTI));
    k.onRecv = (from) => {
      if (from !== fd) return;
      k.onRecv = () => {};
      // Inside the first read: events were lost (ENOBUFS), and the dump goes on.
      if (attempt === 1) k.queues.get(EVENTS)!.push({ errno: 105 });
      k.to(fd, link(RTM_NEWLINK, 2, 'b', 1500, m.seq, NLM_F_MULTI), nldone(m.seq));
    };
  };
  const m = openMonitor(undefined, { groups: ['link'], listExisting: true });
  t.deepEqual(await take(m, 5), ['existing a', 'overrun', 'existing a', 'existing b', 'synced']);
  t.is(attempt, 2);
  t.deepEqual(k.closedFds, [DUMP, DUMP + 1], 'the broken dump\'s socket and the finished one are closed');
  m.close();
});

serial('an overrun after the list is followed by a new complete list', async (t) => {
  const k = new SocketsKernel();
  k.install();
  let attempt = 0;
  k.onRequest = (m, fd) => {
    attempt++;
    k.to(fd, link(RTM_NEWLINK, 1, attempt === 1 ? 'a' : 'a2', 1500, m.seq, NLM_F_MULTI), nldone(m.seq));
  };
  const m = openMonitor(undefined, { groups: ['link'], listExisting: true });
  t.deepEqual(await take(m, 2), ['existing a', 'synced']);
  const p = m.next();
  k.queues.get(EVENTS)!.push({ errno: 105 });
  k.wake();
  t.is(describe((await p).value as ListingEvent), 'overrun');
  t.deepEqual(await take(m, 2), ['existing a2', 'synced']);
  m.close();
});

serial('a dump the kernel refuses fails the monitor with its NetlinkError; the bridge FDB dump is optional', async (t) => {
  const k = new SocketsKernel();
  k.install();
  k.onRequest = (m, fd) => {
    const family = m.payload[0];
    // AF_BRIDGE (7): a kernel without bridge support refuses it; the others answer empty.
    k.to(fd, nldone(m.seq, family === 7 ? -95 : 0));
  };
  const m = openMonitor(undefined, { groups: ['neigh'], listExisting: true });
  t.deepEqual(await take(m, 1), ['synced']);
  t.deepEqual(k.requests.map((r) => [r.type, r.payload[0], r.payload[10]]), [[RTM_GETNEIGH, 0, 0], [RTM_GETNEIGH, 0, 8], [RTM_GETNEIGH, 7, 0]],
    'ARP/NDP entries, their proxies (NTF_PROXY), bridge FDB entries');
  m.close();

  const k2 = new SocketsKernel();
  k2.install();
  k2.onRequest = (r, fd) => k2.to(fd, nldone(r.seq, -13));
  const m2 = openMonitor(undefined, { groups: ['link'], listExisting: true });
  const waiting = m2.next();
  const later = m2.next();
  const e = await t.throwsAsync(waiting, { instanceOf: NetlinkError });
  t.is(e.code, 'EACCES');
  t.is(e.op, 'RTM_GETLINK');
  t.deepEqual(await later, { value: undefined, done: true }, 'the monitor is closed');
  t.deepEqual(k2.closedFds.sort(), [EVENTS, DUMP]);
});

serial('a dump flagged NLM_F_DUMP_INTR runs again and yields only what it missed', async (t) => {
  const k = new SocketsKernel();
  k.install();
  let attempt = 0;
  k.onRequest = (m, fd) => {
    attempt++;
    if (attempt === 1) {
      // a and b, then the table changed under the dump: c was skipped, the end is flagged.
      k.to(fd, link(RTM_NEWLINK, 1, 'a', 1500, m.seq, NLM_F_MULTI), link(RTM_NEWLINK, 2, 'b', 1500, m.seq, NLM_F_MULTI));
      k.onRecv = (from) => { if (from === fd) { k.onRecv = () => {}; k.to(fd, link(RTM_NEWLINK, 4, 'd', 1500, m.seq, NLM_F_MULTI | NLM_F_DUMP_INTR), nldone(m.seq, 0, [], NLM_F_MULTI | NLM_F_DUMP_INTR)); } };
    } else {
      k.to(fd, link(RTM_NEWLINK, 1, 'a', 1500, m.seq, NLM_F_MULTI), link(RTM_NEWLINK, 2, 'b', 1500, m.seq, NLM_F_MULTI),
        link(RTM_NEWLINK, 3, 'c', 1500, m.seq, NLM_F_MULTI), link(RTM_NEWLINK, 4, 'd', 1500, m.seq, NLM_F_MULTI), nldone(m.seq));
    }
  };
  const m = openMonitor(undefined, { groups: ['link'], listExisting: true });
  t.deepEqual(await take(m, 5), ['existing a', 'existing b', 'existing d', 'existing c', 'synced']);
  t.is(attempt, 2);
  m.close();
});

serial('a dump that stays inconsistent fails the monitor with ERR_NL_DUMP_INTERRUPTED', async (t) => {
  const k = new SocketsKernel();
  k.install();
  k.onRequest = (m, fd) => k.to(fd, nldone(m.seq, 0, [], NLM_F_MULTI | NLM_F_DUMP_INTR));
  const m = openMonitor(undefined, { groups: ['link'], listExisting: true });
  await t.throwsAsync(m.next(), { code: 'ERR_NL_DUMP_INTERRUPTED' });
  t.is(k.requests.length, 10);
});

/** An RTM_NEWNEIGH/DELNEIGH for 10.0.0.`last` on ifindex 2 (ARP), as an event or dump reply. */
function neigh(type: number, last: number, seq = 0, flags = 0): Buffer {
  return nlmsg(type, flags, seq, 0, bytes([2, 0, 0, 0], u32(2), [0x80, 0, 0, 1]), attr(1, [10, 0, 0, last]));
}

serial('a neighbour dump (never flagged by the kernel) runs again when a deletion came during it', async (t) => {
  const k = new SocketsKernel();
  k.install();
  const dumps: number[] = [];
  k.onRequest = (m, fd) => {
    dumps.push(m.payload[0]! * 256 + m.payload[10]!);
    const first = dumps.filter((d) => d === 0).length === 1 && m.payload[0] === 0 && m.payload[10] === 0;
    if (!first) {
      // Every other dump (the repeat, proxies, FDB): consistent, in one datagram.
      k.to(fd, ...(m.payload[0] === 0 && m.payload[10] === 0 ? [neigh(28, 2, m.seq, 2), neigh(28, 3, m.seq, 2)] : []), nldone(m.seq));
      return;
    }
    // Datagram 1: .1 and .2; then .1 is deleted, which shifts the hash bucket: .3 is skipped.
    k.to(fd, neigh(28, 1, m.seq, 2), neigh(28, 2, m.seq, 2));
    k.onRecv = (from) => {
      if (from !== fd) return;
      k.onRecv = () => {};
      k.to(EVENTS, neigh(29, 1));
      k.to(fd, nldone(m.seq));
    };
  };
  const m = openMonitor(undefined, { groups: ['neigh'], listExisting: true });
  const got: string[] = [];
  for (;;) {
    const r = await m.next();
    if (r.done || r.value.type === 'synced' || r.value.type === 'overrun') { got.push(r.done ? 'done' : r.value.type); break; }
    got.push(`${r.value.existing ? 'existing' : r.value.type} ${r.value.kind === 'neighbor' ? r.value.object.dst : ''}`);
  }
  t.deepEqual(got, ['existing 10.0.0.1', 'existing 10.0.0.2', 'existing 10.0.0.3', 'del 10.0.0.1', 'synced']);
  t.deepEqual(dumps, [0, 0, 8, 7 * 256], 'the ARP/NDP dump twice, then proxies and FDB');
  m.close();
});

serial('return() in the middle of a list closes both sockets and ends the iteration', async (t) => {
  const k = new SocketsKernel();
  k.install();
  k.onRequest = (m, fd) => {
    k.to(fd, link(RTM_NEWLINK, 1, 'a', 1500, m.seq, NLM_F_MULTI));
    k.onRecv = (from) => { if (from === fd) k.to(fd, link(RTM_NEWLINK, 2, 'b', 1500, m.seq, NLM_F_MULTI)); };
  };
  const m = openMonitor(undefined, { groups: ['link'], listExisting: true });
  t.deepEqual(await take(m, 1), ['existing a']);
  t.deepEqual(await m.return!(), { value: undefined, done: true });
  t.deepEqual(k.closedFds.sort(), [EVENTS, DUMP]);
  t.deepEqual(await m.next(), { value: undefined, done: true });
});

serial('listExisting must be a boolean', (t) => {
  const k = new SocketsKernel();
  k.install();
  for (const v of ['yes', 1, null, {}]) {
    t.throws(() => openMonitor(undefined, { groups: ['link'], listExisting: v as never }), { instanceOf: ValidationError });
  }
  t.is(k.requests.length, 0);
});
