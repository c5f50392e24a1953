// links.add / links.set options against the real kernel, `ip -j -d link` as the oracle: explicit
// ifindexes (ifi_index, IFLA_NEW_IFINDEX), every veth peer setting, the promisc / allmulticast /
// multicast / arp switches, aliases (set after creation, looked up by dump), and the link add
// resolves to (NLM_F_ECHO).
import { NetlinkError, ValidationError } from '../../../../lib/netlink/index.js';
import { ipJson, liveTest, tempNetns } from '../../../helpers/netns.js';

interface IpLink {
  altnames?: string[]; inet6_addr_gen_mode?: string; gso_max_size?: number; gso_max_segs?: number; gro_max_size?: number;
  ifindex: number; ifname: string; mtu: number; address: string; broadcast: string; flags: string[]; group: string;
  txqlen: number; ifalias?: string; promiscuity: number; allmulti: number; num_tx_queues: number; num_rx_queues: number;
  link?: string; link_index?: number;
}

function show(ns: string, name: string): IpLink {
  return ipJson<IpLink[]>(ns, ['-d', 'link', 'show', 'dev', name])[0]!;
}

liveTest('a veth pair with every setting on both ends, ifindexes chosen: as ip shows it, and add resolves to the link', async (t) => {
  const { name: ns, nl } = await tempNetns(t);
  const link = await nl.links.add({
    name: 'a0', kind: 'veth', index: 50, numTxQueues: 3, numRxQueues: 2, txqlen: 7, mtu: 1400, mac: '02:00:00:00:00:0a',
    group: 5, alias: 'near end', promisc: true, allmulticast: true, multicast: false, arp: false, up: true,
    peer: {
      name: 'b0', index: 60, numTxQueues: 4, numRxQueues: 5, txqlen: 9, mtu: 1300, mac: '02:00:00:00:00:0b',
      broadcast: '02:ff:ff:ff:ff:ff', group: 6, alias: 'far end', promisc: true, allmulticast: true, multicast: false,
      arp: false, up: true,
    },
  });
  const a = show(ns, 'a0');
  const b = show(ns, 'b0');
  t.like(a, { ifindex: 50, num_tx_queues: 3, num_rx_queues: 2, txqlen: 7, mtu: 1400, address: '02:00:00:00:00:0a', group: '5', ifalias: 'near end', promiscuity: 1, allmulti: 1 });
  t.like(b, {
    ifindex: 60, num_tx_queues: 4, num_rx_queues: 5, txqlen: 9, mtu: 1300, address: '02:00:00:00:00:0b', broadcast: '02:ff:ff:ff:ff:ff',
    group: '6', ifalias: 'far end', promiscuity: 1, allmulti: 1,
  });
  for (const l of [a, b]) {
    for (const f of ['UP', 'PROMISC', 'ALLMULTI', 'NOARP']) t.true(l.flags.includes(f), `${l.ifname} ${f}`);
    t.false(l.flags.includes('MULTICAST'), l.ifname);
  }
  // The link add resolved to, read again after the alias and the peer's up.
  t.is(link.ifindex, 50);
  t.is(link.name, 'a0');
  t.is(link.link, 60);
  t.is(link.alias, 'near end');
  t.true(link.flags.promisc && link.flags.allmulti && link.flags.noarp && !link.flags.multicast && link.flags.up);
  t.is(link.numTxQueues, 3);
});

liveTest('add resolves to the new link in one request (NLM_F_ECHO): the same link a GET returns', async (t) => {
  const { name: ns, nl } = await tempNetns(t);
  const link = await nl.links.add({ name: 'br0', kind: 'bridge', mtu: 1400, mac: '02:00:00:00:00:01' });
  const ip = show(ns, 'br0');
  const got = await nl.links.get('br0');
  t.is(link.ifindex, ip.ifindex);
  t.is(link.kind, 'bridge');
  t.is(link.mtu, 1400);
  t.is(link.mac, ip.address);
  t.deepEqual([link.ifindex, link.name, link.kind, link.mtu, link.mac, link.group, link.txqlen],
    [got.ifindex, got.name, got.kind, got.mtu, got.mac, got.group, got.txqlen]);
  const veth = await nl.links.add({ name: 'v0', kind: 'veth', peer: { name: 'v1' } });
  t.is(veth.link, show(ns, 'v1').ifindex);
});

