// Requests leave a handle in the order the calls were made: with ifindexes in one datagram (the
// services add no hidden await before enqueueing), and when a call first looks a link name up, the
// calls made after it wait their turn (transport/call-order.ts). Fake kernel, no privileges.
import test from 'ava';
import { ProtocolError, RtNetlink } from '../../../lib/netlink/index.js';
import { attr, bytes, cstr, nlerror, nlmsg, u32 } from '../../helpers/bytes.js';
import { FakeKernel, type SentMessage } from '../../helpers/fake-kernel.js';

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const RTM_NEWADDR = 20;
const RTM_NEWROUTE = 24;
const RTM_NEWNEIGH = 28;
const NLM_F_ACK = 4;
const ENODEV = 19;

/** IFLA_IFNAME of an RTM_GETLINK request (after the 16-byte ifinfomsg). */
function requestedName(payload: Buffer): string {
  for (let at = 16; at + 4 <= payload.length; at += (payload.readUInt16LE(at) + 3) & ~3) {
    if (payload.readUInt16LE(at + 2) === 3) return payload.toString('utf8', at + 4, at + payload.readUInt16LE(at) - 1);
  }
  return '';
}

/**
 * A kernel knowing `links` by name: RTM_GETLINK answers with the ifindex (ENODEV for another name),
 * anything asking for an ACK gets one; an echoed RTM_NEWLINK gets nothing back but its ACK.
 */
function kernel(links: Record<string, number>): FakeKernel {
  return new FakeKernel((msgs: SentMessage[], kk) => {
    const replies: Buffer[] = [];
    for (const m of msgs) {
      if (m.type === RTM_GETLINK) {
        const name = requestedName(m.payload);
        const index = Object.hasOwn(links, name) ? links[name]! : undefined;
        replies.push(index === undefined ? nlerror(m.seq, ENODEV, m)
          : nlmsg(RTM_NEWLINK, 0, m.seq, 0, bytes([0, 0, 1, 0], u32(index), u32(0), u32(0)), attr(3, cstr(name))));
      } else if (m.flags & NLM_F_ACK) {
        replies.push(nlerror(m.seq, 0, m));
      }
    }
    kk.deliver(...replies);
  });
}

test('set, address, neighbour and route requests with ifindexes keep call order', async (t) => {
  const k = new FakeKernel((msgs, kk) => kk.deliver(...msgs.filter((m) => m.flags & 4).map((m) => nlerror(m.seq, 0, m))));
  const restore = k.install();
  t.teardown(restore);
  const nl = await RtNetlink.open();
  await Promise.all([
    nl.links.set(5, { up: true }),
    nl.addresses.add({ link: 5, address: '10.44.0.1/24' }),
    nl.neighbors.add({ link: 5, dst: '10.44.0.9', lladdr: '02:00:00:00:00:09' }),
    nl.routes.add({ dst: '10.45.0.0/16', gateway: '10.44.0.254', oif: 5 }),
    nl.links.set(5, { master: null }),
  ]);
  nl.close();
  t.is(k.datagrams.length, 1);
  t.deepEqual(k.sent.map((m) => m.type), [16, 20, 28, 24, 16]);
});

test('a call that looks a name up keeps its place: the calls made after it are sent after it (an address, then a route via it)', async (t) => {
  const k = kernel({ eth0: 7 });
  t.teardown(k.install());
  const nl = await RtNetlink.open();
  await Promise.all([
    nl.addresses.add({ link: 'eth0', address: '10.44.0.1/24' }),
    nl.routes.add({ dst: '10.45.0.0/16', gateway: '10.44.0.254' }),
    nl.neighbors.add({ link: 7, dst: '10.44.0.9', lladdr: '02:00:00:00:00:09' }),
  ]);
  nl.close();
  t.deepEqual(k.sent.map((m) => m.type), [RTM_GETLINK, RTM_NEWADDR, RTM_NEWROUTE, RTM_NEWNEIGH]);
});

test('lookups made after a waiting call wait too (they see what was asked before them); each call goes in its turn', async (t) => {
  const k = kernel({ a0: 3, b0: 4 });
  t.teardown(k.install());
  const nl = await RtNetlink.open();
  const [, , , many] = await Promise.all([
    nl.addresses.add({ link: 'a0', address: '10.1.0.1/24' }),
    nl.routes.add({ dst: '10.2.0.0/16', oif: 'b0' }),
    nl.neighbors.add({ link: 3, dst: '10.1.0.9', lladdr: '02:00:00:00:00:09' }),
    nl.neighbors.addMany([{ link: 'b0', dst: '10.1.0.10', lladdr: '02:00:00:00:00:0a' }]),
    nl.links.set(3, { up: true }),
  ]);
  t.deepEqual(many, [{ status: 'fulfilled' }]);
  nl.close();
  t.deepEqual(k.sent.map((m) => m.type), [RTM_GETLINK, RTM_NEWADDR, RTM_GETLINK, RTM_NEWROUTE, RTM_NEWNEIGH, RTM_GETLINK, RTM_NEWNEIGH, RTM_NEWLINK]);
  t.deepEqual(k.sent.filter((m) => m.type === RTM_GETLINK).map((m) => requestedName(m.payload)), ['a0', 'b0', 'b0']);
});

