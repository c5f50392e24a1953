// `rtnl -j … show` beside `ip -j … show` (iproute2, the independent oracle) for links, addresses,
// routes, neighbours and rules made with ip in a throwaway namespace: the same objects with the
// same keys, values and key order — byte for byte the text ip prints, pretty (-p) included.
// ip runs before and after rtnl; output that matches either run matches ip (values the kernel
// changes meanwhile, such as lifetimes counting down, move between the two ip runs).
import type { ExecutionContext } from 'ava';
import { ip, liveTest, tempNetns } from '../helpers/netns.js';
import { besideIp, between, ipJsonOf, rtnl, rtnlOk } from './cli-helpers.js';

/**
 * One namespace with every kind of object the formatters handle: a veth pair (one end up, the
 * other down: NO-CARRIER and M-DOWN), a veth whose peer lives in another namespace (link_index,
 * link_netnsid), a bridge with a port, an ifb in a group, an alias and an altname; addresses with
 * a peer, a broadcast, a label, lifetimes, a metric and flags; routes in several tables, of
 * several types, multipath, with metrics and a protocol; neighbours (stale, router, proxy,
 * permanent IPv6); rules with every selector ip prints.
 */
async function scenario(t: ExecutionContext): Promise<string> {
  const { name: ns } = await tempNetns(t, 'cs');
  const { name: other } = await tempNetns(t, 'co');
  const run = (line: string): void => { ip(['-n', ns, ...line.split(' ')]); };
  run('link add v1 address 02:00:00:00:01:01 type veth peer name v2 address 02:00:00:00:01:02');
  run('link set v1 up');
  run('link set v1 alias uplink');
  run('link property add dev v1 altname uplink-longname');
  ip(['-n', ns, 'link', 'add', 'x0', 'address', '02:00:00:00:02:01', 'type', 'veth', 'peer', 'name', 'x1', 'netns', other]);
  run('link add br0 address 02:00:00:00:03:01 type bridge');
  run('link add p0 address 02:00:00:00:03:02 type veth peer name p1 address 02:00:00:00:03:03');
  run('link set p0 master br0');
  run('link set p0 type bridge_slave cost 9 priority 7 group_fwd_mask 0x4001');
  run('link add vx0 address 02:00:00:00:05:01 type vxlan id 42 dstport 4789 local 10.2.0.1 remote 10.2.0.9 dev v1 ttl 64 nolearning');
  run('link add vx1 address 02:00:00:00:05:02 type vxlan id 43 dstport 4790 group 239.1.1.1 dev v1 srcport 1000 2000');
  run('link add mv0 link v1 address 02:00:00:00:06:01 type macvlan mode bridge');
  run('link add mt0 link v1 address 02:00:00:00:06:02 type macvtap mode vepa');
  run('link add ifb0 address 02:00:00:00:04:01 type ifb');
  run('link set ifb0 group 5');
  run('tuntap add dev tp0 mode tap pi vnet_hdr multi_queue user 0 group 0');
  run('tuntap add dev tn0 mode tun user 54321 group 54322');
  run('addr add 10.2.0.1 peer 10.2.0.2/32 dev v1');
  run('addr add 10.3.0.1/24 dev v1 valid_lft 3600 preferred_lft 1800 metric 7 noprefixroute');
  run('addr add 10.4.0.1/24 brd + dev v1 label v1:four');
  run('addr add 10.4.0.2/24 dev v1');
  run('addr add fd00::1/64 dev v1 nodad');
  run('addr add fd00::2/64 dev br0 nodad noprefixroute');
  run('route add 10.20.0.0/24 nexthop via 10.2.0.2 dev v1 weight 2 nexthop via 10.2.0.2 dev v1 weight 1');
  run('route add 10.21.0.0/24 via 10.2.0.2 mtu lock 1400 advmss 1300 proto static');
  run('route add unreachable 10.22.0.0/24');
  run('route add prohibit 10.23.0.0/24 table 5000');
  run('route add 10.24.0.0/16 via 10.2.0.2 dev v1 table 100 metric 5 src 10.2.0.1');
  run('route add blackhole 10.25.0.0/16 table 100 proto dhcp');
  run('route add 10.26.0.0/16 dev v1 scope link realms 3');
  run('-6 route add fd01::/64 dev v1 metric 50 pref high');
  run('-6 route add fd02::/64 via fd00::9 dev v1 table 100');
  run('neigh add 10.2.0.9 lladdr 02:00:00:00:00:09 dev v1 nud stale router');
  run('neigh add 10.2.0.8 lladdr 02:00:00:00:00:08 dev v1 nud permanent');
  run('neigh add proxy 10.2.0.10 dev v1');
  run('-6 neigh add fd00::9 lladdr 02:00:00:00:00:19 dev v1 nud permanent');
  run('rule add not fwmark 0x10/0xff lookup 200 pref 2000');
  run('rule add ipproto tcp dport 80 sport 1000-2000 blackhole pref 2001');
  // Printed by /etc/protocols' first name for the number, as ip does (4 is ipencap, 94 ipip), or ipproto-N.
  for (const [proto, pref] of [['4', 2002], ['94', 2003], ['200', 2004], ['58', 2005]] as const) run(`rule add ipproto ${proto} lookup 100 pref ${pref}`);
  run('rule add uidrange 100-200 goto 32766 pref 2002');
  run('rule add from all lookup main suppress_prefixlength 0 pref 2003');
  run('rule add oif v1 nop pref 2004');
  run('rule add tos 0x10 table 5000 proto static pref 2005');
  run('rule add from 10.0.0.0/8 to 10.1.0.0/16 iif v1 lookup 100 pref 2006');
  run('rule add from 10.9.9.9 fwmark 7 prohibit pref 2007');
  run('-6 rule add from fd00::/8 lookup 100 pref 3000');
  return ns;
}