liveTest('the switches on and off in links.set: ip sees the flags, and the promiscuity/allmulti counts return to 0', async (t) => {
  const { name: ns, nl } = await tempNetns(t);
  await nl.links.add({ name: 'v0', kind: 'veth', peer: { name: 'v1' } });
  await nl.links.set('v0', { promisc: true, allmulticast: true, arp: false, multicast: false, up: true });
  let v0 = show(ns, 'v0');
  t.like(v0, { promiscuity: 1, allmulti: 1 });
  t.true(v0.flags.includes('PROMISC') && v0.flags.includes('ALLMULTI') && v0.flags.includes('NOARP'));
  t.false(v0.flags.includes('MULTICAST'));
  // Asking twice counts once, as for ip (the kernel keeps the caller's request in gflags).
  await nl.links.set('v0', { promisc: true });
  t.is(show(ns, 'v0').promiscuity, 1);
  await nl.links.set('v0', { promisc: false, allmulticast: false, arp: true, multicast: true });
  v0 = show(ns, 'v0');
  t.like(v0, { promiscuity: 0, allmulti: 0 });
  t.false(v0.flags.includes('PROMISC') || v0.flags.includes('ALLMULTI') || v0.flags.includes('NOARP'));
  t.true(v0.flags.includes('MULTICAST') && v0.flags.includes('UP'));
  const link = await nl.links.get('v0');
  t.false(link.flags.noarp);
  t.is(link.promiscuity, 0);
});

liveTest('lookup by alias: get the first link with it, list all of them; a missing alias is ENODEV naming it', async (t) => {
  const { nl } = await tempNetns(t);
  await nl.links.add({ name: 'a0', kind: 'bridge', alias: 'uplink' });
  await nl.links.add({ name: 'a1', kind: 'bridge' });
  await nl.links.set('a1', { alias: 'uplink' });
  await nl.links.add({ name: 'a2', kind: 'bridge', alias: 'other' });
  const first = await nl.links.get({ alias: 'uplink' });
  t.is(first.name, 'a0');
  t.true(first.stats !== undefined, 'the full link, statistics included');
  t.deepEqual((await nl.links.list({ alias: 'uplink' })).map((l) => l.name), ['a0', 'a1']);
  const streamed: string[] = [];
  for await (const l of nl.links.stream({ alias: 'other' })) streamed.push(l.name);
  t.deepEqual(streamed, ['a2']);
  const e = await t.throwsAsync(nl.links.get({ alias: 'nowhere' }), { instanceOf: NetlinkError });
  t.is(e.code, 'ENODEV');
  t.regex(e.message, /link with alias "nowhere" does not exist$/);
  t.is(e.alias, 'nowhere');
});

liveTest('ifindexes: a taken one is EEXIST; a link moved with netns and index takes that index there (IFLA_NEW_IFINDEX)', async (t) => {
  const a = await tempNetns(t);
  const b = await tempNetns(t);
  await a.nl.links.add({ name: 'x0', kind: 'veth', index: 40, peer: { name: 'x9' } });
  const e = await t.throwsAsync(a.nl.links.add({ name: 'x1', kind: 'bridge', index: 40 }), { instanceOf: NetlinkError });
  t.is(e.code, 'EEXIST');
  // A bridge cannot change namespace (NETIF_F_NETNS_LOCAL); a veth end can.
  await a.nl.links.set('x0', { netns: b.path, index: 77 });
  t.is(show(b.name, 'x0').ifindex, 77);
  // Created elsewhere: not visible from this handle, so add resolves to undefined.
  const r = await a.nl.links.add({ name: 'x2', kind: 'veth', netns: b.path, index: 90, peer: { name: 'x3', index: 91, netns: b.path, numTxQueues: 2 } });
  t.is(r, undefined);
  t.like(show(b.name, 'x2'), { ifindex: 90 });
  t.like(show(b.name, 'x3'), { ifindex: 91, num_tx_queues: 2 });
});

