// links.add returning the new link (NLM_F_ECHO, with the GET fallback of kernels that do not echo),
// the requests after a creation (alias, a veth peer's up/alias) and their undo, the IFF_* switches
// and ifindexes in ifinfomsg, and links.get({ alias }) — against a fake kernel, byte for byte.
import test from 'ava';
import { NetlinkError, ValidationError } from '../../../../lib/netlink/core/errors.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL, NLM_F_REQUEST } from '../../../../lib/netlink/core/protocol.js';
import { decodeLinkMessage, linkBody, type LinkBody } from '../../../../lib/netlink/rtnl/link/codec.js';
import * as C from '../../../../lib/netlink/rtnl/link/constants.js';
import { RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK } from '../../../../lib/netlink/rtnl/rtm.js';
import { attr, cstr, nldone, nlerror, nlmsg } from '../../../helpers/bytes.js';
import { FakeKernel, type SentMessage } from '../../../helpers/fake-kernel.js';
import { FAKE_IFINDEX, ackingKernel, echoOf, withLinks } from './fixtures.js';

/** The body of a sent link request. */
function body(m: SentMessage): LinkBody {
  return linkBody.decode(m.payload, 0, m.payload.length, 'link');
}

/** A link message for the fake kernel's replies: ifindex, name and optional alias / IFLA_LINK. */
function linkMessage(type: number, seq: number, flags: number, ifindex: number, name: string, more: Buffer[] = []): Buffer {
  const ifi = Buffer.alloc(16);
  ifi.writeInt32LE(ifindex, 4);
  return nlmsg(type, flags, seq, 4242, ifi, attr(C.IFLA_IFNAME, cstr(name)), ...more);
}

test.serial('add sends one RTM_NEWLINK with NLM_F_ECHO and resolves to the link the kernel echoed', async (t) => {
  await withLinks(ackingKernel(), async (links, kernel) => {
    const link = await links.add({ name: 'br0', kind: 'bridge', mtu: 1400 });
    t.is(kernel.sent.length, 1);
    t.is(kernel.sent[0]!.flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO | NLM_F_EXCL | NLM_F_CREATE);
    t.is(link.ifindex, FAKE_IFINDEX);
    t.is(link.name, 'br0');
    t.is(link.mtu, 1400);
  });
});

test.serial('a kernel that does not echo (before 6.3): add reads the new link by name, one RTM_GETLINK more', async (t) => {
  const kernel = ackingKernel((m) => linkMessage(RTM_NEWLINK, m.seq, 0, 7, 'br0'), false);
  await withLinks(kernel, async (links) => {
    const link = await links.add({ name: 'br0', kind: 'bridge' });
    t.deepEqual(kernel.sent.map((m) => m.type), [RTM_NEWLINK, RTM_GETLINK]);
    t.is(decodeLinkMessage(nlmsg(RTM_GETLINK, 0, 0, 0, kernel.sent[1]!.payload)).attributes.ifname, 'br0');
    t.is(link.ifindex, 7);
  });
});

test.serial('an error after the echo rejects: the kernel undid the creation (e.g. a master it could not set)', async (t) => {
  const kernel = new FakeKernel((msgs, k) => {
    for (const m of msgs) {
      if (m.type === RTM_NEWLINK) k.deliver(echoOf(m));
      k.deliver(nlerror(m.seq, 95, { type: m.type, flags: m.flags }));
    }
  });
  await withLinks(kernel, async (links) => {
    const e = await t.throwsAsync(links.add({ name: 'v0', kind: 'veth', master: 3 }), { instanceOf: NetlinkError });
    t.is(e.code, 'EOPNOTSUPP');
  });
});

test.serial('a link created in another namespace: no NLM_F_ECHO (the kernel would echo it there), resolves to undefined', async (t) => {
  await withLinks(ackingKernel(), async (links, kernel) => {
    const r = await links.add({ name: 'br0', kind: 'bridge', netns: 9 });
    t.is(r, undefined);
    t.is(kernel.sent.length, 1);
    t.is(kernel.sent[0]!.flags & NLM_F_ECHO, 0);
    t.is(body(kernel.sent[0]!).attributes.netNsFd, 9);
  });
});

