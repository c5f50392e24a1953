// nl.neighbors against the real kernel, each test in namespaces of its own, with `ip -j neigh`
// and `bridge -j fdb` as the oracle (links are made with `ip` as the fixture).
import { execFileSync } from 'node:child_process';
import type { ExecutionContext } from 'ava';
import { NetlinkError, ValidationError } from '../../../../lib/netlink/index.js';
import type { Neighbor } from '../../../../lib/netlink/rtnl/neighbor/view.js';
import type { NeighborListOptions, NeighborStateName } from '../../../../lib/netlink/rtnl/neighbor/service.js';
import { ip, ipJson, liveTest, tempNetns } from '../../../helpers/netns.js';
import { kernelTest } from '../../../helpers/kernel-features.js';

interface IpNeigh {
  dst: string; dev: string; lladdr?: string; state?: string[]; router?: null; proxy?: null; extern_learn?: null;
  protocol?: string; probes?: number;
}
interface BridgeFdb {
  mac: string; ifname?: string; dev?: string; dst?: string; vlan?: number; port?: number; vni?: number; src_vni?: number;
  flags: string[]; master?: string; state?: string;
}

function bridgeJson<T>(ns: string, args: string[]): T {
  const out = execFileSync('bridge', ['-n', ns, '-j', ...args], { encoding: 'utf8' });
  return JSON.parse(out === '' ? '[]' : out) as T;
}

