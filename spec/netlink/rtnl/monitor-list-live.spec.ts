// List-existing mode against the real kernel, with iproute2 as the oracle: the list is read one
// datagram at a time, and after its first datagram, changes are made with `ip` while the rest of
// the dump is still to come (a new object, one deleted before the dump reached it, one deleted
// after it was listed, one changed before it was listed). A model fed with every event up to
// `synced` must equal what `ip -j` shows, with no redundant event on the way (no `new` that
// repeats the state the model already has, no `del` of an object the model does not have); then a
// change made after `synced` arrives as an event, and the model still matches.
import type { ExecutionContext } from 'ava';
import type { ListingEvent, Monitor, MonitorGroup, ObjectEvent } from '../../../lib/netlink/rtnl/monitor.js';
import type { RtNetlink } from '../../../lib/netlink/index.js';
import { within } from '../../helpers/waiting.js';
import { ip, ipJson, liveTest, tempNetns } from '../../helpers/netns.js';

const LIMIT_MS = 10_000;


/** One family's side of the test. */
interface Case {
  name: string;
  groups: MonitorGroup[];
  /** Makes the objects to list (untimed; may use the library or ip). */
  setup(ns: string, nl: RtNetlink): Promise<void>;
  /** The model's key and state of an event's object, or undefined for objects the case ignores. */
  model(e: ObjectEvent): { key: string; state: string } | undefined;
  /** What `ip -j` shows, as the model's keys and states. */
  oracle(ns: string): Map<string, string>;
  /** Changes made after the first listed object (`first`: its key). */
  during(ns: string, first: string): void;
  /** A change after `synced`, and the key it touches. */
  after(ns: string): string;
}

const FOREVER = 0xffffffff;