test.serial('an alias is set by a second request (the kernel ignores IFLA_IFALIAS at creation), then the link is read again', async (t) => {
  const kernel = ackingKernel((m) => linkMessage(RTM_NEWLINK, m.seq, 0, FAKE_IFINDEX, 'br0', [attr(C.IFLA_IFALIAS, cstr('uplink'))]));
  await withLinks(kernel, async (links) => {
    const link = await links.add({ name: 'br0', kind: 'bridge', alias: 'uplink' });
    const [create, followUp, get] = kernel.sent;
    t.deepEqual(kernel.sent.map((m) => m.type), [RTM_NEWLINK, RTM_NEWLINK, RTM_GETLINK]);
    t.is(body(create!).attributes.ifalias, undefined);
    t.is(followUp!.flags, NLM_F_REQUEST | NLM_F_ACK);
    t.deepEqual(body(followUp!), { header: { family: 0, type: 0, index: FAKE_IFINDEX, flags: 0, change: 0 }, attributes: { ifalias: 'uplink' } });
    t.is(body(get!).header.index, FAKE_IFINDEX);
    t.is(link.alias, 'uplink');
  });
});

test.serial('a veth peer: every setting in VETH_INFO_PEER, its ifindex in the peer ifinfomsg, up and alias afterwards', async (t) => {
  const kernel = ackingKernel((m) => linkMessage(RTM_NEWLINK, m.seq, 0, 50, 'a0'));
  await withLinks(kernel, async (links) => {
    await links.add({
      name: 'a0', kind: 'veth', index: 50, numTxQueues: 3, promisc: true, arp: false,
      peer: {
        name: 'b0', index: 60, numTxQueues: 4, numRxQueues: 5, txqlen: 9, mtu: 1300, mac: '02:00:00:00:00:0b',
        broadcast: '02:ff:ff:ff:ff:ff', group: 6, alias: 'far end', up: true, promisc: true, allmulticast: true,
        multicast: false, arp: false,
      },
    });
    const [create, peerUp] = kernel.sent;
    const b = body(create!);
    t.deepEqual(b.header, { family: 0, type: 0, index: 50, flags: C.IFF_PROMISC | C.IFF_NOARP, change: C.IFF_PROMISC | C.IFF_NOARP });
    t.is(b.attributes.numTxQueues, 3);
    const peer = (b.attributes.linkinfo as { data: { peer: LinkBody } }).data.peer;
    // Up is not asked for in the creation (ENOTCONN): it comes with the alias, by name.
    t.deepEqual(peer.header, {
      family: 0, type: 0, index: 60, flags: C.IFF_PROMISC | C.IFF_ALLMULTI | C.IFF_NOARP,
      change: C.IFF_PROMISC | C.IFF_ALLMULTI | C.IFF_MULTICAST | C.IFF_NOARP,
    });
    t.deepEqual(peer.attributes, {
      ifname: 'b0', mtu: 1300, address: '02:00:00:00:00:0b', broadcast: '02:ff:ff:ff:ff:ff', txqlen: 9, group: 6,
      numTxQueues: 4, numRxQueues: 5,
    });
    t.deepEqual(body(peerUp!), { header: { family: 0, type: 0, index: 0, flags: C.IFF_UP, change: C.IFF_UP }, attributes: { ifname: 'b0', ifalias: 'far end' } });
    t.deepEqual(kernel.sent.map((m) => m.type), [RTM_NEWLINK, RTM_NEWLINK, RTM_GETLINK]);
  });
});

test.serial('an unnamed peer is brought up by the ifindex the kernel reported as the new link\'s IFLA_LINK', async (t) => {
  const kernel = new FakeKernel((msgs, k) => {
    for (const m of msgs) {
      if (m.type === RTM_NEWLINK && (m.flags & NLM_F_ECHO) !== 0) {
        k.deliver(linkMessage(RTM_NEWLINK, m.seq, 0, 41, 've0', [attr(C.IFLA_LINK, Buffer.from([40, 0, 0, 0]))]));
      }
      k.deliver(m.type === RTM_GETLINK ? linkMessage(RTM_NEWLINK, m.seq, 0, 41, 've0') : nlerror(m.seq, 0, { type: m.type, flags: m.flags }));
    }
  });
  await withLinks(kernel, async (links) => {
    await links.add({ name: 've0', kind: 'veth', peer: { up: true } });
    t.deepEqual(body(kernel.sent[1]!), { header: { family: 0, type: 0, index: 40, flags: C.IFF_UP, change: C.IFF_UP }, attributes: {} });
  });
});

test.serial('a failing request after the creation deletes the new link (and its peer) and rejects with its error', async (t) => {
  const kernel = new FakeKernel((msgs, k) => {
    for (const m of msgs) {
      const followUp = m.type === RTM_NEWLINK && (m.flags & NLM_F_CREATE) === 0;
      if ((m.flags & NLM_F_ECHO) !== 0) k.deliver(echoOf(m));
      k.deliver(nlerror(m.seq, followUp ? 22 : 0, { type: m.type, flags: m.flags }));
    }
  });
  await withLinks(kernel, async (links) => {
    const e = await t.throwsAsync(links.add({ name: 'v0', kind: 'veth', peer: { name: 'v1', up: true } }), { instanceOf: NetlinkError });
    t.is(e.code, 'EINVAL');
    t.deepEqual(kernel.sent.map((m) => m.type), [RTM_NEWLINK, RTM_NEWLINK, RTM_DELLINK]);
    t.is(body(kernel.sent[2]!).header.index, FAKE_IFINDEX);
  });
});

