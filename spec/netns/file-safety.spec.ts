// File-system safety of netns.create/remove/list: every path that is not a namespace file (a
// directory, a directory with a tmpfs on it, a file with content, a foreign bind mount, symlinks of
// every sort, a fifo) is refused with a NetlinkError naming it, and the files and the mount table
// (/proc/self/mountinfo) are exactly as before. Malformed paths (`..`, relative, NUL, over-long,
// not a string) are ValidationErrors before anything is touched.
import { existsSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetlinkError, ValidationError, netns } from '../../lib/netlink/index.js';
import {
  diskState, hostilePaths, invalidPaths, ip, liveTest, mountTable, mountsUnder, namespaceFileWithUnshare, tempDir, uniqueName,
} from '../helpers/netns.js';

const NSFS_MAGIC = 0x6e736673;

liveTest('remove refuses every path that is not a namespace file and changes nothing', async (t) => {
  const dir = tempDir(t);
  const cases = hostilePaths(dir);
  const before = diskState(dir);
  for (const c of cases) {
    const e = await t.throwsAsync(netns.remove(c.path), { instanceOf: NetlinkError }, c.name);
    t.is(e?.code, c.code, c.name);
    t.true(e?.message.includes(JSON.stringify(c.path.replace(/\/$/, ''))), `${c.name}: the message names the path (${e?.message})`);
    t.deepEqual(diskState(dir), before, `${c.name}: nothing changed`);
  }
  t.is(statfsSync(join(dir, 'ns')).type, NSFS_MAGIC, 'the namespace behind the symlink is still mounted');
  t.is(readFileSync(join(dir, 'content'), 'utf8'), 'precious content');
});

liveTest('remove("/run/netns/") is EISDIR: /run/netns and every namespace under it stay mounted', async (t) => {
  const name = uniqueName('fs');
  ip(['netns', 'add', name]);
  t.teardown(() => { try { ip(['netns', 'del', name]); } catch { /* gone */ } });
  const runNetns = mountTable().filter((m) => m.mountPoint === '/run/netns');
  const mine = mountsUnder('/run/netns').filter((m) => m.mountPoint === `/run/netns/${name}`);
  t.is(mine.length, 1);
  for (const path of ['/run/netns/', '/run/netns', '/run//netns/./']) {
    const e = await t.throwsAsync(netns.remove(path), { instanceOf: NetlinkError }, path);
    t.is(e?.code, 'EISDIR');
  }
  t.deepEqual(mountTable().filter((m) => m.mountPoint === '/run/netns'), runNetns);
  t.deepEqual(mountsUnder('/run/netns').filter((m) => m.mountPoint === `/run/netns/${name}`), mine);
  t.is(ip(['netns', 'exec', name, 'ip', '-o', 'link', 'show', 'lo']).includes('lo'), true, 'the namespace is still usable');
});

liveTest('remove takes a namespace file (mount and file) and an empty stale file, nothing else', async (t) => {
  const dir = tempDir(t);
  const ns = join(dir, 'ns');
  namespaceFileWithUnshare(ns);
  const empty = join(dir, 'empty');
  writeFileSync(empty, '');
  await netns.remove(ns);
  t.false(existsSync(ns));
  t.deepEqual(mountsUnder(dir), []);
  await netns.remove(`${empty}/`); // normalised: the file itself
  t.false(existsSync(empty));
  const gone = await t.throwsAsync(netns.remove(ns), { instanceOf: NetlinkError });
  t.is(gone?.code, 'ENOENT');
});

liveTest('create refuses anything already on the path (EEXIST) and changes nothing', async (t) => {
  const dir = tempDir(t);
  const cases = hostilePaths(dir);
  writeFileSync(join(dir, 'empty'), '');
  cases.push({ name: 'an empty file', path: join(dir, 'empty'), code: 'EEXIST' });
  cases.push({ name: 'a namespace file', path: join(dir, 'ns'), code: 'EEXIST' });
  const before = diskState(dir);
  for (const c of cases) {
    const e = await t.throwsAsync(netns.create(c.path), { instanceOf: NetlinkError }, c.name);
    t.is(e?.code, 'EEXIST', c.name);
    t.deepEqual(diskState(dir), before, `${c.name}: nothing changed`);
  }
});

liveTest('list reports only namespace files mounted on their own entry, never through a symlink', async (t) => {
  const dir = tempDir(t);
  hostilePaths(dir);
  writeFileSync(join(dir, 'empty'), '');
  const before = diskState(dir);
  t.deepEqual(await netns.list(dir), [join(dir, 'ns')]);
  t.deepEqual(await netns.list(`${dir}/`), [join(dir, 'ns')]);
  t.deepEqual(await netns.list(join(dir, 'missing')), []);
  const notDir = await t.throwsAsync(netns.list(join(dir, 'content')), { instanceOf: NetlinkError });
  t.is(notDir?.code, 'ENOTDIR');
  t.deepEqual(diskState(dir), before);
});

liveTest('malformed paths are ValidationErrors for create, remove and list, and nothing is made anywhere', async (t) => {
  const dir = tempDir(t);
  hostilePaths(dir);
  const before = diskState(dir);
  for (const c of invalidPaths(dir)) {
    await t.throwsAsync(netns.create(c.path as string), { instanceOf: ValidationError }, `create: ${c.name}`);
    await t.throwsAsync(netns.remove(c.path as string), { instanceOf: ValidationError }, `remove: ${c.name}`);
    if (c.path !== '/') await t.throwsAsync(netns.list(c.path as string), { instanceOf: ValidationError }, `list: ${c.name}`);
    t.deepEqual(diskState(dir), before, c.name);
  }
  t.false(existsSync(join(process.cwd(), 'rtnl-relative-key')));
  t.false(existsSync(join(process.cwd(), 'rtnl-relative')));
  // The regression of the hardening issue: a raw fs TypeError before.
  await t.throwsAsync(netns.list(5 as unknown as string), { instanceOf: ValidationError });
});

liveTest('create options: unknown, ill-typed or inherited options are ValidationErrors and nothing is created', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'opt');
  const bad: unknown[] = [
    { sharedMount: 'yes' }, { sharedMount: 1 }, { sharedMnt: true }, { __proto__: { sharedMount: true } },
    Object.create({ sharedMount: false }), 5, 'x', null, [], [true], new Map(),
  ];
  for (const options of bad) {
    await t.throwsAsync(netns.create(path, options as never), { instanceOf: ValidationError }, String(options));
  }
  t.false(existsSync(path));
  // A polluted Object.prototype is never read: the call behaves as without it.
  const proto = Object.prototype as Record<string, unknown>;
  proto.sharedMount = 'polluted';
  try {
    await netns.create(path);
  } finally {
    delete proto.sharedMount;
  }
  t.is(statfsSync(path).type, NSFS_MAGIC);
  await netns.remove(path);
  t.false(existsSync(path));
});
