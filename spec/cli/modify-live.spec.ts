// `rtnl` add/del/set/replace change the kernel as `ip` does: the same command lines run with ip in
// one throwaway namespace and with rtnl in another, then both namespaces are dumped with `ip -j`
// (the independent oracle) and must hold the same links, addresses, routes, neighbours and rules.
// Kernel refusals print what ip prints on stderr; rtnl exits 1 for them and 2 for bad input.
import type { ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { ip, liveTest, tempNetns } from '../helpers/netns.js';
import { ipJsonOf, rtnl } from './cli-helpers.js';

/** A command line as both tools take it, split on spaces (words never contain spaces here). */
type Line = string;

/** Link-local IPv6 addresses (made when links go up, and tentative for a while) are turned off. */
function quiet(ns: string): void {
  for (const key of ['net.ipv6.conf.all.addr_gen_mode', 'net.ipv6.conf.default.addr_gen_mode']) {
    const r = spawnSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', `${key}=1`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sysctl ${key} in ${ns}: ${r.stderr}`);
  }
}

/** Two namespaces: `ours` changed by rtnl, `theirs` by ip. */
async function twins(t: ExecutionContext): Promise<{ ours: string; theirs: string }> {
  const { name: ours } = await tempNetns(t, 'cm');
  const { name: theirs } = await tempNetns(t, 'ci');
  quiet(ours);
  quiet(theirs);
  return { ours, theirs };
}

/** Runs `line` with ip in `theirs` and with rtnl in `ours`; both must succeed silently. */
async function both(t: ExecutionContext, w: { ours: string; theirs: string }, line: Line): Promise<void> {
  const words = line.split(' ');
  ip(['-n', w.theirs, ...words]);
  const r = await rtnl(['-n', w.ours, ...words]);
  t.is(r.code, 0, `rtnl ${line}: ${r.stderr}`);
  t.is(r.stderr, '', `rtnl ${line}`);
  t.is(r.stdout, '', `rtnl ${line}`);
}

/** Drops values that depend on time (bridge timers), which differ between any two dumps. */
function timeless(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(timeless);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([k]) => !k.endsWith('_timer')).map(([k, x]) => [k, timeless(x)]));
  }
  return v;
}

/** Both namespaces hold the same objects, as `ip -j` shows them. */
function sameState(t: ExecutionContext, w: { ours: string; theirs: string }, what: string): void {
  for (const args of [
    ['-d', 'link', 'show'], ['addr', 'show'], ['route', 'show', 'table', 'all'], ['-6', 'route', 'show', 'table', 'all'],
    ['neigh', 'show', 'nud', 'all'], ['rule', 'show'], ['-6', 'rule', 'show'],
  ]) {
    // Neighbours come in hash-table order, which differs between namespaces.
    const norm = (v: unknown): unknown => (args.includes('neigh') ? (v as unknown[]).map((x) => JSON.stringify(x)).sort() : timeless(v));
    t.deepEqual(norm(ipJsonOf(w.ours, args)), norm(ipJsonOf(w.theirs, args)), `${what}: ip -j ${args.join(' ')}`);
  }
}

const LINKS: Line[] = [
  'link add br0 address 02:00:00:00:00:01 type bridge stp_state 0 forward_delay 500 ageing_time 12000',
  'link add v0 address 02:00:00:00:00:02 type veth peer name v1 address 02:00:00:00:00:03',
  'link set v0 up mtu 1400 master br0',
  'link set br0 up',
  'link set dev v1 up txqueuelen 500 alias peer-end',
  'link add ifb0 address 02:00:00:00:00:04 type ifb',
  'link set ifb0 name ifb9 group 3',
  'link add vx0 address 02:00:00:00:00:05 type vxlan id 42 dstport 4789 local 10.0.0.1 dev v1 nolearning ttl 64',
  'link add link v1 name mv0 address 02:00:00:00:00:06 type macvlan mode bridge',
  'link add mv1 link v1 address 02:00:00:00:00:07 type macvtap mode vepa',
  'link set dev v0 nomaster',
  'link set v0 master br0',
  'link set br0 type bridge stp_state 1 hello_time 300',
  'link set v0 type bridge_slave cost 7 priority 9 learning off',
  'link del mv0',
  'link delete dev mv1',
  'link add v8 address 02:00:00:00:00:08 mtu 9000 numtxqueues 3 numrxqueues 2 type veth peer name v9 address 02:00:00:00:00:09 mtu 1600',
  'link set v8 down address 02:00:00:00:00:18 broadcast ff:ff:ff:ff:ff:fe',
  'link set v8 promisc on allmulticast on',
  'link set v9 arp off multicast off',
  'link set v8 gso_max_size 32000 gso_max_segs 1000 gro_max_size 32000',
  'link property add dev v8 altname v8-long-alternative altname v8-second',
  'link property del dev v8 altname v8-second',
  'link set v8 promisc off',
];

