// File-system safety of the sandbox's path-taking calls: Sandbox.create, forExternalKey, restore,
// destroy and gc. A key that is not a namespace file or an empty stale file (a directory, one with
// a tmpfs on it, a file with content, a foreign bind mount, a symlink, a fifo) is a SandboxError
// naming it, and the files and the mount table (/proc/self/mountinfo) stay exactly as they were.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, statfsSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../lib/netlink/index.js';
import { native } from '../../lib/netlink/transport/native.js';
import {
  DEFAULT_BASE_PATH, Sandbox, SandboxError, gc, getBasePath, pendingGarbage, setBasePath,
} from '../../lib/sandbox/index.js';
import {
  diskState, hostilePaths, invalidPaths, liveTest, mountsUnder, namespaceFileWithUnshare, tempDir, tempNetns,
} from '../helpers/netns.js';
import { destroyAtTeardown, ipJsonIn, type IpLink } from '../helpers/sandbox-fixtures.js';

const NSFS_MAGIC = 0x6e736673;
const MS_BIND = 0x1000;
const MNT_DETACH = 2;

function linkNamesAt(key: string): string[] {
  return ipJsonIn<IpLink[]>(key, ['link', 'show']).map((l) => l.ifname);
}

liveTest('create refuses every key that is not a namespace file or an empty file, and changes nothing', async (t) => {
  const src = await tempNetns(t, 'sfs');
  const dir = tempDir(t);
  const cases = hostilePaths(dir);
  const before = diskState(dir);
  for (const c of cases) {
    for (const osCreate of [true, false]) {
      const e = await t.throwsAsync(Sandbox.create(c.path, { sourceNetns: src.path, osCreate }), { instanceOf: SandboxError }, c.name);
      t.is(e?.step, 'key', c.name);
      t.is(e?.code, c.code, c.name);
      t.deepEqual(diskState(dir), before, `${c.name}: nothing changed`);
    }
  }
  t.is(statfsSync(join(dir, 'ns')).type, NSFS_MAGIC, 'the namespace behind the symlink is still mounted');
  t.is(readFileSync(join(dir, 'content'), 'utf8'), 'precious content');
});

liveTest('create takes over an empty file and a stale namespace file, and makes a missing directory', async (t) => {
  const src = await tempNetns(t, 'sfs');
  const dir = tempDir(t);
  const empty = join(dir, 'empty');
  writeFileSync(empty, '');
  const stale = join(dir, 'stale');
  namespaceFileWithUnshare(stale);
  const staleIno = statSync(stale).ino;
  const nested = join(dir, 'a', 'b', 'key');
  for (const key of [empty, stale, nested, `${dir}//a/./b2/key/`]) {
    const sb = await Sandbox.create(key, { sourceNetns: src.path });
    destroyAtTeardown(t, sb);
    t.is(sb.key, key.replace(/\/+/g, '/').replace('/./', '/').replace(/\/$/, ''), 'the key is normalised');
    t.is(statfsSync(sb.key).type, NSFS_MAGIC);
    t.deepEqual(linkNamesAt(sb.key), ['lo']);
  }
  t.not(statSync(stale).ino, staleIno, 'a new namespace on the stale key');
  t.is(mountsUnder(stale).length, 1, 'the stale mount was replaced, not stacked');
});

liveTest('forExternalKey refuses hostile keys, and paths it cannot use as a namespace, changing nothing', async (t) => {
  const src = await tempNetns(t, 'sfs');
  const ext = await tempNetns(t, 'sfe');
  const dir = tempDir(t);
  const cases = hostilePaths(dir);
  const before = diskState(dir);
  for (const c of cases) {
    const e = await t.throwsAsync(Sandbox.forExternalKey(ext.path, c.path, { sourceNetns: src.path }), { instanceOf: SandboxError }, c.name);
    t.is(e?.step, 'key', c.name);
    t.is(e?.code, c.code, c.name);
    t.deepEqual(diskState(dir), before, `${c.name}: nothing changed`);
  }
  // As the external namespace: only opened (a symlink such as /proc/PID/ns/net is followed), never changed.
  const key = join(dir, 'new-key');
  for (const c of cases.filter((x) => !x.name.startsWith('a symlink to a namespace'))) {
    const e = await t.throwsAsync(Sandbox.forExternalKey(c.path, key, { sourceNetns: src.path }), { instanceOf: SandboxError }, c.name);
    t.is(e?.step, 'open', c.name);
    t.false(existsSync(key), c.name);
    t.deepEqual(diskState(dir), before, `${c.name}: nothing changed`);
  }
  const viaLink = await Sandbox.forExternalKey(join(dir, 'link-to-ns'), key, { sourceNetns: src.path });
  t.is(statSync(key).ino, statSync(join(dir, 'ns')).ino);
  await viaLink.destroy();
  t.false(existsSync(key));
  t.deepEqual(diskState(dir), before);
});