liveTest('GSO/GRO limits in add and set, the IPv6 address generation mode, alternative names: as ip shows them', async (t) => {
  const { name: ns, nl } = await tempNetns(t);
  await nl.links.add({ name: 'br0', kind: 'bridge', gsoMaxSize: 30000, gsoMaxSegs: 100, groMaxSize: 40000 });
  t.like(show(ns, 'br0'), { gso_max_size: 30000, gso_max_segs: 100, gro_max_size: 40000 });
  await nl.links.set('br0', { gsoMaxSize: 20000, addrGenMode: 'none' });
  t.like(show(ns, 'br0'), { gso_max_size: 20000, inet6_addr_gen_mode: 'none' });
  t.is((await nl.links.get('br0')).addrGenMode, 'none');
  // The kernel refuses an address generation mode at creation; the library offers it in set only.
  await t.throwsAsync(nl.links.add({ name: 'br1', kind: 'bridge', addrGenMode: 'none' } as never), { message: /^addrGenMode: unknown option/ });
  await nl.links.addAltName('br0', ['a-rather-long-alternative-name', 'second']);
  t.deepEqual(show(ns, 'br0').altnames, ['a-rather-long-alternative-name', 'second']);
  // A link is found by an alternative name: past 15 bytes it travels in IFLA_ALT_IFNAME.
  t.deepEqual((await nl.links.get('a-rather-long-alternative-name')).altNames, ['a-rather-long-alternative-name', 'second']);
  t.is((await nl.links.get('second')).name, 'br0');
  t.is(await nl.links.index('a-rather-long-alternative-name'), show(ns, 'br0').ifindex);
  await t.throwsAsync(nl.links.get('a-missing-alternative-name'), { instanceOf: NetlinkError, code: 'ENODEV', message: /link "a-missing-alternative-name" does not exist/ });
  const dup = await t.throwsAsync(nl.links.addAltName('br0', 'second'), { instanceOf: NetlinkError });
  t.is(dup.code, 'EEXIST');
  await nl.links.delAltName(show(ns, 'br0').ifindex, 'second');
  t.deepEqual(show(ns, 'br0').altnames, ['a-rather-long-alternative-name']);
  const missing = await t.throwsAsync(nl.links.delAltName('br0', 'second'), { instanceOf: NetlinkError });
  t.is(missing.code, 'ENOENT');
  await t.throwsAsync(nl.links.addAltName('nope0', 'x'), { instanceOf: NetlinkError, code: 'ENODEV', message: /link "nope0" does not exist/ });
});

liveTest('list({ stats: false }): the kernel leaves out IPv6\'s per-protocol counters, and still sends the link\'s own', async (t) => {
  const { nl } = await tempNetns(t);
  const [full] = await nl.links.list();
  const [lean] = await nl.links.list({ stats: false });
  t.is(full!.name, 'lo');
  t.truthy(lean!.stats, 'IFLA_STATS64 is sent either way');
  const inet6 = (l: typeof full): Record<string, unknown> => (l!.attributes.afSpec as { inet6?: Record<string, unknown> } | undefined)?.inet6 ?? {};
  t.truthy(inet6(full).stats);
  t.truthy(inet6(full).icmp6stats);
  t.is(inet6(lean).stats, undefined);
  t.is(inet6(lean).icmp6stats, undefined);
  t.true(lean!.raw.length < full!.raw.length);
});

liveTest('port options of another master\'s kind are refused and change nothing (the kernel would apply them as its master\'s)', async (t) => {
  const { name, nl } = await tempNetns(t);
  await nl.links.add({ name: 'br0', kind: 'bridge' });
  await nl.links.add({ name: 'p1', kind: 'ifb', master: 'br0' });
  const guard = (): unknown => (ipJson<Array<{ linkinfo?: { info_slave_data?: { guard?: boolean } } }>>(name, ['-d', 'link', 'show', 'p1'])[0]
    ?.linkinfo?.info_slave_data?.guard);
  t.is(guard(), false);
  // bond's IFLA_BOND_SLAVE_QUEUE_ID is 5, as is the bridge's IFLA_BRPORT_GUARD: sent, it would set guard.
  await t.throwsAsync(nl.links.set('p1', { slaveKind: 'bond', slaveData: { queueId: 1 } }), { instanceOf: ValidationError, message: /^slaveKind: link p1 is a port of a bridge/ });
  t.is(guard(), false);
  await nl.links.set('p1', { slaveData: { guard: true } });
  t.is(guard(), true);
});
