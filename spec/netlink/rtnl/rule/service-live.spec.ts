// nl.rules against the real kernel, each test in a namespace of its own, with `ip -j rule` and
// `ip -6 -j rule` as the oracle.
import type { ExecutionContext } from 'ava';
import { NetlinkError, ValidationError } from '../../../../lib/netlink/index.js';
import { Rule } from '../../../../lib/netlink/rtnl/rule/view.js';
import type { RuleListOptions, RuleOptions } from '../../../../lib/netlink/rtnl/rule/service.js';
import { ip, ipJson, liveTest, tempNetns } from '../../../helpers/netns.js';

type IpRule = Record<string, unknown>;

const IPPROTOS: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp', 132: 'sctp' };
/** A number as ip prints marks and masks (`%#x`: 0 is `0`). */
const hex = (n: number): string => (n === 0 ? '0' : `0x${n.toString(16)}`);

/** What iproute2 6.1 prints for a rule, computed from the library's view of it. */
function asIpJson(r: Rule): IpRule {
  const host = r.family === 4 ? 32 : 128;
  const o: IpRule = { priority: r.priority };
  if (r.not) o.not = null;
  o.src = r.src ?? 'all';
  if (r.src !== undefined && r.srcLen !== host) o.srclen = r.srcLen;
  if (r.dst !== undefined) {
    o.dst = r.dst;
    if (r.dstLen !== host) o.dstlen = r.dstLen;
  }
  if (r.tos) o.tos = `0x${r.tos.toString(16).padStart(2, '0')}`;
  if (r.fwmark !== undefined || r.fwmask !== undefined) {
    o.fwmark = hex(r.fwmark ?? 0);
    if (r.fwmask !== undefined && r.fwmask !== 0xffffffff) o.fwmask = hex(r.fwmask);
  }
  if (r.iif !== undefined) {
    o.iif = r.iif;
    if (r.iifDetached) o.iif_detached = null;
  }
  if (r.oif !== undefined) {
    o.oif = r.oif;
    if (r.oifDetached) o.oif_detached = null;
  }
  if (r.l3mdev) o.l3mdev = null;
  if (r.uidRange !== undefined) {
    o.uid_start = r.uidRange.start;
    o.uid_end = r.uidRange.end;
  }
  if (r.ipProto !== undefined) o.ipproto = IPPROTOS[r.ipProto] ?? String(r.ipProto);
  for (const [name, range] of [['sport', r.sport], ['dport', r.dport]] as const) {
    if (range === undefined) continue;
    if (range.start === range.end) o[name] = range.start;
    else {
      o[`${name}_start`] = range.start;
      o[`${name}_end`] = range.end;
    }
  }
  if (r.table !== undefined) o.table = String(r.table); // 'main', 'local', 'default' or the id, as ip prints it
  if (r.suppressPrefixlen !== undefined) o.suppress_prefixlen = r.suppressPrefixlen;
  if (r.suppressIfgroup !== undefined) o.suppress_ifgroup = r.suppressIfgroup === 0 ? 'default' : String(r.suppressIfgroup);
  if (r.flow !== undefined) {
    const from = r.flow >>> 16;
    if (from !== 0) o.flow_from = String(from);
    o.flow_to = String(r.flow & 0xffff);
  }
  if (r.action === 'goto') o.goto = r.goto;
  else if (r.action === 'nop') o.nop = null;
  else if (r.action !== 'lookup') o.action = r.action;
  if (r.protocol !== undefined && r.protocol !== 'unspec' && r.protocol !== 'kernel') o.protocol = String(r.protocol);
  return o;
}

const sorted = (o: IpRule): IpRule => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

/** Every rule of both families, the library's decode against ip's print, rule by rule. */
async function compareWithIp(t: ExecutionContext, ns: string, nl: { rules: { list(o: { family: 4 | 6 }): Promise<Rule[]> } }): Promise<void> {
  for (const [family, args] of [[4, ['rule']], [6, ['-6', 'rule']]] as const) {
    const theirs = ipJson<IpRule[]>(ns, [...args, 'show']).map(sorted);
    const ours = (await nl.rules.list({ family })).map((r) => sorted(asIpJson(r)));
    t.deepEqual(ours, theirs, `family ${family}`);
  }
}

