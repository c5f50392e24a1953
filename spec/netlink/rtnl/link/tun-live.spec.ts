// tun / tap devices made by `links.add({ kind: 'tun' })` (TUNSETIFF through the native helper, as
// `ip tuntap add` makes them), against the real kernel in namespaces of their own, with
// `ip -j -d link` as the oracle: options, the settings applied after creation, EEXIST, undo on a
// failed setting, another namespace, and hostile input refused before anything is made.
import type { ExecutionContext } from 'ava';
import { NetlinkError, ValidationError } from '../../../../lib/netlink/index.js';
import { linkKindData } from '../../../../lib/netlink/rtnl/link/kinds/index.js';
import { closeSync, read, readdirSync, readlinkSync, readSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { ipJson, liveSerial, liveTest, tempNetns } from '../../../helpers/netns.js';

interface IpLink {
  ifindex: number;
  ifname: string;
  mtu: number;
  flags: string[];
  address?: string;
  txqlen?: number;
  ifalias?: string;
  master?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
}

function ipLinks(ns: string): IpLink[] {
  return ipJson<IpLink[]>(ns, ['-d', 'link', 'show']);
}

function ipLink(ns: string, name: string): IpLink | undefined {
  return ipLinks(ns).find((l) => l.ifname === name);
}

/** The names of the links in `ns`, sorted (to see that nothing was made or left behind). */
function linkNames(ns: string): string[] {
  return ipLinks(ns).map((l) => l.ifname).sort();
}

liveTest('links.add kind tun makes tun and tap devices as ip tuntap add does, with every option, and the view reads them as ip shows', async (t) => {
  const { name, nl } = await tempNetns(t);
  const tap = await nl.links.add({
    name: 'tap0', kind: 'tun', data: { type: 'tap', pi: true, vnetHdr: true, multiQueue: true, owner: 54321, group: 54322 },
  });
  const tun = await nl.links.add({ name: 'tun0', kind: 'tun', data: { type: 'tun' } });
  const theirTap = ipLink(name, 'tap0')!;
  const theirTun = ipLink(name, 'tun0')!;
  t.is(tap.ifindex, theirTap.ifindex);
  t.is(tun.ifindex, theirTun.ifindex);
  t.is(theirTap.linkinfo?.info_kind, 'tun');
  t.like(theirTap.linkinfo?.info_data, { type: 'tap', pi: true, vnet_hdr: true, multi_queue: true, persist: true, user: 54321, group: 54322 });
  // ip's defaults: no packet information header, one queue, no owner.
  t.like(theirTun.linkinfo?.info_data, { type: 'tun', pi: false, vnet_hdr: false, multi_queue: false, persist: true });
  t.false('user' in theirTun.linkinfo!.info_data!);
  t.false('group' in theirTun.linkinfo!.info_data!);
  t.is(tap.kind, 'tun');
  t.like(tap.data, { type: 'tap', pi: true, vnetHdr: true, multiQueue: true, persist: true, owner: 54321, group: 54322 });
  t.like(tun.data, { type: 'tun', pi: false, vnetHdr: false, multiQueue: false, persist: true });
  t.is(linkKindData(tun.linkInfo, 'tun')?.owner, undefined);
  // A tun device carries IP packets: point-to-point, no ARP; a tap carries Ethernet frames.
  t.true(theirTun.flags.includes('POINTOPOINT') && theirTun.flags.includes('NOARP'));
  t.is(tap.linkType, 'ether');
  t.is(tun.linkType, 'none');
  // Deleted like any link (RTM_DELLINK), one and many.
  await nl.links.del('tun0');
  t.deepEqual((await nl.links.delMany(['tap0'])).map((r) => r.status), ['fulfilled']);
  t.deepEqual(linkNames(name), ['lo']);
});

liveTest('links.add kind tun applies the other settings after creation (mtu, mac, txqlen, alias, up, master by name)', async (t) => {
  const { name, nl } = await tempNetns(t);
  await nl.links.add({ name: 'br0', kind: 'bridge' });
  const mac = '02:00:00:00:aa:01';
  const tap = await nl.links.add({
    name: 'tap1', kind: 'tun', data: { type: 'tap' }, mtu: 1400, mac, txqlen: 77, alias: 'vm disk', up: true, master: 'br0',
  });
  const theirs = ipLink(name, 'tap1')!;
  t.is(theirs.mtu, 1400);
  t.is(theirs.address, mac);
  t.is(theirs.txqlen, 77);
  t.is(theirs.ifalias, 'vm disk');
  t.is(theirs.master, 'br0');
  t.true(theirs.flags.includes('UP'));
  // What it resolves to is the link as it is after the settings.
  t.like(tap, { name: 'tap1', mtu: 1400, mac, txqlen: 77, alias: 'vm disk', up: true });
  t.is(tap.master, ipLink(name, 'br0')!.ifindex);
});

liveTest('links.add kind tun: an existing name is EEXIST and the existing link is untouched (no attach, whatever its kind)', async (t) => {
  const { name, nl } = await tempNetns(t);
  await nl.links.add({ name: 'tun0', kind: 'tun', data: { type: 'tun' } });
  const before = ipLink(name, 'tun0')!;
  for (const [existing, type] of [['tun0', 'tun'], ['tun0', 'tap'], ['lo', 'tap']] as const) {
    const e = await t.throwsAsync(nl.links.add({ name: existing, kind: 'tun', data: { type }, mtu: 1300 }), { instanceOf: NetlinkError });
    t.is(e.errno, 17);
    t.is(e.code, 'EEXIST');
    t.is(e.link, existing);
  }
  t.deepEqual(ipLink(name, 'tun0'), before);
  t.deepEqual(linkNames(name), ['lo', 'tun0']);
});

liveTest('links.add kind tun: a setting the kernel refuses deletes the new device and rejects with the kernel error', async (t) => {
  const { name, nl } = await tempNetns(t);
  const missing = await t.throwsAsync(nl.links.add({ name: 'tap2', kind: 'tun', data: { type: 'tap' }, master: 'nope' }), { instanceOf: NetlinkError });
  t.is(missing.code, 'ENODEV');
  t.is(missing.link, 'nope');
  t.deepEqual(linkNames(name), ['lo']);
  const tooBig = await t.throwsAsync(nl.links.add({ name: 'tap2', kind: 'tun', data: { type: 'tap' }, mtu: 1_000_000 }), { instanceOf: NetlinkError });
  t.is(tooBig.code, 'EINVAL');
  t.deepEqual(linkNames(name), ['lo']);
  // The name is free again: the same add without the bad setting succeeds.
  t.is((await nl.links.add({ name: 'tap2', kind: 'tun', data: { type: 'tap' } })).name, 'tap2');
});

liveTest('links.add kind tun with netns makes the device in that namespace, settings and master name resolved there', async (t) => {
  const here = await tempNetns(t);
  const there = await tempNetns(t);
  await there.nl.links.add({ name: 'br9', kind: 'bridge' });
  // A link of the same name here does not stand in the way: the device is made there directly.
  await here.nl.links.add({ name: 'tap9', kind: 'ifb' });
  const result = await here.nl.links.add({
    name: 'tap9', kind: 'tun', data: { type: 'tap', owner: 54323 }, netns: there.path, mtu: 1300, up: true, master: 'br9',
  });
  t.is(result, undefined);
  const theirs = ipLink(there.name, 'tap9')!;
  t.is(theirs.linkinfo?.info_kind, 'tun');
  t.like(theirs.linkinfo?.info_data, { type: 'tap', user: 54323, persist: true });
  t.is(theirs.mtu, 1300);
  t.is(theirs.master, 'br9');
  t.true(theirs.flags.includes('UP'));
  t.is(ipLink(here.name, 'tap9')?.linkinfo?.info_kind, 'ifb');
  // A refused setting there deletes the device there.
  const e = await t.throwsAsync(here.nl.links.add({ name: 'tap8', kind: 'tun', data: { type: 'tap' }, netns: there.path, master: 'nope' }),
    { instanceOf: NetlinkError });
  t.is(e.code, 'ENODEV');
  t.deepEqual(linkNames(there.name), ['br9', 'lo', 'tap9']);
  // A namespace that cannot be opened: nothing is made anywhere.
  const bad = await t.throwsAsync(here.nl.links.add({ name: 'tap7', kind: 'tun', data: { type: 'tap' }, netns: `${there.path}-missing` }),
    { instanceOf: NetlinkError });
  t.is(bad.code, 'ENOENT');
  t.deepEqual(linkNames(there.name), ['br9', 'lo', 'tap9']);
  t.deepEqual(linkNames(here.name), ['lo', 'tap9']);
});

liveTest('links.add kind tun: a name with %d, or none, is chosen by the kernel and the new device is what resolves', async (t) => {
  const { name, nl } = await tempNetns(t);
  const first = await nl.links.add({ name: 'tp%d', kind: 'tun', data: { type: 'tap' } });
  const second = await nl.links.add({ name: 'tp%d', kind: 'tun', data: { type: 'tap' }, mtu: 1280 });
  t.deepEqual([first.name, second.name], ['tp0', 'tp1']);
  t.is(second.mtu, 1280);
  // Without a name the kernel picks one by type (vishvananda/netlink's Tuntap takes an empty name).
  const tap = await nl.links.add({ kind: 'tun', data: { type: 'tap' } });
  const tun = await nl.links.add({ kind: 'tun', data: { type: 'tun' }, up: true });
  t.deepEqual([tap.name, tun.name], ['tap0', 'tun0']);
  t.true(tun.up);
  t.deepEqual(linkNames(name), ['lo', 'tap0', 'tp0', 'tp1', 'tun0']);
  // Other kinds still need a name.
  const e = await t.throwsAsync(nl.links.add({ kind: 'ifb' } as never), { instanceOf: ValidationError });
  t.is(e.field, 'name');
});

/** Asserts that `options` is a ValidationError naming `field` and that nothing was made in `ns`. */
async function refused(t: ExecutionContext, ns: string, add: () => Promise<unknown>, field: string): Promise<void> {
  const e = await t.throwsAsync(add(), { instanceOf: ValidationError }, field);
  t.is(e.field, field);
  t.deepEqual(linkNames(ns), ['lo'], field);
}

liveTest('links.add kind tun refuses hostile options before making anything', async (t) => {
  const { name, nl } = await tempNetns(t);
  const add = (extra: Record<string, unknown>, data?: unknown) => () => nl.links.add({ name: 'x0', kind: 'tun', data, ...extra } as never);
  await refused(t, name, add({}), 'data');
  await refused(t, name, add({}, null), 'data');
  await refused(t, name, add({}, 'tap'), 'data');
  await refused(t, name, add({}, new Uint8Array(4)), 'data');
  await refused(t, name, add({}, Object.create({ type: 'tap' })), 'data');
  for (const type of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'TAP', '', 'tun\0', 1, 2, null, true]) {
    await refused(t, name, add({}, { type }), 'data.type');
  }
  await refused(t, name, add({}, {}), 'data.type');
  await refused(t, name, add({}, { type: 'tap', mode: 'tap' }), 'data.mode');
  await refused(t, name, add({}, { type: 'tap', persist: false }), 'data.persist');
  for (const bad of [1, 'yes', null, {}]) {
    await refused(t, name, add({}, { type: 'tap', pi: bad }), 'data.pi');
    await refused(t, name, add({}, { type: 'tap', vnetHdr: bad }), 'data.vnetHdr');
    await refused(t, name, add({}, { type: 'tap', multiQueue: bad }), 'data.multiQueue');
  }
  for (const bad of [-1, 0xffffffff, 2 ** 32, 1.5, NaN, Infinity, -Infinity, '7', 7n]) {
    await refused(t, name, add({}, { type: 'tap', owner: bad }), 'data.owner');
    await refused(t, name, add({}, { type: 'tap', group: bad }), 'data.group');
  }
  // What TUNSETIFF cannot do.
  await refused(t, name, add({ index: 50 }, { type: 'tap' }), 'index');
  await refused(t, name, add({ numTxQueues: 2 }, { type: 'tap' }), 'numTxQueues');
  await refused(t, name, add({ numRxQueues: 2 }, { type: 'tap' }), 'numRxQueues');
  await refused(t, name, add({ link: 'lo' }, { type: 'tap' }), 'link');
  await refused(t, name, add({ peer: { name: 'y0' } }, { type: 'tap' }), 'peer');
  // Link names and settings are checked as for every kind.
  await refused(t, name, () => nl.links.add({ name: 'a/b', kind: 'tun', data: { type: 'tap' } }), 'name');
  await refused(t, name, () => nl.links.add({ name: 'x'.repeat(16), kind: 'tun', data: { type: 'tap' } }), 'name');
  await refused(t, name, add({ mtu: NaN }, { type: 'tap' }), 'mtu');
  await refused(t, name, add({ mac: 'zz' }, { type: 'tap' }), 'mac');
  // Changing a tun device's options afterwards: the kernel has no way (tun has no changelink).
  await nl.links.add({ name: 'tun5', kind: 'tun', data: { type: 'tun' } });
  const e = await t.throwsAsync(nl.links.set('tun5', { kind: 'tun', data: { type: 'tap' } } as never), { instanceOf: ValidationError });
  t.is(e.field, 'data');
  t.like(ipLink(name, 'tun5')?.linkinfo?.info_data, { type: 'tun' });
});

