// links.addMany against a fake kernel, byte for byte: one RTM_NEWLINK per item as links.add writes
// it but without NLM_F_ECHO, packed into one datagram with a single ACK; an item the kernel refuses
// fails alone; follow-ups (alias, a peer's up) by name, and the undo of an item whose follow-up
// fails; items naming a link an earlier item makes wait for it (a second wave).
import test from 'ava';
import { NetlinkError, ValidationError } from '../../../../lib/netlink/core/errors.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST } from '../../../../lib/netlink/core/protocol.js';
import { linkBody, type LinkBody } from '../../../../lib/netlink/rtnl/link/codec.js';
import * as C from '../../../../lib/netlink/rtnl/link/constants.js';
import { RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK } from '../../../../lib/netlink/rtnl/rtm.js';
import { attr, cstr, nlerror, nlmsg } from '../../../helpers/bytes.js';
import { FakeKernel, type SentMessage } from '../../../helpers/fake-kernel.js';
import { ackingKernel, withLinks } from './fixtures.js';
import type { BulkResult } from '../../../../lib/netlink/transport/connection.js';

/** The error of a rejected result (fails the test's types otherwise). */
function reasonOf(r: BulkResult | undefined): NetlinkError {
  if (r?.status !== 'rejected' || !(r.reason instanceof NetlinkError)) throw new Error(`not a NetlinkError rejection: ${String(r?.status)}`);
  return r.reason;
}

function body(m: SentMessage): LinkBody {
  return linkBody.decode(m.payload, 0, m.payload.length, 'link');
}

/**
 * A kernel as rtnetlink answers a batch: an error for a refused message, an ACK only where asked;
 * `refuse` says which messages fail (an errno) and `ifindexOf` answers RTM_GETLINK by name.
 */
function batchKernel(refuse: (m: SentMessage, b: LinkBody) => number, ifindexOf: (name: string) => number = () => 0): FakeKernel {
  return new FakeKernel((msgs, k) => {
    for (const m of msgs) {
      const b = body(m);
      if (m.type === RTM_GETLINK) {
        const name = b.attributes.ifname ?? '';
        const ifindex = ifindexOf(name);
        if (ifindex === 0) {
          k.deliver(nlerror(m.seq, 19, { type: m.type, flags: m.flags }));
          continue;
        }
        const ifi = Buffer.alloc(16);
        ifi.writeInt32LE(ifindex, 4);
        k.deliver(nlmsg(RTM_NEWLINK, 0, m.seq, 4242, ifi, attr(C.IFLA_IFNAME, cstr(name))));
        continue;
      }
      const errno = refuse(m, b);
      if (errno !== 0 || (m.flags & NLM_F_ACK) !== 0) k.deliver(nlerror(m.seq, errno, { type: m.type, flags: m.flags }));
    }
  });
}

test.serial('addMany: each item as links.add writes it, without NLM_F_ECHO, in one datagram with one ACK; results in order', async (t) => {
  const items = [
    { name: 'br0', kind: 'bridge', mtu: 1400, data: { stpState: 1 } },
    { name: 'v0', kind: 'veth', peer: { name: 'v1', mtu: 1300 } },
    { name: 'i0', kind: 'ifb', index: 77, txqlen: 5 },
  ] as const;
  // What links.add sends for each item (its own request, with NLM_F_ECHO).
  const single: LinkBody[] = [];
  for (const item of items) {
    await withLinks(ackingKernel(), async (links, kernel) => {
      await links.add(item);
      single.push(body(kernel.sent[0]!));
    });
  }
  const kernel = batchKernel(() => 0);
  await withLinks(kernel, async (links) => {
    const results = await links.addMany(items);
    t.deepEqual(results, [{ status: 'fulfilled' }, { status: 'fulfilled' }, { status: 'fulfilled' }]);
  });
  t.is(kernel.datagrams.length, 1);
  t.deepEqual(kernel.sent.map((m) => m.type), [RTM_NEWLINK, RTM_NEWLINK, RTM_NEWLINK]);
  t.deepEqual(kernel.sent.map((m) => m.flags), [
    NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK,
  ]);
  t.deepEqual(kernel.sent.map(body), single);
});

test.serial('addMany: a refused item fails alone with its errno; the others are created', async (t) => {
  const kernel = batchKernel((m, b) => (m.type === RTM_NEWLINK && b.attributes.ifname === 'b1' ? 17 : 0));
  await withLinks(kernel, async (links) => {
    const results = await links.addMany([{ name: 'b0', kind: 'ifb' }, { name: 'b1', kind: 'ifb' }, { name: 'b2', kind: 'ifb' }]);
    t.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    const e = reasonOf(results[1]);
    t.true(e instanceof NetlinkError);
    t.is(e.code, 'EEXIST');
  });
});