liveTest('rules made by the library are what ip -j rule / ip -6 -j rule show, field by field', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  await nl.rules.add({ fwmark: 0x10, fwmask: 0xff, table: 1000, priority: 100 });
  await nl.rules.add({ uidRange: { start: 1000, end: 2000 }, ipProto: 'tcp', sport: { start: 1000, end: 2000 }, dport: 80, table: 100, priority: 200 });
  await nl.rules.add({ not: true, src: '10.0.0.0/8', dst: '192.168.0.0/16', iif: 'lo', oif: 'v0', action: 'prohibit', priority: 300 });
  await nl.rules.add({ goto: 400, priority: 350 });
  await nl.rules.add({ action: 'nop', priority: 400, protocol: 'static' });
  await nl.rules.add({ table: 'main', suppressPrefixlen: 0, suppressIfgroup: 5, priority: 500 });
  await nl.rules.add({ src: '10.1.2.3', tos: 0x10, fwmark: 7, flow: (3 << 16) | 4, table: 5, priority: 600 });
  await nl.rules.add({ iif: 'gone0', action: 'blackhole', priority: 700 });
  await nl.rules.add({ uidRange: 5, ipProto: 17, sport: 53, action: 'unreachable', priority: 800 });
  await nl.rules.add({ l3mdev: true, priority: 900 });
  await nl.rules.add({ src: '2001:db8::/32', dst: '2001:db8:1::/48', table: 200, priority: 50 });
  await nl.rules.add({ family: 6, ipProto: 'ipv6-icmp', goto: 32766, priority: 60 });
  const v4 = ipJson<IpRule[]>(name, ['rule', 'show']);
  t.deepEqual(v4.map((r) => r.priority), [0, 100, 200, 300, 350, 400, 500, 600, 700, 800, 900, 32766, 32767]);
  t.like(v4[1], { fwmark: '0x10', fwmask: '0xff', table: '1000' });
  t.like(v4[2], { uid_start: 1000, uid_end: 2000, ipproto: 'tcp', sport_start: 1000, sport_end: 2000, dport: 80, table: '100' });
  t.like(v4[3], { not: null, src: '10.0.0.0', srclen: 8, dst: '192.168.0.0', dstlen: 16, iif: 'lo', oif: 'v0', action: 'prohibit' });
  t.like(v4.find((x) => x.priority === 700), { iif: 'gone0', iif_detached: null, action: 'blackhole' });
  await compareWithIp(t, name, nl);
  const r = (await nl.rules.list({ family: 4 })).find((x) => x.priority === 100)!;
  t.like(r, { family: 4, table: 1000, action: 'lookup', fwmark: 0x10, fwmask: 0xff, not: false, suppressPrefixlen: undefined });
  t.like((await nl.rules.list({ family: 4 })).find((x) => x.priority === 700)!, { iif: 'gone0', iifDetached: true, table: undefined });
  t.like((await nl.rules.list({ family: 6 })).find((x) => x.priority === 60)!, { family: 6, ipProto: 58, goto: 32766, action: 'goto' });
});

liveTest('rules made by ip are decoded by the library, field by field', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  const cmds = [
    ['rule', 'add', 'from', '10.1.2.3', 'to', '10.2.0.0/16', 'tos', '0x10', 'fwmark', '0x10', 'table', '1000', 'pref', '10'],
    ['rule', 'add', 'fwmark', '0x20/0xff', 'iif', 'v0', 'oif', 'nope0', 'lookup', '100', 'pref', '20', 'proto', 'static'],
    ['rule', 'add', 'uidrange', '5-5', 'ipproto', 'udp', 'sport', '53', 'dport', '1000-2000', 'blackhole', 'pref', '30'],
    ['rule', 'add', 'realms', '3/4', 'table', '5', 'pref', '40'],
    ['rule', 'add', 'not', 'to', '10.0.0.0/8', 'unreachable', 'pref', '50'],
    ['rule', 'add', 'table', 'main', 'suppress_prefixlen', '8', 'suppress_ifgroup', '5', 'pref', '60'],
    ['rule', 'add', 'l3mdev', 'pref', '70', 'proto', 'kernel'],
    ['rule', 'add', 'goto', '80', 'pref', '75'],
    ['rule', 'add', 'nop', 'pref', '80'],
    ['rule', 'add', 'fwmark', '0x1', 'table', 'default'],
    ['-6', 'rule', 'add', 'from', '2001:db8::1', 'iif', 'lo', 'table', '7', 'pref', '5'],
    ['-6', 'rule', 'add', 'to', '2001:db8::/32', 'ipproto', 'ipv6-icmp', 'dport', '7', 'goto', '32766', 'pref', '6'],
    ['-6', 'rule', 'add', 'not', 'from', '2001:db8:2::/64', 'prohibit'],
  ];
  for (const c of cmds) ip(['-n', name, ...c]);
  await compareWithIp(t, name, nl);
  const v4 = await nl.rules.list({ family: 4 });
  t.like(v4.find((r) => r.priority === 40)!, { flow: 0x00030004, table: 5 });
  t.like(v4.find((r) => r.priority === 70)!, { l3mdev: true, protocol: 'kernel', table: undefined });
  t.like(v4.find((r) => r.priority === 20)!, { oif: 'nope0', oifDetached: true, protocol: 'static', fwmask: 0xff });
  t.true(v4.every((r) => r.attributes.unknown === undefined), 'no attribute is unknown to the library');
});