test.serial('links.set: promisc, allmulticast, multicast and arp in ifi_flags under ifi_change, as ip link set sends them', async (t) => {
  await withLinks(ackingKernel(), async (links, kernel) => {
    await links.set(3, { promisc: true, allmulticast: false, multicast: true, arp: true, up: true });
    await links.set(3, { arp: false });
    const [a, b] = kernel.sent.map(body);
    t.deepEqual(a!.header, {
      family: 0, type: 0, index: 3, flags: C.IFF_UP | C.IFF_PROMISC | C.IFF_MULTICAST,
      change: C.IFF_UP | C.IFF_PROMISC | C.IFF_ALLMULTI | C.IFF_MULTICAST | C.IFF_NOARP,
    });
    t.deepEqual(b!.header, { family: 0, type: 0, index: 3, flags: C.IFF_NOARP, change: C.IFF_NOARP });
  });
});

test.serial('links.set with netns and index sends IFLA_NEW_IFINDEX', async (t) => {
  await withLinks(ackingKernel(), async (links, kernel) => {
    await links.set(3, { netns: 9, index: 77 });
    t.deepEqual(body(kernel.sent[0]!).attributes, { netNsFd: 9, newIfindex: 77 });
  });
});

test.serial('links.get({ alias }): a dump without statistics, then a GET of the first link with the alias', async (t) => {
  const kernel = new FakeKernel((msgs, k) => {
    for (const m of msgs) {
      if (m.type !== RTM_GETLINK) continue;
      if ((m.flags & 0x300) !== 0) {
        k.deliver(
          linkMessage(RTM_NEWLINK, m.seq, 2, 1, 'lo'),
          linkMessage(RTM_NEWLINK, m.seq, 2, 5, 'a0', [attr(C.IFLA_IFALIAS, cstr('uplink'))]),
          linkMessage(RTM_NEWLINK, m.seq, 2, 6, 'a1', [attr(C.IFLA_IFALIAS, cstr('uplink'))]),
          nldone(m.seq),
        );
      } else {
        k.deliver(linkMessage(RTM_NEWLINK, m.seq, 0, body(m).header.index, 'a0', [attr(C.IFLA_IFALIAS, cstr('uplink'))]));
      }
    }
  });
  await withLinks(kernel, async (links) => {
    const link = await links.get({ alias: 'uplink' });
    t.is(link.ifindex, 5);
    t.is(body(kernel.sent[0]!).attributes.extMask, C.RTEXT_FILTER_VF | C.RTEXT_FILTER_SKIP_STATS);
    t.is(body(kernel.sent[1]!).header.index, 5);
    t.deepEqual((await links.list({ alias: 'uplink' })).map((l) => l.name), ['a0', 'a1']);
    const missing = await t.throwsAsync(links.get({ alias: 'nope' }), { instanceOf: NetlinkError });
    t.is(missing.code, 'ENODEV');
    t.is(missing.message, 'RTM_GETLINK: ENODEV (No such device): link with alias "nope" does not exist');
    t.is(missing.alias, 'nope');
    t.is(missing.link, undefined, 'an alias is not a link name');
  });
});