const fsRead = promisify(read);

/** The fds of this process open on /dev/net/tun. */
function tunFiles(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === '/dev/net/tun') n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

/** An ARP request from 02:00:00:00:77:02 / `from` for `to` (IPv4, dotted). */
function arpRequest(from: string, to: string): Buffer {
  const f = Buffer.alloc(42);
  f.fill(0xff, 0, 6);
  Buffer.from('020000007702', 'hex').copy(f, 6);
  f.writeUInt16BE(0x0806, 12);
  f.writeUInt16BE(1, 14);
  f.writeUInt16BE(0x0800, 16);
  f[18] = 6;
  f[19] = 4;
  f.writeUInt16BE(1, 20);
  Buffer.from('020000007702', 'hex').copy(f, 22);
  Buffer.from(from.split('.').map(Number)).copy(f, 28);
  Buffer.from(to.split('.').map(Number)).copy(f, 38);
  return f;
}

liveSerial('openTun: a tap open in its queues carries frames both ways, and goes away with its last file', async (t) => {
  const { name, nl } = await tempNetns(t);
  const before = tunFiles();
  const { link, fds } = await nl.links.openTun({
    name: 'tq0', kind: 'tun', data: { type: 'tap', multiQueue: true }, queues: 2, nonBlocking: true, up: true, mac: '02:00:00:00:77:01',
  });
  t.teardown(() => { for (const fd of fds) try { closeSync(fd); } catch { /* closed */ } });
  t.is(fds.length, 2);
  t.is(tunFiles(), before + 2);
  t.like(link, { name: 'tq0', kind: 'tun', up: true, mac: '02:00:00:00:77:01' });
  t.like(link!.data, { type: 'tap', multiQueue: true, persist: false, numQueues: 2 });
  t.like(ipLink(name, 'tq0')?.linkinfo?.info_data, { type: 'tap', multi_queue: true, persist: false, numqueues: 2 });
  await nl.addresses.add({ link: 'tq0', address: '10.77.0.1/24' });
  // A frame written to a queue reaches the kernel: it answers the ARP request on one of the queues
  // (frames the kernel sends of its own, IPv6 ones among them, are skipped) and learns the sender.
  t.is(writeSync(fds[0]!, arpRequest('10.77.0.2', '10.77.0.1')), 42);
  const buf = Buffer.alloc(2048);
  let reply: Buffer | undefined;
  for (let i = 0; i < 300 && reply === undefined; i++) {
    for (const fd of fds) {
      try {
        const n = readSync(fd, buf);
        if (n >= 42 && buf.readUInt16BE(12) === 0x0806 && buf.readUInt16BE(20) === 2) reply = Buffer.from(buf.subarray(0, n));
      } catch (e) {
        if ((e as { code?: string }).code !== 'EAGAIN') throw e;
      }
    }
    if (reply === undefined) await new Promise((r) => setTimeout(r, 10));
  }
  t.truthy(reply, 'an ARP reply came out of the tap');
  t.is(reply!.subarray(0, 6).toString('hex'), '020000007702');
  t.is(reply!.subarray(22, 28).toString('hex'), '020000007701');
  t.deepEqual([...reply!.subarray(28, 32)], [10, 77, 0, 1]);
  t.deepEqual((await nl.neighbors.list({ link: 'tq0', family: 4 })).map((n) => [n.dst, n.lladdr]), [['10.77.0.2', '02:00:00:00:77:02']]);
  // A non-blocking queue with nothing waiting says EAGAIN rather than blocking the thread.
  t.throws(() => { for (;;) readSync(fds[1]!, buf); }, { code: 'EAGAIN' });
  for (const fd of fds) closeSync(fd);
  t.is(tunFiles(), before);
  // The kernel deletes the device with its last file (an RCU grace period or so later).
  for (let i = 0; i < 100 && ipLink(name, 'tq0') !== undefined; i++) await new Promise((r) => setTimeout(r, 10));
  t.deepEqual(linkNames(name), ['lo']);
});

