// A handle's remembered link names against the real kernel: links renamed, deleted or moved by
// another program (`ip`) between two requests are seen at once, as a lookup each time would see them.
import { readdirSync } from 'node:fs';
import { NetlinkError, RtNetlink } from '../../../lib/netlink/index.js';
import { ip, ipJson, liveSerial, liveTest, tempNetns } from '../../helpers/netns.js';

/** The neighbour addresses on `dev`, as `ip -j neigh` shows them. */
function neighborsOn(ns: string, dev: string): string[] {
  return ipJson<Array<{ dst: string }>>(ns, ['neigh', 'show', 'dev', dev]).map((n) => n.dst).sort();
}

const mac = '02:00:00:00:00:01';

liveTest('a link renamed by another program: the next request by name goes to the link now called so', async (t) => {
  const { name: ns, nl } = await tempNetns(t, 'ln');
  ip(['-n', ns, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'a1']);
  ip(['-n', ns, 'link', 'add', 'b0', 'type', 'veth', 'peer', 'name', 'b1']);
  // Three adds: the name is remembered after the second lookup.
  for (let i = 1; i <= 3; i++) await nl.neighbors.add({ link: 'a0', dst: `10.9.0.${i}`, lladdr: mac });
  ip(['-n', ns, 'link', 'set', 'a0', 'name', 'z0']);
  ip(['-n', ns, 'link', 'set', 'b0', 'name', 'a0']);
  await nl.neighbors.add({ link: 'a0', dst: '10.9.0.4', lladdr: mac });
  t.deepEqual(neighborsOn(ns, 'z0'), ['10.9.0.1', '10.9.0.2', '10.9.0.3']);
  t.deepEqual(neighborsOn(ns, 'a0'), ['10.9.0.4'], 'the new a0 (formerly b0) got it');
  // The same through addresses and a bulk call, after another rename back and forth.
  ip(['-n', ns, 'link', 'set', 'a0', 'name', 'b0']);
  ip(['-n', ns, 'link', 'set', 'z0', 'name', 'a0']);
  const results = await nl.neighbors.addMany([{ link: 'a0', dst: '10.9.0.5', lladdr: mac }]);
  t.is(results[0]!.status, 'fulfilled');
  await nl.addresses.add({ link: 'a0', address: '10.8.0.1/24' });
  t.deepEqual(neighborsOn(ns, 'a0'), ['10.9.0.1', '10.9.0.2', '10.9.0.3', '10.9.0.5']);
  const addrs = ipJson<Array<{ addr_info: Array<{ local: string }> }>>(ns, ['addr', 'show', 'dev', 'a0']);
  t.deepEqual(addrs[0]!.addr_info.map((a) => a.local), ['10.8.0.1']);
  // Routes: remembered after two adds, then a rename by ip sends the next one to the new a0.
  ip(['-n', ns, 'link', 'set', 'a0', 'up']);
  ip(['-n', ns, 'link', 'set', 'b0', 'up']);
  await nl.routes.add({ dst: '10.7.1.0/24', oif: 'a0' });
  await nl.routes.add({ dst: '10.7.2.0/24', oif: 'a0' });
  await nl.routes.add({ dst: '10.7.3.0/24', oif: 'a0' });
  ip(['-n', ns, 'link', 'set', 'a0', 'name', 'z0']);
  ip(['-n', ns, 'link', 'set', 'b0', 'name', 'a0']);
  await nl.routes.add({ dst: '10.7.4.0/24', oif: 'a0' });
  const routesOn = (dev: string): string[] =>
    ipJson<Array<{ dst: string }>>(ns, ['route', 'show', 'dev', dev]).map((r) => r.dst).filter((d) => d.startsWith('10.7.')).sort();
  t.deepEqual(routesOn('z0'), ['10.7.1.0/24', '10.7.2.0/24', '10.7.3.0/24']);
  t.deepEqual(routesOn('a0'), ['10.7.4.0/24']);
});