liveTest('list filters by family; stream yields what list returns', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'rule', 'add', 'fwmark', '1', 'table', '10', 'pref', '10']);
  ip(['-n', name, '-6', 'rule', 'add', 'fwmark', '2', 'table', '20', 'pref', '20']);
  const v4 = await nl.rules.list({ family: 4 });
  const v6 = await nl.rules.list({ family: 6 });
  t.deepEqual(v4.map((r) => [r.family, r.priority]), [[4, 0], [4, 10], [4, 32766], [4, 32767]]);
  t.deepEqual(v6.map((r) => [r.family, r.priority]), [[6, 0], [6, 20], [6, 32766]]);
  const all = await nl.rules.list();
  t.deepEqual(all.filter((r) => r.family === 4).map((r) => r.priority), v4.map((r) => r.priority));
  t.deepEqual(all.filter((r) => r.family === 6).map((r) => r.priority), v6.map((r) => r.priority));
  const streamed: number[] = [];
  for await (const r of nl.rules.stream({ family: 6 })) streamed.push(r.priority);
  t.deepEqual(streamed, [0, 20, 32766]);
});

liveTest('del by priority or by selectors; duplicate add EEXIST; missing del ENOENT; bad input changes nothing', async (t) => {
  const { name, nl } = await tempNetns(t);
  await nl.rules.add({ fwmark: 0x10, fwmask: 0xff, table: 1000, priority: 100 });
  const dup = await t.throwsAsync(nl.rules.add({ fwmark: 0x10, fwmask: 0xff, table: 1000, priority: 100 }), { instanceOf: NetlinkError });
  t.is(dup.code, 'EEXIST');
  t.is(dup.op, 'RTM_NEWRULE');
  await nl.rules.add({ src: '10.0.0.0/8', table: 'main', priority: 200 });
  await nl.rules.add({ family: 6, src: '2001:db8::/32', action: 'prohibit', priority: 300 });
  const before = JSON.stringify([ipJson(name, ['rule']), ipJson(name, ['-6', 'rule'])]);
  const bad: unknown[] = [
    { src: '10.0.0.0/8', family: 6 }, { table: 'moon' }, { action: 'fly' }, { fwmask: -1 }, { sport: 70000 },
    { dport: { start: 9, end: 1 } }, { priority: -1 }, { pref: 100 }, { ipProto: 'tcpx' }, { iif: 'x'.repeat(16) },
  ];
  for (const o of bad) {
    await t.throwsAsync(nl.rules.add(o as never), { instanceOf: ValidationError }, JSON.stringify(o));
    await t.throwsAsync(nl.rules.del(o as never), { instanceOf: ValidationError }, JSON.stringify(o));
  }
  await t.throwsAsync(nl.rules.del({}), { instanceOf: ValidationError });
  t.is(JSON.stringify([ipJson(name, ['rule']), ipJson(name, ['-6', 'rule'])]), before);
  // Delete by selectors (no priority), then by priority; the IPv6 one by family + priority.
  await nl.rules.del({ fwmark: 0x10, fwmask: 0xff, table: 1000 });
  await nl.rules.del({ priority: 200 });
  const missing = await t.throwsAsync(nl.rules.del({ priority: 200 }), { instanceOf: NetlinkError });
  t.is(missing.code, 'ENOENT');
  await t.throwsAsync(nl.rules.del({ priority: 300 }), { instanceOf: NetlinkError, code: 'ENOENT' }, 'IPv4 has no rule 300');
  await nl.rules.del({ family: 6, priority: 300 });
  t.deepEqual(ipJson<IpRule[]>(name, ['rule']).map((r) => r.priority), [0, 32766, 32767]);
  t.deepEqual(ipJson<IpRule[]>(name, ['-6', 'rule']).map((r) => r.priority), [0, 32766]);
});