const ADDRESSES: Line[] = [
  'addr add 10.0.0.1/24 dev v1',
  'addr add 10.0.1.1/24 brd + dev v1 label v1:a',
  'address add 10.0.2.1/24 broadcast 10.0.2.254 dev v1 scope link metric 9',
  'addr add fd00::1/64 dev v1 nodad',
  'addr add fd00:1::1/64 dev v1 nodad noprefixroute',
  'addr add 10.0.3.1 peer 10.0.3.2/32 dev v1',
  'addr add 10.0.4.1/24 dev br0',
  'addr replace 10.0.4.1/24 dev br0 metric 3',
  'addr del 10.0.1.1/24 dev v1',
];

const ROUTES: Line[] = [
  'route add 10.9.0.0/24 via 10.0.0.2 dev v1 table 100 metric 5',
  'route add 10.8.0.0/16 via 10.0.0.2',
  'route add blackhole 10.7.0.0/16',
  'route add unreachable 10.7.1.0/24 table 5000',
  'route add 10.6.0.0/16 nexthop via 10.0.0.2 dev v1 weight 2 nexthop via 10.0.0.3 dev v1',
  'route add 10.5.0.0/16 via 10.0.0.2 mtu lock 1300 advmss 1200 proto static src 10.0.0.1',
  'route add 10.4.4.0/24 dev v1 scope link realms 5 tos 0x10',
  'route add 10.3.3.0/24 via 10.9.9.9 dev v1 onlink',
  '-6 route add fd01::/64 via fd00::2 metric 10',
  '-6 route add fd02::/64 dev v1 pref high table 100',
  'route replace 10.8.0.0/16 via 10.0.0.3',
  'route del 10.7.0.0/16',
  'route add default via 10.0.0.254',
  'route append 10.8.0.0/16 via 10.0.0.9',
  'route change 10.5.0.0/16 via 10.0.0.4',
  '-6 route append fd01::/64 via fd00::3 metric 10',
  'route delete 10.9.0.0/24 table 100',
];

const NEIGHBOURS: Line[] = [
  'neigh add 10.0.0.2 lladdr 02:00:00:00:00:10 dev v1 nud permanent',
  'neigh add 10.0.0.3 lladdr 02:00:00:00:00:11 dev v1 nud stale',
  'neigh replace 10.0.0.3 lladdr 02:00:00:00:00:12 dev v1 nud permanent',
  'neigh add fd00::2 lladdr 02:00:00:00:00:13 dev v1 router',
  'neigh add 10.0.0.4 lladdr 02:00:00:00:00:14 dev v1 nud noarp',
  'neigh add proxy 10.0.0.5 dev v1',
  'neigh del 10.0.0.2 dev v1',
];

const RULES: Line[] = [
  'rule add from 10.0.0.0/8 lookup 100 pref 1000',
  'rule add fwmark 7 table 100 pref 1001',
  'rule add to 10.1.0.0/16 iif v1 prohibit pref 1002',
  'rule add not from 10.2.0.0/16 lookup main pref 1003',
  'rule add ipproto udp dport 53 sport 1000-2000 lookup 100 pref 1004',
  'rule add fwmark 0x10/0xff uidrange 1000-2000 goto 1007 pref 1005',
  'rule add oif v1 tos 0x10 table 5000 proto static pref 1006',
  'rule add from all lookup main suppress_prefixlength 0 pref 1007',
  'rule add nop pref 1008',
  // Protocol names as /etc/protocols has them (ip's getprotobyname): ipip is 94 there, ipencap 4.
  'rule add ipproto ipip lookup 100 pref 1009',
  'rule add ipproto ipencap lookup 100 pref 1010',
  'rule add ipproto IPv6-ICMP lookup 100 pref 1011',
  'rule del pref 1001',
  '-6 rule add from fd00::/8 lookup 100 pref 2000',
  '-6 rule add to fd01::/16 blackhole pref 2001',
];