function bridge(ns: string, args: string[]): string {
  return execFileSync('bridge', ['-n', ns, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** ifindex → name, from `ip -j link`. */
function linkNames(ns: string): Map<number, string> {
  return new Map(ipJson<Array<{ ifindex: number; ifname: string }>>(ns, ['link', 'show']).map((l) => [l.ifindex, l.ifname]));
}

/** The state string `bridge fdb` prints for ndm_state (iproute2 6.1 state_n2a). */
function bridgeState(s: number): string {
  if (s & 0x80) return 'permanent';
  if (s & 0x40) return 'static';
  if (s & 0x04) return 'stale';
  if (s & 0x02) return '';
  return `state=${`0x${s.toString(16)}`}`;
}


/** Compares one library neighbour with ip's view of it, field by field. */
function sameAsIp(t: ExecutionContext, n: Neighbor, o: IpNeigh, names: Map<number, string>): void {
  const at = `${o.dst} dev ${o.dev}`;
  t.is(n.dst, o.dst, at);
  t.is(names.get(n.ifindex), o.dev, at);
  t.is(n.lladdr, o.lladdr, at);
  t.deepEqual(n.state, o.state ?? [], at);
  t.is(n.router, 'router' in o, at);
  t.is(n.proxy, 'proxy' in o, at);
  t.is(n.flags.includes('extern_learn'), 'extern_learn' in o, at);
  t.is(n.protocol, o.protocol, at); // the name ip prints ('static', 'boot' …)
  if (o.probes !== undefined) t.is(n.probes, o.probes, at);
}

/** Compares one library FDB entry with bridge's view of it. */
function sameAsBridge(t: ExecutionContext, n: Neighbor, o: BridgeFdb, names: Map<number, string>): void {
  const at = `${o.mac} dev ${o.ifname ?? o.dev ?? '?'}`;
  t.is(n.family, 'bridge', at);
  t.is(n.lladdr, o.mac, at);
  t.is(names.get(n.ifindex), o.ifname ?? o.dev, at);
  t.is(n.dst, o.dst, at);
  t.is(n.vlan, o.vlan, at);
  t.is(n.port, o.port, at);
  t.is(n.vni, o.vni, at);
  t.is(n.srcVni, o.src_vni, at);
  t.is(n.master === undefined ? undefined : names.get(n.master), o.master, at);
  t.deepEqual(n.flags.filter((f) => ['self', 'router', 'extern_learn', 'offload', 'sticky'].includes(f)), o.flags.filter((f) => f !== 'master'), at);
  t.is(bridgeState(n.rawState), o.state ?? '', at);
}

const key = (n: { dst?: string | undefined; ifindex: number }): string => `${n.dst}%${n.ifindex}`;

function snapshot(ns: string): string {
  return JSON.stringify([ipJson(ns, ['neigh', 'show', 'nud', 'all']), ipJson(ns, ['neigh', 'show', 'proxy']), bridgeJson(ns, ['fdb', 'show'])]);
}

liveTest('neighbours made by the library are what ip -j neigh shows, field by field', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  await nl.neighbors.add({ link: 'v0', dst: '10.1.2.4', lladdr: '02:00:00:00:00:04' });
  await nl.neighbors.add({ link: 'v0', dst: 'fe80::5', lladdr: '02:00:00:00:00:05', flags: ['router'] });
  await nl.neighbors.add({ link: 'v0', dst: '10.1.2.6', lladdr: '02:00:00:00:00:06', state: 'stale', protocol: 'static' });
  await nl.neighbors.add({ link: 'v0', dst: '10.1.2.7', lladdr: '02:00:00:00:00:07', state: 'noarp', family: 4 });
  await nl.neighbors.add({ link: 'v0', dst: '10.1.2.8', lladdr: '02:00:00:00:00:08', flags: ['extern_learn'] });
  await nl.neighbors.add({ link: 'v0', dst: '2001:db8::9', flags: ['proxy'] });
  const theirs = ipJson<IpNeigh[]>(name, ['neigh', 'show', 'nud', 'all']);
  t.deepEqual(theirs.map((o) => o.dst).sort(), ['10.1.2.4', '10.1.2.6', '10.1.2.7', '10.1.2.8', 'fe80::5']);
  t.deepEqual(theirs.find((o) => o.dst === '10.1.2.4')?.state, ['PERMANENT']);
  t.deepEqual(theirs.find((o) => o.dst === '10.1.2.6'), { dst: '10.1.2.6', dev: 'v0', lladdr: '02:00:00:00:00:06', state: ['STALE'], protocol: 'static' });
  t.true('router' in theirs.find((o) => o.dst === 'fe80::5')!);
  const ours = new Map((await nl.neighbors.list()).map((n) => [n.dst, n]));
  const names = linkNames(name);
  for (const o of theirs) sameAsIp(t, ours.get(o.dst)!, o, names);
  const proxies = ipJson<IpNeigh[]>(name, ['neigh', 'show', 'proxy']);
  t.deepEqual(proxies.map((o) => o.dst), ['2001:db8::9']);
  const ourProxies = await nl.neighbors.list({ proxy: true });
  t.deepEqual(ourProxies.map((n) => [n.dst, n.flags]), [['2001:db8::9', ['proxy']]]);
});

liveTest('neighbours made by ip are decoded by the library, field by field (ip -j -s neigh as oracle)', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  ip(['-n', name, 'link', 'add', 'i0', 'type', 'ifb']);
  const cmds = [
    ['neigh', 'add', '10.1.2.4', 'lladdr', '02:00:00:00:00:04', 'dev', 'v0'],
    ['neigh', 'add', '10.1.2.5', 'lladdr', '02:00:00:00:00:05', 'dev', 'v1', 'nud', 'reachable'],
    ['neigh', 'add', '10.1.2.6', 'dev', 'v0', 'nud', 'incomplete'],
    ['neigh', 'add', '10.1.2.7', 'lladdr', '02:00:00:00:00:07', 'dev', 'i0', 'nud', 'noarp', 'proto', 'boot'],
    ['neigh', 'add', '10.1.2.8', 'lladdr', '02:00:00:00:00:08', 'dev', 'v0', 'nud', 'none'],
    ['-6', 'neigh', 'add', '2001:db8::1', 'lladdr', '02:00:00:00:00:09', 'dev', 'v1', 'router', 'nud', 'stale'],
    ['-6', 'neigh', 'add', 'fe80::1', 'lladdr', '02:00:00:00:00:0a', 'dev', 'i0', 'extern_learn'],
  ];
  for (const c of cmds) ip(['-n', name, ...c]);
  const theirs = ipJson<IpNeigh[]>(name, ['-s', 'neigh', 'show', 'nud', 'all']);
  t.is(theirs.length, cmds.length);
  const ours = new Map((await nl.neighbors.list()).map((n) => [n.dst, n]));
  t.is(ours.size, cmds.length);
  const names = linkNames(name);
  for (const o of theirs) sameAsIp(t, ours.get(o.dst)!, o, names);
  t.deepEqual(ours.get('10.1.2.8')!.state, [], 'NUD_NONE has no state names (ip prints none)');
  t.is(ours.get('10.1.2.8')!.rawState, 0);
  t.like(ours.get('fe80::1')!, { family: 6, router: false, flags: ['extern_learn'] });
  t.truthy(ours.get('10.1.2.4')!.cacheinfo);
});

liveTest('list filters: link, family, proxy (kernel-side), and stream yields what list returns', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  ip(['-n', name, 'neigh', 'add', '10.1.2.4', 'lladdr', '02:00:00:00:00:04', 'dev', 'v0']);
  ip(['-n', name, 'neigh', 'add', '10.1.2.5', 'lladdr', '02:00:00:00:00:05', 'dev', 'v1']);
  ip(['-n', name, '-6', 'neigh', 'add', '2001:db8::4', 'lladdr', '02:00:00:00:00:06', 'dev', 'v0']);
  ip(['-n', name, 'neigh', 'add', 'proxy', '10.1.2.9', 'dev', 'v1']);
  const dsts = (l: Neighbor[]) => l.map((n) => n.dst).sort();
  t.deepEqual(dsts(await nl.neighbors.list({ link: 'v0' })), ipJson<IpNeigh[]>(name, ['neigh', 'show', 'dev', 'v0']).map((o) => o.dst).sort());
  t.deepEqual(dsts(await nl.neighbors.list({ link: 'v0' })), ['10.1.2.4', '2001:db8::4']);
  t.deepEqual(dsts(await nl.neighbors.list({ family: 4 })), ['10.1.2.4', '10.1.2.5']);
  t.deepEqual(dsts(await nl.neighbors.list({ family: 6 })), ['2001:db8::4']);
  t.deepEqual(dsts(await nl.neighbors.list({ family: 4, link: 'v1' })), ['10.1.2.5']);
  t.deepEqual(dsts(await nl.neighbors.list({ proxy: true })), ['10.1.2.9']);
  t.deepEqual(dsts(await nl.neighbors.list({ proxy: true, link: 'v0' })), []);
  const streamed: Neighbor[] = [];
  for await (const n of nl.neighbors.stream({ family: 4 })) streamed.push(n);
  t.deepEqual(dsts(streamed), ['10.1.2.4', '10.1.2.5']);
  await t.throwsAsync(nl.neighbors.list({ link: 'nope0' }), { instanceOf: NetlinkError, code: 'ENODEV' });
});