/** The selectors of `ip rule show` and the list options that must select the same rules. */
const SELECTORS: Array<[string[], RuleListOptions]> = [
  [['from', '172.16.0.0/16'], { src: '172.16.0.0/16' }],
  [['from', '172.16.0.0/12'], { src: '172.16.0.0/12' }],
  [['to', '172.16.1.0/24'], { dst: '172.16.1.0/24' }],
  [['pref', '0'], { priority: 0 }],
  [['pref', '5'], { priority: 5 }],
  [['pref', '32765'], { priority: 32765 }],
  [['table', '199'], { table: 199 }],
  [['table', '1'], { table: 1 }],
  [['table', 'main'], { table: 'main' }],
  [['pref', '1', 'table', '1'], { priority: 1, table: 1 }],
  [['fwmark', '0xbb'], { fwmark: 0xbb }],
  [['fwmark', '0x1234'], { fwmark: 0x1234 }],
  [['fwmark', '0/0x5'], { fwmask: 5 }],
  [['fwmark', '0xffffffff/0xffffffff'], { fwmark: 0xffffffff, fwmask: 0xffffffff }],
  [['tos', '0x0c'], { tos: 12 }],
  [['not'], { not: true }],
  [['iif', 'lo'], { iif: 'lo' }],
  [['oif', 'lo'], { oif: 'lo' }],
  [['ipproto', 'udp'], { ipProto: 'udp' }],
  [['sport', '1000-1024'], { sport: { start: 1000, end: 1024 } }],
  [['dport', '80'], { dport: 80 }],
  [['uidrange', '100-100'], { uidRange: 100 }],
];

/** The IPv4 rules of vishvananda/netlink's rule tests (TestRuleAddDel, TestRuleListFiltered), added with ip. */
const VISHVANANDA_V4 = [
  // First: without a priority the kernel picks one below the first rule after priority 0 (32765 here).
  ['from', '172.16.0.0/16', 'table', '1'],
  ['from', '172.16.0.0/16', 'pref', '1', 'table', '1'],
  ['to', '172.16.1.0/24', 'pref', '1', 'table', '1'],
  ['from', '172.16.0.0/16', 'to', '172.16.1.0/24', 'pref', '1', 'table', '1'],
  ['from', '172.16.0.0/16', 'pref', '0', 'table', '1'],
  ...[1, 2, 3, 4].map((table) => ['from', '172.16.0.0/16', 'pref', '5', 'table', String(table)]),
  ['from', '172.16.0.0/16', 'pref', '1', 'table', '199'],
  ['from', '172.16.0.0/16', 'fwmark', '0/0x5', 'pref', '1', 'table', '1'],
  ['from', '172.16.0.0/16', 'fwmark', '0xbb/0xff', 'pref', '1', 'table', '1'],
  ['from', '172.16.0.0/16', 'fwmark', '0x1234/0', 'pref', '1', 'table', '100'],
  ['from', '172.16.0.0/16', 'fwmark', '0/0xffffffff', 'pref', '1', 'table', '100'],
  ['from', '172.16.0.0/16', 'fwmark', '0xffffffff/0xffffffff', 'pref', '1', 'table', '100'],
  ['from', '172.16.0.0/16', 'fwmark', '0x12345678/0xffffffff', 'pref', '1', 'table', '100'],
  ['from', '172.16.0.0/16', 'fwmark', '0xffffffff/0', 'pref', '1', 'table', '100'],
  ['from', '172.16.0.0/16', 'tos', '0x0c', 'pref', '1', 'table', '1'],
  ['not', 'from', '172.16.0.0/16', 'to', '172.16.1.0/24', 'tos', '0x10', 'iif', 'lo', 'oif', 'lo', 'ipproto', 'udp',
    'sport', '1000-1024', 'dport', '80', 'uidrange', '100-100', 'protocol', 'kernel', 'pref', '5', 'table', 'main'],
];

