// nl.routes against the real kernel, each test in namespaces of its own, with `ip -N -j -d route`
// (numeric type/table/protocol/scope) and `ip -j route get` as the oracle. Links and addresses are
// made with `ip` (the fixture must not depend on the code under test).
import { execFileSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ExecutionContext } from 'ava';
import { NetlinkError, ProtocolError, RtNetlink, ValidationError } from '../../../../lib/netlink/index.js';
import type { Route } from '../../../../lib/netlink/rtnl/route/view.js';
import type { RouteSpec } from '../../../../lib/netlink/rtnl/route/service.js';
import { ip, ipJson, liveSerial, liveTest, tempNetns, type TestNetns } from '../../../helpers/netns.js';
import { kernelHas, kernelTest } from '../../../helpers/kernel-features.js';

interface IpRoute {
  type?: string; dst: string; from?: string; gateway?: string; via?: { family: string; host: string }; dev?: string;
  table?: string; protocol?: string; scope?: string; prefsrc?: string; metric?: number; flags?: string[];
  metrics?: Array<Record<string, number>>; pref?: string; expires?: number; flow?: { from?: string; to: string };
  nexthops?: Array<{ gateway?: string; via?: { family: string; host: string }; dev: string; weight: number; flags: string[] }>;
}

/** One route in a form both sides can produce. */
interface Normal {
  family: number; type: number; dst: string; src?: string; table: number; protocol: number; scope: number;
  gateway?: string; via?: string; oif?: number; prefsrc?: string; metric?: number; flags: string[];
  metrics?: Record<string, number>; multipath?: Array<{ gateway?: string | undefined; via?: string | undefined; oif: number; weight: number; flags: string[] }>;
  pref?: string; realms?: number;
}

function cidr(s: string, family: number): string {
  return s === 'default' || s.includes('/') ? s : `${s}/${family === 4 ? 32 : 128}`;
}

/** Drops the undefined fields (so deepEqual compares present fields only). */
function clean<T extends object>(o: { [K in keyof T]: T[K] | undefined }): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o as T;
}

/** Normalizes one route of `ip -N -j -d route show` (dev names mapped to ifindexes). */
function fromIp(r: IpRoute, family: number, links: Map<string, number>): Normal {
  const metrics = r.metrics?.[0];
  return clean<Normal>({
    family, type: Number(r.type), dst: cidr(r.dst, family), src: r.from === undefined ? undefined : cidr(r.from, family),
    table: Number(r.table), protocol: Number(r.protocol), scope: Number(r.scope),
    gateway: r.gateway, via: r.via?.host, oif: r.dev === undefined ? undefined : links.get(r.dev), prefsrc: r.prefsrc,
    metric: r.metric, flags: r.flags ?? [], metrics: metrics === undefined ? undefined : { ...metrics },
    multipath: r.nexthops?.map((h) => clean({ gateway: h.gateway, via: h.via?.host, oif: links.get(h.dev)!, weight: h.weight, flags: h.flags })),
    pref: r.pref, realms: r.flow === undefined ? undefined : (Number(r.flow.from ?? 0) << 16) | Number(r.flow.to),
  });
}

/** The same form from a library Route. */
function fromLib(r: Route): Normal {
  const h = r.header;
  let metrics: Record<string, number> | undefined;
  if (r.metrics !== undefined) {
    const { lock: _lock, unknown: _unknown, ...rest } = r.metrics;
    metrics = rest as Record<string, number>;
  }
  return clean<Normal>({
    family: r.family, type: h.type, dst: r.dst, src: r.src, table: r.tableId, protocol: h.protocol, scope: h.scope,
    gateway: r.gateway, via: r.via, oif: r.oif, prefsrc: r.prefsrc, metric: r.metric, flags: r.flags, metrics,
    multipath: r.multipath?.map((x) => clean({ gateway: x.gateway, via: x.via, oif: x.oif, weight: x.weight, flags: x.flags })),
    pref: typeof r.pref === 'string' ? r.pref : undefined, realms: r.realms,
  });
}

const keyOf = (n: Normal): string => `${n.family} ${n.table} ${n.dst} ${n.metric ?? ''} ${n.oif ?? ''} ${n.type} ${n.gateway ?? ''}`;
const sorted = (list: Normal[]): Normal[] => [...list].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));

function linkIndexes(ns: string): Map<string, number> {
  return new Map(ipJson<Array<{ ifname: string; ifindex: number }>>(ns, ['link', 'show']).map((l) => [l.ifname, l.ifindex]));
}

/** Every route ip shows in the namespace (both families, all tables), normalized. */
function oracle(ns: string): Normal[] {
  const links = linkIndexes(ns);
  const v4 = ipJson<IpRoute[]>(ns, ['-4', '-N', '-d', 'route', 'show', 'table', 'all']).map((r) => fromIp(r, 4, links));
  const v6 = ipJson<IpRoute[]>(ns, ['-6', '-N', '-d', 'route', 'show', 'table', 'all']).map((r) => fromIp(r, 6, links));
  return sorted([...v4, ...v6]);
}

/**
 * Compares `ours()` with ip's view, retrying while ip's own view is still changing (IPv6
 * link-local routes appear asynchronously after a link comes up).
 */
