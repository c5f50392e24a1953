// Sandbox namespace files: keys and the base path, create (fresh, over a stale key, binding the
// source), forExternalKey, destroy and GC, invoke. `ip` (through nsenter) and /proc are the oracles.
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import { ValidationError } from '../../lib/netlink/index.js';
import { native } from '../../lib/netlink/transport/native.js';
import {
  DEFAULT_BASE_PATH, Sandbox, SandboxError, gc, generateKey, getBasePath, pendingGarbage, setBasePath,
} from '../../lib/sandbox/index.js';
import { liveTest, tempNetns } from '../helpers/netns.js';
import {
  destroyAtTeardown, eventually, ipJsonIn, linkIn, linkNames, sandboxFixture, tempKeyDir, veth, type IpLink,
} from '../helpers/sandbox-fixtures.js';

const MS_BIND = 0x1000;
const MNT_DETACH = 2;

function inode(path: string): number {
  return statSync(path).ino;
}

test('generateKey: base path + the first 12 characters of the id; setBasePath moves it', (t) => {
  t.is(getBasePath(), DEFAULT_BASE_PATH);
  t.is(DEFAULT_BASE_PATH, '/var/run/docker/netns');
  t.is(generateKey('0123456789abcdef0123'), '/var/run/docker/netns/0123456789ab');
  t.is(generateKey('short'), '/var/run/docker/netns/short');
  setBasePath('/tmp/elsewhere/netns/');
  try {
    t.is(generateKey('0123456789abcdef'), '/tmp/elsewhere/netns/0123456789ab');
    t.is(generateKey('1-default'), '/tmp/elsewhere/netns/1-default');
  } finally {
    setBasePath(DEFAULT_BASE_PATH);
  }
});

test('generateKey refuses ids that would leave the base path; setBasePath needs an absolute path', (t) => {
  for (const bad of ['', '/', 'a/b', '../etc', '..', '.', 'x\0y']) {
    t.throws(() => generateKey(bad), { instanceOf: ValidationError }, JSON.stringify(bad));
  }
  t.throws(() => generateKey(42 as unknown as string), { instanceOf: ValidationError });
  // Only the truncated part matters: a long id whose 13th character is a dot is fine.
  t.is(generateKey('abcdefghijkl..'), `${getBasePath()}/abcdefghijkl`);
  for (const bad of ['', 'relative/dir', 'x\0']) t.throws(() => setBasePath(bad), { instanceOf: ValidationError });
  t.is(getBasePath(), DEFAULT_BASE_PATH);
});

liveTest('create: the key directory is made 0755, the namespace is mounted on the key with lo up, distinct from the source', async (t) => {
  const src = await tempNetns(t, 'sbs');
  const dir = tempKeyDir(t);
  const nested = join(dir, 'a', 'b');
  const key = join(nested, 'c1');
  const sb = await Sandbox.create(key, { sourceNetns: src.path });
  destroyAtTeardown(t, sb);
  t.is(statSync(nested).mode & 0o777, 0o755);
  t.not(inode(key), inode(src.path));
  const links = ipJsonIn<IpLink[]>(key, ['link', 'show']);
  t.deepEqual(links.map((l) => l.ifname), ['lo']);
  t.true(links[0]!.flags.includes('UP'));
  t.deepEqual(sb.info(), {
    interfaces: [], gateway: undefined, gatewayIPv6: undefined, defaultRouteIPv4: undefined, defaultRouteIPv6: undefined, staticRoutes: [],
  });
});

liveTest('create over a stale key (an empty file, or a file queued for GC) unmounts and reuses it', async (t) => {
  const src = await tempNetns(t, 'sbs');
  const dir = tempKeyDir(t);
  const key = join(dir, 'stale');
  writeFileSync(key, '');
  const sb = await Sandbox.create(key, { sourceNetns: src.path });
  destroyAtTeardown(t, sb);
  t.deepEqual(ipJsonIn<IpLink[]>(key, ['link', 'show']).map((l) => l.ifname), ['lo']);
  // A key that could not be removed and waits for GC is taken off the queue when reused.
  const busy = join(dir, 'busy');
  const first = await Sandbox.create(busy, { sourceNetns: src.path });
  t.is(native().mount(busy, busy, null, MS_BIND), 0);
  await first.destroy();
  t.true(pendingGarbage().includes(busy));
  const again = await Sandbox.create(busy, { sourceNetns: src.path });
  destroyAtTeardown(t, again);
  t.false(pendingGarbage().includes(busy));
  t.deepEqual(ipJsonIn<IpLink[]>(busy, ['link', 'show']).map((l) => l.ifname), ['lo']);
});

liveTest('osCreate false binds the source namespace itself onto the key', async (t) => {
  const src = await tempNetns(t, 'sbs');
  const dir = tempKeyDir(t);
  const key = join(dir, 'host');
  const sb = await Sandbox.create(key, { osCreate: false, sourceNetns: src.path });
  destroyAtTeardown(t, sb);
  t.is(inode(key), inode(src.path));
  await sb.destroy();
  t.false(existsSync(key));
  t.true(existsSync(src.path), 'the source namespace itself is untouched');
});