test('a failed lookup gives the place up: that call rejects with ENODEV, the later ones are sent', async (t) => {
  const k = kernel({});
  t.teardown(k.install());
  const nl = await RtNetlink.open();
  const [missing, route] = await Promise.allSettled([
    nl.addresses.add({ link: 'nope0', address: '10.44.0.1/24' }),
    nl.routes.add({ dst: '10.45.0.0/16', oif: 5 }),
  ]);
  nl.close();
  t.is(missing.status, 'rejected');
  t.is((missing as PromiseRejectedResult).reason.code, 'ENODEV');
  t.is(route.status, 'fulfilled');
  t.deepEqual(k.sent.map((m) => m.type), [RTM_GETLINK, RTM_NEWROUTE]);
});

test('links.add with a master by name, then a set by index: the add goes first', async (t) => {
  const k = kernel({ br0: 9 });
  t.teardown(k.install());
  const nl = await RtNetlink.open();
  const add = nl.links.add({ name: 'p0', kind: 'veth', master: 'br0', peer: { name: 'p1' } });
  const set = nl.links.set(12, { mtu: 1400 });
  await set;
  // The echo brought no link back: add reads it (a GET by name, answered ENODEV here).
  await t.throwsAsync(add, { code: 'ENODEV' });
  nl.close();
  const types = k.sent.map((m) => m.type);
  t.deepEqual(types.slice(0, 3), [RTM_GETLINK, RTM_NEWLINK, RTM_NEWLINK]);
  t.not(k.sent[1]!.flags & 0x400, 0, 'the first RTM_NEWLINK is the create (NLM_F_CREATE)');
  t.is(k.sent[2]!.flags & 0x400, 0, 'the second is the set');
});

test('closing the handle while calls wait their turn rejects them all with ERR_NL_CLOSED, none hangs', async (t) => {
  // A kernel that never answers: the lookup waits until the handle closes.
  const k = new FakeKernel(() => {});
  t.teardown(k.install());
  const nl = await RtNetlink.open();
  const calls = [
    nl.addresses.add({ link: 'eth0', address: '10.44.0.1/24' }),
    nl.routes.add({ dst: '10.45.0.0/16', oif: 5 }),
    nl.neighbors.addMany([{ link: 5, dst: '10.1.0.10', lladdr: '02:00:00:00:00:0a' }]),
    nl.routes.list(),
  ];
  await new Promise((r) => setImmediate(r));
  t.deepEqual(k.sent.map((m) => m.type), [RTM_GETLINK], 'only the lookup went out');
  nl.close();
  const results = await Promise.allSettled(calls);
  for (const r of results.slice(0, 2)) {
    t.is(r.status, 'rejected');
    t.true((r as PromiseRejectedResult).reason instanceof ProtocolError);
    t.is((r as PromiseRejectedResult).reason.code, 'ERR_NL_CLOSED');
  }
  t.is(results[2]!.status, 'rejected', 'the bulk call too');
  t.is(results[3]!.status, 'rejected', 'and the dump');
  t.deepEqual(k.sent.map((m) => m.type), [RTM_GETLINK]);
});

test('a rename by name, then a set of the new name: the rename\'s lookup and request go first, the set after', async (t) => {
  const k = kernel({ a0: 3 });
  t.teardown(k.install());
  const nl = await RtNetlink.open();
  await Promise.all([
    nl.links.set('a0', { name: 'b0' }),
    nl.links.set('b0', { mtu: 1400 }),
    nl.routes.add({ dst: '10.45.0.0/16', oif: 3 }),
  ]);
  nl.close();
  t.deepEqual(k.sent.map((m) => m.type), [RTM_GETLINK, RTM_NEWLINK, RTM_NEWLINK, RTM_NEWROUTE]);
  t.is(requestedName(k.sent[0]!.payload), 'a0');
  t.is(k.sent[1]!.payload.readInt32LE(4), 3, 'the rename names the link by ifindex');
  t.is(requestedName(k.sent[2]!.payload), 'b0', 'the set names the new name');
});

test('the lookup is answered later, after the later calls are made: they wait, then follow in order (three times in a row)', async (t) => {
  const held: SentMessage[] = [];
  const k = new FakeKernel((msgs, kk) => {
    const acks: Buffer[] = [];
    for (const m of msgs) {
      if (m.type === RTM_GETLINK) held.push(m);
      else if (m.flags & NLM_F_ACK) acks.push(nlerror(m.seq, 0, m));
    }
    if (acks.length > 0) kk.deliver(...acks);
  });
  t.teardown(k.install());
  const nl = await RtNetlink.open();
  const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
  for (let round = 0; round < 3; round++) {
    const before = k.sent.length;
    const calls = Promise.all([
      nl.addresses.add({ link: `e${round}`, address: `10.${round}.0.1/24` }),
      nl.routes.add({ dst: `10.${round + 100}.0.0/16`, gateway: `10.${round}.0.254` }),
      nl.links.set(7, { up: true }),
    ]);
    // The consumer is waiting: only the lookup left, and nothing more goes out while it is unanswered.
    await tick();
    await tick();
    t.deepEqual(k.sent.slice(before).map((m) => m.type), [RTM_GETLINK], `round ${round}: waiting`);
    // The answer comes now.
    const m = held.shift()!;
    k.deliver(nlmsg(RTM_NEWLINK, 0, m.seq, 0, bytes([0, 0, 1, 0], u32(20 + round), u32(0), u32(0)), attr(3, cstr(`e${round}`))));
    k.wake();
    await calls;
    t.deepEqual(k.sent.slice(before).map((x) => x.type), [RTM_GETLINK, RTM_NEWADDR, RTM_NEWROUTE, RTM_NEWLINK], `round ${round}: in order`);
    t.is(k.sent[before + 1]!.payload.readUInt32LE(4), 20 + round, 'the address went to the ifindex the late answer gave');
  }
  nl.close();
});
