// Unsolicited ARP and Neighbour Advertisements after addInterface (osl's advertiseAddrs) and the
// bounded wait for the link to be up (osl's waitForIfUpped). Oracles: a packet capture on the peer
// of the veth (the frames, byte by byte), and the peer's kernel, whose stale neighbour entries take
// the new MAC only from frames it accepted (checksum, hop limit, flags, option all right).
import test, { type ExecutionContext } from 'ava';
import { NetlinkError } from '../../lib/netlink/index.js';
import { native } from '../../lib/netlink/transport/native.js';
import { Sandbox, waitForLinkUp, type Interface } from '../../lib/sandbox/index.js';
import {
  arpAnnouncement, icmpv6Checksum, unsolicitedNeighborAdvertisement,
} from '../../lib/sandbox/frames.js';
import { ip, ipJson, liveTest } from '../helpers/netns.js';
import { PacketCapture, isArp, isNeighborAdvertisement } from '../helpers/packet-capture.js';
import { destroyAtTeardown, eventually, ipIn, ipJsonIn, sandboxFixture, veth } from '../helpers/sandbox-fixtures.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[\s|]/g, ''), 'hex');

test('the gratuitous ARP frame, byte by byte (RFC 5227 announcement)', (t) => {
  const frame = arpAnnouncement(hex('020000008002'), Uint8Array.of(10, 80, 0, 2));
  t.deepEqual(frame, hex(`
    ffffffffffff 020000008002 0806
    0001 0800 06 04 0001
    020000008002 0a500002
    000000000000 0a500002`));
});

test('the unsolicited NA frame, byte by byte, with a checksum that verifies to zero', (t) => {
  const ip6 = hex('fd800000000000000000000000000002');
  const frame = unsolicitedNeighborAdvertisement(hex('020000008002'), ip6);
  t.is(frame.length, 86);
  t.deepEqual(frame.subarray(0, 22), hex('333300000001 020000008002 86dd 60000000 0020 3a ff'));
  t.deepEqual(frame.subarray(22, 38), ip6);
  t.deepEqual(frame.subarray(38, 54), hex('ff020000000000000000000000000001'));
  t.deepEqual(frame.subarray(54, 62).toString('hex').replace(/^(..)(..)(....)/, '$1 $2 cksum '), '88 00 cksum 20000000');
  t.deepEqual(frame.subarray(62, 78), ip6);
  t.deepEqual(frame.subarray(78), hex('0201 020000008002'));
  // Summing the message with its checksum in place gives 0 (RFC 1071), computed here independently.
  let sum = 0;
  const words = Buffer.concat([ip6, frame.subarray(38, 54), hex('00000020 000000 3a'), frame.subarray(54)]);
  for (let i = 0; i < words.length; i += 2) sum += words.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  t.is(sum, 0xffff);
  t.is(icmpv6Checksum(ip6, frame.subarray(38, 54), frame.subarray(54)), 0, 'the checksum over a message with its checksum is 0');
  t.throws(() => unsolicitedNeighborAdvertisement(hex('0200'), ip6), { message: /6 bytes/ });
  t.throws(() => arpAnnouncement(hex('020000008002'), ip6), { message: /4 bytes/ });
});

/** A sandbox with a veth `<name>`/`<peer>` from the source, the peer up and addressed, and a capture on the peer. */
async function announcing(t: ExecutionContext, name: string, peer: string) {
  const f = await sandboxFixture(t);
  veth(f.src.name, name, peer);
  ip(['-n', f.src.name, 'link', 'set', peer, 'up']);
  ip(['-n', f.src.name, 'addr', 'add', '10.80.0.1/24', 'dev', peer]);
  ip(['-n', f.src.name, 'addr', 'add', 'fd80::1/64', 'dev', peer, 'nodad']);
  const [link] = ipJson<Array<{ ifindex: number }>>(f.src.name, ['link', 'show', peer]);
  const capture = new PacketCapture(f.src.path, link!.ifindex);
  t.teardown(() => capture.close());
  return { ...f, capture };
}

/** The ARP announcements of `ip` (sender = target = ip, request) in a capture. */
const arpsOf = (ip4: string) => (f: Buffer): boolean => isArp(f) && f.readUInt16BE(20) === 1
  && f.subarray(28, 32).join('.') === ip4 && f.subarray(38, 42).join('.') === ip4;
/** The NAs whose target is `target` (16 bytes). */
const nasOf = (target: Buffer) => (f: Buffer): boolean => isNeighborAdvertisement(f) && f.subarray(62, 78).equals(target);

