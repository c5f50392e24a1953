// nl.nsids against the real kernel: every test in namespaces of its own (the handle lives in one
// made by tempNetns; the peers are more `ip netns add` namespaces), with `ip -n NS netns list-id`,
// `ip -n NS netns list` and `ip -j link` (link_netnsid) as the oracle.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { NetlinkError } from '../../../../lib/netlink/index.js';
import { ip, ipJson, liveTest, tempNetns, uniqueName } from '../../../helpers/netns.js';

/** Makes a namespace with `ip netns add`, removed at teardown. Returns its name. */
function peerNetns(t: ExecutionContext): string {
  const name = uniqueName('np');
  ip(['netns', 'add', name]);
  t.teardown(() => {
    try { ip(['netns', 'del', name]); } catch { /* already gone */ }
  });
  return name;
}

/** `ip -n NS -j netns list-id [args]`: nsid → iproute2 name (ip finds the name by asking each file). */
function listId(ns: string, args: string[] = []): Array<{ nsid: number; name?: string; 'current-nsid'?: number }> {
  return ipJson(ns, ['netns', 'list-id', ...args]);
}

liveTest('set, get, list: the ids ip netns list-id and ip netns list show', async (t) => {
  const { name, nl } = await tempNetns(t);
  const [blue, red, green] = [peerNetns(t), peerNetns(t), peerNetns(t)];
  t.is(await nl.nsids.get(`/run/netns/${blue}`), undefined, 'no id yet');
  t.deepEqual(await nl.nsids.list(), []);
  t.is(await nl.nsids.set(`/run/netns/${blue}`, 5), 5);
  const auto = await nl.nsids.set(`/run/netns/${red}`, 'auto');
  t.is(auto, 0, 'the lowest free id');
  t.deepEqual(listId(name).map((e) => [e.nsid, e.name]).sort(), [[0, red], [5, blue]]);
  t.regex(ip(['-n', name, 'netns', 'list']), new RegExp(`${blue} \\(id: 5\\)`));
  t.is(await nl.nsids.get(`/run/netns/${blue}`), 5);
  t.is(await nl.nsids.get(`/run/netns/${green}`), undefined);
  t.deepEqual((await nl.nsids.list()).map((n) => n.toObject()), [{ nsid: 0 }, { nsid: 5 }]);
  const streamed: Array<number | undefined> = [];
  for await (const n of nl.nsids.stream()) streamed.push(n.nsid);
  t.deepEqual(streamed, [0, 5]);
  // An id given by ip is read back here, and the other way round.
  ip(['-n', name, 'netns', 'set', green, '9']);
  t.is(await nl.nsids.get(`/run/netns/${green}`), 9);
  // By an fd the caller holds, and by a process in the namespace.
  const inBlue = await processIn(t, blue);
  t.is(await nl.nsids.get({ pid: inBlue }), 5);
  t.is(await nl.nsids.get(`/proc/${inBlue}/ns/net`), 5);
  // Set by pid, with a large id (vishvananda's TestNetNsIdByPid picks one far from the kernel's).
  const violet = peerNetns(t);
  const big = 0x7fff0000;
  t.is(await nl.nsids.set({ pid: await processIn(t, violet) }, big), big);
  t.is(await nl.nsids.get(`/run/netns/${violet}`), big);
  t.true(listId(name).some((e) => e.nsid === big && e.name === violet));
});