liveTest('the default source is the calling thread\'s namespace, captured before the first await', async (t) => {
  const src = await tempNetns(t, 'sbs');
  const dir = tempKeyDir(t);
  veth(src.name, 'cap0', 'cap1');
  const pending = native().invokeInNamespace(src.path, () => Sandbox.create(join(dir, 'cap')));
  const sb = await pending;
  destroyAtTeardown(t, sb);
  const i = await sb.addInterface('cap0', 'eth');
  t.is(linkIn(src.name, 'cap0'), undefined);
  await i.remove();
  t.truthy(linkIn(src.name, 'cap0'), 'remove() put it back where it came from');
});

liveTest('forExternalKey mounts an existing namespace on the key and sets its lo up', async (t) => {
  const ext = await tempNetns(t, 'sbe');
  const src = await tempNetns(t, 'sbs');
  const dir = tempKeyDir(t);
  const key = join(dir, 'ext');
  await ext.nl.links.set('lo', { up: false });
  const sb = await Sandbox.forExternalKey(ext.path, key, { sourceNetns: src.path });
  destroyAtTeardown(t, sb);
  t.is(inode(key), inode(ext.path));
  t.true((await ext.nl.links.get('lo')).up);
  await sb.destroy();
  t.false(existsSync(key));
  t.true(existsSync(ext.path), 'the external namespace keeps its own mount');
});

liveTest('forExternalKey fails clearly on a path it cannot open or that is not a network namespace, and mounts nothing', async (t) => {
  const src = await tempNetns(t, 'sbs');
  const dir = tempKeyDir(t);
  const key = join(dir, 'never');
  const missing = await t.throwsAsync(Sandbox.forExternalKey('/proc/999999999/ns/net', key, { sourceNetns: src.path }), { instanceOf: SandboxError });
  t.is(missing.step, 'open');
  t.is(missing.code, 'ENOENT');
  t.regex(missing.message, /failed get network namespace "\/proc\/999999999\/ns\/net"/);
  t.false(existsSync(key));
  const plain = join(dir, 'plain');
  writeFileSync(plain, '');
  const notNs = await t.throwsAsync(Sandbox.forExternalKey(plain, key, { sourceNetns: src.path }), { instanceOf: SandboxError });
  t.is(notNs.step, 'open');
  t.is(notNs.code, 'EINVAL');
  t.false(existsSync(key));
  const mnt = await t.throwsAsync(Sandbox.forExternalKey('/proc/self/ns/mnt', key, { sourceNetns: src.path }), { instanceOf: SandboxError });
  t.is(mnt.code, 'EINVAL');
  t.false(existsSync(key));
});

liveTest('bad arguments are ValidationErrors and create nothing', async (t) => {
  const dir = tempKeyDir(t);
  await t.throwsAsync(Sandbox.create(''), { instanceOf: ValidationError });
  await t.throwsAsync(Sandbox.create(join(dir, 'x'), { osCreate: 'yes' as unknown as boolean }), { instanceOf: ValidationError });
  await t.throwsAsync(Sandbox.create(join(dir, 'x'), { osCreat: true } as never), { instanceOf: ValidationError, message: /osCreat/ });
  await t.throwsAsync(Sandbox.create(join(dir, 'x'), { sourceNetns: -1 }), { instanceOf: ValidationError });
  const bad = await t.throwsAsync(Sandbox.create(join(dir, 'x'), { sourceNetns: '/nonexistent/ns' }), { instanceOf: SandboxError });
  t.is(bad.code, 'ENOENT');
  t.deepEqual(readdirSync(dir), []);
});

liveTest('destroy removes the file at once and the kernel tears the namespace down with its links; twice is an error', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  await sb.addVeth('dying0', 'eth', { address: '10.7.0.2/24' });
  t.truthy(linkIn(src.name, 'dying0'));
  await sb.destroy();
  t.false(existsSync(key));
  t.false(sb.alive);
  // No link was deleted one by one: the namespace's teardown takes the pair with it.
  t.true(await eventually(() => linkIn(src.name, 'dying0') === undefined), 'the host end disappears with the namespace');
  const twice = await t.throwsAsync(sb.destroy(), { instanceOf: SandboxError });
  t.is(twice.step, 'state');
  await t.throwsAsync(sb.addInterface('x', 'eth'), { instanceOf: SandboxError, message: /destroyed/ });
  await t.throwsAsync(sb.setGateway('10.7.0.1'), { instanceOf: SandboxError, message: /destroyed/ });
  t.throws(() => sb.invoke(() => 1), { instanceOf: SandboxError, message: /destroyed/ });
});

