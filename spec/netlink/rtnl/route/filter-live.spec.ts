// routes.append / routes.change and every list filter against the real kernel, each test in a
// namespace of its own. The oracle is iproute2: `ip -j -d route show table all` lists every route,
// and each filter's expected result is that list filtered on ip's own fields; where ip filters too
// (`to exact`, `via`, `src`, `scope`, `tos`, `dev`, `proto`, `type`, `table`), its answer is compared.
import { NetlinkError, ValidationError, type Route } from '../../../../lib/netlink/index.js';
import type { RouteListOptions } from '../../../../lib/netlink/rtnl/route/options.js';
import { ip, ipJson, liveTest, tempNetns, type TestNetns } from '../../../helpers/netns.js';

interface IpRoute {
  type: string; dst: string; from?: string; tos?: string; gateway?: string; via?: { host: string }; dev?: string;
  table: string; protocol: string; scope: string; prefsrc?: string; metric?: number; nhid?: number;
  flow?: { from?: string; to: string }; metrics?: Array<{ hoplimit?: number }>;
  nexthops?: Array<{ gateway?: string; via?: { host: string }; dev: string }>;
}

/** `family dst table metric first-gateway`: one route, as both sides can say it. */
type Key = string;

function cidr(dst: string, family: 4 | 6): string {
  return dst === 'default' || dst.includes('/') ? dst : `${dst}/${family === 4 ? 32 : 128}`;
}

const TABLES: Record<string, number> = { main: 254, local: 255, default: 253 };

function ipKey(r: IpRoute, family: 4 | 6): Key {
  const table = TABLES[r.table] ?? Number(r.table);
  return `${family} ${cidr(r.dst, family)} ${table} ${r.metric ?? 0} ${r.type} ${r.gateway ?? r.via?.host ?? r.nexthops?.[0]?.gateway ?? ''} ${r.dev ?? ''}`;
}

function libKey(r: Route, names: Map<number, string>): Key {
  const gw = r.gateway ?? r.via ?? r.multipath?.[0]?.gateway ?? '';
  return `${r.family} ${r.dst} ${r.tableId} ${r.metric ?? 0} ${String(r.type)} ${gw} ${r.oif === undefined ? '' : names.get(r.oif) ?? ''}`;
}

/** Every route ip shows (both families, all tables), with its key. */
function ipRoutes(ns: string, extra: string[] = []): Array<[Key, IpRoute, 4 | 6]> {
  return ([4, 6] as const).flatMap((f) => ipJson<IpRoute[]>(ns, [`-${f}`, '-d', 'route', 'show', 'table', 'all', ...extra])
    .map((r): [Key, IpRoute, 4 | 6] => [ipKey(r, f), r, f]));
}

async function names(t: TestNetns): Promise<Map<number, string>> {
  return new Map((await t.nl.links.list({ stats: false })).map((l) => [l.ifindex, l.name]));
}

const sortedKeys = (keys: Key[]): Key[] => [...keys].sort();