liveSerial('openTun: an existing name, a refused setting or a bad option leaves no file open and no device', async (t) => {
  const here = await tempNetns(t);
  const there = await tempNetns(t);
  const before = tunFiles();
  await here.nl.links.add({ name: 'tz0', kind: 'tun', data: { type: 'tun' } });
  const exists = await t.throwsAsync(here.nl.links.openTun({ name: 'tz0', kind: 'tun', data: { type: 'tap' } }), { instanceOf: NetlinkError });
  t.is(exists.code, 'EEXIST');
  const refused = await t.throwsAsync(here.nl.links.openTun({ name: 'tz1', kind: 'tun', data: { type: 'tap' }, master: 'nope' }), { instanceOf: NetlinkError });
  t.is(refused.code, 'ENODEV');
  t.is(tunFiles(), before);
  for (let i = 0; i < 100 && ipLink(here.name, 'tz1') !== undefined; i++) await new Promise((r) => setTimeout(r, 10));
  t.deepEqual(linkNames(here.name), ['lo', 'tz0']);
  const bad: Array<[Record<string, unknown>, string]> = [
    [{ queues: 2 }, 'queues'], [{ queues: 0 }, 'queues'], [{ queues: 257 }, 'queues'], [{ queues: NaN }, 'queues'], [{ queues: '2' }, 'queues'],
    [{ nonBlocking: 'yes' }, 'nonBlocking'], [{ kind: 'ifb', data: undefined }, 'kind'], [{ data: { type: 'toString' } }, 'data.type'],
    [{ index: 9 }, 'index'], [{ fds: [] }, 'fds'],
  ];
  for (const [extra, field] of bad) {
    const e = await t.throwsAsync(here.nl.links.openTun({ name: 'tz2', kind: 'tun', data: { type: 'tap' }, ...extra } as never), { instanceOf: ValidationError }, field);
    t.is(e.field, field);
  }
  t.is(tunFiles(), before);
  t.deepEqual(linkNames(here.name), ['lo', 'tz0']);
  // In another namespace: made there, settings applied there; no link to return here.
  const far = await here.nl.links.openTun({ name: 'tz3', kind: 'tun', data: { type: 'tun' }, netns: there.path, mtu: 1280 });
  t.is(far.link, undefined);
  t.is(ipLink(there.name, 'tz3')?.mtu, 1280);
  for (const fd of far.fds) closeSync(fd);
  for (let i = 0; i < 100 && ipLink(there.name, 'tz3') !== undefined; i++) await new Promise((r) => setTimeout(r, 10));
  t.deepEqual(linkNames(there.name), ['lo']);
});