/** A process inside namespace `ns` (`ip netns exec NS sleep`), killed at teardown: its pid once it is in there. */
async function processIn(t: ExecutionContext, ns: string): Promise<number> {
  const child = spawn('ip', ['netns', 'exec', ns, 'sleep', '30'], { stdio: 'ignore' });
  t.teardown(() => { child.kill('SIGKILL'); });
  const want = statSync(`/run/netns/${ns}`);
  for (let i = 0; i < 250; i++) {
    try {
      const st = statSync(`/proc/${child.pid}/ns/net`);
      if (st.ino === want.ino && st.dev === want.dev) return child.pid!;
    } catch { /* not started yet */ }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no process in ${ns} after 5 s`);
}

liveTest('the kernel refusals: EEXIST for a second id or a used one, EINVAL for a file that is no namespace, ENOENT, ESRCH', async (t) => {
  const { name, nl } = await tempNetns(t);
  const [blue, red] = [peerNetns(t), peerNetns(t)];
  await nl.nsids.set(`/run/netns/${blue}`, 5);
  const again = await t.throwsAsync(nl.nsids.set(`/run/netns/${blue}`, 6), { instanceOf: NetlinkError });
  t.is(again.code, 'EEXIST');
  t.is(again.op, 'RTM_NEWNSID');
  t.regex(again.kernelMessage ?? '', /already has a nsid/);
  await t.throwsAsync(nl.nsids.set(`/run/netns/${blue}`, 'auto'), { instanceOf: NetlinkError, code: 'EEXIST' });
  const used = await t.throwsAsync(nl.nsids.set(`/run/netns/${red}`, 5), { instanceOf: NetlinkError });
  t.is(used.code, 'EEXIST');
  t.regex(used.kernelMessage ?? '', /already used/);
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-nsid-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'plain'), 'not a namespace');
  const plain = await t.throwsAsync(nl.nsids.get(join(dir, 'plain')), { instanceOf: NetlinkError });
  t.is(plain.code, 'EINVAL');
  await t.throwsAsync(nl.nsids.set(join(dir, 'plain'), 3), { instanceOf: NetlinkError, code: 'EINVAL' });
  await t.throwsAsync(nl.nsids.get(join(dir, 'missing')), { instanceOf: NetlinkError, code: 'ENOENT' });
  await t.throwsAsync(nl.nsids.get({ pid: 4194304 }), { instanceOf: NetlinkError, code: 'ESRCH' });
  await t.throwsAsync(nl.nsids.get(`/run/netns/${blue}`, { target: 77 }), { instanceOf: NetlinkError, code: 'EINVAL' });
  await t.throwsAsync(nl.nsids.list({ target: 77 }), { instanceOf: NetlinkError, code: 'EINVAL' });
  t.deepEqual(listId(name).map((e) => e.nsid), [5], 'the refusals changed nothing');
});

liveTest('target: the ids another namespace gives, as ip netns list-id target-nsid shows them', async (t) => {
  const { name, nl } = await tempNetns(t);
  const [blue, red] = [peerNetns(t), peerNetns(t)];
  await nl.nsids.set(`/run/netns/${blue}`, 5);
  const redId = await nl.nsids.set(`/run/netns/${red}`, 'auto');
  // In red, blue is 7.
  ip(['-n', red, 'netns', 'set', blue, '7']);
  const ours = await nl.nsids.list({ target: redId });
  t.deepEqual(ours.map((n) => n.toObject()), [{ nsid: 7, currentNsid: 5 }]);
  const theirs = listId(name, ['target-nsid', String(redId)]);
  t.deepEqual(theirs.map((e) => [e.nsid, e['current-nsid']]), [[7, 5]]);
  t.is(await nl.nsids.get(`/run/netns/${blue}`, { target: redId }), 7);
  t.is(await nl.nsids.get(`/run/netns/${name}`, { target: redId }), undefined, 'red gave the handle\'s namespace no id');
});

liveTest('resolve: a link\'s linkNetnsId leads to the namespace file of its peer', async (t) => {
  const { name, nl } = await tempNetns(t);
  const [blue, red] = [peerNetns(t), peerNetns(t)];
  ip(['-n', name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1', 'netns', blue]);
  ip(['-n', name, 'link', 'add', 'w0', 'type', 'veth', 'peer', 'name', 'w1', 'netns', red]);
  ip(['-n', name, 'link', 'add', 'x0', 'type', 'veth', 'peer', 'name', 'x1']);
  const links = new Map((await nl.links.list()).map((l) => [l.name, l]));
  const shown = new Map(ipJson<Array<{ ifname: string; link_netnsid?: number }>>(name, ['link', 'show']).map((l) => [l.ifname, l.link_netnsid]));
  for (const [link, peer] of [['v0', blue], ['w0', red]] as const) {
    const id = links.get(link)!.linkNetnsId;
    t.is(id, shown.get(link), `${link}: link_netnsid as ip shows it`);
    t.is(await nl.nsids.resolve(id), `/run/netns/${peer}`, link);
    t.is(listId(name).find((e) => e.nsid === id)?.name, peer, `${link}: ip netns list-id names the same namespace`);
  }
  t.is(links.get('x0')!.linkNetnsId, undefined);
  t.is(await nl.nsids.resolve(links.get('x0')!.linkNetnsId), undefined, 'the peer is in the handle\'s own namespace');
  t.is(await nl.nsids.resolve(99), undefined, 'no file holds a namespace of that id');
  const empty = mkdtempSync(join(tmpdir(), 'rtnl-nsid-'));
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  t.is(await nl.nsids.resolve(links.get('v0')!.linkNetnsId, { dir: empty }), undefined, 'searched only where told');
  t.is(await nl.nsids.resolve(links.get('v0')!.linkNetnsId, { dir: join(empty, 'missing') }), undefined);
});
