// Every family's checker reads each option of a caller's object once: an option behind a getter
// cannot pass a check with one value and be sent with another (no kernel, no privileges).
import test from 'ava';
import { AF_INET } from '../../../lib/netlink/core/inet.js';
import { checkAddress } from '../../../lib/netlink/rtnl/address/options.js';
import { checkAdd, checkSet } from '../../../lib/netlink/rtnl/link/options.js';
import { checkNeighbor } from '../../../lib/netlink/rtnl/neighbor/options.js';
import { checkNexthop } from '../../../lib/netlink/rtnl/nexthop/options.js';
import { checkRoute } from '../../../lib/netlink/rtnl/route/validate.js';
import { checkRule } from '../../../lib/netlink/rtnl/rule/options.js';

/**
 * A deep copy of `spec` whose every property (nested objects' and array items' too) is an own
 * enumerable getter counting its reads in `counts`, by path (`multipath[1].gateway`).
 */
function counted(spec: Record<string, unknown>, counts: Map<string, number>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    const path = `${prefix}${key}`;
    const inner = Array.isArray(value)
      ? value.map((x: unknown, i) => (typeof x === 'object' && x !== null ? counted(x as Record<string, unknown>, counts, `${path}[${i}].`) : x))
      : typeof value === 'object' && value !== null ? counted(value as Record<string, unknown>, counts, `${path}.`) : value;
    Object.defineProperty(out, key, {
      enumerable: true,
      get: () => {
        counts.set(path, (counts.get(path) ?? 0) + 1);
        return inner;
      },
    });
  }
  return out;
}

/** The paths of every property of `spec`, nested ones included, as {@link counted} names them. */
function paths(spec: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(spec).flatMap(([key, value]) => {
    const path = `${prefix}${key}`;
    if (Array.isArray(value)) {
      return [path, ...value.flatMap((x: unknown, i) => (typeof x === 'object' && x !== null ? paths(x as Record<string, unknown>, `${path}[${i}].`) : []))];
    }
    return typeof value === 'object' && value !== null ? [path, ...paths(value as Record<string, unknown>, `${path}.`)] : [path];
  });
}

/**
 * A checked request in a form deepEqual compares: an encoder it holds (a link kind's `payload`) is
 * replaced by the bytes it writes, with the same ifindexes standing for its link references.
 */
function comparable(v: unknown): unknown {
  if (typeof v === 'function') return (v as (ifindexes: number[]) => unknown)([7, 8, 9, 10]);
  if (Array.isArray(v)) return v.map(comparable);
  if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, comparable(x)]));
  }
  return v;
}

