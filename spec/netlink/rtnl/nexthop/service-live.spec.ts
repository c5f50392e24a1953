// nl.nexthops against the real kernel, each test in a namespace of its own, `ip -j -d nexthop` as
// the oracle: nexthops the library makes are what ip shows, nexthops ip makes are what the library
// reads, and routes use them by id (`nhid`).
import { NetlinkError } from '../../../../lib/netlink/index.js';
import type { Nexthop } from '../../../../lib/netlink/rtnl/nexthop/view.js';
import type { Route } from '../../../../lib/netlink/rtnl/route/view.js';
import { ip, ipJson, liveTest, tempNetns, type TestNetns } from '../../../helpers/netns.js';
import { kernelTest } from '../../../helpers/kernel-features.js';

interface IpNexthop {
  id: number; gateway?: string; dev?: string; scope: string; protocol?: string; flags: string[];
  blackhole?: null; fdb?: null; group?: Array<{ id: number; weight?: number }>; type?: string;
  resilient_args?: { buckets: number; idle_timer: number; unbalanced_timer: number; unbalanced_time: number };
  encap?: string;
}

function setup(t: TestNetns): Map<number, string> {
  const n = (...args: string[]) => ip(['-n', t.name, ...args]);
  n('link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1');
  n('link', 'set', 'd0', 'up');
  n('link', 'set', 'd1', 'up');
  n('addr', 'add', '10.1.0.1/16', 'dev', 'd0');
  n('-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'd0', 'nodad');
  return new Map(ipJson<Array<{ ifname: string; ifindex: number }>>(t.name, ['link', 'show']).map((l) => [l.ifindex, l.ifname]));
}

/** One nexthop as both sides can say it (ip prints weight 1 and the mpath type by omission). */
function fromIp(n: IpNexthop): object {
  return {
    id: n.id, gateway: n.gateway, dev: n.dev, scope: n.scope, protocol: n.protocol ?? 'unspec', flags: n.flags,
    blackhole: n.blackhole === null, fdb: n.fdb === null, group: n.group?.map((g) => ({ id: g.id, weight: g.weight ?? 1 })),
    type: n.group === undefined ? undefined : n.type ?? 'mpath',
    resilient: n.resilient_args === undefined ? undefined : [n.resilient_args.buckets, n.resilient_args.idle_timer, n.resilient_args.unbalanced_timer],
  };
}

function fromLib(n: Nexthop, names: Map<number, string>): object {
  const r = n.resilientArgs;
  return {
    id: n.id, gateway: n.gateway, dev: n.oif === undefined ? undefined : names.get(n.oif), scope: n.scope, protocol: n.protocol,
    flags: n.flags, blackhole: n.blackhole, fdb: n.fdb, group: n.group, type: n.type,
    resilient: r === undefined ? undefined : [r.buckets, r.idleTimer, r.unbalancedTimer],
  };
}

const clean = (o: object): unknown => JSON.parse(JSON.stringify(o));

liveTest('every kind of nexthop the library adds is what ip shows, and list reads back what ip shows', async (t) => {
  const ns = await tempNetns(t);
  const names = setup(ns);
  const { nl } = ns;
  await nl.nexthops.add({ id: 1, gateway: '10.1.0.2', oif: 'd0' });
  await nl.nexthops.add({ id: 2, blackhole: true });
  await nl.nexthops.add({ id: 3, gateway: '2001:db8::2', oif: 'd0', protocol: 'static' });
  await nl.nexthops.add({ id: 4, oif: 'd0' });
  await nl.nexthops.add({ id: 5, gateway: '10.9.0.1', oif: 'd0', onlink: true, protocol: 'bgp' });
  await nl.nexthops.add({ id: 6, gateway: '10.1.0.9', fdb: true });
  await nl.nexthops.add({ id: 10, group: [{ id: 1, weight: 3 }, { id: 4, weight: 2 }] });
  await nl.nexthops.add({ id: 11, group: [{ id: 1 }, { id: 4 }], type: 'resilient', buckets: 8, idleTimer: 10, unbalancedTimer: 20 });
  await nl.nexthops.add({ id: 12, group: [{ id: 6 }], fdb: true });
  await nl.nexthops.add({ gateway: '10.1.0.7', oif: 'd0' }); // the kernel picks the id
  const theirs = ipJson<IpNexthop[]>(ns.name, ['-d', 'nexthop', 'show']);
  const ours = await nl.nexthops.list();
  t.deepEqual(ours.map((n) => clean(fromLib(n, names))), theirs.map((n) => clean(fromIp(n))));
  t.is(ours.length, 10);
  const picked = ours.find((n) => n.gateway === '10.1.0.7')!;
  t.true(picked.id > 0 && ![1, 2, 3, 4, 5, 6, 10, 11, 12].includes(picked.id));
  // get: one by id, as ip nexthop get shows it.
  const [one] = ipJson<IpNexthop[]>(ns.name, ['-d', 'nexthop', 'get', 'id', '11']);
  t.deepEqual(clean(fromLib(await nl.nexthops.get(11), names)), clean(fromIp(one!)));
  const e = await t.throwsAsync(nl.nexthops.get(99), { instanceOf: NetlinkError });
  t.is(e.code, 'ENOENT');
});

liveTest('filters: family, device, groups and fdb as ip filters them; protocol here', async (t) => {
  const ns = await tempNetns(t);
  setup(ns);
  const n = (...args: string[]) => ip(['-n', ns.name, 'nexthop', ...args]);
  n('add', 'id', '1', 'via', '10.1.0.2', 'dev', 'd0');
  n('add', 'id', '2', 'blackhole');
  ip(['-n', ns.name, '-6', 'nexthop', 'add', 'id', '3', 'via', '2001:db8::2', 'dev', 'd0', 'proto', 'static']);
  n('add', 'id', '4', 'dev', 'd0');
  n('add', 'id', '6', 'via', '10.1.0.9', 'fdb');
  n('add', 'id', '10', 'group', '1/4');
  n('add', 'id', '12', 'group', '6', 'fdb');
  const ids = (list: Nexthop[]) => list.map((x) => x.id);
  const ipIds = (...args: string[]) => ipJson<IpNexthop[]>(ns.name, ['nexthop', 'show', ...args]).map((x) => x.id);
  t.deepEqual(ids(await ns.nl.nexthops.list({ oif: 'd0' })), ipIds('dev', 'd0'));
  t.deepEqual(ids(await ns.nl.nexthops.list({ groups: true })), ipIds('groups'));
  t.deepEqual(ids(await ns.nl.nexthops.list({ family: 6 })), ipJson<IpNexthop[]>(ns.name, ['-6', 'nexthop', 'show']).map((x) => x.id));
  t.deepEqual(ids(await ns.nl.nexthops.list({ family: 4 })), [1, 2, 4, 6]);
  // The kernel's fdb filter lets every nexthop through (ip then shows them all): the library does not.
  const allFdb = ipJson<IpNexthop[]>(ns.name, ['-d', 'nexthop', 'show']).filter((x) => x.fdb === null).map((x) => x.id);
  t.deepEqual(ids(await ns.nl.nexthops.list({ fdb: true })), allFdb);
  t.deepEqual(allFdb, [6, 12]);
  t.deepEqual(ids(await ns.nl.nexthops.list({ protocol: 'static' })), [3]);
  const streamed: number[] = [];
  for await (const x of ns.nl.nexthops.stream({ groups: true })) streamed.push(x.id);
  t.deepEqual(streamed, [10, 12]);
});

liveTest('replace changes a nexthop in place; del removes it (and the routes using it); routes by nhid', async (t) => {
  const ns = await tempNetns(t);
  setup(ns);
  const { nl } = ns;
  await nl.nexthops.addMany([{ id: 1, gateway: '10.1.0.2', oif: 'd0' }, { id: 4, gateway: '10.1.0.3', oif: 'd0' }]);
  await nl.nexthops.add({ id: 10, group: [{ id: 1 }, { id: 4, weight: 5 }] });
  await nl.routes.add({ dst: '10.50.0.0/24', nhid: 10 });
  await nl.routes.add({ dst: '10.51.0.0/24', nhid: 1 });
  const routes = ipJson<Array<{ dst: string; nhid?: number }>>(ns.name, ['route', 'show']).filter((r) => r.nhid !== undefined);
  t.deepEqual((await nl.routes.list({ nhid: 10 })).map((r) => [r.dst, r.nhid]), routes.filter((r) => r.nhid === 10).map((r) => [r.dst, r.nhid]));
  const [viaGroup] = await nl.routes.list({ nhid: 10 });
  t.deepEqual(viaGroup!.multipath?.map((h) => [h.gateway, h.weight]), [['10.1.0.2', 1], ['10.1.0.3', 5]]);
  await nl.nexthops.replace({ id: 1, gateway: '10.1.0.5', oif: 'd0' });
  t.is(ipJson<IpNexthop[]>(ns.name, ['nexthop', 'get', 'id', '1'])[0]!.gateway, '10.1.0.5');
  t.is((await nl.routes.list({ dst: '10.51.0.0/24' }))[0]?.gateway, '10.1.0.5');
  await nl.nexthops.del(1);
  t.deepEqual(ipJson<IpNexthop[]>(ns.name, ['nexthop', 'show']).map((x) => x.id), [4, 10]);
  t.deepEqual((await nl.routes.list({ nhid: 1 })).length, 0, 'the kernel deleted the route using it');
  t.deepEqual(ipJson<IpNexthop[]>(ns.name, ['nexthop', 'get', 'id', '10'])[0]!.group, [{ id: 4, weight: 5 }]);
  const missing = await t.throwsAsync(nl.nexthops.del(1), { instanceOf: NetlinkError });
  t.is(missing.code, 'ENOENT');
  const dup = await t.throwsAsync(nl.nexthops.add({ id: 4, oif: 'd0' }), { instanceOf: NetlinkError });
  t.is(dup.code, 'EEXIST');
  const results = await nl.nexthops.delMany([10, 4, 77]);
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected']);
  t.deepEqual(ipJson<IpNexthop[]>(ns.name, ['nexthop', 'show']), []);
});

liveTest('group weights above 256 (Linux 6.12+: weight_high) and group statistics (6.9+) when the kernel has them', async (t) => {
  const ns = await tempNetns(t);
  setup(ns);
  const { nl } = ns;
  await nl.nexthops.addMany([{ id: 1, gateway: '10.1.0.2', oif: 'd0' }, { id: 2, gateway: '10.1.0.3', oif: 'd0' }]);
  try {
    await nl.nexthops.add({ id: 10, group: [{ id: 1, weight: 300 }, { id: 2, weight: 65535 }] });
  } catch (e) {
    // Kernels before 6.12 refuse the reserved byte: EINVAL, said so rather than silently truncated.
    t.true(e instanceof NetlinkError && e.code === 'EINVAL', String(e));
    t.log(`this kernel has no 16-bit weights: ${String(e)}`);
    return;
  }
  t.deepEqual((await nl.nexthops.get(10)).group, [{ id: 1, weight: 300 }, { id: 2, weight: 65535 }]);
  // The kernel's limit, which the library checks too.
  await t.throwsAsync(nl.nexthops.add({ id: 11, group: [{ id: 1, weight: 65536 }] }), { message: /^group\[0\]\.weight: / });
  const withStats = await nl.nexthops.get(10, { stats: true });
  t.deepEqual(withStats.groupStats?.map((s) => [s.id, s.packets]), [[1, 0n], [2, 0n]]);
  t.is((await nl.nexthops.list({ stats: true, groups: true }))[0]?.groupStats?.length, 2);
});

liveTest('routes using nexthops (a gateway, a device, a group; IPv4 and IPv6) are deleted by the Route views list gives, one by one and in bulk', async (t) => {
  // The kernel dumps such a route with the nexthop's device and gateway (or the group's paths)
  // filled in, and refuses those beside RTA_NH_ID in a request: a view sent back as it is was EINVAL.
  const ns = await tempNetns(t);
  setup(ns);
  const { nl } = ns;
  await nl.nexthops.addMany([
    { id: 1, gateway: '10.1.0.2', oif: 'd0' }, { id: 4, oif: 'd0' }, { id: 3, gateway: '2001:db8::2', oif: 'd0' },
  ]);
  await nl.nexthops.add({ id: 10, group: [{ id: 1, weight: 3 }, { id: 4, weight: 2 }] });
  const routes = [
    { dst: '10.50.0.0/24', nhid: 1 }, { dst: '10.51.0.0/24', nhid: 4 }, { dst: '10.52.0.0/24', nhid: 10 },
    { dst: '2001:db8:50::/64', nhid: 3 }, { dst: '10.53.0.0/24', nhid: 10 }, { dst: '2001:db8:51::/64', nhid: 3 },
  ];
  for (const r of routes) await nl.routes.add(r);
  const ours = (rs: Route[]): Route[] => rs.filter((r) => r.nhid !== undefined);
  const listed = ours([...await nl.routes.list({ family: 4 }), ...await nl.routes.list({ family: 6 })]);
  t.is(listed.length, routes.length);
  t.true(listed.some((r) => r.multipath !== undefined), 'the group route is listed with its paths');
  t.true(listed.some((r) => r.oif !== undefined), 'a single-nexthop route is listed with its device');
  // One by one for the first three, in bulk for the rest.
  for (const r of listed.slice(0, 3)) await nl.routes.del(r);
  const results = await nl.routes.delMany(listed.slice(3));
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled']);
  t.deepEqual(ours([...await nl.routes.list({ family: 4 }), ...await nl.routes.list({ family: 6 })]), []);
  t.deepEqual(ipJson<unknown[]>(ns.name, ['route', 'show', 'table', 'all']).filter((r) => (r as { nhid?: number }).nhid !== undefined), []);
  // The nexthops themselves are untouched.
  t.deepEqual((await nl.nexthops.list()).map((n) => n.id).sort((a, b) => a - b), [1, 3, 4, 10]);
});

kernelTest(['seg6-encap'], 'a nexthop with a seg6 encap is what ip shows, and reads back', async (t) => {
  const ns = await tempNetns(t);
  setup(ns);
  const { nl } = ns;
  await nl.nexthops.add({ id: 5, encap: { type: 'seg6', mode: 'encap', segments: ['fc00::1', 'fc00::2'] }, oif: 'd0' });
  ip(['-n', ns.name, 'nexthop', 'add', 'id', '6', 'encap', 'seg6', 'mode', 'encap', 'segs', 'fc00::1,fc00::2', 'dev', 'd0']);
  const line = (id: number): string => ip(['-n', ns.name, '-d', 'nexthop', 'show', 'id', String(id)]).trim().replace(/^id \d+ /, '');
  t.is(line(5), line(6));
  t.regex(line(5), /encap seg6 mode encap segs 2 \[ fc00::1 fc00::2 \]/);
  for (const id of [5, 6]) t.deepEqual((await nl.nexthops.get(id)).encap, { mode: 'encap', segments: ['fc00::1', 'fc00::2'] });
});