liveTest('bridge FDB: master/self/default entries as bridge -j fdb shows them; br/brport filters', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  ip(['-n', name, 'link', 'add', 'br0', 'type', 'bridge']);
  ip(['-n', name, 'link', 'set', 'v1', 'master', 'br0']);
  await nl.neighbors.add({ link: 'v1', lladdr: '02:00:00:00:00:aa', flags: ['master'], state: 'noarp' });
  await nl.neighbors.add({ link: 'v1', lladdr: '02:00:00:00:00:ab', flags: ['master', 'extern_learn'], state: 'reachable' });
  await nl.neighbors.add({ link: 'v1', lladdr: '02:00:00:00:00:bb', flags: ['self'] });
  // No self/master: self is assumed, as `bridge fdb add` does (cc by us, ce by bridge).
  await nl.neighbors.add({ link: 'v1', lladdr: '02:00:00:00:00:cc' });
  bridge(name, ['fdb', 'add', '02:00:00:00:00:ce', 'dev', 'v1']);
  bridge(name, ['fdb', 'add', '02:00:00:00:00:dd', 'dev', 'v1', 'master', 'static']);
  const names = linkNames(name);
  const byKey = (n: Neighbor) => `${n.lladdr}|${names.get(n.ifindex)}|${n.master === undefined ? '' : names.get(n.master)}`;
  const theirKey = (o: BridgeFdb) => `${o.mac}|${o.ifname ?? o.dev}|${o.master ?? ''}`;
  const all = await nl.neighbors.list({ family: 'bridge' });
  const theirs = bridgeJson<BridgeFdb[]>(name, ['fdb', 'show']);
  t.deepEqual(all.map(byKey).sort(), theirs.map(theirKey).sort());
  const ours = new Map(all.map((n) => [byKey(n), n]));
  for (const o of theirs) sameAsBridge(t, ours.get(theirKey(o))!, o, names);
  const entry = (mac: string) => theirs.find((o) => o.mac === mac)!;
  t.like(entry('02:00:00:00:00:aa'), { master: 'br0', state: 'static' });
  t.like(entry('02:00:00:00:00:ab'), { master: 'br0', flags: ['extern_learn'] });
  t.like(entry('02:00:00:00:00:bb'), { flags: ['self'], state: 'permanent' });
  t.like(entry('02:00:00:00:00:cc'), { flags: ['self'], state: 'permanent' });
  const { mac: _cc, ...ours1 } = entry('02:00:00:00:00:cc');
  const { mac: _ce, ...theirs1 } = entry('02:00:00:00:00:ce');
  t.deepEqual(ours1, theirs1, 'an entry without flags is the one bridge fdb add makes');
  const filtered = (l: Neighbor[]) => l.map(byKey).sort();
  t.deepEqual(filtered(await nl.neighbors.list({ family: 'bridge', master: 'br0' })),
    bridgeJson<BridgeFdb[]>(name, ['fdb', 'show', 'br', 'br0']).map(theirKey).sort());
  const port = await nl.neighbors.list({ family: 'bridge', link: 'v1' });
  t.true(port.length > 0 && port.every((n) => names.get(n.ifindex) === 'v1'));
  t.deepEqual(port.map((n) => n.lladdr).sort(),
    bridgeJson<BridgeFdb[]>(name, ['fdb', 'show', 'brport', 'v1']).map((o) => o.mac).sort());
  await nl.neighbors.del({ link: 'v1', lladdr: '02:00:00:00:00:aa', flags: ['master'] });
  await nl.neighbors.del({ link: 'v1', lladdr: '02:00:00:00:00:bb', flags: ['self'] });
  const left = bridgeJson<BridgeFdb[]>(name, ['fdb', 'show', 'brport', 'v1']).map((o) => o.mac);
  t.false(left.includes('02:00:00:00:00:aa'));
  t.false(left.includes('02:00:00:00:00:bb'));
  t.true(left.includes('02:00:00:00:00:cc'));
  // del without flags assumes self too, as `bridge fdb del` does.
  await nl.neighbors.del({ link: 'v1', lladdr: '02:00:00:00:00:cc' });
  t.false(bridgeJson<BridgeFdb[]>(name, ['fdb', 'show', 'brport', 'v1']).map((o) => o.mac).includes('02:00:00:00:00:cc'));
  await t.throwsAsync(nl.neighbors.del({ link: 'v1', lladdr: '02:00:00:00:00:aa', flags: ['master'] }), { instanceOf: NetlinkError, code: 'ENOENT' });
});