test.serial('addMany: an alias and a veth peer\'s up follow by name; an item whose follow-up fails is deleted and fails with it', async (t) => {
  // The alias of a1 is refused (as a kernel would refuse an attribute it cannot apply).
  const kernel = batchKernel((m, b) => (m.type === RTM_NEWLINK && b.attributes.ifname === 'a1' && b.attributes.ifalias !== undefined ? 28 : 0));
  await withLinks(kernel, async (links) => {
    const results = await links.addMany([
      { name: 'a0', kind: 'ifb', alias: 'first' },
      { name: 'a1', kind: 'ifb', alias: 'second' },
      { name: 'v0', kind: 'veth', peer: { name: 'v1', up: true } },
    ]);
    t.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    t.is(reasonOf(results[1]).code, 'ENOSPC');
  });
  const sent = kernel.sent;
  t.deepEqual(sent.map((m) => m.type), [RTM_NEWLINK, RTM_NEWLINK, RTM_NEWLINK, RTM_NEWLINK, RTM_NEWLINK, RTM_NEWLINK, RTM_DELLINK]);
  // The creations carry no alias (the kernel ignores it there) …
  t.deepEqual(sent.slice(0, 3).map((m) => body(m).attributes.ifalias), [undefined, undefined, undefined]);
  // … the follow-ups name the links, with the alias or IFF_UP …
  t.deepEqual(sent.slice(3, 6).map((m) => m.flags & ~NLM_F_ACK), [NLM_F_REQUEST, NLM_F_REQUEST, NLM_F_REQUEST]);
  t.deepEqual(sent.slice(3, 6).map((m) => [body(m).attributes.ifname, body(m).attributes.ifalias, body(m).header.flags, body(m).header.change]),
    [['a0', 'first', 0, 0], ['a1', 'second', 0, 0], ['v1', undefined, C.IFF_UP, C.IFF_UP]]);
  // … and the link whose follow-up failed is deleted again.
  t.is(body(sent[6]!).attributes.ifname, 'a1');
});

test.serial('addMany: an item naming a link an earlier item makes is sent after it, with that link\'s ifindex', async (t) => {
  const made = new Map<string, number>();
  let next = 10;
  const kernel = batchKernel((m, b) => {
    if (m.type === RTM_NEWLINK && b.attributes.ifname !== undefined) made.set(b.attributes.ifname, next++);
    return 0;
  }, (name) => made.get(name) ?? 0);
  await withLinks(kernel, async (links) => {
    const results = await links.addMany([
      { name: 'br0', kind: 'bridge' },
      { name: 'p0', kind: 'ifb', master: 'br0' },
      { name: 'x0', kind: 'ifb' },
      // A name an earlier item does not make is resolved with the first wave (and is missing here).
      { name: 'p1', kind: 'ifb', master: 'later' },
      { name: 'later', kind: 'bridge' },
    ]);
    t.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    t.is(reasonOf(results[3]).link, 'later');
  });
  const order = kernel.sent.map((m) => `${m.type === RTM_GETLINK ? 'get' : 'new'} ${body(m).attributes.ifname ?? ''}`);
  t.deepEqual(order, ['get later', 'new br0', 'new x0', 'new later', 'get br0', 'new p0']);
  t.is(body(kernel.sent[5]!).attributes.master, made.get('br0'));
});

test.serial('addMany refuses a bad item before anything is sent, naming it', async (t) => {
  const kernel = batchKernel(() => 0);
  await withLinks(kernel, async (links) => {
    const cases: Array<[unknown, string]> = [
      [5, 'items'],
      [[null], 'items[0]'],
      [[{ name: 'ok0', kind: 'ifb' }, { name: 'a/b', kind: 'ifb' }], 'items[1].name'],
      [[{ name: 'ok0', kind: 'nonsense' }], 'items[0].kind'],
      [[{ name: 't0', kind: 'tun', data: { type: 'tap' } }], 'items[0].kind'],
      [[{ name: 'v0', kind: 'veth', peer: { up: true } }], 'items[0].peer.name'],
      [[{ name: 'v0', kind: 'veth', peer: { name: 'v1', mtu: NaN } }], 'items[0].peer.mtu'],
      [[{ name: 'b0', kind: 'bridge', data: { stpState: 'on' } }], 'items[0].data.stpState'],
      [[{ name: 'b0', kind: 'ifb', extra: 1 }], 'items[0].extra'],
    ];
    for (const [items, field] of cases) {
      const e = await t.throwsAsync(links.addMany(items as never), { instanceOf: ValidationError }, field);
      t.is(e.field, field);
    }
  });
  t.is(kernel.sent.length, 0);
});

test.serial('addMany: a call failing as a whole in a later wave deletes what the earlier waves made, then rejects', async (t) => {
  // The lookup of br0 (for the second wave) gets a reply that does not parse: the call fails as a whole.
  const kernel = new FakeKernel((msgs, k) => {
    for (const m of msgs) {
      if (m.type === RTM_GETLINK) {
        k.deliver(nlmsg(RTM_NEWLINK, 0, m.seq, 4242, Buffer.alloc(3)));
        continue;
      }
      if ((m.flags & NLM_F_ACK) !== 0) k.deliver(nlerror(m.seq, 0, { type: m.type, flags: m.flags }));
    }
  });
  await withLinks(kernel, async (links) => {
    await t.throwsAsync(links.addMany([{ name: 'br0', kind: 'bridge' }, { name: 'x0', kind: 'ifb' }, { name: 'p0', kind: 'ifb', master: 'br0' }]));
  });
  const order = kernel.sent.map((m) => `${m.type === RTM_GETLINK ? 'get' : m.type === RTM_DELLINK ? 'del' : 'new'} ${body(m).attributes.ifname ?? ''}`);
  t.deepEqual(order, ['new br0', 'new x0', 'get br0', 'del br0', 'del x0']);
});
