// `rtnl tuntap add|del|show` beside `ip tuntap`: devices rtnl makes are what ip makes (ip -d link
// shows the same tun data), `show` prints what ip's prints for the same devices (ip read inside the
// namespace with `ip netns exec`, which mounts that namespace's sysfs for ip's reads), and
// refusals print ip's messages.
import { execFileSync } from 'node:child_process';
import { ip, ipJson, liveTest, tempNetns } from '../helpers/netns.js';
import { rtnl, rtnlOk } from './cli-helpers.js';

/** What `ip tuntap show` prints inside namespace `ns` (text, or JSON with `-j`). */
function ipTuntapShow(ns: string, json: boolean): string {
  return execFileSync('ip', ['netns', 'exec', ns, 'ip', ...(json ? ['-j'] : []), 'tuntap', 'show'], { encoding: 'utf8' });
}

/** The tun data of each link in `ns` as ip -d -j link shows it, by name. */
function tunData(ns: string): Record<string, unknown> {
  const links = ipJson<Array<{ ifname: string; linkinfo?: { info_kind?: string; info_data?: unknown } }>>(ns, ['-d', 'link', 'show']);
  return Object.fromEntries(links.filter((l) => l.linkinfo?.info_kind === 'tun').map((l) => [l.ifname, l.linkinfo!.info_data]));
}

liveTest('tuntap add makes the devices ip tuntap add makes; show prints what ip prints; del deletes', async (t) => {
  const ours = await tempNetns(t);
  const theirs = await tempNetns(t);
  const lines = [
    ['dev', 'tap0', 'mode', 'tap', 'user', '54321', 'group', '54322', 'multi_queue', 'vnet_hdr'],
    ['tun0', 'mode', 'tun', 'pi'],
    ['name', 'tun1', 'mode', 'tun', 'user', 'root', 'group', 'root'],
    ['mode', 'tap'],
  ];
  for (const words of lines) {
    t.is(await rtnlOk(['-n', ours.name, 'tuntap', 'add', ...words]), '', words.join(' '));
    ip(['-n', theirs.name, 'tuntap', 'add', ...words]);
  }
  t.deepEqual(tunData(ours.name), tunData(theirs.name));
  t.deepEqual(Object.keys(tunData(ours.name)).sort(), ['tap0', 'tap1', 'tun0', 'tun1']);
  for (const json of [false, true]) {
    const args = json ? ['-j'] : [];
    const mine = await rtnlOk(['-n', ours.name, ...args, 'tuntap', 'show']);
    t.is(mine, ipTuntapShow(theirs.name, json), json ? 'json' : 'text');
    t.is(mine, ipTuntapShow(ours.name, json), 'ip reads rtnl\'s devices the same');
  }
  // `tap` is ip's other name of the object; `show` is its default command.
  t.is(await rtnlOk(['-n', ours.name, 'tap']), ipTuntapShow(ours.name, false));
  t.is(await rtnlOk(['-n', ours.name, 'tuntap', 'del', 'dev', 'tun0', 'mode', 'tun']), '');
  t.is(await rtnlOk(['-n', ours.name, 'tuntap', 'delete', 'tap0', 'mode', 'tap']), '');
  t.deepEqual(Object.keys(tunData(ours.name)).sort(), ['tap1', 'tun1']);
});

liveTest('tuntap refusals print ip\'s messages and change nothing', async (t) => {
  const { name } = await tempNetns(t);
  await rtnlOk(['-n', name, 'tuntap', 'add', 'dev', 'tap0', 'mode', 'tap']);
  ip(['-n', name, 'link', 'add', 'b0', 'type', 'ifb']);
  const before = ip(['-n', name, '-d', 'link', 'show']);
  const cases: Array<[string[], number, string]> = [
    [['add', 'dev', 'tap0', 'mode', 'tap'], 1, 'ioctl(TUNSETIFF): Device or resource busy'],
    [['add', 'dev', 'b0', 'mode', 'tun'], 1, 'ioctl(TUNSETIFF): Device or resource busy'],
    [['add', 'dev', 'x0'], 1, 'You failed to specify a tunnel mode'],
    [['add', 'dev', 'x0', 'mode', 'foo'], 2, 'Unknown tunnel mode "foo"'],
    [['add', 'dev', 'x0', 'mode', 'tap', 'user', 'no-such-user-here'], 2, 'invalid user "no-such-user-here"'],
    [['add', 'dev', 'x0', 'mode', 'tap', 'group', 'no-such-group-here'], 2, 'invalid group "no-such-group-here"'],
    [['add', 'dev', 'x0', 'mode', 'tap', 'bogus'], 2, 'Error: either "dev" is duplicate, or "bogus" is a garbage.'],
    [['del', 'dev', 'tap0'], 1, 'You failed to specify a tunnel mode'],
    [['del', 'dev', 'tap0', 'mode', 'tun'], 1, 'ioctl(TUNSETIFF): Invalid argument'],
    [['del', 'dev', 'b0', 'mode', 'tap'], 1, 'ioctl(TUNSETIFF): Invalid argument'],
    [['del', 'dev', 'nope', 'mode', 'tap'], 1, 'Cannot find device "nope"'],
  ];
  for (const [words, code, message] of cases) {
    const r = await rtnl(['-n', name, 'tuntap', ...words]);
    t.is(r.code, code, words.join(' '));
    t.is(r.stderr, `${message}\n`, words.join(' '));
    t.is(r.stdout, '', words.join(' '));
  }
  t.is(ip(['-n', name, '-d', 'link', 'show']), before);
});