liveTest('destroy queues a file it cannot remove; gc() retries and removes it once possible', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  // A second mount on the key: the lazy unmount takes the top one, unlink then fails with EBUSY.
  t.is(native().mount(key, key, null, MS_BIND), 0);
  await sb.destroy();
  t.true(existsSync(key));
  t.true(pendingGarbage().includes(key));
  t.true((await gc()).includes(key), 'still busy: kept for the next try');
  t.true(pendingGarbage().includes(key));
  t.is(native().umount(key, MNT_DETACH), 0);
  t.false((await gc()).includes(key));
  t.false(existsSync(key));
  t.false(pendingGarbage().includes(key));
});

liveTest('destroy leaves a key alone that someone else mounted since', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  const other = await Sandbox.create(key, { sourceNetns: src.path });
  destroyAtTeardown(t, other);
  const mine = inode(key);
  await sb.destroy();
  t.is(inode(key), mine, 'the newer sandbox keeps its mount');
  t.deepEqual(ipJsonIn<IpLink[]>(key, ['link', 'show']).map((l) => l.ifname), ['lo']);
  await other.destroy();
  t.false(existsSync(key));
});

liveTest('invoke runs fn inside, returns its value, and the thread always comes back (also when fn throws)', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  const self = readlinkSync('/proc/thread-self/ns/net');
  const inside = sb.invoke(() => readlinkSync('/proc/thread-self/ns/net'));
  t.is(inside, `net:[${inode(key)}]`);
  t.is(readlinkSync('/proc/thread-self/ns/net'), self);
  const boom = new RangeError('boom');
  const thrown = t.throws(() => sb.invoke(() => { throw boom; }));
  t.is(thrown, boom, 'the very error fn threw');
  t.is(readlinkSync('/proc/thread-self/ns/net'), self);
  // /proc/thread-self/net and /proc/sys/net follow the thread.
  t.regex(sb.invoke(() => readFileSync('/proc/thread-self/net/dev', 'utf8')), /^\s*lo:/m);
  t.notRegex(sb.invoke(() => readFileSync('/proc/thread-self/net/dev', 'utf8')), /^\s*eth0:/m);
  t.throws(() => sb.invoke(42 as unknown as () => void), { instanceOf: ValidationError });
});

/** The listening TCP ports of /proc/thread-self/net/tcp (state 0A). */
function listeningPorts(text: string): number[] {
  return text.split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f[3] === '0A').map((f) => parseInt(f[1]!.split(':')[1]!, 16));
}

liveTest('invoke: listen() without a host binds inside; listen() with a host and net.connect() make their sockets on a later tick, outside (as documented)', async (t) => {
  const { sb } = await sandboxFixture(t);
  const inside = net.createServer();
  t.teardown(() => inside.close());
  sb.invoke(() => inside.listen(0));
  const port = (inside.address() as net.AddressInfo).port;
  t.true(sb.invoke(() => listeningPorts(readFileSync('/proc/thread-self/net/tcp6', 'utf8') + readFileSync('/proc/thread-self/net/tcp', 'utf8'))).includes(port));
  t.false(listeningPorts(readFileSync('/proc/thread-self/net/tcp6', 'utf8') + readFileSync('/proc/thread-self/net/tcp', 'utf8')).includes(port));
  const outside = net.createServer();
  t.teardown(() => outside.close());
  const listening = new Promise<void>((resolve) => outside.once('listening', () => resolve()));
  sb.invoke(() => outside.listen(0, '127.0.0.1'));
  await listening;
  const p2 = (outside.address() as net.AddressInfo).port;
  t.true(listeningPorts(readFileSync('/proc/thread-self/net/tcp', 'utf8')).includes(p2), 'the socket was made outside');
  t.false(sb.invoke(() => listeningPorts(readFileSync('/proc/thread-self/net/tcp', 'utf8'))).includes(p2));
  // net.connect makes its fd on the next tick, outside: it reaches the outside listener, not `inside`.
  const outsideHit = new Promise<void>((resolve) => outside.once('connection', (c: net.Socket) => { c.destroy(); resolve(); }));
  const client = sb.invoke(() => net.connect(p2, '127.0.0.1'));
  t.teardown(() => client.destroy());
  await outsideHit;
});

liveTest('a sandbox keeps working when the key directory is shared by many sandboxes; names of links in the source are untouched', async (t) => {
  const src = await tempNetns(t, 'sbs');
  const dir = tempKeyDir(t);
  mkdirSync(join(dir, 'many'));
  const all = await Promise.all(Array.from({ length: 8 }, (_, i) => Sandbox.create(join(dir, 'many', `s${i}`), { sourceNetns: src.path })));
  for (const sb of all) destroyAtTeardown(t, sb);
  t.is(new Set(all.map((s) => inode(s.key))).size, 8);
  await Promise.all(all.map((sb, i) => sb.addVeth(`m${i}`, 'eth', { address: `10.8.${i}.2/24` })));
  t.deepEqual(linkNames(src.name), Array.from({ length: 8 }, (_, i) => `m${i}`).sort());
  await Promise.all(all.map((sb) => sb.destroy()));
  t.deepEqual(readdirSync(join(dir, 'many')), []);
});