const CASES: Case[] = [
  {
    name: 'links', groups: ['link'],
    async setup(ns) {
      ip(['-n', ns, '-batch', '-'], Array.from({ length: 120 }, (_, i) => `link add x${i} type ifb`).join('\n') + '\n');
    },
    model: (e) => (e.kind === 'link' ? { key: String(e.object.ifindex), state: `${e.object.name} mtu ${e.object.mtu}` } : undefined),
    oracle: (ns) => new Map(ipJson<Array<{ ifindex: number; ifname: string; mtu: number }>>(ns, ['link', 'show'])
      .map((l) => [String(l.ifindex), `${l.ifname} mtu ${l.mtu}`])),
    during(ns, first) {
      ip(['-n', ns, 'link', 'add', 'newA', 'type', 'ifb']); // highest ifindex: listed later
      ip(['-n', ns, 'link', 'del', 'x118']); // not listed yet
      ip(['-n', ns, 'link', 'set', 'x119', 'mtu', '1400']); // not listed yet
      const name = ipJson<Array<{ ifindex: number; ifname: string }>>(ns, ['link', 'show']).find((l) => String(l.ifindex) === first)!.ifname;
      ip(['-n', ns, 'link', 'set', name, 'mtu', '1300']); // listed already
      ip(['-n', ns, 'link', 'del', 'x0']); // listed already (ifindex 2, after lo)
    },
    after(ns) {
      ip(['-n', ns, 'link', 'set', 'x5', 'mtu', '1280']);
      return String(ipJson<Array<{ ifindex: number; ifname: string }>>(ns, ['link', 'show', 'x5'])[0]!.ifindex);
    },
  },
  {
    name: 'addresses', groups: ['ipv4-ifaddr'],
    async setup(ns, nl) {
      ip(['-n', ns, 'link', 'add', 'a0', 'type', 'ifb']);
      const r = await nl.addresses.addMany(Array.from({ length: 1500 }, (_, i) => ({ link: 'a0', address: `10.${(i >> 8) + 1}.${i & 255}.1/24` })));
      if (!r.every((x) => x.status === 'fulfilled')) throw new Error('setup failed');
    },
    model: (e) => (e.kind === 'address' && e.object.family === 4
      ? { key: `${e.object.ifindex} ${e.object.cidr}`, state: `${e.object.cidr} ${e.object.validLft === undefined || e.object.validLft === Infinity ? 'forever' : 'finite'}` }
      : undefined),
    oracle: (ns) => new Map(ipJson<Array<{ ifindex: number; addr_info: Array<{ local: string; prefixlen: number; valid_life_time: number }> }>>(ns, ['-4', 'addr', 'show'])
      .flatMap((l) => l.addr_info.map((a): [string, string] => {
        const cidr = `${a.local}/${a.prefixlen}`;
        return [`${l.ifindex} ${cidr}`, `${cidr} ${a.valid_life_time === FOREVER ? 'forever' : 'finite'}`];
      }))),
    during(ns) {
      ip(['-n', ns, 'addr', 'add', '10.200.0.1/24', 'dev', 'a0']); // appended: listed later
      ip(['-n', ns, 'addr', 'del', '10.6.218.1/24', 'dev', 'a0']); // near the end: not listed yet
      ip(['-n', ns, 'addr', 'change', '10.6.219.1/24', 'dev', 'a0', 'valid_lft', '5000', 'preferred_lft', '5000']);
      ip(['-n', ns, 'addr', 'del', '10.1.0.1/24', 'dev', 'a0']); // first of a0's: listed already
    },
    after(ns) {
      ip(['-n', ns, 'addr', 'add', '10.201.0.1/24', 'dev', 'a0']);
      return `${ipJson<Array<{ ifindex: number }>>(ns, ['link', 'show', 'a0'])[0]!.ifindex} 10.201.0.1/24`;
    },
  },
  {
    name: 'routes', groups: ['ipv4-route'],
    async setup(ns, nl) {
      ip(['-n', ns, 'link', 'add', 'r0', 'type', 'veth', 'peer', 'name', 'r0p']);
      ip(['-n', ns, 'link', 'set', 'r0', 'up']);
      ip(['-n', ns, 'link', 'set', 'r0p', 'up']);
      ip(['-n', ns, 'addr', 'add', '10.9.0.1/24', 'dev', 'r0']);
      const r = await nl.routes.addMany(Array.from({ length: 3000 }, (_, i) => ({ dst: `10.${(i >> 8) + 20}.${i & 255}.0/24`, oif: 'r0' })));
      if (!r.every((x) => x.status === 'fulfilled')) throw new Error('setup failed');
    },
    model: (e) => (e.kind === 'route' && e.object.family === 4 && e.object.table === 'main'
      ? { key: e.object.dst, state: `${e.object.dst} via ${e.object.gateway ?? '-'}` }
      : undefined),
    oracle: (ns) => new Map(ipJson<Array<{ dst: string; gateway?: string }>>(ns, ['-4', 'route', 'show', 'table', 'main'])
      .map((r) => {
        const dst = r.dst === 'default' ? '0.0.0.0/0' : r.dst.includes('/') ? r.dst : `${r.dst}/32`;
        return [dst, `${dst} via ${r.gateway ?? '-'}`];
      })),
    during(ns) {
      ip(['-n', ns, 'route', 'add', '10.250.0.0/24', 'dev', 'r0']); // high prefix: listed later
      ip(['-n', ns, 'route', 'del', '10.31.183.0/24']); // the last made: not listed yet
      ip(['-n', ns, 'route', 'replace', '10.31.182.0/24', 'via', '10.9.0.2']); // not listed yet
      ip(['-n', ns, 'route', 'del', '10.9.0.0/24']); // the lowest: listed already
    },
    after(ns) {
      ip(['-n', ns, 'route', 'replace', '10.20.5.0/24', 'via', '10.9.0.3', 'dev', 'r0', 'onlink']);
      return '10.20.5.0/24';
    },
  },
  {
    name: 'neighbours', groups: ['neigh'],
    async setup(ns, nl) {
      ip(['-n', ns, 'link', 'add', 'n0', 'type', 'veth', 'peer', 'name', 'n0p']);
      ip(['-n', ns, 'link', 'set', 'n0', 'up']);
      ip(['-n', ns, 'link', 'set', 'n0p', 'up']);
      const r = await nl.neighbors.addMany(Array.from({ length: 2000 }, (_, i) => ({ link: 'n0', dst: `10.${(i >> 8) + 1}.${i & 255}.9`, lladdr: '02:00:00:00:00:01' })));
      if (!r.every((x) => x.status === 'fulfilled')) throw new Error('setup failed');
    },
    model: (e) => (e.kind === 'neighbor' && e.object.family === 4 && e.object.dst !== undefined
      ? { key: e.object.dst, state: e.object.lladdr ?? '-' }
      : undefined),
    oracle: (ns) => new Map(ipJson<Array<{ dst: string; lladdr?: string }>>(ns, ['-4', 'neigh', 'show'])
      .map((n) => [n.dst, n.lladdr ?? '-'])),
    during(ns, first) {
      // The neighbour table is a hash: whether each entry was listed yet is not known in advance.
      ip(['-n', ns, 'neigh', 'add', '10.250.0.9', 'lladdr', '02:00:00:00:00:02', 'dev', 'n0', 'nud', 'permanent']);
      ip(['-n', ns, 'neigh', 'del', '10.5.100.9', 'dev', 'n0']);
      ip(['-n', ns, 'neigh', 'replace', '10.5.101.9', 'lladdr', '02:00:00:00:00:03', 'dev', 'n0', 'nud', 'permanent']);
      ip(['-n', ns, 'neigh', 'del', first, 'dev', 'n0']);
    },
    after(ns) {
      ip(['-n', ns, 'neigh', 'replace', '10.1.7.9', 'lladdr', '02:00:00:00:00:04', 'dev', 'n0', 'nud', 'permanent']);
      return '10.1.7.9';
    },
  },
];

