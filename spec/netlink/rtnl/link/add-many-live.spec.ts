// links.addMany against the real kernel, `ip -j -d link` as the oracle: a bridge and its ports in
// one call (a second wave for the ports), veth peers in another namespace, settings and kind data,
// follow-ups (alias, a peer's up), an existing name failing alone, and no namespace fd left open.
import { readdirSync, readlinkSync } from 'node:fs';
import { NetlinkError } from '../../../../lib/netlink/index.js';
import { ipJson, liveSerial, liveTest, tempNetns } from '../../../helpers/netns.js';

interface IpLink {
  ifindex: number;
  ifname: string;
  mtu: number;
  flags: string[];
  master?: string;
  ifalias?: string;
  txqlen?: number;
  link?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
}

/** The fds of this process open on network namespaces (`net:[…]`). */
function namespaceFds(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('net:')) n++;
    } catch {
      // closed meanwhile (the directory's own fd)
    }
  }
  return n;
}

function links(ns: string): Map<string, IpLink> {
  return new Map(ipJson<IpLink[]>(ns, ['-d', 'link', 'show']).map((l) => [l.ifname, l]));
}

// Serial: it counts the process's namespace fds, which other tests open and close.
liveSerial('addMany creates a bridge, its ports, peers elsewhere and kind data in one call, as ip shows them', async (t) => {
  const here = await tempNetns(t);
  const there = await tempNetns(t);
  const fds = namespaceFds();
  const results = await here.nl.links.addMany([
    { name: 'br0', kind: 'bridge', mtu: 1400, data: { stpState: 1, priority: 4096 } },
    { name: 'p0', kind: 'veth', master: 'br0', mtu: 1400, peer: { name: 'c0', netns: there.path, mtu: 1400 } },
    { name: 'p1', kind: 'veth', master: 'br0', mtu: 1400, peer: { name: 'c1', netns: there.path } },
    { name: 'v0', kind: 'veth', alias: 'uplink', peer: { name: 'v1', up: true, alias: 'peer end' } },
    { name: 'mv0', kind: 'macvlan', link: 'v1', data: { mode: 'bridge' }, txqlen: 50 },
    { name: 'i0', kind: 'ifb', index: 77, up: true },
    { name: 'br0', kind: 'bridge' },
  ]);
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
  const dup = results[6]!;
  t.true(dup.status === 'rejected' && dup.reason instanceof NetlinkError && dup.reason.code === 'EEXIST');
  t.is(namespaceFds(), fds, 'the namespace fds are closed again');
  const mine = links(here.name);
  const theirs = links(there.name);
  t.deepEqual([...mine.keys()].sort(), ['br0', 'i0', 'lo', 'mv0', 'p0', 'p1', 'v0', 'v1']);
  t.deepEqual([...theirs.keys()].sort(), ['c0', 'c1', 'lo']);
  t.is(mine.get('br0')!.mtu, 1400);
  t.like(mine.get('br0')!.linkinfo?.info_data, { stp_state: 1, priority: 4096 });
  t.is(mine.get('p0')!.master, 'br0');
  t.is(mine.get('p1')!.master, 'br0');
  t.is(theirs.get('c0')!.mtu, 1400);
  t.is(mine.get('v0')!.ifalias, 'uplink');
  t.is(mine.get('v1')!.ifalias, 'peer end');
  t.true(mine.get('v1')!.flags.includes('UP'));
  t.false(mine.get('v0')!.flags.includes('UP'));
  t.is(mine.get('mv0')!.link, 'v1');
  t.like(mine.get('mv0')!.linkinfo, { info_kind: 'macvlan', info_data: { mode: 'bridge' } });
  t.is(mine.get('mv0')!.txqlen, 50);
  t.is(mine.get('i0')!.ifindex, 77);
  t.true(mine.get('i0')!.flags.includes('UP'));
});

liveTest('addMany: an item whose master or lower device is missing fails alone with ENODEV naming it; nothing of it is made', async (t) => {
  const { name, nl } = await tempNetns(t);
  const results = await nl.links.addMany([
    { name: 'a0', kind: 'ifb' },
    { name: 'a1', kind: 'ifb', master: 'nope' },
    { name: 'a2', kind: 'macvlan', link: 'gone', data: { mode: 'bridge' } },
    { name: 'a3', kind: 'ifb' },
  ]);
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled']);
  for (const [i, missing] of [[1, 'nope'], [2, 'gone']] as const) {
    const r = results[i]!;
    t.true(r.status === 'rejected' && r.reason instanceof NetlinkError && r.reason.code === 'ENODEV' && r.reason.link === missing);
  }
  t.deepEqual([...links(name).keys()].sort(), ['a0', 'a3', 'lo']);
  t.deepEqual(await nl.links.addMany([]), []);
});