liveSerial('openTunQueues adds queues with the device\'s own flags; a queue goes with its fd; not a tun, busy or missing are errors', async (t) => {
  const { name, nl } = await tempNetns(t);
  const before = tunFiles();
  const opened: number[] = [];
  t.teardown(() => { for (const fd of opened) try { closeSync(fd); } catch { /* closed */ } });
  const data = (dev: string): Record<string, unknown> | undefined => ipLink(name, dev)?.linkinfo?.info_data;
  const { fds } = await nl.links.openTun({ name: 'tm0', kind: 'tun', data: { type: 'tap', multiQueue: true, vnetHdr: true } });
  opened.push(...fds);
  const more = await nl.links.openTunQueues('tm0', 2, { nonBlocking: true });
  opened.push(...more);
  t.is(more.length, 2);
  t.like(data('tm0'), { type: 'tap', numqueues: 3, vnet_hdr: true, pi: false, multi_queue: true, persist: false });
  t.throws(() => readSync(more[0]!, Buffer.alloc(2048)), { code: 'EAGAIN' });
  closeSync(more[0]!);
  t.like(data('tm0'), { numqueues: 2 });
  // A persistent device made by add takes queues too, and stays when they close.
  await nl.links.add({ name: 'tm1', kind: 'tun', data: { type: 'tun', multiQueue: true } });
  const q = await nl.links.openTunQueues('tm1', 1);
  opened.push(...q);
  t.like(data('tm1'), { type: 'tun', numqueues: 1, persist: true });
  closeSync(q[0]!);
  t.like(data('tm1'), { numqueues: 0, persist: true });
  await nl.links.add({ name: 'i0', kind: 'ifb' });
  const notTun = await t.throwsAsync(nl.links.openTunQueues('i0', 1), { instanceOf: NetlinkError });
  t.is(notTun.code, 'EINVAL');
  const single = await nl.links.openTun({ name: 'ts0', kind: 'tun', data: { type: 'tap' } });
  opened.push(...single.fds);
  const busy = await t.throwsAsync(nl.links.openTunQueues('ts0', 1), { instanceOf: NetlinkError });
  t.is(busy.code, 'EBUSY');
  const missing = await t.throwsAsync(nl.links.openTunQueues('nope', 1), { instanceOf: NetlinkError });
  t.is(missing.code, 'ENODEV');
  for (const [args, field] of [
    [['tm0', 0], 'count'], [['tm0', 257], 'count'], [['tm0', NaN], 'count'], [['tm0', '1'], 'count'],
    [['tm0', 1, { nonBlocking: 'yes' }], 'options.nonBlocking'], [['tm0', 1, { queues: 2 }], 'options.queues'], [['tm0', 1, null], 'options'],
    [['a/b', 1], 'link'],
  ] as const) {
    const e = await t.throwsAsync((nl.links.openTunQueues as (...a: unknown[]) => Promise<number[]>)(...args), { instanceOf: ValidationError }, field);
    t.is(e.field, field);
  }
  t.is(tunFiles(), before + 3, 'no file left open by a failed call (tm0 holds two, ts0 one)');
  closeSync(fds[0]!);
  closeSync(more[1]!);
  closeSync(single.fds[0]!);
  t.is(tunFiles(), before);
  for (let i = 0; i < 100 && (ipLink(name, 'tm0') !== undefined || ipLink(name, 'ts0') !== undefined); i++) await new Promise((r) => setTimeout(r, 10));
  t.deepEqual(linkNames(name), ['i0', 'lo', 'tm1']);
});

