// `rtnl monitor` prints events as they happen: the process is started, each change is made after
// it is waiting, and its line must arrive within a bounded time. Beside `ip monitor` (the oracle,
// started the same way) the transcripts are the same lines; with -j each event is one line of JSON
// holding the object ip -j shows for it.
import type { ExecutionContext } from 'ava';
import { ip, liveTest, tempNetns } from '../helpers/netns.js';
import { ipJsonOf, startIp, startRtnl, type LineProcess } from './cli-helpers.js';

const LIMIT_MS = 5000;

/**
 * Waits until every monitor is subscribed: creates probe links until each printed one (a monitor
 * prints nothing before its first event, so this is the only sign that it listens), then deletes
 * them.
 */
async function ready(ns: string, monitors: LineProcess[]): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const name = `probe${i}`;
    ip(['-n', ns, 'link', 'add', name, 'type', 'ifb']);
    try {
      // A line about the probe, in text (`7: probe0: <…`) or JSON (`{"ifindex":7,"ifname":"probe0",…`).
      const about = (l: string): boolean => l.includes(`: ${name}: <`) || l.includes(`"ifname":"${name}"`);
      for (const m of monitors) await m.waitFor(about, 0, 300, name);
      ip(['-n', ns, 'link', 'del', name]);
      const deleted = (l: string): boolean => about(l) && (l.startsWith('Deleted ') || l.startsWith('{"deleted":true'));
      for (const m of monitors) await m.waitFor(deleted, 0, LIMIT_MS, `${name} deleted`);
      return;
    } catch {
      ip(['-n', ns, 'link', 'del', name]);
    }
  }
  throw new Error('the monitors never printed an event');
}

/** ip monitor's netconf and nsid lines, which rtnl does not print (it has no such events). */
const IP_ONLY = /^(Deleted )?(inet6?|mpls) \S+( |$)|^nsid /;

/** The changes every transcript test makes, each waited for in rtnl's output before the next. */
const CHANGES: Array<{ cmd: string; line: RegExp }> = [
  { cmd: 'link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02', line: /^\d+: v0@v1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group default$/ },
  { cmd: 'link set v1 up', line: /^\d+: v1@v0: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN group default$/ },
  { cmd: 'link set v0 up', line: /^\d+: v0@v1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default$/ },
  { cmd: 'addr add 10.0.0.1/24 dev v0', line: /^\d+: v0 {4}inet 10\.0\.0\.1\/24 scope global v0$/ },
  { cmd: 'route add 10.9.0.0/16 via 10.0.0.2 dev v0 table 100', line: /^10\.9\.0\.0\/16 via 10\.0\.0\.2 dev v0 table 100$/ },
  { cmd: 'neigh add 10.0.0.3 lladdr 02:00:00:00:00:03 dev v0', line: /^10\.0\.0\.3 dev v0 lladdr 02:00:00:00:00:03 PERMANENT$/ },
  { cmd: 'rule add from 10.0.0.0/8 lookup 100 pref 1000', line: /^1000:\tfrom 10\.0\.0\.0\/8 lookup 100$/ },
  { cmd: 'rule del pref 1000', line: /^Deleted 1000:\tfrom 10\.0\.0\.0\/8 lookup 100$/ },
  { cmd: 'neigh del 10.0.0.3 dev v0', line: /^Deleted 10\.0\.0\.3 dev v0 / },
  { cmd: 'route del 10.9.0.0/16 table 100', line: /^Deleted 10\.9\.0\.0\/16 via 10\.0\.0\.2 dev v0 table 100$/ },
  { cmd: 'addr del 10.0.0.1/24 dev v0', line: /^Deleted \d+: v0 {4}inet 10\.0\.0\.1\/24 scope global v0$/ },
  { cmd: 'link del v0', line: /^Deleted \d+: v0@NONE: </ },
];

/** Makes each change after rtnl waits for it, and checks its line arrives within the limit. */
async function changeAndWait(t: ExecutionContext, ns: string, m: LineProcess): Promise<void> {
  let from = m.lines.length;
  for (const { cmd, line } of CHANGES) {
    ip(['-n', ns, ...cmd.split(' ')]);
    const at = await m.waitFor((l) => line.test(l), from, LIMIT_MS, cmd);
    t.pass(cmd);
    from = at + 1;
  }
}

liveTest('rtnl monitor prints each change as it happens, the same lines as ip monitor', async (t) => {
  const { name: ns } = await tempNetns(t, 'cw');
  const ours = startRtnl(['-n', ns, 'monitor']);
  const theirs = startIp(['-n', ns, 'monitor']);
  t.teardown(() => { void ours.stop('SIGKILL'); void theirs.stop('SIGKILL'); });
  await ready(ns, [ours, theirs]);
  const start = [ours.lines.length, theirs.lines.length] as const;
  await changeAndWait(t, ns, ours);
  ip(['-n', ns, 'link', 'add', 'endmark', 'type', 'ifb']);
  const end = [
    await ours.waitFor((l) => l.includes(': endmark: <'), start[0], LIMIT_MS, 'endmark (rtnl)'),
    await theirs.waitFor((l) => l.includes(': endmark: <'), start[1], LIMIT_MS, 'endmark (ip)'),
  ];
  const transcript = (m: LineProcess, from: number, to: number): string[] => m.lines.slice(from, to + 1)
    .map((l) => l.trimEnd()).filter((l) => !IP_ONLY.test(l));
  t.deepEqual(transcript(ours, start[0], end[0]!), transcript(theirs, start[1], end[1]!));
  t.is(ours.stderr, '');
  const exit = await ours.stop('SIGTERM');
  t.deepEqual(exit, { code: 0, signal: null }, 'SIGTERM ends the monitor cleanly');
});