/**
 * Checks `rtnl -j args` against `ip -j args`: the same objects (numbers the kernel changed between
 * ip's runs may lie between them), and the same text: ip's compact JSON of those objects.
 */
async function same(t: ExecutionContext, ns: string, args: string[]): Promise<void> {
  const r = await besideIp(ns, args);
  if (!between(r.ours, r.before, r.after)) t.deepEqual(r.ours, r.theirs, `rtnl -j ${args.join(' ')}`);
  else t.pass();
  t.is(r.oursText, JSON.stringify(r.ours), `rtnl -j ${args.join(' ')}: ip's compact text`);
}

liveTest('link show: the objects ip -j link show prints (flags, link/link_index, master, group, alias, altnames …)', async (t) => {
  const ns = await scenario(t);
  await same(t, ns, ['link', 'show']);
  await same(t, ns, ['link', 'show', 'dev', 'v1']);
  await same(t, ns, ['link', 'show', 'x0']);
  await same(t, ns, ['link', 'show', 'master', 'br0']);
  await same(t, ns, ['link', 'show', 'type', 'veth']);
  // ip prints an empty object for each link `up` filters out (print_linkinfo returns after the
  // object was opened); rtnl leaves them out.
  const up = await besideIp(ns, ['link', 'show', 'up']);
  t.deepEqual(up.ours, (up.theirs as object[]).filter((o) => Object.keys(o).length > 0));
  await same(t, ns, ['-s', 'link', 'show', 'dev', 'ifb0']);
  await same(t, ns, ['-s', '-s', 'link', 'show', 'dev', 'ifb0']);
  await same(t, ns, ['link']);
  // -d: the details and the info_data of bridges, bridge ports, vxlans, macvlans, macvtaps and tun / tap
  // (timers may tick between the runs: a number between ip's two values passes).
  for (const args of [['-d', 'link', 'show'], ['-d', 'link', 'show', 'dev', 'br0'], ['-d', '-d', 'link', 'show', 'type', 'vxlan'], ['-d', 'link', 'show', 'type', 'tun']]) {
    const d = await besideIp(ns, args);
    if (!between(d.ours, d.before, d.after)) t.deepEqual(d.ours, d.theirs, args.join(' '));
    else t.pass();
  }
});

liveTest('addr show: links with their addr_info, as ip -j addr show (peer, brd, label, lifetimes, metric, flags)', async (t) => {
  const ns = await scenario(t);
  await same(t, ns, ['addr', 'show']);
  await same(t, ns, ['address', 'show', 'dev', 'v1']);
  await same(t, ns, ['-4', 'addr', 'show']);
  await same(t, ns, ['-6', 'addr', 'show']);
  // `label` is not compared: ip's JSON for it is malformed (link objects left empty, an empty
  // object for each address the label leaves out); rtnl prints the links whose addresses match.
  const labelled = JSON.parse(await rtnlOk(['-n', ns, '-j', 'addr', 'show', 'label', 'v1:*'])) as Array<{ ifname: string; addr_info: Array<{ local: string }> }>;
  t.deepEqual(labelled.map((l) => [l.ifname, l.addr_info.map((a) => a.local)]), [['v1', ['10.4.0.1']]]);
  await same(t, ns, ['a']);
});