async function topology(t: TestNetns): Promise<boolean> {
  const n = (...args: string[]) => ip(['-n', t.name, ...args]);
  n('link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1');
  n('link', 'add', 'd2', 'type', 'veth', 'peer', 'name', 'd3');
  for (const l of ['d0', 'd1', 'd2', 'd3']) n('link', 'set', l, 'up');
  n('addr', 'add', '10.1.0.1/16', 'dev', 'd0');
  n('addr', 'add', '10.2.0.1/16', 'dev', 'd2');
  n('-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'd0', 'nodad');
  n('route', 'add', '10.10.0.0/24', 'via', '10.1.0.2', 'metric', '5');
  n('route', 'add', '10.10.0.0/24', 'via', '10.2.0.2', 'metric', '7');
  n('route', 'add', '10.11.0.0/24', 'dev', 'd0', 'src', '10.1.0.1');
  n('route', 'add', '10.12.0.0/24', 'via', '10.1.0.3', 'tos', '0x10');
  n('route', 'add', '10.13.0.0/24', 'nexthop', 'via', '10.1.0.2', 'dev', 'd0', 'nexthop', 'via', '10.2.0.3', 'dev', 'd2');
  n('route', 'add', '10.14.0.0/24', 'via', '10.1.0.2', 'realm', '5');
  n('route', 'add', '10.15.0.0/24', 'via', '10.1.0.2', 'hoplimit', '9');
  n('route', 'add', '10.17.0.0/24', 'via', 'inet6', '2001:db8::2', 'dev', 'd0');
  n('nexthop', 'add', 'id', '7', 'via', '10.1.0.2', 'dev', 'd0');
  n('route', 'add', '10.18.0.0/24', 'nhid', '7');
  n('route', 'add', 'blackhole', '10.19.0.0/24', 'proto', 'static');
  n('route', 'add', '10.20.0.0/24', 'via', '10.1.0.2', 'table', '100');
  n('route', 'add', '10.21.0.0/24', 'dev', 'd2', 'scope', 'host');
  n('route', 'add', 'default', 'via', '10.1.0.254');
  n('-6', 'route', 'add', '2001:db8:1::/48', 'via', '2001:db8::2', 'metric', '100');
  n('-6', 'route', 'add', 'default', 'via', '2001:db8::fe');
  try {
    // Source-specific IPv6 routes need CONFIG_IPV6_SUBTREES.
    n('-6', 'route', 'add', '2001:db8:5::/48', 'from', '2001:db8:9::/48', 'via', '2001:db8::2');
    return true;
  } catch {
    return false;
  }
}

liveTest('every list filter keeps exactly the routes ip shows with that field (ip\'s own filter too, where it has one)', async (t) => {
  const ns = await tempNetns(t);
  const subtrees = await topology(ns);
  const all = ipRoutes(ns.name);
  const byName = await names(ns);
  const d0 = [...byName].find(([, n]) => n === 'd0')![0];
  const gw = (r: IpRoute, a: string) => r.gateway === a || r.via?.host === a || (r.nexthops?.some((h) => h.gateway === a || h.via?.host === a) ?? false);
  const cases: Array<[RouteListOptions, (r: IpRoute, f: 4 | 6) => boolean, string[] | undefined]> = [
    [{ dst: '10.10.0.0/24' }, (r, f) => f === 4 && r.dst === '10.10.0.0/24', ['to', 'exact', '10.10.0.0/24']],
    [{ dst: '10.10.0.9/24' }, (r, f) => f === 4 && r.dst === '10.10.0.0/24', undefined],
    [{ dst: 'default' }, (r) => r.dst === 'default', undefined],
    [{ dst: 'default', family: 6 }, (r, f) => f === 6 && r.dst === 'default', undefined],
    [{ dst: '10.1.0.1' }, (r, f) => f === 4 && r.dst === '10.1.0.1', ['to', 'exact', '10.1.0.1']],
    [{ dst: '2001:db8:1::/48' }, (r, f) => f === 6 && r.dst === '2001:db8:1::/48', undefined],
    [{ gateway: '10.1.0.2' }, (r) => gw(r, '10.1.0.2'), undefined],
    [{ gateway: '2001:db8::2' }, (r) => gw(r, '2001:db8::2'), undefined],
    [{ prefsrc: '10.1.0.1' }, (r) => r.prefsrc === '10.1.0.1', ['src', '10.1.0.1']],
    [{ tos: 0x10 }, (r) => r.tos === '0x10', undefined],
    [{ scope: 'host' }, (r) => r.scope === 'host', ['scope', 'host']],
    [{ scope: 'link', family: 4 }, (r, f) => f === 4 && r.scope === 'link', undefined],
    [{ metric: 7 }, (r) => (r.metric ?? 0) === 7, undefined],
    [{ metric: 100, family: 6 }, (r, f) => f === 6 && r.metric === 100, undefined],
    [{ realms: 5 }, (r) => r.flow?.to === '5' && r.flow.from === undefined, undefined],
    [{ nhid: 7 }, (r) => r.nhid === 7, undefined],
    [{ hoplimit: 9 }, (r) => r.metrics?.[0]?.hoplimit === 9, undefined],
    [{ mark: 1 }, () => false, undefined],
    [{ oif: 'd0', gateway: '10.1.0.2' }, (r) => gw(r, '10.1.0.2') && (r.dev === 'd0' || (r.nexthops?.some((h) => h.dev === 'd0') ?? false)), undefined],
    [{ oif: d0, table: 'main', family: 4 }, (r, f) => f === 4 && r.table === 'main' && (r.dev === 'd0' || (r.nexthops?.some((h) => h.dev === 'd0') ?? false)), undefined],
    [{ protocol: 'static', type: 'blackhole' }, (r) => r.protocol === 'static' && r.type === 'blackhole', ['proto', 'static', 'type', 'blackhole']],
    [{ table: 100, gateway: '10.1.0.2' }, (r) => r.table === '100' && gw(r, '10.1.0.2'), ['table', '100', 'via', '10.1.0.2']],
    [{ iif: 'd1' }, () => false, undefined],
  ];
  if (subtrees) {
    cases.push([{ src: '2001:db8:9::/48' }, (r, f) => f === 6 && r.from === '2001:db8:9::/48', undefined]);
    cases.push([{ src: 'default', family: 6, dst: '2001:db8:5::/48' }, () => false, undefined]);
  }
  for (const [options, keep, ipFilter] of cases) {
    const what = JSON.stringify(options);
    const expected = sortedKeys(all.filter(([, r, f]) => keep(r, f)).map(([k]) => k));
    const ours = await ns.nl.routes.list(options);
    t.deepEqual(sortedKeys(ours.map((r) => libKey(r, byName))), expected, what);
    const streamed: Route[] = [];
    for await (const r of ns.nl.routes.stream(options)) streamed.push(r);
    t.is(streamed.length, ours.length, `${what} (stream)`);
    if (ipFilter !== undefined) {
      // ip parses an address filter in the family it lists: ask it for the families the filter can match.
      const families = ([4, 6] as const).filter((f) => options.family === undefined ? !ipFilter.some((a) => (f === 6 ? /^\d+\.\d+/ : /:/).test(a)) : options.family === f);
      // ip leaves out of its output what the filter fixed (the table, the gateway): compare destinations.
      const theirs = families.flatMap((f) => ipJson<IpRoute[]>(ns.name, [`-${f}`, '-d', 'route', 'show', 'table', 'all', ...ipFilter])
        .map((r) => `${f} ${cidr(r.dst, f)}`));
      t.deepEqual(sortedKeys(ours.map((r) => `${r.family} ${r.dst}`)), sortedKeys(theirs), `${what} vs ip route show ${ipFilter.join(' ')}`);
    }
    t.true(expected.length > 0 || ['{"mark":1}', '{"iif":"d1"}'].includes(what) || what.includes('"src":"default"'), `${what} selects something`);
  }
});

liveTest('append adds a route beside an existing one, change replaces the first in place; errors as ip reports them', async (t) => {
  const ns = await tempNetns(t);
  await topology(ns);
  const show = (dst: string, f: 4 | 6 = 4) => ipJson<IpRoute[]>(ns.name, [`-${f}`, 'route', 'show', 'exact', dst]);
  await ns.nl.routes.add({ dst: '10.30.0.0/24', gateway: '10.1.0.2' });
  await ns.nl.routes.append({ dst: '10.30.0.0/24', gateway: '10.1.0.3', oif: 'd0' });
  t.deepEqual(show('10.30.0.0/24').map((r) => r.gateway), ['10.1.0.2', '10.1.0.3']);
  const dup = await t.throwsAsync(ns.nl.routes.append({ dst: '10.30.0.0/24', gateway: '10.1.0.3' }), { instanceOf: NetlinkError });
  t.is(dup.code, 'EEXIST');
  await ns.nl.routes.change({ dst: '10.30.0.0/24', gateway: '10.1.0.4', prefsrc: '10.1.0.1' });
  t.deepEqual(show('10.30.0.0/24').map((r) => [r.gateway, r.prefsrc]), [['10.1.0.4', '10.1.0.1'], ['10.1.0.3', undefined]]);
  const missing = await t.throwsAsync(ns.nl.routes.change({ dst: '10.31.0.0/24', gateway: '10.1.0.4' }), { instanceOf: NetlinkError });
  t.is(missing.code, 'ENOENT');
  // IPv6: append makes the route multipath; change replaces it whole.
  await ns.nl.routes.add({ dst: '2001:db8:7::/48', gateway: '2001:db8::2' });
  await ns.nl.routes.append({ dst: '2001:db8:7::/48', gateway: '2001:db8::3', oif: 'd0' });
  t.deepEqual(show('2001:db8:7::/48', 6)[0]!.nexthops?.map((h) => h.gateway), ['2001:db8::2', '2001:db8::3']);
  const [listed] = await ns.nl.routes.list({ dst: '2001:db8:7::/48' });
  t.deepEqual(listed!.multipath?.map((h) => h.gateway), ['2001:db8::2', '2001:db8::3']);
  await ns.nl.routes.change({ dst: '2001:db8:7::/48', gateway: '2001:db8::4', oif: 'd0' });
  t.like(show('2001:db8:7::/48', 6), [{ gateway: '2001:db8::4' }]);
  const missing6 = await t.throwsAsync(ns.nl.routes.change({ dst: '2001:db8:99::/48', gateway: '2001:db8::4' }), { instanceOf: NetlinkError });
  t.is(missing6.code, 'ENOENT');
  // The bulk forms, one result per item.
  const appended = await ns.nl.routes.appendMany([{ dst: '10.32.0.0/24', gateway: '10.1.0.2' }, { dst: '10.32.0.0/24', gateway: '10.1.0.3' }]);
  t.deepEqual(appended.map((r) => r.status), ['fulfilled', 'fulfilled']);
  const changed = await ns.nl.routes.changeMany([{ dst: '10.32.0.0/24', gateway: '10.1.0.9' }, { dst: '10.33.0.0/24', gateway: '10.1.0.9' }]);
  t.deepEqual(changed.map((r) => r.status), ['fulfilled', 'rejected']);
  t.deepEqual(show('10.32.0.0/24').map((r) => r.gateway), ['10.1.0.9', '10.1.0.3']);
});

liveTest('bad filters are ValidationErrors before anything is sent', async (t) => {
  const { nl } = await tempNetns(t);
  for (const [options, message] of [
    [{ dst: 'nope' }, /^dst: /], [{ dst: '10.0.0.0/33' }, /^dst: /], [{ dst: '2001:db8::/48', family: 4 }, /^dst: /],
    [{ src: '10.0.0.0/8', dst: '2001:db8::/48' }, /^src: /], [{ gateway: 'x' }, /^gateway: /], [{ prefsrc: 7 }, /^prefsrc: /],
    [{ tos: 256 }, /^tos: /], [{ scope: 'constructor' }, /^scope: /], [{ scope: 'toString' }, /^scope: /], [{ metric: -1 }, /^metric: /],
    [{ mark: 2 ** 32 }, /^mark: /], [{ realms: Number.NaN }, /^realms: /], [{ nhid: 1.5 }, /^nhid: /], [{ hoplimit: 256 }, /^hoplimit: /],
    [{ iif: '' }, /^iif: /], [{ gatway: '10.0.0.1' }, /^gatway: unknown option/], [{ type: '__proto__' }, /^type: /],
  ] as const) {
    await t.throwsAsync(nl.routes.list(options as never), { instanceOf: ValidationError, message }, JSON.stringify(options));
  }
});