/** Each checker with a valid object that sets many of its options (nested ones too). */
const CASES: Array<[string, (o: unknown) => unknown, Record<string, unknown>]> = [
  ['routes: IPv4 with gateway, metrics and most options', (o) => checkRoute('', o, 'add'), {
    dst: '10.1.0.0/16', family: 4, src: '10.2.0.0/16', gateway: '10.0.0.1', oif: 'd0', table: 100, metric: 5, scope: 'universe',
    protocol: 'static', type: 'unicast', prefsrc: '10.0.0.2', tos: 0, onlink: true, realms: 3, mtu: 1400, advmss: 1300, lock: ['mtu'],
  }],
  ['routes: multipath', (o) => checkRoute('', o, 'add'), {
    dst: '10.1.0.0/16', multipath: [{ gateway: '10.0.0.1', oif: 'd0', weight: 2, onlink: true, realms: 1 }, { gateway: '10.0.0.9', oif: 3 }],
  }],
  ['routes: IPv6 with pref, expires and encap', (o) => checkRoute('', o, 'add'), {
    dst: '2001:db8::/64', gateway: 'fe80::1', oif: 'd0', pref: 'high', expires: 100, encap: { type: 'ip6', id: 5, dst: '2001:db8::9', hoplimit: 3 },
  }],
  ['routes: delete', (o) => checkRoute('', o, 'del'), { dst: 'default', family: 6, table: 'main' }],
  ['neighbours: ARP entry', (o) => checkNeighbor('', o), {
    link: 'd0', dst: '10.0.0.5', lladdr: '02:00:00:00:00:01', state: 'permanent', flags: ['router'], protocol: 'static',
  }],
  ['neighbours: VXLAN FDB entry', (o) => checkNeighbor('', o), {
    link: 'vx0', family: 'bridge', lladdr: '02:00:00:00:00:01', dst: '10.0.0.5', vlan: 5, vni: 7, port: 4789, via: 'd0', master: 'br0', flags: ['self'],
  }],
  ['addresses', (o) => checkAddress('', o), {
    link: 'd0', address: '10.0.0.5/24', peer: '10.0.0.6/24', broadcast: '10.0.0.255', label: 'd0:1', scope: 'global', flags: ['noprefixroute'],
    validLft: 100, preferredLft: 50, metric: 5, proto: 3,
  }],
  ['nexthops: gateway', (o) => checkNexthop('', o), { id: 5, gateway: '10.0.0.1', oif: 'd0', onlink: true, protocol: 'static' }],
  ['nexthops: group', (o) => checkNexthop('', o), { id: 6, group: [{ id: 5, weight: 2 }, { id: 7 }] }],
  ['rules', (o) => checkRule(o, true), {
    family: 4, priority: 100, src: '10.0.0.0/8', dst: '10.1.0.0/16', table: 100, iif: 'd0', oif: 'd1', fwmark: 5, fwmask: 0xff, tos: 0,
    sport: { start: 1, end: 100 }, dport: 80, ipProto: 6, uidRange: { start: 1, end: 2 }, protocol: 'static', suppressPrefixlen: 8,
  }],
  ['links: add a veth pair', (o) => checkAdd(o), {
    name: 'v0', kind: 'veth', mtu: 1400, mac: '02:00:00:00:00:05', up: true, txqlen: 100, alias: 'x', peer: { name: 'v1', mtu: 1400, mac: '02:00:00:00:00:06' },
  }],
  ['links: add a vxlan', (o) => checkAdd(o), {
    name: 'vx0', kind: 'vxlan', data: { id: 5, port: 4789, local: '10.0.0.1', group: '239.0.0.1', link: 'd0', ttl: 3, learning: false },
  }],
  ['links: set', (o) => checkSet('d0', o), { mtu: 1400, name: 'x0', up: false, mac: '02:00:00:00:00:05', master: 'br0', alias: 'y', txqlen: 5 }],
];

for (const [title, check, spec] of CASES) {
  test(`${title}: every option (nested ones too) is read once, and checks as the plain object does`, (t) => {
    const counts = new Map<string, number>();
    const checked = check(counted(spec, counts));
    t.deepEqual(comparable(checked), comparable(check(structuredClone(spec))));
    t.deepEqual([...counts].filter(([, n]) => n !== 1), [], 'read more than once, or not at all');
    t.deepEqual(paths(spec).filter((p) => !counts.has(p)), [], 'never read');
  });
}

test('routes: a family getter answering 4, 4, then 7 is checked and sent as 4 (an IPv4 default route, not an IPv6 one)', (t) => {
  const answers = [4, 4, 7];
  let reads = 0;
  const spec = { dst: 'default' };
  Object.defineProperty(spec, 'family', { enumerable: true, get: () => answers[Math.min(reads++, answers.length - 1)] });
  const c = checkRoute('', spec, 'add');
  t.is(c.family, AF_INET);
  t.deepEqual(c.dst, new Uint8Array(4));
  t.is(reads, 1);
});

test('a getter that throws throws out of the check, with its own error', (t) => {
  const thrown = new Error('no');
  const spec = { link: 'd0', lladdr: '02:00:00:00:00:01' };
  Object.defineProperty(spec, 'dst', { enumerable: true, get: () => { throw thrown; } });
  t.is(t.throws(() => checkNeighbor('', spec)), thrown);
});

test('a Proxy as the options object is read once per option too (its get trap counts)', (t) => {
  const reads = new Map<PropertyKey, number>();
  const target = { dst: '10.1.0.0/16', family: 4, gateway: '10.0.0.1', oif: 2, table: 100 };
  const spec = new Proxy(target, {
    get: (o, key, receiver) => {
      reads.set(key, (reads.get(key) ?? 0) + 1);
      return Reflect.get(o, key, receiver) as unknown;
    },
  });
  t.deepEqual(checkRoute('', spec, 'add'), checkRoute('', { ...target }, 'add'));
  t.deepEqual([...reads].filter(([key, n]) => typeof key === 'string' && Object.hasOwn(target, key) && n !== 1), []);
});