liveTest('VXLAN FDB: remotes with dst, vni, port; append; replace; delete one remote', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'local', '10.0.0.1', 'nolearning']);
  const zero = '00:00:00:00:00:00';
  await nl.neighbors.add({ link: 'vx0', family: 'bridge', lladdr: zero, dst: '10.0.0.2', vni: 4242, port: 4790, flags: ['self'] });
  await nl.neighbors.append({ link: 'vx0', family: 'bridge', lladdr: zero, dst: '10.0.0.3', flags: ['self'] });
  await nl.neighbors.add({ link: 'vx0', family: 'bridge', lladdr: '02:00:00:00:00:ee', dst: '10.0.0.4', flags: ['self'], state: ['noarp', 'permanent'] });
  // Without flags, as `bridge fdb add … dev vx0 dst …` (it once failed with EOPNOTSUPP).
  await nl.neighbors.add({ link: 'vx0', family: 'bridge', lladdr: '02:00:00:00:00:ef', dst: '10.0.0.5' });
  t.like(bridgeJson<BridgeFdb[]>(name, ['fdb', 'show', 'dev', 'vx0']).find((o) => o.mac === '02:00:00:00:00:ef'), { dst: '10.0.0.5', flags: ['self'] });
  await nl.neighbors.del({ link: 'vx0', family: 'bridge', lladdr: '02:00:00:00:00:ef', dst: '10.0.0.5' });
  bridge(name, ['fdb', 'append', zero, 'dev', 'vx0', 'dst', '10.0.0.5', 'vni', '7', 'self']);
  const names = linkNames(name);
  const theirs = bridgeJson<BridgeFdb[]>(name, ['fdb', 'show', 'dev', 'vx0']);
  const ours = await nl.neighbors.list({ family: 'bridge', link: 'vx0' });
  const k = (mac: string | undefined, dst: string | undefined) => `${mac}>${dst}`;
  t.deepEqual(ours.map((n) => k(n.lladdr, n.dst)).sort(), theirs.map((o) => k(o.mac, o.dst)).sort());
  const byKey = new Map(ours.map((n) => [k(n.lladdr, n.dst), n]));
  for (const o of theirs) sameAsBridge(t, byKey.get(k(o.mac, o.dst))!, { ...o, ifname: o.ifname ?? 'vx0' }, names);
  t.like(theirs.find((o) => o.dst === '10.0.0.2'), { vni: 4242, port: 4790 });
  t.like(byKey.get(k(zero, '10.0.0.2'))!, { vni: 4242, port: 4790, flags: ['self'] });
  t.like(byKey.get(k(zero, '10.0.0.5'))!, { vni: 7, port: undefined });
  // Duplicate add of the same remote: EEXIST; replace moves the MAC to another remote.
  await t.throwsAsync(nl.neighbors.add({ link: 'vx0', family: 'bridge', lladdr: '02:00:00:00:00:ee', dst: '10.0.0.4', flags: ['self'] }),
    { instanceOf: NetlinkError, code: 'EEXIST' });
  await nl.neighbors.replace({ link: 'vx0', family: 'bridge', lladdr: '02:00:00:00:00:ee', dst: '10.0.0.6', flags: ['self'] });
  t.deepEqual(bridgeJson<BridgeFdb[]>(name, ['fdb', 'show', 'dev', 'vx0']).filter((o) => o.mac === '02:00:00:00:00:ee').map((o) => o.dst), ['10.0.0.6']);
  // Deleting one remote of the all-zeros entry leaves the others.
  await nl.neighbors.del({ link: 'vx0', family: 'bridge', lladdr: zero, dst: '10.0.0.3', flags: ['self'] });
  const remotes = bridgeJson<BridgeFdb[]>(name, ['fdb', 'show', 'dev', 'vx0']).filter((o) => o.mac === zero).map((o) => o.dst).sort();
  t.deepEqual(remotes, ['10.0.0.2', '10.0.0.5']);
  // A MAC with no entry at all is ENOENT; a missing remote of an existing MAC the kernel (6.18)
  // acknowledges without change, for bridge(8) as for us.
  await t.throwsAsync(nl.neighbors.del({ link: 'vx0', family: 'bridge', lladdr: '02:00:00:00:00:99', dst: '10.0.0.3', flags: ['self'] }),
    { instanceOf: NetlinkError, code: 'ENOENT' });
  bridge(name, ['fdb', 'del', zero, 'dev', 'vx0', 'dst', '10.0.0.3', 'self']);
  await nl.neighbors.del({ link: 'vx0', family: 'bridge', lladdr: zero, dst: '10.0.0.3', flags: ['self'] });
  t.deepEqual(bridgeJson<BridgeFdb[]>(name, ['fdb', 'show', 'dev', 'vx0']).filter((o) => o.mac === zero).map((o) => o.dst).sort(), remotes);
});