liveTest('a link deleted or moved away by another program: ENODEV naming it, at once', async (t) => {
  const { name: ns, nl } = await tempNetns(t, 'ln');
  const { name: other } = await tempNetns(t, 'lo');
  ip(['-n', ns, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'a1']);
  ip(['-n', ns, 'link', 'add', 'c0', 'type', 'veth', 'peer', 'name', 'c1']);
  for (let i = 1; i <= 3; i++) await nl.neighbors.add({ link: 'a0', dst: `10.9.0.${i}`, lladdr: mac });
  for (let i = 1; i <= 3; i++) await nl.neighbors.add({ link: 'c0', dst: `10.9.1.${i}`, lladdr: mac });
  ip(['-n', ns, 'link', 'del', 'a0']);
  const e = await t.throwsAsync(nl.neighbors.add({ link: 'a0', dst: '10.9.0.9', lladdr: mac }), { instanceOf: NetlinkError });
  t.is(e.code, 'ENODEV');
  t.regex(e.message, /link "a0" does not exist/);
  ip(['-n', ns, 'link', 'set', 'c0', 'netns', other]);
  const moved = await t.throwsAsync(nl.neighbors.add({ link: 'c0', dst: '10.9.1.9', lladdr: mac }), { instanceOf: NetlinkError });
  t.is(moved.code, 'ENODEV');
});

liveSerial('the watcher socket lives and dies with its handle (serial: counts the fds of this process)', async (t) => {
  const { name: ns, path } = await tempNetns(t, 'ln');
  ip(['-n', ns, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'a1']);
  const before = readdirSync('/proc/self/fd').length;
  const nl = await RtNetlink.open({ netns: path });
  for (let i = 1; i <= 3; i++) await nl.neighbors.add({ link: 'a0', dst: `10.9.0.${i}`, lladdr: mac });
  t.is(readdirSync('/proc/self/fd').length, before + 2, 'the request socket and the watcher');
  nl.close();
  t.is(readdirSync('/proc/self/fd').length, before);
});

liveTest('a handle whose namespace path now names another namespace watches its own one', async (t) => {
  const { name: ns, path } = await tempNetns(t, 'ln');
  ip(['-n', ns, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'a1']);
  ip(['-n', ns, 'link', 'add', 'b0', 'type', 'veth', 'peer', 'name', 'b1']);
  const nl = await RtNetlink.open({ netns: path });
  t.teardown(() => nl.close());
  // The path is removed and made again: the handle's socket stays in the first namespace.
  ip(['netns', 'del', ns]);
  ip(['netns', 'add', ns]);
  ip(['-n', ns, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'a1']);
  const a0 = await nl.links.index('a0');
  // Three adds: the name is remembered after the second lookup (the watcher opens then).
  for (let i = 1; i <= 3; i++) await nl.neighbors.add({ link: 'a0', dst: `10.9.0.${i}`, lladdr: mac });
  // Renames in the handle's namespace: only a watcher there sees them.
  await nl.links.set('a0', { name: 'z0' });
  await nl.links.set('b0', { name: 'a0' });
  await nl.neighbors.add({ link: 'a0', dst: '10.9.0.4', lladdr: mac });
  const on = async (ifindex: number): Promise<string[]> =>
    (await nl.neighbors.list({ family: 4 })).filter((n) => n.ifindex === ifindex).map((n) => n.dst ?? '').sort();
  t.deepEqual(await on(a0), ['10.9.0.1', '10.9.0.2', '10.9.0.3']);
  t.deepEqual(await on(await nl.links.index('a0')), ['10.9.0.4']);
});

liveTest('renames queued on another handle just before an add are seen by it, as a lookup would see them', async (t) => {
  const { name: ns, path, nl } = await tempNetns(t, 'ln');
  ip(['-n', ns, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'a1']);
  ip(['-n', ns, 'link', 'add', 'b0', 'type', 'veth', 'peer', 'name', 'b1']);
  const other = await RtNetlink.open({ netns: path });
  t.teardown(() => other.close());
  for (let i = 1; i <= 3; i++) await nl.neighbors.add({ link: 'a0', dst: `10.9.0.${i}`, lladdr: mac });
  const a0 = await nl.links.index('a0');
  const b0 = await nl.links.index('b0');
  // One tick: the other handle queues two renames (by ifindex: written at once), then this one adds.
  await Promise.all([
    other.links.set(a0, { name: 'z0' }),
    other.links.set(b0, { name: 'a0' }),
    nl.neighbors.add({ link: 'a0', dst: '10.9.0.4', lladdr: mac }),
  ]);
  t.deepEqual(neighborsOn(ns, 'z0'), ['10.9.0.1', '10.9.0.2', '10.9.0.3']);
  t.deepEqual(neighborsOn(ns, 'a0'), ['10.9.0.4'], 'the add went to the link called a0 once the renames were sent');
});