/** Applies `e` to `model`; returns a description when the event was redundant. */
function apply(model: Map<string, string>, c: Case, e: ObjectEvent): string | undefined {
  const m = c.model(e);
  if (m === undefined) return undefined;
  if (e.existing) {
    if (model.has(m.key)) return `listed twice: ${m.key}`;
    model.set(m.key, m.state);
    return undefined;
  }
  if (e.type === 'del') {
    if (!model.has(m.key)) return `del of an unknown object: ${m.key}`;
    model.delete(m.key);
    return undefined;
  }
  if (model.get(m.key) === m.state) return `new that repeats the known state: ${m.state}`;
  model.set(m.key, m.state);
  return undefined;
}

async function run(t: ExecutionContext, c: Case): Promise<void> {
  const { name, nl } = await tempNetns(t);
  await c.setup(name, nl);
  const m: Monitor<ListingEvent> = nl.monitor({ groups: c.groups, listExisting: true });
  t.teardown(() => m.close());
  const model = new Map<string, string>();
  const redundant: string[] = [];
  let changed = false;
  let existing = 0;
  let events = 0;
  for (;;) {
    const r = await within(m.next(), `${c.name}: listing`, LIMIT_MS);
    if (r.done) { t.fail('the monitor ended'); return; }
    const e = r.value;
    if (e.type === 'overrun') { t.fail('overrun while listing'); return; }
    if (e.type === 'synced') break;
    const why = apply(model, c, e);
    if (why !== undefined) redundant.push(why);
    if (c.model(e) === undefined) continue;
    if (e.existing) existing++;
    else events++;
    if (!changed && e.existing) {
      changed = true;
      c.during(name, c.model(e)!.key);
    }
  }
  t.true(changed);
  t.deepEqual(redundant, [], 'no event repeats what the model already knows');
  t.deepEqual(new Map([...model].sort()), new Map([...c.oracle(name)].sort()), 'the model is what ip shows');
  t.log(`${c.name}: ${existing} listed, ${events} changes during the listing kept`);
  // A change after synced arrives as an event.
  const key = c.after(name);
  for (;;) {
    const r = await within(m.next(), `${c.name}: the change after synced`, LIMIT_MS);
    if (r.done || r.value.type === 'overrun' || r.value.type === 'synced') { t.fail(`unexpected ${JSON.stringify(r)}`); return; }
    t.falsy(r.value.existing);
    apply(model, c, r.value);
    if (c.model(r.value)?.key === key) break;
  }
  t.is(model.get(key), c.oracle(name).get(key));
}

for (const c of CASES) {
  liveTest(`listExisting ${c.name}: changes during the dump, then synced, then live events; the model matches ip`, async (t) => {
    await run(t, c);
  });
}

liveTest('listExisting with several groups lists every family once, links first, then synced', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'm0', 'type', 'veth', 'peer', 'name', 'm0p']);
  ip(['-n', name, 'link', 'set', 'm0', 'up']);
  ip(['-n', name, 'addr', 'add', '10.3.0.1/24', 'dev', 'm0']);
  ip(['-n', name, 'neigh', 'add', '10.3.0.7', 'lladdr', '02:00:00:00:00:07', 'dev', 'm0', 'nud', 'permanent']);
  ip(['-n', name, 'rule', 'add', 'fwmark', '7', 'table', '100', 'priority', '500']);
  const m = nl.monitor({ groups: ['link', 'ipv4-ifaddr', 'ipv4-route', 'neigh', 'ipv4-rule'], listExisting: true });
  t.teardown(() => m.close());
  const kinds: string[] = [];
  const seen = new Set<string>();
  for (;;) {
    const r = await within(m.next(), 'listing', LIMIT_MS);
    if (r.done || r.value.type === 'overrun') { t.fail('unexpected end or overrun'); return; }
    if (r.value.type === 'synced') break;
    t.true(r.value.existing === true && r.value.type === 'new');
    if (kinds[kinds.length - 1] !== r.value.kind) kinds.push(r.value.kind);
    const o = r.value;
    if (o.kind === 'link') seen.add(`link ${o.object.name}`);
    if (o.kind === 'address') seen.add(`address ${o.object.cidr}`);
    if (o.kind === 'route' && o.object.table === 'main') seen.add(`route ${o.object.dst}`);
    if (o.kind === 'neighbor' && o.object.family === 4) seen.add(`neighbor ${o.object.dst} ${o.object.lladdr}`);
    if (o.kind === 'rule' && o.object.priority === 500) seen.add('rule 500');
  }
  t.deepEqual(kinds, ['link', 'address', 'route', 'neighbor', 'rule'], 'one family after the other');
  for (const want of ['link lo', 'link m0', 'link m0p', 'address 127.0.0.1/8', 'address 10.3.0.1/24', 'route 10.3.0.0/24',
    'neighbor 10.3.0.7 02:00:00:00:00:07', 'rule 500']) {
    t.true(seen.has(want), want);
  }
});