kernelTest(['bridge-vlan-filtering'], 'bridge FDB entry with a vlan: added, listed and deleted as bridge -j fdb shows it', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'br0', 'type', 'bridge', 'vlan_filtering', '1']);
  execFileSync('bridge', ['-n', name, 'vlan', 'add', 'vid', '5', 'dev', 'br0', 'self'], { stdio: 'pipe' });
  const entry = { link: 'br0', lladdr: '02:00:00:00:00:cc', flags: ['self'] as ['self'], vlan: 5 };
  await nl.neighbors.add(entry);
  t.truthy(bridgeJson<BridgeFdb[]>(name, ['fdb', 'show', 'dev', 'br0']).find((x) => x.mac === entry.lladdr && x.vlan === 5));
  const n = (await nl.neighbors.list({ family: 'bridge', link: 'br0' })).find((x) => x.lladdr === entry.lladdr && x.vlan === 5);
  t.is(n?.vlan, 5);
  await nl.neighbors.del(entry);
  t.false(bridgeJson<BridgeFdb[]>(name, ['fdb', 'show', 'dev', 'br0']).some((x) => x.mac === entry.lladdr));
});

liveTest('bridge FDB entry with a vlan on a bridge without vlan filtering: the refusal bridge gets (EINVAL)', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'br0', 'type', 'bridge']);
  const entry = { link: 'br0', lladdr: '02:00:00:00:00:cc', flags: ['self'] as ['self'], vlan: 5 };
  t.throws(() => bridge(name, ['fdb', 'add', entry.lladdr, 'dev', 'br0', 'self', 'vlan', '5']), { message: /Invalid argument/ });
  await t.throwsAsync(nl.neighbors.add(entry), { instanceOf: NetlinkError, code: 'EINVAL' });
  t.false(bridgeJson<BridgeFdb[]>(name, ['fdb', 'show', 'dev', 'br0']).some((x) => x.mac === entry.lladdr));
});

liveTest('replace overwrites, del removes; duplicate add is EEXIST, missing del ENOENT, missing link ENODEV', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  await nl.neighbors.add({ link: 'v0', dst: '10.1.2.4', lladdr: '02:00:00:00:00:04', state: 'stale' });
  const dup = await t.throwsAsync(nl.neighbors.add({ link: 'v0', dst: '10.1.2.4', lladdr: '02:00:00:00:00:04' }), { instanceOf: NetlinkError });
  t.is(dup.code, 'EEXIST');
  t.is(dup.op, 'RTM_NEWNEIGH');
  await nl.neighbors.replace({ link: 'v0', dst: '10.1.2.4', lladdr: '02:00:00:00:00:44' });
  t.deepEqual(ipJson<IpNeigh[]>(name, ['neigh', 'show', '10.1.2.4']), [{ dst: '10.1.2.4', dev: 'v0', lladdr: '02:00:00:00:00:44', state: ['PERMANENT'] }]);
  await nl.neighbors.replace({ link: 'v0', dst: '10.1.2.5', lladdr: '02:00:00:00:00:05', state: 'reachable' });
  t.deepEqual(ipJson<IpNeigh[]>(name, ['neigh', 'show', '10.1.2.5'])[0]?.state, ['REACHABLE']);
  await nl.neighbors.del({ link: 'v0', dst: '10.1.2.4' });
  t.deepEqual(ipJson<IpNeigh[]>(name, ['neigh', 'show', '10.1.2.4']), []);
  const missing = await t.throwsAsync(nl.neighbors.del({ link: 'v0', dst: '10.1.2.4' }), { instanceOf: NetlinkError });
  t.is(missing.code, 'ENOENT');
  await t.throwsAsync(nl.neighbors.add({ link: 'nope0', dst: '10.1.2.4', lladdr: '02:00:00:00:00:04' }), { instanceOf: NetlinkError, code: 'ENODEV' });
  await t.throwsAsync(nl.neighbors.del({ link: 'nope0', dst: '10.1.2.4' }), { instanceOf: NetlinkError, code: 'ENODEV' });
  await t.throwsAsync(nl.neighbors.add({ link: 9999, dst: '10.1.2.4', lladdr: '02:00:00:00:00:04' }), { instanceOf: NetlinkError, code: 'ENODEV' });
});

