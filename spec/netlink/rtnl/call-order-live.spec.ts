// Calls made together, not awaited one by one, reach the real kernel in call order even when the
// first ones look link names up: what depends on an earlier call (a route via an address being
// added, a neighbour on a link being brought up) succeeds, as in `ip -batch`.
import { ip, ipJson, liveTest, tempNetns } from '../../helpers/netns.js';

liveTest('an address added by link name, then a route via it and a neighbour, in one Promise.all: all succeed, in order', async (t) => {
  const { name: ns, nl } = await tempNetns(t, 'co');
  ip(['-n', ns, 'link', 'add', 'c0', 'type', 'veth', 'peer', 'name', 'c1']);
  // Three rounds: the first lookups go to the kernel, later ones are answered from remembered names.
  for (let round = 0; round < 3; round++) {
    const results = await Promise.allSettled([
      nl.links.set('c0', { up: true }),
      nl.addresses.add({ link: 'c0', address: `10.6${round}.0.1/24` }),
      nl.routes.add({ dst: `10.7${round}.0.0/16`, gateway: `10.6${round}.0.254` }),
      nl.routes.add({ dst: `10.8${round}.0.0/16`, gateway: `10.6${round}.0.253`, oif: 'c0' }),
      nl.neighbors.add({ link: 'c0', dst: `10.6${round}.0.254`, lladdr: '02:00:00:00:00:fe' }),
    ]);
    t.deepEqual(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status)), Array(5).fill('fulfilled'), `round ${round}`);
  }
  const routes = ipJson<Array<{ dst: string; gateway?: string }>>(ns, ['route', 'show']).filter((r) => r.gateway !== undefined);
  t.deepEqual(routes.map((r) => `${r.dst} via ${r.gateway}`).sort(), [
    '10.70.0.0/16 via 10.60.0.254', '10.71.0.0/16 via 10.61.0.254', '10.72.0.0/16 via 10.62.0.254',
    '10.80.0.0/16 via 10.60.0.253', '10.81.0.0/16 via 10.61.0.253', '10.82.0.0/16 via 10.62.0.253',
  ]);
  const neighbours = ipJson<Array<{ dst: string }>>(ns, ['neigh', 'show', 'dev', 'c0']).map((n) => n.dst).sort();
  t.deepEqual(neighbours, ['10.60.0.254', '10.61.0.254', '10.62.0.254']);
});

liveTest('a bridge port enslaved by master name, then the port brought up by index and its address: in order', async (t) => {
  const { name: ns, nl } = await tempNetns(t, 'co');
  const bridge = await nl.links.add({ name: 'br7', kind: 'bridge' });
  const port = await nl.links.add({ name: 'p7', kind: 'veth', peer: { name: 'p7b' } });
  const results = await Promise.allSettled([
    nl.links.set('p7', { master: 'br7' }),
    nl.links.set(bridge.ifindex, { up: true }),
    nl.addresses.add({ link: bridge.ifindex, address: '10.9.7.1/24' }),
    nl.routes.add({ dst: '10.9.8.0/24', gateway: '10.9.7.2' }),
  ]);
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
  const shown = ipJson<Array<{ master?: string }>>(ns, ['link', 'show', 'dev', 'p7'])[0]!;
  t.is(shown.master, 'br7');
  t.is(port.name, 'p7');
});

liveTest('a rename by name and a set of the new name in one Promise.all: both apply, as ip -batch would', async (t) => {
  const { name: ns, nl } = await tempNetns(t, 'co');
  ip(['-n', ns, 'link', 'add', 'r0', 'type', 'veth', 'peer', 'name', 'r1']);
  const results = await Promise.allSettled([
    nl.links.set('r0', { name: 'r2' }),
    nl.links.set('r2', { mtu: 1400, up: true }),
    nl.addresses.add({ link: 'r2', address: '10.9.9.1/24' }),
  ]);
  t.deepEqual(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status)), ['fulfilled', 'fulfilled', 'fulfilled']);
  const [shown] = ipJson<Array<{ ifname: string; mtu: number; addr_info: Array<{ local: string }> }>>(ns, ['addr', 'show', 'dev', 'r2']);
  t.is(shown!.mtu, 1400);
  t.deepEqual(shown!.addr_info.map((a) => a.local), ['10.9.9.1']);
});
