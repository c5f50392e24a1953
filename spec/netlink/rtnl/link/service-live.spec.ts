// nl.links against the real kernel, each test in namespaces of its own, `ip -j -d link` as oracle.
import { NetlinkError, ValidationError } from '../../../../lib/netlink/index.js';
import { ip, ipJson, liveTest, tempNetns } from '../../../helpers/netns.js';

interface IpLink {
  ifindex: number; ifname: string; mtu: number; address: string; operstate: string; flags: string[];
  master?: string; link?: string; link_netnsid?: number; linkinfo?: { info_kind?: string; info_slave_kind?: string };
}

liveTest('create a veth pair and a bridge, rename, set MTU/MAC/up, enslave: as ip sees it', async (t) => {
  const { name, nl } = await tempNetns(t);
  await nl.links.add({ name: 'v0', kind: 'veth', peer: { name: 'v1' } });
  await nl.links.add({ name: 'br0', kind: 'bridge' });
  await nl.links.set('v0', { up: true, name: 'x0', mtu: 9000, mac: '02:00:00:00:00:01', master: 'br0' });
  const [x0] = ipJson<IpLink[]>(name, ['-d', 'link', 'show', 'x0']);
  t.is(x0!.mtu, 9000);
  t.is(x0!.address, '02:00:00:00:00:01');
  t.true(x0!.flags.includes('UP'));
  t.is(x0!.master, 'br0');
  t.is(x0!.linkinfo?.info_kind, 'veth');
  t.is(x0!.linkinfo?.info_slave_kind, 'bridge');
  const link = await nl.links.get('x0');
  t.is(link.ifindex, x0!.ifindex);
  t.is(link.kind, 'veth');
  t.is(link.master, (await nl.links.get('br0')).ifindex);
  t.true(link.flags.up);
  t.is(link.slaveKind, 'bridge');
  const json = JSON.parse(JSON.stringify(link)) as { name: string; stats: { rxBytes: string } };
  t.is(json.name, 'x0');
  t.is(typeof json.stats.rxBytes, 'string');
  await nl.links.set('x0', { master: null });
  t.is(ipJson<IpLink[]>(name, ['link', 'show', 'x0'])[0]!.master, undefined);
});

liveTest('list decodes every link ip shows, with the same fields', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'a1']);
  ip(['-n', name, 'link', 'add', 'b0', 'address', '02:11:22:33:44:55', 'mtu', '1400', 'type', 'bridge']);
  ip(['-n', name, 'link', 'add', 'i0', 'type', 'ifb']);
  const ours = await nl.links.list();
  const theirs = ipJson<IpLink[]>(name, ['-d', 'link', 'show']);
  t.deepEqual(ours.map((l) => l.name), theirs.map((l) => l.ifname));
  for (const [i, l] of ours.entries()) {
    const o = theirs[i]!;
    t.is(l.ifindex, o.ifindex);
    t.is(l.mtu, o.mtu);
    t.is(l.mac, o.address);
    t.is(l.operstate, o.operstate);
    t.is(l.kind, o.linkinfo?.info_kind);
  }
});

liveTest('move a link to another namespace, and create a veth peer directly inside one', async (t) => {
  const a = await tempNetns(t);
  const b = await tempNetns(t);
  await a.nl.links.add({ name: 'm0', kind: 'veth', peer: { name: 'm1', netns: b.path } });
  t.deepEqual(ipJson<IpLink[]>(b.name, ['link', 'show', 'm1']).map((l) => l.ifname), ['m1']);
  await a.nl.links.set('m0', { netns: b.path });
  const names = (await b.nl.links.list()).map((l) => l.name).sort();
  t.deepEqual(names, ['lo', 'm0', 'm1']);
  await t.throwsAsync(a.nl.links.get('m0'), { instanceOf: NetlinkError, code: 'ENODEV' });
});

liveTest('delete one link, and many at once through a group delete', async (t) => {
  const { name, nl } = await tempNetns(t);
  for (let i = 0; i < 5; i++) await nl.links.add({ name: `d${i}`, kind: 'bridge' });
  await nl.links.del('d0');
  const results = await nl.links.delMany(['d1', 'd2', 'missing', 'd3']);
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  const left = ipJson<IpLink[]>(name, ['link', 'show']).map((l) => l.ifname);
  t.deepEqual(left, ['lo', 'd4']);
});