liveTest('list selectors select what ip rule show SELECTOR shows (vishvananda rule tests as the rule set)', async (t) => {
  const { name, nl } = await tempNetns(t);
  for (const args of VISHVANANDA_V4) ip(['-n', name, 'rule', 'add', ...args]);
  ip(['-n', name, '-6', 'rule', 'add', 'from', 'fd56:6b58:db28:2913::/64', 'to', 'fde9:379f:3b35:6635::/96', 'pref', '1', 'table', '1']);
  let nonEmpty = 0;
  for (const [args, options] of SELECTORS) {
    const theirs = ipJson<IpRule[]>(name, ['rule', 'show', ...args]).map(sorted);
    const ours = (await nl.rules.list({ family: 4, ...options })).map((r) => sorted(asIpJson(r)));
    t.deepEqual(ours, theirs, args.join(' '));
    const streamed: Rule[] = [];
    for await (const r of nl.rules.stream({ family: 4, ...options })) streamed.push(r);
    t.deepEqual(streamed.map((r) => sorted(asIpJson(r))), theirs, `stream: ${args.join(' ')}`);
    if (theirs.length > 0) nonEmpty++;
  }
  t.is(nonEmpty, SELECTORS.length, 'every selector selects something');
  // iproute2 6.1 parses `ip rule show protocol P` but does not apply it: its -d output is the oracle.
  for (const [protocol, option] of [['kernel', 'kernel'], ['unspec', 0], ['static', 'static']] as const) {
    const theirs = ipJson<IpRule[]>(name, ['-d', 'rule', 'show']).filter((r) => r.protocol === protocol).map((r) => r.priority);
    t.deepEqual((await nl.rules.list({ family: 4, protocol: option })).map((r) => r.priority), theirs, `protocol ${protocol}`);
  }
  t.deepEqual(await nl.rules.list({ l3mdev: true }), [], 'l3mdev: no such rule');
  // The family follows from a prefix selector; without a family, both families are searched.
  t.deepEqual((await nl.rules.list({ src: 'fd56:6b58:db28:2913::/48' })).map((r) => [r.family, r.priority, r.table]), [[6, 1, 1]]);
  t.deepEqual((await nl.rules.list({ table: 1, priority: 1 })).map((r) => r.family).sort(), [4, 4, 4, 4, 4, 4, 6]);
  t.deepEqual((await nl.rules.list({ action: 'lookup', priority: 32767 })).map((r) => [r.family, r.table]), [[4, 'default']]);
});

liveTest('vishvananda TestRuleAddDel: every selector of one rule round-trips, and del with the same options removes it', async (t) => {
  const { name, nl } = await tempNetns(t);
  const before = await nl.rules.list({ family: 4 });
  const rule: RuleOptions = {
    family: 4, table: 'main', src: '172.16.0.0/16', dst: '172.16.1.0/24', priority: 5, oif: 'lo', iif: 'lo', not: true,
    tos: 0x10, dport: 80, sport: { start: 1000, end: 1024 }, ipProto: 'udp', uidRange: 100, protocol: 'kernel',
  };
  await nl.rules.add(rule);
  const after = await nl.rules.list({ family: 4 });
  t.is(after.length, before.length + 1);
  const found = await nl.rules.list({ priority: 5, src: '172.16.0.0/16' });
  t.is(found.length, 1);
  t.like(found[0]!, {
    family: 4, table: 'main', src: '172.16.0.0', srcLen: 16, dst: '172.16.1.0', dstLen: 24, priority: 5, oif: 'lo', iif: 'lo',
    not: true, tos: 0x10, dport: { start: 80, end: 80 }, sport: { start: 1000, end: 1024 }, ipProto: 17,
    uidRange: { start: 100, end: 100 }, protocol: 'kernel', action: 'lookup',
  });
  t.deepEqual(ipJson<IpRule[]>(name, ['rule', 'show', 'pref', '5']).map(sorted), found.map((r) => sorted(asIpJson(r))));
  await nl.rules.del(rule);
  t.is((await nl.rules.list({ family: 4 })).length, before.length);
  // Mark 0 under a mask, and a mark with mask 0, are rules of their own (fwmark 0/0x5, 0x1234/0).
  await nl.rules.add({ fwmask: 5, table: 1, priority: 1 });
  await nl.rules.add({ fwmark: 0x1234, fwmask: 0, table: 100, priority: 1 });
  t.deepEqual(ipJson<IpRule[]>(name, ['rule', 'show', 'pref', '1']).map((r) => [r.fwmark, r.fwmask, r.table]),
    [['0', '0x5', '1'], ['0x1234', '0', '100']]);
  await nl.rules.del({ fwmask: 5, priority: 1 });
  t.deepEqual(ipJson<IpRule[]>(name, ['rule', 'show', 'pref', '1']).map((r) => r.table), ['100']);
});