liveTest('addInterface announces its addresses: 3 rounds of ARP and NA at the interval, the first before it resolves; the peer caches take the MAC', async (t) => {
  const { src, sb, capture } = await announcing(t, 'an0', 'an1');
  // The peer has stale entries with an old MAC: only accepted frames can change them.
  ip(['-n', src.name, 'neigh', 'add', '10.80.0.2', 'lladdr', '02:00:00:00:00:99', 'dev', 'an1', 'nud', 'stale']);
  ip(['-n', src.name, 'neigh', 'add', 'fd80::2', 'lladdr', '02:00:00:00:00:99', 'dev', 'an1', 'nud', 'stale']);
  const mac = '02:00:00:00:80:02';
  const i = await sb.addInterface('an0', 'eth', { address: '10.80.0.2/24', addressIPv6: 'fd80::2/64', mac, advertiseAddrInterval: 100 });
  const target = hex('fd800000000000000000000000000002');
  t.is((await capture.waitFor(arpsOf('10.80.0.2'), 1, 0)).length, 1, 'the first ARP went out before addInterface resolved');
  t.is((await capture.waitFor(nasOf(target), 1, 0)).length, 1, 'the first NA went out before addInterface resolved');
  const firstRound = performance.now();
  t.deepEqual(await i.advertisement, { rounds: 3, end: 'done' });
  // Two pauses of the interval lie between the first round and the last (capture times say nothing:
  // frames read in one batch get one time).
  t.true(performance.now() - firstRound >= 190, `rounds 2 and 3 took ${performance.now() - firstRound} ms`);
  const arps = await capture.waitFor(arpsOf('10.80.0.2'), 3);
  const nas = await capture.waitFor(nasOf(target), 3);
  t.is(arps.length, 3);
  t.is(nas.length, 3);
  const macBytes = hex(mac.replaceAll(':', ''));
  const arp = arps[0]!.bytes;
  t.deepEqual(arp.subarray(0, 6), hex('ffffffffffff'), 'to the broadcast address');
  t.deepEqual(arp.subarray(6, 12), macBytes);
  t.deepEqual([arp.readUInt16BE(14), arp.readUInt16BE(16), arp[18], arp[19], arp.readUInt16BE(20)], [1, 0x0800, 6, 4, 1]);
  t.deepEqual(arp.subarray(22, 28), macBytes, 'sender hardware address');
  t.deepEqual(arp.subarray(32, 38), hex('000000000000'), 'target hardware address');
  const na = nas[0]!.bytes;
  t.deepEqual(na.subarray(0, 6), hex('333300000001'));
  t.deepEqual(na.subarray(6, 12), macBytes);
  t.is(na[21], 255, 'hop limit 255');
  t.deepEqual(na.subarray(22, 38), target, 'from the address itself');
  t.deepEqual(na.subarray(38, 54), hex('ff020000000000000000000000000001'));
  t.is(na[54 + 4], 0x20, 'Override set, Solicited and Router clear');
  t.deepEqual(na.subarray(78), Buffer.concat([hex('0201'), macBytes]), 'Target Link-Layer Address option');
  const neigh = ipJson<Array<{ dst: string; lladdr: string }>>(src.name, ['neigh', 'show', 'dev', 'an1']);
  t.deepEqual(neigh.map((n) => [n.dst, n.lladdr]).sort(), [['10.80.0.2', mac], ['fd80::2', mac]], 'the peer accepted both');
});

liveTest('advertiseAddrNMsgs: 0 sends nothing, 1 one round; an interface without addresses announces nothing', async (t) => {
  const { src, sb, capture } = await announcing(t, 'am0', 'am1');
  veth(src.name, 'am2', 'am3');
  const none = await sb.addInterface('am0', 'eth', { address: '10.80.0.2/24', advertiseAddrNMsgs: 0 });
  t.deepEqual(await none.advertisement, { rounds: 0, end: 'disabled' });
  await none.remove();
  const one = await sb.addInterface('am0', 'eth', { address: '10.80.0.2/24', advertiseAddrNMsgs: 1, advertiseAddrInterval: 100 });
  t.deepEqual(await one.advertisement, { rounds: 1, end: 'done' });
  const bare = await sb.addInterface('am2', 'eth');
  t.deepEqual(await bare.advertisement, { rounds: 0, end: 'nothing' });
  await new Promise((r) => setTimeout(r, 250));
  t.is((await capture.waitFor(arpsOf('10.80.0.2'), 2, 0)).length, 1, 'exactly one ARP in all');
});