liveTest('bad input is a ValidationError and changes nothing', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  ip(['-n', name, 'neigh', 'add', '10.1.2.4', 'lladdr', '02:00:00:00:00:04', 'dev', 'v0']);
  const before = snapshot(name);
  const bad: unknown[] = [
    { link: 'v0', dst: 'fe80::1', family: 4, lladdr: '02:00:00:00:00:01' },
    { link: 'v0', dst: '10.1.2.5', lladdr: 'zz:00:00:00:00:01' },
    { link: 'v0', dst: '10.1.2.5', state: 'sleepy' },
    { link: 'v0', dst: '10.1.2.5', state: 1 << 16 },
    { link: 'v0', dst: '10.1.2.5', flags: ['loud'] },
    { link: 'v0', dst: '10.1.2.5', flags: 512 },
    { link: 'v0', dst: '10.1.2.5', color: 'red' },
    { link: 'v0', family: 'bridge' },
    { link: 'v0', dst: '10.1.2.4', vlan: 3 },
  ];
  for (const o of bad) {
    await t.throwsAsync(nl.neighbors.add(o as never), { instanceOf: ValidationError }, JSON.stringify(o));
    await t.throwsAsync(nl.neighbors.replace(o as never), { instanceOf: ValidationError });
    await t.throwsAsync(nl.neighbors.del(o as never), { instanceOf: ValidationError });
  }
  await t.throwsAsync(nl.neighbors.addMany([{ link: 'v0', dst: '10.1.2.6', lladdr: '02:00:00:00:00:06' }, bad[0] as never]),
    { instanceOf: ValidationError, message: /^items\[1\]\.dst: / });
  await t.throwsAsync(nl.neighbors.delMany([{ link: 'v0', dst: '10.1.2.4' }, bad[2] as never]), { instanceOf: ValidationError });
  t.is(snapshot(name), before);
});

liveTest('addMany/delMany: mixed good and failing items, one result per item in order', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  ip(['-n', name, 'neigh', 'add', '10.1.2.3', 'lladdr', '02:00:00:00:00:03', 'dev', 'v0']);
  const items = [
    { link: 'v0', dst: '10.1.2.1', lladdr: '02:00:00:00:00:01' },
    { link: 'missing0', dst: '10.1.2.2', lladdr: '02:00:00:00:00:02' },
    { link: 'v0', dst: '10.1.2.3', lladdr: '02:00:00:00:00:03' },
    { link: 'v1', dst: 'fe80::4', lladdr: '02:00:00:00:00:04', flags: ['router'] as ['router'] },
    ...Array.from({ length: 300 }, (_, i) => ({ link: i % 2 === 0 ? 'v0' : 'v1', dst: `10.2.${i >> 8}.${i & 255}`, lladdr: '02:00:00:00:01:00' })),
  ];
  const results = await nl.neighbors.addMany(items);
  t.is(results.length, items.length);
  t.deepEqual(results.slice(0, 4).map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled']);
  const reason = (i: number) => (results[i] as { reason: Error }).reason as NetlinkError;
  t.is(reason(1).code, 'ENODEV');
  t.is(reason(2).code, 'EEXIST');
  t.true(results.slice(4).every((r) => r.status === 'fulfilled'));
  const shown = ipJson<IpNeigh[]>(name, ['neigh', 'show', 'nud', 'all']);
  t.is(shown.length, 1 + 2 + 300);
  t.true('router' in shown.find((o) => o.dst === 'fe80::4')!);
  const ours = new Map((await nl.neighbors.list()).map((n) => [key(n), n]));
  t.is(ours.size, shown.length);
  const dels = await nl.neighbors.delMany([items[1]!, items[0]!, { link: 'v0', dst: '10.9.9.9' }, ...items.slice(3)]);
  t.deepEqual(dels.slice(0, 4).map((r) => r.status), ['rejected', 'fulfilled', 'rejected', 'fulfilled']);
  t.is((dels[2] as { reason: Error }).reason instanceof NetlinkError && ((dels[2] as { reason: Error }).reason as NetlinkError).code, 'ENOENT');
  t.true(dels.slice(3).every((r) => r.status === 'fulfilled'));
  t.deepEqual(ipJson<IpNeigh[]>(name, ['neigh', 'show', 'nud', 'all']).map((o) => o.dst), ['10.1.2.3']);
});