liveTest('errors: missing link ENODEV, duplicate EEXIST, bad input refused before any syscall', async (t) => {
  const { name, nl } = await tempNetns(t);
  const missing = await t.throwsAsync(nl.links.get('nope0'), { instanceOf: NetlinkError });
  t.is(missing.code, 'ENODEV');
  t.is(missing.errno, 19);
  // The message names the link, as ip's `Device "nope0" does not exist.`
  t.is(missing.message, 'RTM_GETLINK: ENODEV (No such device): link "nope0" does not exist');
  t.is(missing.link, 'nope0');
  await t.throwsAsync(nl.links.get(9999), { instanceOf: NetlinkError, code: 'ENODEV', message: /: link with ifindex 9999 does not exist$/ });
  await t.throwsAsync(nl.links.del('nope1'), { instanceOf: NetlinkError, code: 'ENODEV', message: /: link "nope1" does not exist$/ });
  await nl.links.add({ name: 'dup', kind: 'bridge' });
  const dup = await t.throwsAsync(nl.links.add({ name: 'dup', kind: 'bridge' }), { instanceOf: NetlinkError });
  t.is(dup.code, 'EEXIST');
  await t.throwsAsync(nl.links.add({ name: 'a-very-long-name0', kind: 'bridge' }), { instanceOf: ValidationError, message: /at most 15 bytes/ });
  await t.throwsAsync(nl.links.add({ name: 'a/b', kind: 'bridge' }), { instanceOf: ValidationError });
  await t.throwsAsync(nl.links.add({ name: 'a b', kind: 'bridge' }), { instanceOf: ValidationError });
  await t.throwsAsync(nl.links.add({ name: 'ok0', kind: 'nonsense' }), { instanceOf: ValidationError, message: /unknown link kind/ });
  await t.throwsAsync(nl.links.set('dup', { mac: '02:00:00:00:00' }), { instanceOf: ValidationError, message: /^mac: / });
  await t.throwsAsync(nl.links.set('dup', { mtu: 1.5 }), { instanceOf: ValidationError });
  // The smallest MTU is the device's (lo takes 10, as with ip link set lo mtu 10; a bridge refuses it).
  await nl.links.set('lo', { mtu: 10 });
  t.is((await nl.links.get('lo')).mtu, 10);
  t.is(ipJson<IpLink[]>(name, ['link', 'show', 'lo'])[0]?.mtu, 10);
  const small = await t.throwsAsync(nl.links.set('dup', { mtu: 10 }), { instanceOf: NetlinkError, code: 'EINVAL' });
  t.regex(small.message, /mtu/i);
  await t.throwsAsync(nl.links.set('missing0', { mtu: 1500 }), { instanceOf: NetlinkError, code: 'ENODEV', message: /link "missing0" does not exist/ });
  // The missing link is the master, not the link being changed.
  await t.throwsAsync(nl.links.set('dup', { master: 'nobr' }), { instanceOf: NetlinkError, code: 'ENODEV', message: /link "nobr" does not exist/ });
  // Every family that resolves a link name says which one is missing.
  await t.throwsAsync(nl.addresses.add({ link: 'nope2', address: '10.9.0.1/24' }), { instanceOf: NetlinkError, code: 'ENODEV', message: /link "nope2" does not exist/ });
  await t.throwsAsync(nl.routes.add({ dst: '10.9.0.0/24', oif: 'nope3' }), { instanceOf: NetlinkError, code: 'ENODEV', message: /link "nope3" does not exist/ });
  await t.throwsAsync(nl.neighbors.add({ link: 'nope4', dst: '10.9.0.2', lladdr: '02:00:00:00:00:01' }), { instanceOf: NetlinkError, code: 'ENODEV', message: /link "nope4" does not exist/ });
  // A list filtered by an ifindex the kernel does not have: its dump's ENODEV names it (list and stream).
  const noIndex = { instanceOf: NetlinkError, code: 'ENODEV', message: /link with ifindex 999 does not exist$/ };
  t.is((await t.throwsAsync(nl.addresses.list({ link: 999 }), noIndex))?.link, 999);
  t.is((await t.throwsAsync(nl.routes.list({ oif: 999 }), noIndex))?.link, 999);
  await t.throwsAsync(nl.addresses.stream({ link: 999 }).next(), noIndex);
  await t.throwsAsync(nl.routes.stream({ oif: 999 }).next(), noIndex);
});