liveTest('remove() and destroy() stop the rounds still to come; a MAC change ends them', async (t) => {
  const { src, sb, key, capture } = await announcing(t, 'as0', 'as1');
  const i = await sb.addInterface('as0', 'eth', { address: '10.80.0.2/24', advertiseAddrInterval: 100 });
  await i.remove();
  t.deepEqual(await i.advertisement, { rounds: 1, end: 'stopped' });
  const j = await sb.addInterface('as0', 'eth', { address: '10.80.0.2/24', advertiseAddrInterval: 100 });
  ipIn(key, ['link', 'set', j.dstName, 'address', '02:00:00:00:80:77']);
  t.deepEqual(await j.advertisement, { rounds: 1, end: 'mac-changed' });
  const other = await Sandbox.create(`${key}-2`, { sourceNetns: src.path });
  destroyAtTeardown(t, other);
  veth(src.name, 'as2', 'as3');
  const k = await other.addInterface('as2', 'eth', { address: '10.80.0.5/24', advertiseAddrInterval: 100 });
  await other.destroy();
  t.deepEqual(await k.advertisement, { rounds: 1, end: 'stopped' });
  await new Promise((r) => setTimeout(r, 250));
  t.is((await capture.waitFor(arpsOf('10.80.0.2'), 3, 0)).length, 2, 'one ARP per interface, none after');
});

liveTest('through a bridge in the source namespace (the veth\'s other end a port): the single round reaches the bridge', async (t) => {
  const { src, sb } = await sandboxFixture(t);
  ip(['-n', src.name, 'link', 'add', 'brs', 'type', 'bridge']);
  ip(['-n', src.name, 'link', 'set', 'brs', 'up']);
  veth(src.name, 'bq0', 'bq1');
  ip(['-n', src.name, 'link', 'set', 'bq1', 'master', 'brs', 'up']);
  const [br] = ipJson<Array<{ ifindex: number }>>(src.name, ['link', 'show', 'brs']);
  const capture = new PacketCapture(src.path, br!.ifindex);
  t.teardown(() => capture.close());
  // One round only: it must wait until the port forwards (osl's waitForBridgePort), or the bridge drops it.
  const i = await sb.addInterface('bq0', 'eth', { address: '10.80.3.2/24', advertiseAddrNMsgs: 1 });
  t.deepEqual(await i.advertisement, { rounds: 1, end: 'done' });
  t.is((await capture.waitFor(arpsOf('10.80.3.2'), 1)).length, 1);
  const [port] = ipJson<Array<{ linkinfo?: { info_slave_data?: { state?: string } } }>>(src.name, ['-d', 'link', 'show', 'bq1']);
  t.is(port!.linkinfo?.info_slave_data?.state, 'forwarding');
});

liveTest('a link without an Ethernet address (a tun made inside, created in container) announces nothing', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  ipIn(key, ['tuntap', 'add', 'dev', 'tn0', 'mode', 'tun']);
  const i = await sb.addInterface('tn0', 'tun', { createdInContainer: true, address: '10.81.0.2/24' });
  t.deepEqual(await i.advertisement, { rounds: 0, end: 'nothing' });
  t.deepEqual(ipJsonIn<Array<{ ifname: string }>>(key, ['link', 'show', 'tun0']).map((l) => l.ifname), ['tun0']);
});

/** A veth end in the source namespace, down, and its ifindex. */
function downLink(ns: string, name: string, peer: string): number {
  veth(ns, name, peer);
  return ipJson<Array<{ ifindex: number }>>(ns, ['link', 'show', name])[0]!.ifindex;
}

liveTest('waitForLinkUp: waiting first, the link going up after resolves true, several times in a row', async (t) => {
  const { src } = await sandboxFixture(t);
  const idx = downLink(src.name, 'wu0', 'wu1');
  for (let round = 0; round < 3; round++) {
    let settled = false;
    const waiting = waitForLinkUp(src.nl, idx, 5000).finally(() => { settled = true; });
    await new Promise((r) => setTimeout(r, 50));
    t.false(settled, `round ${round}: still waiting while the link is down`);
    ip(['-n', src.name, 'link', 'set', 'wu0', 'up']);
    t.true(await waiting, `round ${round}`);
    ip(['-n', src.name, 'link', 'set', 'wu0', 'down']);
  }
  ip(['-n', src.name, 'link', 'set', 'wu0', 'up']);
  t.true(await waitForLinkUp(src.nl, idx, 5000), 'a link already up: at once');
});

