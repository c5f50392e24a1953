// netns.create/list/remove, opening handles in namespaces, and the native helper's guarantees
// (the thread always comes back, no fd leaks into children, no fd leaks at all).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetlinkError, RtNetlink, ValidationError, netns } from '../../lib/netlink/index.js';
import { native } from '../../lib/netlink/transport/native.js';
import { ip, liveSerial, liveTest, uniqueName } from '../helpers/netns.js';

liveTest('create a namespace visible to ip netns, with only lo, then remove it', async (t) => {
  const name = uniqueName('nn');
  const path = `/run/netns/${name}`;
  await netns.create(path);
  t.teardown(() => { try { ip(['netns', 'del', name]); } catch { /* removed by the test */ } });
  t.true(ip(['netns', 'list']).split('\n').some((l) => l.split(' ')[0] === name));
  t.true((await netns.list()).includes(path));
  const nl = await RtNetlink.open({ netns: path });
  const links = await nl.links.list();
  nl.close();
  t.deepEqual(links.map((l) => [l.name, l.up]), [['lo', false]]);
  const e = await t.throwsAsync(netns.create(path), { instanceOf: NetlinkError });
  t.is(e.code, 'EEXIST');
  await netns.remove(path);
  t.false((await netns.list()).includes(path));
  t.throws(() => statSync(path));
  await t.throwsAsync(netns.remove(path), { instanceOf: NetlinkError, code: 'ENOENT' });
});

liveTest('a namespace file anywhere: the directory is made 0755, plain files are not listed', async (t) => {
  const top = mkdtempSync(join(tmpdir(), 'rtnl-'));
  // Teardowns run last-registered first: the namespace goes, then its directories (never a mount).
  t.teardown(() => { try { rmSync(top, { recursive: true, force: true }); } catch { /* still mounted: left */ } });
  const dir = join(top, 'sub');
  const path = join(dir, 'one');
  await netns.create(path);
  t.teardown(() => netns.remove(path).catch(() => {}));
  t.is(statSync(dir).mode & 0o777, 0o755);
  writeFileSync(join(dir, 'stale'), '');
  t.deepEqual(await netns.list(dir), [path]);
  await netns.remove(join(dir, 'stale'));
  t.deepEqual(readdirSync(dir), ['one']);
});

liveTest('opening a handle in a missing or non-namespace file fails with the errno', async (t) => {
  const missing = await t.throwsAsync(RtNetlink.open({ netns: '/run/netns/does-not-exist' }), { instanceOf: NetlinkError });
  t.is(missing.code, 'ENOENT');
  const top = mkdtempSync(join(tmpdir(), 'rtnl-'));
  t.teardown(() => rmSync(top, { recursive: true, force: true }));
  const file = join(top, 'plain');
  writeFileSync(file, '');
  const notNs = await t.throwsAsync(RtNetlink.open({ netns: file }), { instanceOf: NetlinkError });
  t.is(notNs.code, 'EINVAL');
  await t.throwsAsync(RtNetlink.open({ netns: '' }), { instanceOf: ValidationError });
});

liveTest('invokeInNamespace runs inside, returns the value, and always comes back', async (t) => {
  const name = uniqueName('nv');
  const path = `/run/netns/${name}`;
  await netns.create(path);
  t.teardown(() => netns.remove(path).catch(() => {}));
  const self = readlinkSync('/proc/thread-self/ns/net');
  const inside = native().invokeInNamespace(path, () => readlinkSync('/proc/thread-self/ns/net'));
  t.not(inside, self);
  t.is(readlinkSync('/proc/thread-self/ns/net'), self);
  t.throws(() => native().invokeInNamespace(path, () => { throw new RangeError('boom'); }), { instanceOf: RangeError, message: 'boom' });
  t.is(readlinkSync('/proc/thread-self/ns/net'), self);
  const err = t.throws(() => native().invokeInNamespace('/run/netns/nope', () => 1)) as Error & { errno?: number };
  t.is(err.errno, 2);
  t.is(readlinkSync('/proc/thread-self/ns/net'), self);
});

liveSerial('sockets do not leak into child processes, and handles do not leak fds', async (t) => {
  const nl = await RtNetlink.open();
  const fds = readdirSync('/proc/self/fd');
  const sockets = fds.map((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`); } catch { return ''; } }).filter((l) => l.startsWith('socket:'));
  t.true(sockets.length > 0, 'the handle has a socket to look for');
  const child = execFileSync('sh', ['-c', 'ls -l /proc/$$/fd; true'], { encoding: 'utf8' });
  for (const s of sockets) t.false(child.includes(s), `${s} leaked into a child`);
  nl.close();
  const before = readdirSync('/proc/self/fd').length;
  for (let i = 0; i < 200; i++) {
    const h = await RtNetlink.open();
    await h.links.get('lo');
    h.close();
  }
  t.is(readdirSync('/proc/self/fd').length, before);
});