test.serial('bad index, queues, switches and alias references are ValidationErrors before anything is sent', async (t) => {
  await withLinks(ackingKernel(), async (links, kernel) => {
    const bad: Array<[() => Promise<unknown>, RegExp]> = [
      [() => links.add({ name: 'x0', kind: 'bridge', index: 0 }), /^index: an ifindex/],
      [() => links.add({ name: 'x0', kind: 'bridge', index: -1 }), /^index: /],
      [() => links.add({ name: 'x0', kind: 'bridge', index: 2 ** 31 }), /^index: /],
      [() => links.add({ name: 'x0', kind: 'bridge', index: Number.NaN }), /^index: /],
      [() => links.add({ name: 'x0', kind: 'bridge', index: '5' as never }), /^index: /],
      [() => links.add({ name: 'x0', kind: 'veth', peer: { index: 1.5 } }), /^peer\.index: /],
      [() => links.add({ name: 'x0', kind: 'veth', peer: { numTxQueues: 0 } }), /^peer\.numTxQueues: /],
      [() => links.add({ name: 'x0', kind: 'veth', peer: { numRxQueues: 4097 } }), /^peer\.numRxQueues: /],
      [() => links.add({ name: 'x0', kind: 'veth', peer: { master: 'br0' } as never }), /^peer\.master: unknown option/],
      [() => links.add({ name: 'x0', kind: 'veth', peer: { alias: 'a', netns: 4 } }), /^peer\.alias: /],
      [() => links.add({ name: 'x0', kind: 'veth', netns: 4, peer: { alias: 'a' } }), /^peer\.alias: /],
      [() => links.add({ name: 'x0', kind: 'bridge', alias: 'a', netns: 4 }), /^alias: /],
      [() => links.add({ name: 'x0', kind: 'bridge', promisc: 1 as never }), /^promisc: true or false/],
      [() => links.set('x0', { arp: 'off' as never }), /^arp: /],
      [() => links.set('x0', { multicast: null as never }), /^multicast: /],
      [() => links.set('x0', { allmulticast: Infinity as never }), /^allmulticast: /],
      [() => links.set('x0', { index: 5 }), /^index: an ifindex only changes with a move/],
      [() => links.set('x0', { index: 0, netns: 4 }), /^index: /],
      [() => links.get({ alias: 5 } as never), /^link\.alias: /],
      [() => links.get({ alias: 'a\0b' }), /^link\.alias: an alias cannot contain NUL/],
      [() => links.get({ alias: 'x'.repeat(256) }), /^link\.alias: /],
      [() => links.get({} as never), /^link\.alias: an alias is required/],
      [() => links.get({ alias: 'a', name: 'b' } as never), /^link\.name: unknown option/],
      [() => links.get({ __proto__: { alias: 'a' } } as never), /^link: a plain object/],
      [() => links.get(null as never), /^link: /],
      [() => links.list({ alias: 7 } as never), /^alias: /],
      [() => links.set('x0', { gsoMaxSize: -1 }), /^gsoMaxSize: /],
      [() => links.set('x0', { groIpv4MaxSize: 2 ** 32 }), /^groIpv4MaxSize: /],
      [() => links.set('x0', { addrGenMode: 'constructor' as never }), /^addrGenMode: /],
      [() => links.set('x0', { addrGenMode: 1 as never }), /^addrGenMode: /],
      [() => links.addAltName('x0', ''), /^name: /],
      [() => links.addAltName('x0', 'x'.repeat(128)), /^name: /],
      [() => links.addAltName('x0', 'a b'), /^name: /],
      [() => links.addAltName('x0', []), /^names: /],
      [() => links.delAltName('x0', ['ok', 'a/b']), /^names\[1\]: /],
      [() => links.addAltName('', 'ok'), /^link: /],
      // Past 15 bytes a name may be an alternative name, but not with a space or past 127 bytes.
      [() => links.get('has a space and is long'), /^link: an interface name is at most 15 bytes/],
      [() => links.get('x'.repeat(128)), /^link: an interface name is at most 15 bytes/],
      [() => links.index('x'.repeat(128)), /^link: /],
    ];
    for (const [call, message] of bad) await t.throwsAsync(call(), { instanceOf: ValidationError, message });
    t.is(kernel.datagrams.length, 0, 'nothing was sent');
  });
});

test.serial('alternative names: RTM_NEWLINKPROP / RTM_DELLINKPROP with IFLA_PROP_LIST, flags as ip sends them', async (t) => {
  await withLinks(ackingKernel(), async (links, kernel) => {
    await links.addAltName('v0', 'long-alternative-name');
    await links.delAltName(3, ['a', 'b']);
    const [add, del] = kernel.sent;
    t.deepEqual([add!.type, add!.flags], [108, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL | 0x800]);
    t.deepEqual(body(add!).attributes, { ifname: 'v0', propList: { altIfnames: ['long-alternative-name'] } });
    t.deepEqual([del!.type, del!.flags], [109, NLM_F_REQUEST | NLM_F_ACK]);
    t.deepEqual(body(del!), { header: { family: 0, type: 0, index: 3, flags: 0, change: 0 }, attributes: { propList: { altIfnames: ['a', 'b'] } } });
  });
});

test.serial('a name past 15 bytes is looked up as an alternative name (IFLA_ALT_IFNAME), by get and index', async (t) => {
  const kernel = ackingKernel((m) => linkMessage(RTM_NEWLINK, m.seq, 0, 9, 'br0'));
  await withLinks(kernel, async (links) => {
    t.is((await links.get('a-long-alternative-name')).ifindex, 9);
    t.is(await links.index('a-long-alternative-name'), 9);
    for (const m of kernel.sent) t.deepEqual(body(m).attributes.altIfname, 'a-long-alternative-name');
    t.deepEqual(kernel.sent.map((m) => body(m).attributes.extMask), [C.RTEXT_FILTER_VF, C.RTEXT_FILTER_SKIP_STATS]);
  });
});
