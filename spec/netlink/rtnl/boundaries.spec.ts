// Integer options at their limits: the smallest and largest value each check accepts are accepted
// (and land in the checked request), one beyond either end and a fraction are ValidationErrors
// naming the option. The hostile sweeps throw far-off values at every option; this pins the exact
// ranges, which are the kernel's (a range one too narrow refuses what ip accepts, one too wide sends
// what the kernel truncates or refuses). No I/O: the checks run before anything is sent.
import test from 'ava';
import { ValidationError } from '../../../lib/netlink/core/errors.js';
import { checkAddress } from '../../../lib/netlink/rtnl/address/options.js';
import { checkNeighbor, checkNeighborGet } from '../../../lib/netlink/rtnl/neighbor/options.js';
import { checkGet, checkRoute } from '../../../lib/netlink/rtnl/route/validate.js';
import { checkFilter } from '../../../lib/netlink/rtnl/route/filter.js';
import { checkAdd } from '../../../lib/netlink/rtnl/link/options.js';
import { checkNexthop } from '../../../lib/netlink/rtnl/nexthop/options.js';
import { checkRule } from '../../../lib/netlink/rtnl/rule/options.js';
import { checkRuleFilter } from '../../../lib/netlink/rtnl/rule/filter.js';

/** One integer option: how to check a request carrying `value` in it, the path an error names, and its range. */
interface Bounded {
  name: string;
  check: (value: number) => unknown;
  field: string;
  min: number;
  max: number;
}

const FDB = { link: 5, family: 'bridge' as const, lladdr: '02:00:00:00:00:01', flags: ['self' as const] };
const NEIGHBOR = { link: 3, dst: '10.0.0.1', lladdr: '02:00:00:00:00:01' };
const ROUTE = { dst: '10.0.0.0/24', oif: 3 };

const CASES: Bounded[] = [
  { name: 'neighbour flags as a number', check: (v) => checkNeighbor('', { link: 3, dst: '10.0.0.1', flags: v }), field: 'flags', min: 0, max: 0xff },
  { name: 'neighbour state as a number', check: (v) => checkNeighbor('', { ...NEIGHBOR, state: v }), field: 'state', min: 0, max: 0xffff },
  { name: 'FDB vlan', check: (v) => checkNeighbor('', { ...FDB, vlan: v }), field: 'vlan', min: 0, max: 4094 },
  { name: 'FDB vni', check: (v) => checkNeighbor('', { ...FDB, dst: '10.0.0.2', vni: v }), field: 'vni', min: 0, max: 0xffffff },
  { name: 'FDB port', check: (v) => checkNeighbor('', { ...FDB, dst: '10.0.0.2', port: v }), field: 'port', min: 0, max: 0xffff },
  { name: 'FDB srcVni', check: (v) => checkNeighbor('', { ...FDB, dst: '10.0.0.2', srcVni: v }), field: 'srcVni', min: 0, max: 0xffffff },
  { name: 'FDB nhId', check: (v) => checkNeighbor('', { ...FDB, nhId: v }), field: 'nhId', min: 0, max: 0xffffffff },
  { name: 'FDB get vlan', check: (v) => checkNeighborGet({ lladdr: '02:00:00:00:00:01', master: 4, vlan: v }), field: 'vlan', min: 0, max: 4094 },
  { name: 'FDB get vni', check: (v) => checkNeighborGet({ lladdr: '02:00:00:00:00:01', master: 4, vni: v }), field: 'vni', min: 0, max: 0xffffff },
  { name: 'route tos', check: (v) => checkRoute('', { ...ROUTE, tos: v }, 'add'), field: 'tos', min: 0, max: 255 },
  { name: 'route nhid', check: (v) => checkRoute('', { dst: '10.0.0.0/24', nhid: v }, 'add'), field: 'nhid', min: 1, max: 0xffffffff },
  { name: 'route metric', check: (v) => checkRoute('', { ...ROUTE, metric: v }, 'add'), field: 'metric', min: 0, max: 0xffffffff },
  { name: 'route encap ttl', check: (v) => checkRoute('', { ...ROUTE, encap: { type: 'ip', id: 1, dst: '10.1.0.9', ttl: v } }, 'add'), field: 'encap.ttl', min: 0, max: 255 },
  { name: 'route encap tos', check: (v) => checkRoute('', { ...ROUTE, encap: { type: 'ip', id: 1, dst: '10.1.0.9', tos: v } }, 'add'), field: 'encap.tos', min: 0, max: 255 },
  { name: 'route get tos', check: (v) => checkGet('10.0.0.1', { tos: v }), field: 'tos', min: 0, max: 255 },
  { name: 'route get ipProto', check: (v) => checkGet('10.0.0.1', { ipProto: v }), field: 'ipProto', min: 0, max: 255 },
  { name: 'route get sport', check: (v) => checkGet('10.0.0.1', { sport: v }), field: 'sport', min: 0, max: 0xffff },
  { name: 'route get dport', check: (v) => checkGet('10.0.0.1', { dport: v }), field: 'dport', min: 0, max: 0xffff },
  { name: 'address scope as a number', check: (v) => checkAddress('', { link: 3, address: '10.0.0.1/24', scope: v }), field: 'scope', min: 0, max: 255 },
  { name: 'route list tos', check: (v) => checkFilter({ tos: v }), field: 'tos', min: 0, max: 255 },
  { name: 'route list hoplimit', check: (v) => checkFilter({ hoplimit: v }), field: 'hoplimit', min: 0, max: 255 },
  { name: 'link mtu', check: (v) => checkAdd({ name: 'x0', kind: 'ifb', mtu: v }), field: 'mtu', min: 0, max: 0x7fffffff },
  { name: 'link numTxQueues', check: (v) => checkAdd({ name: 'x0', kind: 'ifb', numTxQueues: v }), field: 'numTxQueues', min: 1, max: 4096 },
  { name: 'veth peer numRxQueues', check: (v) => checkAdd({ name: 'x0', kind: 'veth', peer: { name: 'x1', numRxQueues: v } }), field: 'peer.numRxQueues', min: 1, max: 4096 },
  { name: 'rule tos', check: (v) => checkRule({ tos: v }, true), field: 'tos', min: 0, max: 255 },
  { name: 'rule dscp', check: (v) => checkRule({ dscp: v }, true), field: 'dscp', min: 0, max: 63 },
  { name: 'rule flowlabel', check: (v) => checkRule({ family: 6, flowlabel: v }, true), field: 'flowlabel', min: 0, max: 0xfffff },
  { name: 'rule flowlabelMask', check: (v) => checkRule({ family: 6, flowlabel: 1, flowlabelMask: v }, true), field: 'flowlabelMask', min: 0, max: 0xfffff },
  { name: 'rule list tos', check: (v) => checkRuleFilter({ tos: v }), field: 'tos', min: 0, max: 255 },
  { name: 'nexthop id', check: (v) => checkNexthop('', { id: v, blackhole: true }), field: 'id', min: 1, max: 0xffffffff },
  { name: 'resilient group buckets', check: (v) => checkNexthop('', { id: 1, group: [{ id: 2 }], type: 'resilient', buckets: v }), field: 'buckets', min: 1, max: 0xffff },
  { name: 'address metric', check: (v) => checkAddress('', { link: 3, address: '10.0.0.1/24', metric: v }), field: 'metric', min: 0, max: 0xffffffff },
];