liveTest('rtnl -j monitor prints one JSON object per event: the object ip -j shows, "deleted" on deletions', async (t) => {
  const { name: ns } = await tempNetns(t, 'cj');
  const m = startRtnl(['-n', ns, '-j', 'monitor', 'link', 'address', 'route', 'neigh', 'rule']);
  t.teardown(() => { void m.stop('SIGKILL'); });
  await ready(ns, [m]);
  const next = async (from: number, pred: (o: Record<string, unknown>) => boolean, what: string): Promise<[number, Record<string, unknown>]> => {
    const i = await m.waitFor((l) => pred(JSON.parse(l) as Record<string, unknown>), from, LIMIT_MS, what);
    return [i, JSON.parse(m.lines[i]!) as Record<string, unknown>];
  };
  let from = m.lines.length;
  ip(['-n', ns, 'link', 'add', 'br0', 'address', '02:00:00:00:00:01', 'type', 'bridge']);
  ip(['-n', ns, 'link', 'set', 'br0', 'up']);
  const [i1, link] = await next(from, (o) => o.ifname === 'br0' && (o.flags as string[]).includes('UP'), 'br0 up');
  const shown = (ipJsonOf(ns, ['link', 'show', 'br0']) as Array<Record<string, unknown>>)[0]!;
  // ip's monitor prints a link as `ip addr` does: no linkmode, and no txqlen (see link-format.ts).
  const { linkmode: _m, txqlen: _q, ...asMonitor } = shown;
  t.deepEqual(link, asMonitor);
  from = i1 + 1;
  ip(['-n', ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'br0']);
  const [i2, addr] = await next(from, (o) => o.local === '10.0.0.1', 'address');
  const info = (ipJsonOf(ns, ['addr', 'show', 'dev', 'br0']) as Array<{ ifindex: number; addr_info: Array<Record<string, unknown>> }>)[0]!;
  t.deepEqual(addr, { index: info.ifindex, dev: 'br0', ...info.addr_info.find((a) => a.local === '10.0.0.1') });
  from = i2 + 1;
  ip(['-n', ns, 'route', 'add', '10.9.0.0/16', 'via', '10.0.0.2', 'table', '100', 'metric', '5']);
  const [i3, route] = await next(from, (o) => o.dst === '10.9.0.0/16', 'route');
  t.deepEqual(route, { ...(ipJsonOf(ns, ['route', 'show', 'table', 'all', '10.9.0.0/16']) as object[])[0] });
  from = i3 + 1;
  ip(['-n', ns, 'neigh', 'add', '10.0.0.3', 'lladdr', '02:00:00:00:00:03', 'dev', 'br0']);
  const [i4, neigh] = await next(from, (o) => o.dst === '10.0.0.3', 'neighbour');
  t.deepEqual(neigh, (ipJsonOf(ns, ['neigh', 'show', '10.0.0.3']) as object[])[0]);
  from = i4 + 1;
  ip(['-n', ns, 'rule', 'add', 'fwmark', '7', 'lookup', '100', 'pref', '1000']);
  const [i5, rule] = await next(from, (o) => o.priority === 1000, 'rule');
  t.deepEqual(rule, (ipJsonOf(ns, ['rule', 'show', 'pref', '1000']) as object[])[0]);
  from = i5 + 1;
  ip(['-n', ns, 'rule', 'del', 'pref', '1000']);
  const [i6, gone] = await next(from, (o) => o.priority === 1000, 'rule deleted');
  t.deepEqual(gone, { deleted: true, ...rule });
  from = i6 + 1;
  ip(['-n', ns, 'link', 'del', 'br0']);
  const [, dead] = await next(from, (o) => o.ifname === 'br0' && o.deleted === true, 'br0 deleted');
  t.is(dead.ifindex, link.ifindex);
  t.is(m.stderr, '');
});

liveTest('rtnl monitor OBJECT prints only that object\'s events; several waits in a row each settle', async (t) => {
  const { name: ns } = await tempNetns(t, 'cl');
  const m = startRtnl(['-n', ns, 'monitor', 'route']);
  t.teardown(() => { void m.stop('SIGKILL'); });
  ip(['-n', ns, 'link', 'add', 'e0', 'type', 'bridge']);
  ip(['-n', ns, 'link', 'set', 'e0', 'up']);
  ip(['-n', ns, 'addr', 'add', '10.1.0.1/24', 'dev', 'e0']);
  // Readiness: route changes until one shows.
  let from = 0;
  for (let i = 0; ; i++) {
    ip(['-n', ns, 'route', 'add', `10.200.${i}.0/24`, 'dev', 'e0']);
    try {
      from = 1 + await m.waitFor((l) => l.startsWith(`10.200.${i}.0/24 dev e0`), 0, 300, 'probe route');
      break;
    } catch (e) {
      if (i > 40) throw e;
    }
  }
  for (let i = 0; i < 5; i++) {
    ip(['-n', ns, 'link', 'add', `x${i}`, 'type', 'ifb']);
    ip(['-n', ns, 'route', 'add', `10.50.${i}.0/24`, 'via', '10.1.0.2', 'metric', String(i + 1)]);
    from = 1 + await m.waitFor((l) => l === `10.50.${i}.0/24 via 10.1.0.2 dev e0 metric ${i + 1}`, from, LIMIT_MS, `route ${i}`);
  }
  t.false(m.lines.some((l) => l.includes(': x0: <')), 'no link events');
  t.deepEqual(await m.stop('SIGINT'), { code: 0, signal: null }, 'SIGINT ends the monitor cleanly');
});