liveTest('waitForLinkUp: false after the bound, when the link is deleted meanwhile, or when aborted; a missing link is ENODEV', async (t) => {
  const { src } = await sandboxFixture(t);
  const idx = downLink(src.name, 'wd0', 'wd1');
  const started = performance.now();
  t.false(await waitForLinkUp(src.nl, idx, 200));
  t.true(performance.now() - started >= 190);
  const waiting = waitForLinkUp(src.nl, idx, 5000);
  await new Promise((r) => setTimeout(r, 50));
  ip(['-n', src.name, 'link', 'del', 'wd0']);
  t.false(await waiting);
  const idx2 = downLink(src.name, 'wd2', 'wd3');
  const abort = new AbortController();
  const aborted = waitForLinkUp(src.nl, idx2, 5000, abort.signal);
  setTimeout(() => abort.abort(), 50);
  t.false(await aborted);
  const e = await t.throwsAsync(waitForLinkUp(src.nl, 99999, 100), { instanceOf: NetlinkError });
  t.is(e.code, 'ENODEV');
});

liveTest('the packet primitives: a socket in a namespace sends on its link, is CLOEXEC, and refuses bad arguments', async (t) => {
  const { src, capture } = await announcing(t, 'pk0', 'pk1');
  const n = native();
  const idx = ipJson<Array<{ ifindex: number }>>(src.name, ['link', 'show', 'pk0'])[0]!.ifindex;
  ip(['-n', src.name, 'link', 'set', 'pk0', 'up']);
  const fd = n.packetOpen(src.path, idx, 0);
  t.true(fd >= 0);
  t.teardown(() => n.socketClose(fd));
  const frame = arpAnnouncement(hex('020000008009'), Uint8Array.of(10, 80, 0, 9));
  t.is(n.packetSend(fd, idx, 0x0806, frame, 0, frame.length), 42);
  t.is((await capture.waitFor(arpsOf('10.80.0.9'), 1)).length, 1);
  t.is(n.packetSend(fd, 99999, 0x0806, frame, 0, frame.length), -6, 'ENXIO: no such link in the socket\'s namespace');
  t.is(n.packetOpen('/nonexistent', 1, 0), -2);
  t.is(n.packetOpen('/proc/self/fd/0', 1, 0) < 0, true, 'not a namespace');
  t.throws(() => n.packetOpen(src.path, -1, 0), { instanceOf: TypeError });
  t.throws(() => n.packetOpen(src.path, 1, 0x10000), { instanceOf: TypeError });
  t.throws(() => n.packetSend(fd, 0, 0x0806, frame, 0, 42), { instanceOf: TypeError });
  t.throws(() => n.packetSend(fd, idx, 0x0806, frame, 0, 43), { instanceOf: TypeError });
  const { readlinkSync, readFileSync } = await import('node:fs');
  t.regex(readlinkSync(`/proc/self/fd/${fd}`), /^socket:/);
  const flags = parseInt(/flags:\s+([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1]!, 8);
  t.true((flags & 0o2000000) !== 0, 'O_CLOEXEC');
  t.true((flags & 0o4000) !== 0, 'O_NONBLOCK');
  // socketCloseLater closes on a worker thread (the release waits for an RCU grace period).
  const later = n.packetOpen(src.path, idx, 0);
  const inode = readlinkSync(`/proc/self/fd/${later}`);
  t.is(n.socketCloseLater(later), 0);
  // (The number may be reused by another test's fd once closed: compare the socket's inode.)
  t.true(await eventually(() => { try { return readlinkSync(`/proc/self/fd/${later}`) !== inode; } catch { return true; } }),
    'the fd is closed soon after');
  t.throws(() => n.socketCloseLater(-1), { instanceOf: TypeError });
});

/** A sandbox interface, after its announcements, for the restore test. */
async function settled(i: Interface): Promise<void> {
  await i.advertisement;
}

liveTest('restore announces the restored interfaces\' addresses again (osl after a restart)', async (t) => {
  const { src, sb, key, capture } = await announcing(t, 'ar0', 'ar1');
  await settled(await sb.addInterface('ar0', 'eth', { address: '10.80.0.2/24', advertiseAddrNMsgs: 1 }));
  const before = (await capture.waitFor(arpsOf('10.80.0.2'), 1)).length;
  t.is(before, 1);
  const rs = await Sandbox.restore(key, { interfaces: [{ srcName: 'ar0', address: '10.80.0.2/24', advertiseAddrNMsgs: 2, advertiseAddrInterval: 100 }], sourceNetns: src.path });
  destroyAtTeardown(t, rs);
  t.deepEqual(await rs.info().interfaces[0]!.advertisement, { rounds: 2, end: 'done' });
  t.is((await capture.waitFor(arpsOf('10.80.0.2'), before + 2)).length, before + 2);
});