for (const c of CASES) {
  test(`${c.name}: ${c.min} and ${c.max} are accepted, ${c.min - 1}, ${c.max + 1} and a fraction are not`, (t) => {
    for (const v of [c.min, c.max]) t.notThrows(() => c.check(v), `${v} accepted`);
    for (const v of [c.min - 1, c.max + 1, c.min + 0.5]) {
      const e = t.throws(() => c.check(v), { instanceOf: ValidationError }, `${v} refused`);
      t.is(e?.field, c.field);
      t.is(e?.value, v);
    }
  });
}

test('the values at the limits reach the checked request unchanged', (t) => {
  t.like(checkNeighbor('', { ...FDB, dst: '10.0.0.2', vlan: 4094, vni: 0xffffff, port: 0xffff, srcVni: 0xffffff, nhId: 0xffffffff }),
    { vlan: 4094, vni: 0xffffff, port: 0xffff, srcVni: 0xffffff, nhId: 0xffffffff });
  // (0xff includes NTF_PROXY: a proxy entry, so no lladdr.)
  t.like(checkNeighbor('', { link: 3, dst: '10.0.0.1', flags: 0xff, state: 0xffff }), { flags: 0xff, state: 0xffff });
  t.like(checkRoute('', { ...ROUTE, tos: 255, metric: 0xffffffff }, 'add'), { tos: 255, metric: 0xffffffff });
  t.like(checkRoute('', { dst: '10.0.0.0/24', nhid: 0xffffffff }, 'add'), { nhid: 0xffffffff });
  t.like(checkGet('10.0.0.1', { tos: 255, ipProto: 255, sport: 0xffff, dport: 0xffff }), { tos: 255, ipProto: 255, sport: 0xffff, dport: 0xffff });
  t.like(checkAddress('', { link: 3, address: '10.0.0.1/24', scope: 255, metric: 0xffffffff }), { scope: 255, metric: 0xffffffff });
});