liveTest('restore refuses keys that are not namespace files and changes nothing', async (t) => {
  const src = await tempNetns(t, 'sfs');
  const dir = tempDir(t);
  const cases = hostilePaths(dir);
  writeFileSync(join(dir, 'empty'), '');
  cases.push({ name: 'an empty file', path: join(dir, 'empty'), code: 'EINVAL' });
  cases.push({ name: 'nothing', path: join(dir, 'missing'), code: 'ENOENT' });
  const before = diskState(dir);
  for (const c of cases) {
    const e = await t.throwsAsync(Sandbox.restore(c.path, { sourceNetns: src.path }), { instanceOf: SandboxError }, c.name);
    t.is(e?.step, 'open', c.name);
    // Restore only reads: whatever is not a namespace (no directory or symlink) is EINVAL, as setns says.
    t.is(e?.code, c.code === 'EEXIST' || c.code === 'EBUSY' ? 'EINVAL' : c.code, c.name);
    t.deepEqual(diskState(dir), before, `${c.name}: nothing changed`);
  }
});

liveTest('destroy never unmounts or removes through a symlink or what replaced the key', async (t) => {
  const src = await tempNetns(t, 'sfs');
  const dir = tempDir(t);
  const ns = join(dir, 'ns');
  namespaceFileWithUnshare(ns);
  // The key holds the same namespace as `ns`; then it is replaced by a symlink to `ns`.
  const key = join(dir, 'key');
  const sb = await Sandbox.forExternalKey(ns, key, { sourceNetns: src.path });
  t.is(native().umount(key, MNT_DETACH), 0);
  unlinkSync(key);
  symlinkSync(ns, key);
  const before = diskState(dir);
  await sb.destroy();
  t.false(sb.alive);
  t.deepEqual(diskState(dir), before, 'the symlink and the namespace it leads to are untouched');
  t.is(statfsSync(ns).type, NSFS_MAGIC);
  // Replaced by a file with content: left alone.
  const key2 = join(dir, 'key2');
  const sb2 = await Sandbox.create(key2, { sourceNetns: src.path });
  t.is(native().umount(key2, MNT_DETACH), 0);
  writeFileSync(key2, 'someone else\'s');
  await sb2.destroy();
  t.is(readFileSync(key2, 'utf8'), 'someone else\'s');
  t.false(pendingGarbage().includes(key2));
});

liveTest('gc removes only an empty unmounted file: what replaced a queued key is dropped from the queue, untouched', async (t) => {
  const src = await tempNetns(t, 'sfs');
  const dir = tempDir(t);
  const queued: string[] = [];
  for (const name of ['q-content', 'q-dir', 'q-empty']) {
    const key = join(dir, name);
    const sb = await Sandbox.create(key, { sourceNetns: src.path });
    t.is(native().mount(key, key, null, MS_BIND), 0); // a second mount: unlink fails, the key is queued
    await sb.destroy();
    t.true(pendingGarbage().includes(key));
    queued.push(key);
  }
  for (const key of queued) t.is(native().umount(key, MNT_DETACH), 0);
  writeFileSync(queued[0]!, 'now a file with content');
  rmSync(queued[1]!);
  mkdirSync(queued[1]!);
  writeFileSync(join(queued[1]!, 'keep'), 'kept');
  const left = await gc();
  for (const key of queued) t.false(left.includes(key));
  for (const key of queued) t.false(pendingGarbage().includes(key));
  t.is(readFileSync(queued[0]!, 'utf8'), 'now a file with content');
  t.is(readFileSync(join(queued[1]!, 'keep'), 'utf8'), 'kept');
  t.false(existsSync(queued[2]!), 'the empty stale file is removed');
});

liveTest('malformed keys, external paths, source namespaces and base paths are ValidationErrors; nothing is made', async (t) => {
  const src = await tempNetns(t, 'sfs');
  const ext = await tempNetns(t, 'sfe');
  const dir = tempDir(t);
  hostilePaths(dir);
  const before = diskState(dir);
  const good = join(dir, 'good');
  for (const c of invalidPaths(dir)) {
    const p = c.path as string;
    await t.throwsAsync(Sandbox.create(p, { sourceNetns: src.path }), { instanceOf: ValidationError }, `create: ${c.name}`);
    await t.throwsAsync(Sandbox.forExternalKey(ext.path, p, { sourceNetns: src.path }), { instanceOf: ValidationError }, `forExternalKey key: ${c.name}`);
    await t.throwsAsync(Sandbox.forExternalKey(p, good, { sourceNetns: src.path }), { instanceOf: ValidationError }, `forExternalKey path: ${c.name}`);
    await t.throwsAsync(Sandbox.restore(p, { sourceNetns: src.path }), { instanceOf: ValidationError }, `restore: ${c.name}`);
    if (typeof p !== 'number') {
      await t.throwsAsync(Sandbox.create(good, { sourceNetns: p }), { instanceOf: ValidationError }, `sourceNetns: ${c.name}`);
      t.throws(() => setBasePath(p), { instanceOf: ValidationError }, `setBasePath: ${c.name}`);
    }
    t.deepEqual(diskState(dir), before, c.name);
  }
  t.is(getBasePath(), DEFAULT_BASE_PATH);
  for (const fd of [-1, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 53]) {
    await t.throwsAsync(Sandbox.create(good, { sourceNetns: fd }), { instanceOf: ValidationError }, `sourceNetns fd ${fd}`);
  }
  t.deepEqual(diskState(dir), before);
  t.false(existsSync(join(process.cwd(), 'rtnl-relative-key')));
});