liveTest('get: one neighbour (ip neigh show to DST as oracle), one proxy, one FDB entry (bridge -j fdb get); ENOENT, ENODEV', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  ip(['-n', name, 'link', 'add', 'br0', 'type', 'bridge']);
  ip(['-n', name, 'link', 'set', 'v1', 'master', 'br0']);
  ip(['-n', name, 'neigh', 'add', '10.1.2.4', 'lladdr', '02:00:00:00:00:04', 'dev', 'v0', 'nud', 'stale', 'proto', 'static']);
  ip(['-n', name, '-6', 'neigh', 'add', 'fe80::5', 'lladdr', '02:00:00:00:00:05', 'dev', 'v0', 'router']);
  ip(['-n', name, 'neigh', 'add', 'proxy', '10.1.2.9', 'dev', 'v0']);
  bridge(name, ['fdb', 'add', '02:00:00:00:00:aa', 'dev', 'v1', 'master', 'static']);
  const names = linkNames(name);
  for (const [dst, family] of [['10.1.2.4', '-4'], ['fe80::5', '-6']] as const) {
    const n = await nl.neighbors.get({ link: 'v0', dst });
    const theirs = ipJson<IpNeigh[]>(name, [family, '-s', 'neigh', 'show', 'to', dst, 'dev', 'v0']);
    t.is(theirs.length, 1);
    sameAsIp(t, n, { ...theirs[0]!, dev: 'v0' }, names);
    t.is(n.messageType, 28, 'RTM_NEWNEIGH');
  }
  const proxy = await nl.neighbors.get({ link: 'v0', dst: '10.1.2.9', proxy: true });
  t.like(proxy, { dst: '10.1.2.9', proxy: true, flags: ['proxy'], state: [], lladdr: undefined });
  for (const options of [{ br: 'br0', get: { lladdr: '02:00:00:00:00:aa', master: 'br0' } },
    { br: undefined, get: { link: 'v1', lladdr: '02:00:00:00:00:aa', flags: ['master' as const] } }]) {
    const fdb = await nl.neighbors.get(options.get);
    const theirs = bridgeJson<BridgeFdb[]>(name, ['fdb', 'get', '02:00:00:00:00:aa',
      ...(options.br !== undefined ? ['br', options.br] : ['dev', 'v1', 'master'])]);
    t.is(theirs.length, 1);
    sameAsBridge(t, fdb, theirs[0]!, names);
  }
  const missing = await t.throwsAsync(nl.neighbors.get({ link: 'v0', dst: '10.1.2.99' }), { instanceOf: NetlinkError });
  t.is(missing.code, 'ENOENT');
  t.is(missing.op, 'RTM_GETNEIGH');
  t.regex(missing.kernelMessage ?? '', /not found/i);
  await t.throwsAsync(nl.neighbors.get({ link: 'v0', dst: '10.1.2.4', proxy: true }), { instanceOf: NetlinkError, code: 'ENOENT' });
  await t.throwsAsync(nl.neighbors.get({ lladdr: '02:00:00:00:00:ab', master: 'br0' }), { instanceOf: NetlinkError, code: 'ENOENT' });
  const noLink = await t.throwsAsync(nl.neighbors.get({ link: 'nope0', dst: '10.1.2.4' }), { instanceOf: NetlinkError });
  t.is(noLink.code, 'ENODEV');
  await t.throwsAsync(nl.neighbors.get({ link: 9999, dst: '10.1.2.4' }), { instanceOf: NetlinkError, code: 'ENODEV' });
});

liveTest('list by NUD state selects what ip neigh show nud STATE shows', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  const states = ['permanent', 'reachable', 'stale', 'noarp', 'none', 'incomplete', 'delay', 'probe', 'failed'];
  states.forEach((state, i) => {
    const ll = state === 'incomplete' || state === 'failed' ? [] : ['lladdr', `02:00:00:00:00:0${i}`];
    ip(['-n', name, 'neigh', 'add', `10.1.2.${i + 1}`, ...ll, 'dev', 'v0', 'nud', state]);
  });
  ip(['-n', name, '-6', 'neigh', 'add', '2001:db8::1', 'lladdr', '02:00:00:00:00:aa', 'dev', 'v0', 'nud', 'stale']);
  const dstsOf = (list: Array<{ dst?: string | undefined }>): string[] => list.map((n) => n.dst!).sort();
  const cases: Array<[string[], NonNullable<NeighborListOptions['state']>]> = [
    ...states.map((s): [string[], NeighborStateName] => [[s], s as NeighborStateName]),
    [['stale', 'noarp'], ['stale', 'noarp']],
    [['none', 'permanent'], ['none', 'permanent']],
    [['all'], 0xff],
  ];
  let selected = 0;
  for (const [nud, state] of cases) {
    const theirs = ipJson<IpNeigh[]>(name, ['neigh', 'show', ...nud.flatMap((s) => ['nud', s])]);
    const ours = await nl.neighbors.list({ state });
    // `nud all` in ip is every bit including none; 0xff is every bit: the NUD_NONE entry is the difference.
    t.deepEqual(dstsOf(ours), dstsOf(theirs).filter((d) => !(nud[0] === 'all' && d === '10.1.2.5')), `nud ${nud.join(' nud ')}`);
    selected += ours.length;
  }
  t.true(selected > states.length, 'the states were kept by the kernel and selected');
  t.deepEqual(dstsOf(await nl.neighbors.list({ state: 'STALE', family: 6 })), ['2001:db8::1']);
  t.deepEqual(dstsOf(await nl.neighbors.list({ state: 'stale', link: 'v1' })), []);
});