liveTest('link add/set/delete change the kernel as ip does (bridge, veth, ifb, vxlan, macvlan, macvtap, ports, kind options)', async (t) => {
  const w = await twins(t);
  for (const line of LINKS) await both(t, w, line);
  sameState(t, w, 'after the link commands');
});

liveTest('addr, route, neigh and rule add/replace/delete change the kernel as ip does', async (t) => {
  const w = await twins(t);
  for (const line of LINKS.slice(0, 5)) await both(t, w, line);
  for (const line of ADDRESSES) await both(t, w, line);
  sameState(t, w, 'after the address commands');
  for (const line of ROUTES) await both(t, w, line);
  sameState(t, w, 'after the route commands');
  for (const line of NEIGHBOURS) await both(t, w, line);
  for (const line of RULES) await both(t, w, line);
  sameState(t, w, 'after the neighbour and rule commands');
});

liveTest('flush forms remove what ip\'s remove (addresses of a link, routes of a table, neighbours of a link, rules)', async (t) => {
  const w = await twins(t);
  for (const line of [...LINKS.slice(0, 5), ...ADDRESSES, ...ROUTES, ...NEIGHBOURS, ...RULES]) await both(t, w, line);
  for (const line of ['addr flush dev br0', 'route flush table 100', 'route flush 10.6.0.0/16', 'neigh flush dev v1', 'rule flush']) {
    await both(t, w, line);
    sameState(t, w, `after ${line}`);
  }
});

/** Runs `line` with ip in `ns`, expecting it to fail, and returns its stderr. */
function ipFails(ns: string, line: Line): string {
  const r = spawnSync('ip', ['-n', ns, ...line.split(' ')], { encoding: 'utf8' });
  if (r.status === 0) throw new Error(`ip ${line} succeeded`);
  return r.stderr;
}

liveTest('kernel refusals and missing devices print what ip prints, exit 1, and change nothing', async (t) => {
  const w = await twins(t);
  for (const line of LINKS.slice(0, 5)) await both(t, w, line);
  await both(t, w, 'addr add 10.0.0.1/24 dev v1');
  for (const line of [
    'link add br0 type bridge',
    'link set v1 mtu 70000',
    'link set br0 mtu 10', // below the bridge's minimum: the kernel's refusal (lo would take it)
    'link set nope up',
    'link del nope',
    'link show nope',
    'addr add 10.0.5.1/24 dev nope',
    'addr del 10.9.9.9/24 dev v1',
    'route add 10.0.0.0/24 via 10.99.99.99',
    'route del 10.99.0.0/16',
    'route add 10.0.0.0/24 dev nope',
    'neigh add 10.0.0.9 lladdr 02:00:00:00:00:01 dev nope',
    'neigh del 10.0.0.77 dev v1',
    'rule del pref 4444',
  ]) {
    const theirs = ipFails(w.theirs, line);
    const r = await rtnl(['-n', w.ours, ...line.split(' ')]);
    t.is(r.code, 1, `rtnl ${line}: ${r.stderr}`);
    t.is(r.stderr, theirs, `rtnl ${line}`);
    t.is(r.stdout, '', `rtnl ${line}`);
  }
  sameState(t, w, 'after the refused commands');
});

liveTest('input the library refuses (names, addresses, MACs) is a usage error, exit 2, and nothing is sent', async (t) => {
  const w = await twins(t);
  for (const line of LINKS.slice(0, 5)) await both(t, w, line);
  for (const line of [
    'link add thisnameiswaytoolong type ifb',
    'link add bad/name type ifb',
    'link set v1 address zz:zz:zz:zz:zz:zz',
    'link add x0 type nosuchkind',
    'addr add 10.0.0.1/33 dev v1',
    'addr add 300.0.0.1/24 dev v1',
    'route add 10.0.0.1/24 dev v1',
    'route add fd00::/64 via 10.0.0.1',
    'neigh add 10.0.0.9 lladdr 02:00:00:00:00:zz dev v1',
    'rule add from 10.0.0.0/99 lookup 100',
  ]) {
    const r = await rtnl(['-n', w.ours, ...line.split(' ')]);
    t.is(r.code, 2, `rtnl ${line}: ${r.stderr}`);
    t.regex(r.stderr, /^Error: /, `rtnl ${line}`);
  }
  sameState(t, w, 'after the refused input');
});