liveSerial('openTun (blocking): a read waiting first gets the frame the kernel sends after it, three times in a row', async (t) => {
  const { nl } = await tempNetns(t);
  const { fds } = await nl.links.openTun({ name: 'tw0', kind: 'tun', data: { type: 'tap' }, mac: '02:00:00:00:77:01' });
  const fd = fds[0]!;
  t.teardown(() => { try { closeSync(fd); } catch { /* closed */ } });
  await nl.links.set('tw0', { addrGenMode: 'none', up: true });
  await nl.addresses.add({ link: 'tw0', address: '10.78.0.1/24' });
  const buf = Buffer.alloc(2048);
  for (const sender of ['10.78.0.2', '10.78.0.3', '10.78.0.4']) {
    // The read is in flight (on a libuv worker, blocked in the kernel) before the request is written.
    const replied = (async (): Promise<Buffer> => {
      for (;;) {
        const { bytesRead } = await fsRead(fd, buf, 0, buf.length, null);
        if (bytesRead >= 42 && buf.readUInt16BE(12) === 0x0806 && buf.readUInt16BE(20) === 2) return Buffer.from(buf.subarray(0, bytesRead));
      }
    })();
    await new Promise((r) => setTimeout(r, 20));
    writeSync(fd, arpRequest(sender, '10.78.0.1'));
    const reply = await replied;
    t.deepEqual([...reply.subarray(38, 42)], sender.split('.').map(Number), `the reply to ${sender}`);
  }
  closeSync(fd);
});