liveTest('proxy entries: add, list, get and del with proxy: true, as ip neigh … proxy shows them', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  await nl.neighbors.add({ link: 'v0', dst: '10.1.2.9', proxy: true });
  await nl.neighbors.add({ link: 'v0', dst: '2001:db8::9', proxy: true, flags: ['router'], protocol: 'static' });
  await nl.neighbors.add({ link: 'v1', dst: '10.1.2.10', flags: ['proxy'] });
  // The kernel applies no NLM_F_EXCL to proxy entries: a second add updates the first.
  await nl.neighbors.add({ link: 'v0', dst: '10.1.2.9', proxy: true });
  await nl.neighbors.replace({ link: 'v0', dst: '10.1.2.9', proxy: true, protocol: 'boot' });
  const theirs = ipJson<IpNeigh[]>(name, ['neigh', 'show', 'proxy']);
  t.deepEqual(theirs.map((o) => o.dst).sort(), ['10.1.2.10', '10.1.2.9', '2001:db8::9']);
  const ours = new Map((await nl.neighbors.list({ proxy: true })).map((n) => [n.dst, n]));
  const names = linkNames(name);
  for (const o of theirs) sameAsIp(t, ours.get(o.dst)!, o, names);
  t.deepEqual(ours.get('2001:db8::9')!.flags, ['proxy', 'router']);
  t.is(ours.get('10.1.2.9')!.protocol, 'boot', 'replace changed the protocol');
  t.deepEqual((await nl.neighbors.list({ proxy: true, link: 'v1' })).map((n) => n.dst), ['10.1.2.10']);
  t.deepEqual((await nl.neighbors.list({ proxy: true, family: 6 })).map((n) => n.dst), ['2001:db8::9']);
  t.deepEqual((await nl.neighbors.list()).filter((n) => n.proxy), [], 'proxies are a table of their own');
  t.like(await nl.neighbors.get({ link: 'v0', dst: '2001:db8::9', proxy: true }), { router: true, protocol: 'static' });
  await nl.neighbors.del({ link: 'v0', dst: '10.1.2.9', proxy: true });
  await nl.neighbors.del({ link: 'v0', dst: '2001:db8::9', flags: ['proxy'] });
  const gone = await t.throwsAsync(nl.neighbors.del({ link: 'v0', dst: '10.1.2.9', proxy: true }), { instanceOf: NetlinkError });
  t.is(gone.code, 'ENOENT');
  t.deepEqual(ipJson<IpNeigh[]>(name, ['neigh', 'show', 'proxy']).map((o) => o.dst), ['10.1.2.10']);
  await t.throwsAsync(nl.neighbors.add({ link: 'v0', dst: '10.1.2.11', proxy: true, lladdr: '02:00:00:00:00:01' }),
    { instanceOf: ValidationError, message: /^lladdr: a proxy entry has no link-layer address/ });
});

liveTest('an IP address as lladdr: 4 or 16 bytes reach the kernel (tun: taken; veth: the kernel\'s own length rules)', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  ip(['-n', name, 'tuntap', 'add', 'tun0', 'mode', 'tun']);
  // A tun device has no link-layer address (addr_len 0): the kernel takes any lladdr. ARP keys
  // neighbours of point-to-point devices by 0.0.0.0, so both land on one entry (hence replace).
  await nl.neighbors.add({ link: 'tun0', dst: '10.1.2.11', lladdr: '192.0.2.1' });
  await nl.neighbors.replace({ link: 'tun0', dst: '10.1.2.12', lladdr: '2001:db8::1' });
  t.deepEqual((await nl.neighbors.list({ link: 'tun0' })).map((n) => [n.dst, n.state]), [['0.0.0.0', ['PERMANENT']]]);
  // On a veth (addr_len 6) the kernel refuses 4 bytes and keeps the first 6 of 16: proof of the bytes sent.
  const short = await t.throwsAsync(nl.neighbors.add({ link: 'v0', dst: '10.1.2.13', lladdr: '192.0.2.1' }), { instanceOf: NetlinkError });
  t.is(short.code, 'EINVAL');
  await nl.neighbors.add({ link: 'v0', dst: '10.1.2.14', lladdr: '2001:db8::1' });
  const theirs = ipJson<IpNeigh[]>(name, ['neigh', 'show', 'to', '10.1.2.14']);
  t.is(theirs[0]!.lladdr, '20:01:0d:b8:00:00');
  t.like(await nl.neighbors.get({ link: 'v0', dst: '10.1.2.14' }), { lladdr: '20:01:0d:b8:00:00', lladdrIp: undefined });
});