liveTest('String(rule) is ip rule show\'s line (ip\'s tab a space, ipproto a number), for every selector and action', async (t) => {
  const { name, nl } = await tempNetns(t);
  for (const args of VISHVANANDA_V4) ip(['-n', name, 'rule', 'add', ...args]);
  for (const args of [
    ['from', '10.9.9.9', 'to', '10.8.0.0/16', 'pref', '200', 'goto', '32766'],
    ['to', '10.7.7.7/32', 'pref', '201', 'blackhole'], ['pref', '202', 'unreachable'], ['pref', '203', 'prohibit'], ['pref', '204', 'nop'],
    ['pref', '205', 'realms', '3/4', 'table', '7'], ['pref', '206', 'realms', '9', 'table', '7'],
    ['pref', '207', 'table', 'main', 'suppress_prefixlength', '0'], ['pref', '208', 'table', '9', 'suppress_ifgroup', '3'],
    ['pref', '209', 'tun_id', '77', 'table', '8'], ['pref', '210', 'iif', 'nosuchlink', 'oif', 'lo', 'table', '8'],
    ['pref', '211', 'fwmark', '0x7/0xff', 'iif', 'lo', 'table', '100'], ['pref', '212', 'uidrange', '5-9', 'ipproto', 'tcp', 'dport', '80-90', 'sport', '7', 'table', '100'],
    ['pref', '213', 'from', '10.1.0.0/16', 'protocol', 'static', 'table', '5'], ['pref', '214', 'goto', '300'],
  ]) ip(['-n', name, 'rule', 'add', ...args]);
  for (const args of [['not', 'from', '2001:db8::1', 'to', '2001:db8:1::/48', 'pref', '300', 'table', '3'], ['from', '2001:db8::/32', 'pref', '301', 'unreachable']]) {
    ip(['-n', name, '-6', 'rule', 'add', ...args]);
  }
  const protos = new Map([['tcp', '6'], ['udp', '17']]);
  for (const family of ['-4', '-6'] as const) {
    const theirs = ip(['-n', name, family, 'rule', 'show']).trimEnd().split('\n')
      .map((l) => l.replace(/^(\d+):\t/, '$1: ').replace(/ ipproto (\w+)/, (_m, p: string) => ` ipproto ${protos.get(p) ?? p}`).trimEnd());
    const ours = (await nl.rules.list({ family: family === '-4' ? 4 : 6 })).map(String);
    t.deepEqual(ours, theirs, family);
  }
});

liveTest('del(rule) sends a listed Rule back as ip rule flush does: every kind of rule goes, the others stay', async (t) => {
  const { name, nl } = await tempNetns(t);
  for (const args of VISHVANANDA_V4) ip(['-n', name, 'rule', 'add', ...args]);
  ip(['-n', name, '-6', 'rule', 'add', 'from', '2001:db8::/32', 'pref', '301', 'unreachable']);
  const all = async (): Promise<Rule[]> => [...await nl.rules.list({ family: 4 }), ...await nl.rules.list({ family: 6 })];
  // The kernel's own rules: priority 0 lookup local, 32766 main, 32767 default (IPv6: no 32767).
  const isDefault = (r: Rule): boolean => (r.priority === 0 && r.table === 'local') || r.priority >= 32766;
  const before = await all();
  const ours = before.filter((r) => !isDefault(r));
  t.is(ours.length, VISHVANANDA_V4.length + 1);
  for (const r of ours) await nl.rules.del(r);
  t.deepEqual((await all()).map(String), before.filter(isDefault).map(String));
  t.deepEqual(ipJson<IpRule[]>(name, ['rule', 'show']).map((r) => r.priority), [0, 32766, 32767]);
  // Gone already: the kernel's ENOENT. A Rule that is not a view from a dump: refused before sending.
  await t.throwsAsync(nl.rules.del(ours[0]!), { instanceOf: NetlinkError, code: 'ENOENT' });
  await t.throwsAsync(nl.rules.del(Object.create(Rule.prototype) as Rule), { instanceOf: ValidationError, message: /^rule: / });
});