liveTest('route show: every table, each family, with ip\'s filters (table, dev, proto, type, prefix)', async (t) => {
  const ns = await scenario(t);
  for (const args of [
    ['route', 'show'], ['-6', 'route', 'show'], ['route', 'show', 'table', 'all'], ['-6', 'route', 'show', 'table', 'all'],
    ['route', 'show', 'table', '100'], ['-6', 'route', 'show', 'table', '100'], ['route', 'show', 'table', '5000'],
    ['route', 'show', 'dev', 'v1'], ['route', 'show', 'proto', 'static'], ['route', 'show', 'type', 'unreachable'],
    ['route', 'show', '10.21.0.0/24'], ['route', 'show', 'root', '10.0.0.0/8'], ['route', 'show', 'match', '10.24.1.1', 'table', '100'],
    ['route', 'show', 'table', 'local'], ['route', 'show', 'scope', 'link'], ['r'],
  ]) {
    await same(t, ns, args);
  }
});

liveTest('neigh show: the entries ip -j neigh show prints (state, router, proxy, IPv6)', async (t) => {
  const ns = await scenario(t);
  for (const args of [
    ['neigh', 'show'], ['neigh', 'show', 'proxy'], ['-6', 'neigh', 'show'], ['-4', 'neigh', 'show'],
    ['neigh', 'show', 'dev', 'v1'], ['neigh', 'show', 'nud', 'permanent'], ['neigh', 'show', 'nud', 'all'],
    ['neigh', 'show', 'to', '10.2.0.0/24'], ['neighbour'],
  ]) {
    await same(t, ns, args);
  }
});

liveTest('rule show: IPv4 and IPv6 rules with every selector and action ip prints', async (t) => {
  const ns = await scenario(t);
  for (const args of [
    ['rule', 'show'], ['-6', 'rule', 'show'], ['rule', 'show', 'pref', '2001'], ['rule', 'show', 'table', '100'],
    ['rule', 'show', 'iif', 'v1'], ['ru'],
  ]) {
    await same(t, ns, args);
  }
});

liveTest('-p prints the pretty layout of ip -j -p, byte for byte', async (t) => {
  const ns = await scenario(t);
  for (const args of [['link', 'show', 'dev', 'v1'], ['addr', 'show', 'dev', 'br0'], ['route', 'show', 'table', '100'], ['rule', 'show']]) {
    const theirs = ip(['-n', ns, '-j', '-p', ...args]);
    const ours = await rtnlOk(['-n', ns, '-j', '-p', ...args]);
    t.is(ours, theirs, `rtnl -j -p ${args.join(' ')}`);
  }
});

liveTest('text output (no -j) has ip\'s lines for the same objects', async (t) => {
  const ns = await scenario(t);
  const links = await rtnlOk(['-n', ns, 'link', 'show', 'dev', 'v1']);
  t.regex(links, /^3: v1@v2: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN mode DEFAULT group default qlen 1000\n {4}link\/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n {4}alias uplink\n {4}altname uplink-longname\n$/);
  const routes = await rtnlOk(['-n', ns, 'route', 'show', 'table', '100']);
  t.is(routes, ip(['-n', ns, 'route', 'show', 'table', '100']).split('\n').map((l) => l.trimEnd()).join('\n'));
  const rules = await rtnlOk(['-n', ns, 'rule', 'show']);
  t.is(rules, ip(['-n', ns, 'rule', 'show']));
  const neigh = await rtnlOk(['-n', ns, 'neigh', 'show', 'dev', 'v1']);
  t.is(neigh, ip(['-n', ns, 'neigh', 'show', 'dev', 'v1']).split('\n').map((l) => l.trimEnd()).join('\n'));
});

liveTest('-n takes a namespace name or a namespace file path; a missing one is ip\'s error, exit 1', async (t) => {
  const { name, path } = await tempNetns(t, 'cn');
  ip(['-n', name, 'link', 'add', 'onlyhere', 'type', 'ifb']);
  const byName = JSON.parse(await rtnlOk(['-n', name, '-j', 'link', 'show'])) as Array<{ ifname: string }>;
  const byPath = JSON.parse(await rtnlOk(['-n', path, '-j', 'link', 'show'])) as Array<{ ifname: string }>;
  t.deepEqual(byName.map((l) => l.ifname), ['lo', 'onlyhere']);
  t.deepEqual(byPath, byName);
  t.deepEqual(byName, ipJsonOf(name, ['link', 'show']));
  const missing = await rtnl(['-n', 'rtnl-no-such-ns', 'link', 'show']);
  t.is(missing.code, 1);
  t.is(missing.stderr, 'Cannot open network namespace "rtnl-no-such-ns": No such file or directory\n');
  t.is(missing.stdout, '');
});