async function sameAsIp(t: ExecutionContext, ns: string, ours: () => Promise<Normal[]>, filter: (n: Normal) => boolean = () => true): Promise<Normal[]> {
  for (let attempt = 0; ; attempt++) {
    const before = oracle(ns).filter(filter);
    const mine = sorted(await ours());
    const after = oracle(ns).filter(filter);
    if (JSON.stringify(before) !== JSON.stringify(after) && attempt < 5) {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    t.deepEqual(mine, after);
    return mine;
  }
}

/** A namespace with a veth pair d0/d1 (up), 10.1.0.1/16 and 2001:db8::1/64 on d0. */
async function withLinks(t: ExecutionContext): Promise<TestNetns & { d0: number; d1: number }> {
  const n = await tempNetns(t, 'rt');
  ip(['-n', n.name, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
  // No IPv6 link-local autoconfiguration: its routes would appear at any moment (after DAD) and
  // make table snapshots taken before and after a step differ for reasons unrelated to the test.
  ip(['-n', n.name, 'link', 'set', 'd0', 'addrgenmode', 'none']);
  ip(['-n', n.name, 'link', 'set', 'd1', 'addrgenmode', 'none']);
  ip(['-n', n.name, 'link', 'set', 'd0', 'up']);
  ip(['-n', n.name, 'link', 'set', 'd1', 'up']);
  ip(['-n', n.name, 'addr', 'add', '10.1.0.1/16', 'dev', 'd0']);
  ip(['-n', n.name, '-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'd0', 'nodad']);
  const links = linkIndexes(n.name);
  return { ...n, d0: links.get('d0')!, d1: links.get('d1')! };
}

/** The kinds of routes the issue names, as specs (IPv4 and IPv6). */
const SPECS: RouteSpec[] = [
  { dst: '10.2.0.0/16', gateway: '10.1.0.2', metric: 5, table: 1000, prefsrc: '10.1.0.1', oif: 'd0', protocol: 'static' },
  { dst: '10.3.0.0/24', oif: 'd0' },
  { dst: '10.4.0.0/24', type: 'blackhole' },
  { dst: '10.5.0.0/24', type: 'unreachable' },
  { dst: '10.6.0.0/24', type: 'prohibit' },
  { dst: '10.6.1.0/24', type: 'throw', table: 200 },
  { dst: '10.1.9.9', type: 'local', oif: 'd0', table: 'local' },
  { dst: '10.7.0.0/24', oif: 'd0', mtu: 1400, advmss: 1360, hoplimit: 9, lock: ['mtu'] },
  { dst: '10.8.0.0/24', multipath: [{ gateway: '10.1.0.2', oif: 'd0', weight: 2, onlink: true }, { gateway: '10.1.0.3', oif: 'd0', weight: 5 }] },
  { dst: '10.9.0.0/24', via: '2001:db8::2', oif: 'd0' },
  { dst: '10.11.0.0/24', gateway: '10.1.0.2', realms: 5, tos: 0x10 },
  { dst: 'default', gateway: '10.1.0.254', table: 4000000000 },
  { dst: '2001:db8:1::/48', gateway: '2001:db8::2', pref: 'high', expires: 300 },
  { dst: '2001:db8:2::/48', multipath: [{ gateway: '2001:db8::2', oif: 'd0', weight: 3 }, { gateway: '2001:db8::3', oif: 'd0', weight: 1 }] },
  { dst: 'default', family: 6, type: 'unreachable', table: 77, metric: 99 },
  { dst: '2001:db8:3::/64', oif: 'd0', protocol: 'bird', mtu: 1300 },
  // No table: local and broadcast routes go to table local, as with ip.
  { dst: '10.1.9.10', type: 'local', oif: 'd0' },
  { dst: '10.1.255.254', type: 'broadcast', oif: 'd0' },
];

/** The same routes, as `ip route add` arguments. */
const IP_ARGS: string[][] = [
  ['route', 'add', '10.2.0.0/16', 'via', '10.1.0.2', 'metric', '5', 'table', '1000', 'src', '10.1.0.1', 'dev', 'd0', 'proto', 'static'],
  ['route', 'add', '10.3.0.0/24', 'dev', 'd0'],
  ['route', 'add', 'blackhole', '10.4.0.0/24'],
  ['route', 'add', 'unreachable', '10.5.0.0/24'],
  ['route', 'add', 'prohibit', '10.6.0.0/24'],
  ['route', 'add', 'throw', '10.6.1.0/24', 'table', '200'],
  ['route', 'add', 'local', '10.1.9.9', 'dev', 'd0', 'table', 'local'],
  ['route', 'add', '10.7.0.0/24', 'dev', 'd0', 'mtu', 'lock', '1400', 'advmss', '1360', 'hoplimit', '9'],
  ['route', 'add', '10.8.0.0/24', 'nexthop', 'via', '10.1.0.2', 'dev', 'd0', 'weight', '2', 'onlink', 'nexthop', 'via', '10.1.0.3', 'dev', 'd0', 'weight', '5'],
  ['route', 'add', '10.9.0.0/24', 'via', 'inet6', '2001:db8::2', 'dev', 'd0'],
  ['route', 'add', '10.11.0.0/24', 'via', '10.1.0.2', 'realms', '5', 'tos', '0x10'],
  ['route', 'add', 'default', 'via', '10.1.0.254', 'table', '4000000000'],
  ['-6', 'route', 'add', '2001:db8:1::/48', 'via', '2001:db8::2', 'pref', 'high', 'expires', '300'],
  ['-6', 'route', 'add', '2001:db8:2::/48', 'nexthop', 'via', '2001:db8::2', 'dev', 'd0', 'weight', '3', 'nexthop', 'via', '2001:db8::3', 'dev', 'd0', 'weight', '1'],
  ['-6', 'route', 'add', 'unreachable', 'default', 'table', '77', 'metric', '99'],
  ['-6', 'route', 'add', '2001:db8:3::/64', 'dev', 'd0', 'proto', 'bird', 'mtu', '1300'],
  ['route', 'add', 'local', '10.1.9.10', 'dev', 'd0'],
  ['route', 'add', 'broadcast', '10.1.255.254', 'dev', 'd0'],
];

liveTest('routes made by the library are what ip shows, field by field (every kind, IPv4 and IPv6)', async (t) => {
  const { name, nl } = await withLinks(t);
  for (const spec of SPECS) await nl.routes.add(spec);
  const mine = await sameAsIp(t, name, async () => (await nl.routes.list()).map(fromLib));
  // Spot checks on what the comparison covers.
  const find = (dst: string, table: number): Normal | undefined => mine.find((n) => n.dst === dst && n.table === table);
  t.like(find('10.2.0.0/16', 1000), { gateway: '10.1.0.2', metric: 5, prefsrc: '10.1.0.1', protocol: 4 });
  t.like(find('default', 4000000000), { gateway: '10.1.0.254' });
  t.deepEqual(find('10.8.0.0/24', 254)?.multipath?.map((h) => [h.weight, h.flags]), [[2, ['onlink']], [5, []]]);
  t.is(find('10.9.0.0/24', 254)?.via, '2001:db8::2');
  t.like(find('10.11.0.0/24', 254), { realms: 5 });
  t.like(find('2001:db8:1::/48', 254), { pref: 'high', metric: 1024 });
  t.deepEqual(find('2001:db8:3::/64', 254)?.metrics, { mtu: 1300 });
  t.is(find('default', 77)?.type, 7);
  t.like(find('10.1.9.10/32', 255), { type: 2, scope: 254 });
  t.like(find('10.1.255.254/32', 255), { type: 3, scope: 253 });
  // expires counts down: ip and the library agree to the second or two.
  const ipExpires = ipJson<IpRoute[]>(name, ['-6', 'route', 'show', '2001:db8:1::/48'])[0]!.expires!;
  const ours = (await nl.routes.list({ family: 6 })).find((r) => r.dst === '2001:db8:1::/48')!;
  t.true(Math.abs(ours.expires! - ipExpires) <= 2, `${ours.expires} vs ${ipExpires}`);
  t.true(ours.expires! > 290 && ours.expires! <= 300);
  const tos = (await nl.routes.list()).find((r) => r.dst === '10.11.0.0/24')!;
  t.is(tos.tos, 0x10);
});

liveTest('routes made by ip are decoded by the library, and stream() yields the same as list()', async (t) => {
  const { name, nl } = await withLinks(t);
  for (const args of IP_ARGS) ip(['-n', name, ...args]);
  const listed = await sameAsIp(t, name, async () => (await nl.routes.list()).map(fromLib));
  t.true(listed.length >= IP_ARGS.length + 5);
  const streamed: Normal[] = [];
  for await (const r of nl.routes.stream()) streamed.push(fromLib(r));
  t.deepEqual(sorted(streamed), listed);
  // Leaving a stream early drains its dump: the handle stays usable.
  let taken = 0;
  for await (const r of nl.routes.stream()) {
    t.truthy(r.dst);
    if (++taken === 3) break;
  }
  t.is(taken, 3);
  t.is((await nl.routes.list()).length, listed.length);
});

liveTest('ip-made and library-made routes are identical in the kernel (same specs, same dumps)', async (t) => {
  const a = await withLinks(t);
  const b = await withLinks(t);
  for (const args of IP_ARGS) ip(['-n', a.name, ...args]);
  for (const spec of SPECS) await b.nl.routes.add(spec);
  const strip = (n: Normal): Normal => n; // same link indexes in both namespaces (same creation order)
  t.is(a.d0, b.d0);
  const ra = sorted((await a.nl.routes.list()).map(fromLib).map(strip)).filter((n) => !n.dst.startsWith('fe80'));
  const rb = sorted((await b.nl.routes.list()).map(fromLib).map(strip)).filter((n) => !n.dst.startsWith('fe80'));
  t.deepEqual(rb, ra);
});

liveTest('filters: family, table (ids above 255), oif (multipath included), protocol, type, against ip', async (t) => {
  const { name, nl, d0, d1 } = await withLinks(t);
  for (const spec of SPECS) await nl.routes.add(spec);
  await nl.routes.add({ dst: '10.12.0.0/24', oif: 'd1', table: 1000, protocol: 'zebra' });
  await nl.routes.add({ dst: '2001:db8:12::/64', oif: 'd1', table: 1000 });
  const via = async (o: Parameters<typeof nl.routes.list>[0]): Promise<Normal[]> => (await nl.routes.list(o)).map(fromLib);
  await sameAsIp(t, name, () => via({ family: 4 }), (n) => n.family === 4);
  await sameAsIp(t, name, () => via({ family: 6 }), (n) => n.family === 6);
  const t1000 = await sameAsIp(t, name, () => via({ table: 1000 }), (n) => n.table === 1000);
  t.deepEqual(t1000.map((n) => n.dst).sort(), ['10.12.0.0/24', '10.2.0.0/16', '2001:db8:12::/64']);
  await sameAsIp(t, name, () => via({ table: 4000000000 }), (n) => n.table === 4000000000);
  await sameAsIp(t, name, () => via({ table: 'local', family: 6 }), (n) => n.table === 255 && n.family === 6);
  const onD0 = (n: Normal): boolean => n.oif === d0 || (n.multipath?.some((h) => h.oif === d0) ?? false);
  const d0Routes = await sameAsIp(t, name, () => via({ oif: 'd0' }), onD0);
  t.true(d0Routes.some((n) => n.dst === '10.8.0.0/24' && n.oif === undefined)); // a multipath route through d0
  await sameAsIp(t, name, () => via({ oif: d1, family: 4 }), (n) => n.family === 4 && n.oif === d1);
  await sameAsIp(t, name, () => via({ protocol: 'kernel' }), (n) => n.protocol === 2);
  await sameAsIp(t, name, () => via({ protocol: 'zebra', table: 1000 }), (n) => n.protocol === 11 && n.table === 1000);
  await sameAsIp(t, name, () => via({ type: 'local' }), (n) => n.type === 2);
  await sameAsIp(t, name, () => via({ type: 'unreachable', family: 6 }), (n) => n.type === 7 && n.family === 6);
  await sameAsIp(t, name, () => via({ protocol: 'unspec' }), (n) => n.protocol === 0);
  t.deepEqual(await nl.routes.list({ table: 4242 }), []);
  t.deepEqual(await nl.routes.list({ table: 4242, family: 4 }), []);
  const streamed: string[] = [];
  for await (const r of nl.routes.stream({ table: 1000, family: 6 })) streamed.push(r.dst);
  t.deepEqual(streamed, ['2001:db8:12::/64']);
  await t.throwsAsync(nl.routes.list({ oif: 'nope0' }), { instanceOf: NetlinkError, code: 'ENODEV' });
});

liveTest('get() is the kernel lookup ip route get shows (gateway, prefsrc, from/oif/mark, fibmatch, IPv6)', async (t) => {
  const { name, nl, d0 } = await withLinks(t);
  await nl.routes.add({ dst: '10.20.0.0/16', gateway: '10.1.0.2' });
  await nl.routes.add({ dst: '2001:db8:20::/48', gateway: '2001:db8::2' });
  const r = await nl.routes.get('10.20.3.4');
  const o = ipJson<IpRoute[]>(name, ['route', 'get', '10.20.3.4'])[0]!;
  t.is(r.dst, cidr(o.dst, 4));
  t.is(r.gateway, o.gateway);
  t.is(r.oif, d0);
  t.is(r.prefsrc, o.prefsrc);
  t.is(r.table, 'main');
  t.is(r.tableId, 254);
  t.true(r.cloned);
  const r2 = await nl.routes.get('10.1.2.3', { from: '10.1.0.1', oif: 'd0', mark: 7 });
  const o2 = ipJson<Array<IpRoute & { mark?: number }>>(name, ['route', 'get', '10.1.2.3', 'from', '10.1.0.1', 'oif', 'd0', 'mark', '7'])[0]!;
  t.is(r2.src, cidr(o2.from!, 4));
  t.is(r2.mark, 7);
  t.is(r2.oif, d0);
  const local = await nl.routes.get('10.1.0.1', { from: '10.1.0.5', iif: 'd0' });
  const olocal = ipJson<Array<IpRoute & { iif?: string }>>(name, ['route', 'get', '10.1.0.1', 'from', '10.1.0.5', 'iif', 'd0'])[0]!;
  t.is(local.type, olocal.type!);
  t.is(local.type, 'local');
  t.is(local.iif, linkIndexes(name).get(olocal.iif!));
  t.is(local.oif, linkIndexes(name).get(olocal.dev!));
  t.is(local.src, cidr(olocal.from!, 4));
  const fm = await nl.routes.get('10.20.3.4', { fibMatch: true });
  const ofm = ipJson<IpRoute[]>(name, ['route', 'get', 'fibmatch', '10.20.3.4'])[0]!;
  t.is(fm.dst, ofm.dst);
  t.is(fm.dst, '10.20.0.0/16');
  t.is(fm.gateway, '10.1.0.2');
  const r6 = await nl.routes.get('2001:db8:20::9');
  const o6 = ipJson<IpRoute[]>(name, ['-6', 'route', 'get', '2001:db8:20::9'])[0]!;
  t.is(r6.dst, cidr(o6.dst, 6));
  t.is(r6.gateway, o6.gateway);
  t.is(r6.metric, o6.metric);
  t.is(r6.family, 6);
  const e = await t.throwsAsync(nl.routes.get('192.0.2.1'), { instanceOf: NetlinkError });
  t.is(e.code, 'ENETUNREACH');
  t.throws(() => ip(['-n', name, 'route', 'get', '192.0.2.1']), { message: /unreachable/i });
  await t.throwsAsync(nl.routes.get('10.1.2.3', { oif: 'nope0' }), { instanceOf: NetlinkError, code: 'ENODEV' });
});

liveTest('replace changes a route in place or creates it; del by spec and by Route view', async (t) => {
  const { name, nl } = await withLinks(t);
  await nl.routes.add({ dst: '10.30.0.0/24', gateway: '10.1.0.2', metric: 10 });
  await nl.routes.replace({ dst: '10.30.0.0/24', gateway: '10.1.0.3', metric: 10, mtu: 1280 });
  let o = ipJson<IpRoute[]>(name, ['route', 'show', '10.30.0.0/24']);
  t.is(o.length, 1);
  t.is(o[0]!.gateway, '10.1.0.3');
  t.deepEqual(o[0]!.metrics, [{ mtu: 1280 }]);
  await nl.routes.replace({ dst: '10.31.0.0/24', oif: 'd0' }); // NLM_F_CREATE: made if missing
  t.is(ipJson<IpRoute[]>(name, ['route', 'show', '10.31.0.0/24']).length, 1);
  await nl.routes.add({ dst: '10.30.0.0/24', gateway: '10.1.0.2', metric: 20 }); // same prefix, other metric
  await nl.routes.del({ dst: '10.30.0.0/24', metric: 20 });
  o = ipJson<IpRoute[]>(name, ['route', 'show', '10.30.0.0/24']);
  t.deepEqual(o.map((r) => r.metric), [10]);
  // A Route view from list() is deleted by sending its own message back (ip route flush style).
  const views = await nl.routes.list({ family: 4, table: 'main', protocol: 'boot' });
  t.deepEqual(views.map((r) => r.dst).sort(), ['10.30.0.0/24', '10.31.0.0/24']);
  for (const v of views) await nl.routes.del(v);
  t.deepEqual(ipJson<IpRoute[]>(name, ['route', 'show', 'proto', 'boot']), []);
  await nl.routes.add({ dst: '2001:db8:30::/48', gateway: '2001:db8::2', expires: 100 });
  await nl.routes.del({ dst: '2001:db8:30::/48' });
  t.deepEqual(ipJson<IpRoute[]>(name, ['-6', 'route', 'show', '2001:db8:30::/48']), []);
});

liveTest('addMany/delMany: mixed good and failing items, one result each, in order; only the good ones change', async (t) => {
  const { name, nl } = await withLinks(t);
  await nl.routes.add({ dst: '10.40.1.0/24', oif: 'd0' });
  const add = await nl.routes.addMany([
    { dst: '10.40.0.0/24', oif: 'd0' },
    { dst: '10.40.1.0/24', oif: 'd0' }, // exists: EEXIST
    { dst: '10.40.2.0/24', oif: 'nope0' }, // unknown link: ENODEV
    { dst: '10.40.3.0/24', gateway: '10.99.0.1' }, // unreachable gateway
    { dst: '2001:db8:40::/48', gateway: '2001:db8::2' },
    { dst: '10.40.4.0/24', gateway: '10.1.0.2', table: 3000 },
  ]);
  t.deepEqual(add.map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
  const code = (r: (typeof add)[number]): string | undefined => (r.status === 'rejected' ? (r.reason as NetlinkError).code : undefined);
  t.is(code(add[1]!), 'EEXIST');
  t.is(code(add[2]!), 'ENODEV');
  t.is(code(add[3]!), 'ENETUNREACH');
  t.true(add.filter((r) => r.status === 'rejected').every((r) => r.status === 'rejected' && r.reason instanceof NetlinkError));
  const v4 = ipJson<IpRoute[]>(name, ['-4', 'route', 'show', 'table', 'all', 'proto', 'boot']).map((r) => r.dst).sort();
  t.deepEqual(v4, ['10.40.0.0/24', '10.40.1.0/24', '10.40.4.0/24']);
  t.deepEqual(ipJson<IpRoute[]>(name, ['-6', 'route', 'show', '2001:db8:40::/48']).map((r) => r.gateway), ['2001:db8::2']);
  const del = await nl.routes.delMany([
    { dst: '10.40.0.0/24' },
    { dst: '10.40.9.0/24' }, // missing: ESRCH
    { dst: '10.40.4.0/24', table: 3000 },
    { dst: '2001:db8:40::/48' },
    { dst: '2001:db8:49::/48' }, // missing
  ]);
  t.deepEqual(del.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected']);
  t.is(code(del[1]!), 'ESRCH');
  t.is(code(del[4]!), 'ESRCH');
  t.deepEqual(ipJson<IpRoute[]>(name, ['-4', 'route', 'show', 'table', 'all', 'proto', 'boot']).map((r) => r.dst), ['10.40.1.0/24']);
  t.deepEqual(await nl.routes.addMany([]), []);
});

liveTest('errors: EEXIST, ESRCH, ENODEV from the kernel; ValidationErrors change nothing', async (t) => {
  const { name, nl } = await withLinks(t);
  await nl.routes.add({ dst: '10.50.0.0/24', oif: 'd0' });
  const dup = await t.throwsAsync(nl.routes.add({ dst: '10.50.0.0/24', oif: 'd0' }), { instanceOf: NetlinkError });
  t.is(dup.code, 'EEXIST');
  t.is(dup.errno, 17);
  t.is(dup.op, 'RTM_NEWROUTE');
  const missing = await t.throwsAsync(nl.routes.del({ dst: '10.51.0.0/24' }), { instanceOf: NetlinkError });
  t.is(missing.code, 'ESRCH');
  t.is(missing.op, 'RTM_DELROUTE');
  await t.throwsAsync(nl.routes.del({ dst: '2001:db8:51::/48' }), { instanceOf: NetlinkError, code: 'ESRCH' });
  await t.throwsAsync(nl.routes.add({ dst: '10.52.0.0/24', oif: 'nope0' }), { instanceOf: NetlinkError, code: 'ENODEV' });
  await t.throwsAsync(nl.routes.add({ dst: '10.52.0.0/24', oif: 9999 }), { instanceOf: NetlinkError, code: 'ENODEV' });
  await t.throwsAsync(nl.routes.add({ dst: '2001:db8:52::/48', gateway: '2001:db8:99::1' }), { instanceOf: NetlinkError });
  const before = ip(['-n', name, '-d', 'route', 'show', 'table', 'all']) + ip(['-n', name, '-6', '-d', 'route', 'show', 'table', 'all']);
  const bad: Array<() => Promise<unknown>> = [
    () => nl.routes.add({ dst: '10.1.2.3/16', oif: 'd0' }),
    () => nl.routes.add({ dst: '10.60.0.0/24', gateway: 'fe80::1' }),
    () => nl.routes.add({ dst: '2001:db8:60::/48', gateway: '10.1.0.2' }),
    () => nl.routes.add({ dst: '10.60.0.0/24', table: -1 }),
    () => nl.routes.add({ dst: '10.60.0.0/24', metric: 2 ** 32 }),
    () => nl.routes.add({ dst: '10.60.0.0/24', multipath: [{ gateway: '10.1.0.2', weight: 300 }] }),
    () => nl.routes.add({ dst: '10.60.0.0/24', oif: 'd0', colour: 'red' } as never),
    () => nl.routes.add({ dst: '10.60.0.0/24', type: 'wormhole' as never }),
    () => nl.routes.add({ dst: '10.60.0.0/24', scope: 'galaxy' as never }),
    () => nl.routes.add({ dst: '10.60.0.0/24', protocol: 'carrier-pigeon' }),
    () => nl.routes.addMany([{ dst: '10.61.0.0/24', oif: 'd0' }, { dst: '10.62.0.0/33', oif: 'd0' }]),
    () => nl.routes.replace({ dst: 'default' }),
    () => nl.routes.del({ dst: '10.50.0.1/24' }),
  ];
  for (const run of bad) await t.throwsAsync(run(), { instanceOf: ValidationError });
  const after = ip(['-n', name, '-d', 'route', 'show', 'table', 'all']) + ip(['-n', name, '-6', '-d', 'route', 'show', 'table', 'all']);
  t.is(after, before);
  t.false(after.includes('10.61.0.0'));
});

liveTest('lightweight-tunnel encap routes (ip, ip6 over a vxlan external device): library-made as ip shows them, ip-made decoded', async (t) => {
  const { name, nl } = await withLinks(t);
  ip(['-n', name, 'link', 'add', 'vx0', 'type', 'vxlan', 'external', 'dstport', '4789']);
  ip(['-n', name, 'link', 'set', 'vx0', 'up']);
  await nl.routes.add({ dst: '10.70.0.0/24', encap: { type: 'ip', id: 5, dst: '10.1.0.9', ttl: 7, tos: 8 }, oif: 'vx0' });
  await nl.routes.add({ dst: '2001:db8:70::/48', encap: { type: 'ip6', id: 2n ** 40n, dst: '2001:db8::9', hoplimit: 3 }, oif: 'vx0' });
  // ip -j prints the encap fields at the route's level (its "dst" key is printed twice; the last wins).
  const o4 = ipJson<Array<Record<string, unknown>>>(name, ['-d', 'route', 'show', '10.70.0.0/24'])[0]!;
  t.like(o4, { encap: 'ip', id: 5, dst: '10.1.0.9', ttl: 7, tos: 8 });
  const o6 = ipJson<Array<Record<string, unknown>>>(name, ['-6', '-d', 'route', 'show', '2001:db8:70::/48'])[0]!;
  t.like(o6, { encap: 'ip6', id: 2 ** 40, dst: '2001:db8::9', hoplimit: 3 });
  ip(['-n', name, 'route', 'add', '10.71.0.0/24', 'encap', 'ip', 'id', '77', 'dst', '10.1.0.10', 'src', '10.1.0.1', 'dev', 'vx0']);
  const routes = await nl.routes.list({ oif: 'vx0' });
  const by = (dst: string): Route => routes.find((r) => r.dst === dst)!;
  t.is(by('10.70.0.0/24').encapType, 'ip');
  t.like(by('10.70.0.0/24').encap, { id: 5n, dst: '10.1.0.9', ttl: 7, tos: 8 });
  t.like(by('10.71.0.0/24').encap, { id: 77n, dst: '10.1.0.10', src: '10.1.0.1' });
  t.is(by('2001:db8:70::/48').encapType, 'ip6');
  t.like(by('2001:db8:70::/48').encap, { id: 2n ** 40n, dst: '2001:db8::9', hoplimit: 3 });
});

kernelTest(['mpls-encap'], 'mpls encap: as ip shows it', async (t) => {
  const { name, nl } = await withLinks(t);
  await nl.routes.add({ dst: '10.72.0.0/24', gateway: '10.1.0.2', encap: { type: 'mpls', labels: [100, 200] } });
  t.like(ipJson<Array<Record<string, unknown>>>(name, ['route', 'show', '10.72.0.0/24'])[0], { encap: 'mpls', dst: '100/200' });
  const r = (await nl.routes.list({ family: 4 })).find((x) => x.dst === '10.72.0.0/24')!;
  t.deepEqual(r.encap, { dst: [100, 200] });
});

liveTest('mpls encap without MPLS lightweight tunnels in the kernel: the EOPNOTSUPP ip gets (or success where the kernel has them)', async (t) => {
  const { name, nl } = await withLinks(t);
  const add = nl.routes.add({ dst: '10.72.0.0/24', gateway: '10.1.0.2', encap: { type: 'mpls', labels: [100, 200] } });
  if (kernelHas('mpls-encap')) {
    await t.notThrowsAsync(add);
    return;
  }
  await t.throwsAsync(add, { instanceOf: NetlinkError, code: 'EOPNOTSUPP' });
  t.throws(() => ip(['-n', name, 'route', 'add', '10.72.0.0/24', 'encap', 'mpls', '100/200', 'via', '10.1.0.2']), { message: /not supported/ });
});

// ---- big tables ----

/** `n` host routes 10.x.y.z/32 in table 100 through d0, added in bulk. */
async function fill(nl: RtNetlink, n: number, table = 100): Promise<void> {
  const batch = 20000;
  for (let from = 0; from < n; from += batch) {
    const specs: RouteSpec[] = [];
    for (let i = from; i < Math.min(n, from + batch); i++) {
      specs.push({ dst: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, oif: 'd0', table });
    }
    const results = await nl.routes.addMany(specs);
    const bad = results.findIndex((r) => r.status !== 'fulfilled');
    if (bad !== -1) throw new Error(`route ${from + bad} failed: ${String((results[bad] as { reason: Error }).reason)}`);
  }
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const used = (): number => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };

liveSerial('stream() over 100,000 routes: every route once, memory bounded (not growing with the count)', async (t) => {
  const { name, nl, d0 } = await withLinks(t);
  const N = 100_000;
  await fill(nl, N);
  const shown = execFileSync('ip', ['-n', name, 'route', 'show', 'table', '100'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  t.is(shown.split('\n').filter(Boolean).length, N);
  // Streaming, keeping nothing: memory measured after a collection every 10,000 routes; the growth
  // from the first sample on is what keeping the routes would cost.
  const samples: number[] = [];
  let count = 0;
  let wrong = 0;
  for await (const r of nl.routes.stream({ table: 100 })) {
    // Host routes come in key order; check each one instead of keeping it.
    const i = count++;
    const want = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`;
    if (r.dst !== want || r.oif !== d0 || r.table !== 100 || r.scope !== 'link') wrong++;
    if (count % 10_000 === 0) {
      gc();
      samples.push(used());
    }
  }
  // Control, measured afterwards on the same handle: the same dump kept in an array (list()).
  gc();
  const base1 = used();
  const all = await nl.routes.list({ table: 100 });
  gc();
  const held = used() - base1;
  t.is(all.length, N);
  t.is(count, N);
  t.is(wrong, 0);
  t.is(samples.length, 10);
  const growth = Math.max(...samples) - samples[0]!;
  t.log(`list() of ${N} routes held ${(held / 1e6).toFixed(1)} MB; stream() grew by ${(growth / 1e3).toFixed(0)} kB from route 10,000 to 100,000`);
  t.true(held > 5e6, `the control should hold the routes (${held} bytes)`);
  t.true(growth < held / 4, `stream growth ${growth} vs list ${held}`);
});

liveSerial('a dump changed midway: NLM_F_DUMP_INTR would be ERR_NL_DUMP_INTERRUPTED; kernel 6.18 resumes route dumps by key, unflagged', async (t) => {
  for (const family of [4, 6] as const) {
    const { name, nl } = await withLinks(t);
    const other = await RtNetlink.open({ netns: `/run/netns/${name}` });
    t.teardown(() => other.close());
    const N = 20_000;
    const K = 5_000;
    const dst = (i: number): string => (family === 4
      ? `10.${(i >> 8) & 255}.${i & 255}.0/24`
      : `2001:db8:${((i >> 8) + 1).toString(16)}:${((i & 255) + 1).toString(16)}::/64`);
    const made = await nl.routes.addMany(Array.from({ length: N }, (_, i) => ({ dst: dst(i), oif: 'd0', table: 100 })));
    t.true(made.every((r) => r.status === 'fulfilled'));
    const it = nl.routes.stream({ family, table: 100 });
    const first = await it.next();
    t.true(first.value !== undefined && !first.done);
    // While the dump is paused after its first datagram: delete the last K routes (not dumped
    // yet) and add K new ones, from another socket.
    const deleted = new Set(Array.from({ length: K }, (_, i) => dst(N - 1 - i)));
    const added = new Set(Array.from({ length: K }, (_, i) => dst(N + i)));
    t.true((await other.routes.delMany([...deleted].map((d) => ({ dst: d, table: 100 })))).every((r) => r.status === 'fulfilled'));
    t.true((await other.routes.addMany([...added].map((d) => ({ dst: d, oif: 'd0', table: 100 })))).every((r) => r.status === 'fulfilled'));
    const seen = new Map<string, number>([[first.value!.dst, 1]]);
    let interrupted: ProtocolError | undefined;
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        seen.set(r.value.dst, (seen.get(r.value.dst) ?? 0) + 1);
      }
    } catch (e) {
      if (!(e instanceof ProtocolError) || e.code !== 'ERR_NL_DUMP_INTERRUPTED') throw e;
      interrupted = e;
    }
    const shown = JSON.parse(execFileSync('ip', ['-n', name, '-j', `-${family}`, 'route', 'show', 'table', '100'], { encoding: 'utf8', maxBuffer: 64 << 20 })) as IpRoute[];
    const now = new Set(shown.map((r) => cidr(r.dst, family)));
    t.is(now.size, N);
    if (interrupted !== undefined) {
      // The kernel flagged the dump: list() restarts it and gets the consistent table.
      t.log(`IPv${family}: the kernel set NLM_F_DUMP_INTR; stream threw ${interrupted.code}`);
      const listed = new Set((await nl.routes.list({ family, table: 100 })).map((r) => r.dst));
      t.deepEqual(listed, now);
    } else {
      // What kernel 6.18 does: no NLM_F_DUMP_INTR for route dumps; the dump continues from the
      // last key it sent, so it shows the table as it is when each datagram is built: the routes
      // unchanged throughout appear exactly once, the deleted ones (not reached yet) never.
      const dups = [...seen.values()].filter((c) => c > 1).length;
      const newSeen = [...added].filter((d) => seen.has(d)).length;
      t.log(`IPv${family}: no NLM_F_DUMP_INTR; ${seen.size} routes, ${dups} repeated, ${newSeen}/${K} added-midway seen, deleted-midway seen: ${[...deleted].filter((d) => seen.has(d)).length}`);
      const unchanged = Array.from({ length: N - K }, (_, i) => dst(i));
      t.deepEqual(unchanged.filter((d) => seen.get(d) !== 1), []);
      t.is([...deleted].filter((d) => seen.has(d)).length, 0);
      t.is(dups, 0);
    }
  }
});

/** SRv6 routes, as the library takes them and as ip's arguments (vishvananda's TestSEG6* among them). */
const SEG6: Array<[RouteSpec, string[]]> = [
  [{ dst: '10.0.0.102/32', encap: { type: 'seg6', mode: 'encap', segments: ['fc00:a000::22', 'fc00:a000::21'] }, oif: 'd0' },
    ['route', 'add', '10.0.0.102/32', 'encap', 'seg6', 'mode', 'encap', 'segs', 'fc00:a000::22,fc00:a000::21', 'dev', 'd0']],
  [{ dst: '2001:db8:60::1', encap: { type: 'seg6', mode: 'inline', segments: ['fc00:a000::12', 'fc00:a000::11'] }, oif: 'd0' },
    ['-6', 'route', 'add', '2001:db8:60::1/128', 'encap', 'seg6', 'mode', 'inline', 'segs', 'fc00:a000::12,fc00:a000::11', 'dev', 'd0']],
  [{ dst: '2001:db8:60::2', encap: { type: 'seg6', mode: 'l2encap.red', segments: ['fc00:a000::13', 'fc00:a000::14'] }, oif: 'd0' },
    ['-6', 'route', 'add', '2001:db8:60::2/128', 'encap', 'seg6', 'mode', 'l2encap.red', 'segs', 'fc00:a000::13,fc00:a000::14', 'dev', 'd0']],
  [{ dst: '2001:db8:61::1', encap: { type: 'seg6local', action: 'End' }, oif: 'd0' },
    ['-6', 'route', 'add', '2001:db8:61::1/128', 'encap', 'seg6local', 'action', 'End', 'dev', 'd0']],
  [{ dst: '2001:db8:61::2', encap: { type: 'seg6local', action: 'End.X', nh6: 'fe80::1' }, oif: 'd0' },
    ['-6', 'route', 'add', '2001:db8:61::2/128', 'encap', 'seg6local', 'action', 'End.X', 'nh6', 'fe80::1', 'dev', 'd0']],
  [{ dst: '2001:db8:61::3', encap: { type: 'seg6local', action: 'End.T', table: 100 }, oif: 'd0' },
    ['-6', 'route', 'add', '2001:db8:61::3/128', 'encap', 'seg6local', 'action', 'End.T', 'table', '100', 'dev', 'd0']],
  [{ dst: '2001:db8:61::5', encap: { type: 'seg6local', action: 'End.DX4', nh4: '10.1.0.5' }, oif: 'd0' },
    ['-6', 'route', 'add', '2001:db8:61::5/128', 'encap', 'seg6local', 'action', 'End.DX4', 'nh4', '10.1.0.5', 'dev', 'd0']],
  [{ dst: '2001:db8:61::6', encap: { type: 'seg6local', action: 'End.DT6', table: 'main' }, oif: 'd0' },
    ['-6', 'route', 'add', '2001:db8:61::6/128', 'encap', 'seg6local', 'action', 'End.DT6', 'table', 'main', 'dev', 'd0']],
  [{ dst: '2001:db8:61::7', encap: { type: 'seg6local', action: 'End.B6', segments: ['fc00:a000::12', 'fc00:a000::11'] }, oif: 'd0' },
    ['-6', 'route', 'add', '2001:db8:61::7/128', 'encap', 'seg6local', 'action', 'End.B6', 'srh', 'segs', 'fc00:a000::12,fc00:a000::11', 'dev', 'd0']],
  [{ dst: '2001:db8:61::8', encap: { type: 'seg6local', action: 'End.B6.Encaps', segments: ['fc00:a000::14'] }, oif: 'd0' },
    ['-6', 'route', 'add', '2001:db8:61::8/128', 'encap', 'seg6local', 'action', 'End.B6.Encaps', 'srh', 'segs', 'fc00:a000::14', 'dev', 'd0']],
];

kernelTest(['seg6-encap', 'seg6local-encap'], 'SRv6 routes (seg6 modes, seg6local actions): library-made ones are what ip makes, and read back as ip prints them', async (t) => {
  const ours = await withLinks(t);
  const theirs = await withLinks(t);
  for (const [spec, args] of SEG6) {
    await ours.nl.routes.add(spec);
    ip(['-n', theirs.name, ...args]);
  }
  // The End.DX2 output interface is an ifindex: d1's, the same in both namespaces.
  t.is(ours.d1, theirs.d1);
  await ours.nl.routes.add({ dst: '2001:db8:61::4', encap: { type: 'seg6local', action: 'End.DX2', oif: ours.d1 }, oif: 'd0' });
  ip(['-n', theirs.name, '-6', 'route', 'add', '2001:db8:61::4/128', 'encap', 'seg6local', 'action', 'End.DX2', 'oif', 'd1', 'dev', 'd0']);
  const show = (ns: string, family: '-4' | '-6'): string => ip(['-n', ns, family, '-d', 'route', 'show', 'table', 'all'])
    .split('\n').filter((l) => / encap seg6/.test(l)).sort().join('\n');
  for (const family of ['-4', '-6'] as const) t.is(show(ours.name, family), show(theirs.name, family), family);
  t.is(show(ours.name, '-6').split('\n').length, SEG6.length);
  // Read back: the segments in path order (inline and End.B6 with the `::` slot for the destination, as ip prints).
  const all = [...await ours.nl.routes.list({ family: 4 }), ...await ours.nl.routes.list({ family: 6 })];
  const encapOf = (dst: string): unknown => all.find((r) => r.dst === dst)?.encap;
  t.deepEqual(encapOf('10.0.0.102/32'), { mode: 'encap', segments: ['fc00:a000::22', 'fc00:a000::21'] });
  t.deepEqual(encapOf('2001:db8:60::1/128'), { mode: 'inline', segments: ['fc00:a000::12', 'fc00:a000::11', '::'] });
  t.deepEqual(encapOf('2001:db8:60::2/128'), { mode: 'l2encap.red', segments: ['fc00:a000::13', 'fc00:a000::14'] });
  t.deepEqual(encapOf('2001:db8:61::6/128'), { action: 'End.DT6', table: 254 });
  t.deepEqual(encapOf('2001:db8:61::4/128'), { action: 'End.DX2', oif: ours.d1 });
  // And deleted by their views.
  for (const r of all.filter((x) => x.encapType === 'seg6' || x.encapType === 'seg6local')) await ours.nl.routes.del(r);
  t.is(show(ours.name, '-6'), '');
});
