// Link kinds this machine's kernel cannot create (geneve, gre/gretap/ip6gretap, bond, vrf,
// wireguard): iproute2's captured requests (spec/fixtures/link/capture-kinds.sh, each file with its
// provenance) decode into the typed options they were made from; the GRE key rule; a bond port's
// options as iproute2 sends them. request.spec.ts holds the byte-for-byte encoder checks. No
// privileges needed.
import test from 'ava';
import { ValidationError } from '../../../../lib/netlink/core/errors.js';
import { decodeLinkMessage, linkBody } from '../../../../lib/netlink/rtnl/link/codec.js';
import { linkKindData, linkSlaveData, type LinkInfo } from '../../../../lib/netlink/rtnl/link/kinds/index.js';
import { bondPortAttrs } from '../../../../lib/netlink/rtnl/link/kinds/bond.js';
import { RTM_GETLINK, RTM_NEWLINK } from '../../../../lib/netlink/rtnl/rtm.js';
import { attr, cstr, nlmsg } from '../../../helpers/bytes.js';
import { ackingKernel, fixture, withLinks } from './fixtures.js';

function info(file: string): LinkInfo | undefined {
  return decodeLinkMessage(fixture(file)).attributes.linkinfo;
}

test('captured requests decode into the typed options they were made from', (t) => {
  t.deepEqual(linkKindData(info('request-geneve.hex'), 'geneve'), {
    df: 'set', id: 42, remote: '10.1.0.2', label: 0, ttl: 9, tos: 0x10, port: 6082, udpCsum: true,
  });
  t.deepEqual(linkKindData(info('request-geneve6.hex'), 'geneve'), {
    id: 5, remote6: '2001:db8::2', label: 0x12345, ttl: 0, tos: 0, udpZeroCsum6Tx: true, udpZeroCsum6Rx: true,
  });
  t.like(linkKindData(info('request-geneve-external.hex'), 'geneve'), { collectMetadata: true, id: 0 });
  t.deepEqual(linkKindData(info('request-gre.hex'), 'gre'), {
    ikey: 42, okey: 43, iflags: 0xb000, oflags: 0xb000, local: '10.1.0.1', remote: '10.1.0.2', pmtudisc: true, tos: 0x10, link: 3,
    ttl: 64, fwmark: 0, encapType: 'none', encapFlags: 0, encapSport: 0, encapDport: 0,
  });
  t.like(linkKindData(info('request-gretap.hex'), 'gretap'), { ikey: 0x101, okey: 0x101, iflags: 0x2000, oflags: 0x2000, remote: '127.0.0.1' });
  t.deepEqual(linkKindData(info('request-gretap-external.hex'), 'gretap'), { collectMetadata: true });
  t.like(linkKindData(info('request-ip6gretap.hex'), 'ip6gretap'), {
    local: '2001:db8::1', remote: '2001:db8::2', ttl: 9, encapLimit: 4, flowinfo: 5, flags: 1, encapFlags: 2, erspanVer: 1,
  });
  t.deepEqual(linkKindData(info('request-bond.hex'), 'bond'), {
    mode: '802.3ad', miimon: 100, updelay: 200, downdelay: 200, adLacpRate: 'fast', xmitHashPolicy: 'layer3+4', adSelect: 'bandwidth',
    adActorSysPrio: 1, adUserPortKey: 1, adActorSystem: '06:aa:bb:cc:dd:ee', minLinks: 1,
  });
  t.deepEqual(linkKindData(info('request-bond-arp.hex'), 'bond'), {
    mode: 'active-backup', arpInterval: 100, arpIpTarget: ['1.1.1.1', '1.1.1.2'], arpValidate: 'all', primaryReselect: 'better',
    failOverMac: 'active', numPeerNotif: 3, tlbDynamicLb: true,
  });
  t.deepEqual(linkKindData(info('request-vrf.hex'), 'vrf'), { table: 10 });
  t.deepEqual(info('request-wireguard.hex'), { kind: 'wireguard' });
});

test.serial('GRE keys: an ikey/okey without its flags sends GRE_KEY there; explicit flags without it are refused', async (t) => {
  await withLinks(ackingKernel(), async (links, kernel) => {
    await links.add({ name: 'gt0', kind: 'gretap', data: { remote: '10.0.0.1', ikey: 7 } });
    const data = linkKindData(linkBody.decode(kernel.sent[0]!.payload, 0, kernel.sent[0]!.payload.length, 'link').attributes.linkinfo, 'gretap');
    t.deepEqual(data, { remote: '10.0.0.1', ikey: 7, iflags: 0x2000 });
    const sent = kernel.datagrams.length;
    await t.throwsAsync(links.add({ name: 'gt1', kind: 'gretap', data: { okey: 7, oflags: 0x8000 } }),
      { instanceOf: ValidationError, message: /^data\.oflags: GRE_KEY \(0x2000\) is required with okey/ });
    await t.throwsAsync(links.add({ name: 'gt1', kind: 'ip6gretap', data: { ikey: 7, iflags: 0 } }), { instanceOf: ValidationError, message: /^data\.iflags: / });
    t.is(kernel.datagrams.length, sent, 'nothing was sent');
  });
});

/** A GETLINK answer: link `index` named `name`, a port of a master of kind `slaveKind` (or of none). */
function portLink(seq: number, index: number, name: string, slaveKind: string | undefined): Buffer {
  const ifi = Buffer.alloc(16);
  ifi.writeInt32LE(index, 4);
  const linkinfo = slaveKind === undefined ? [] : [attr(18 /* IFLA_LINKINFO */, attr(4 /* IFLA_INFO_SLAVE_KIND */, cstr(slaveKind)))];
  return nlmsg(RTM_NEWLINK, 0, seq, 4242, ifi, attr(3 /* IFLA_IFNAME */, cstr(name)), ...linkinfo);
}

test.serial('a bond port\'s options (slaveKind bond): the IFLA_INFO_SLAVE_DATA iproute2 sends for `type bond_slave`', async (t) => {
  const theirs = decodeLinkMessage(fixture('request-bond-slave.hex'));
  await withLinks(ackingKernel((m) => portLink(m.seq, 3, 'p', 'bond')), async (links, kernel) => {
    await links.set(3, { slaveKind: 'bond', slaveData: { queueId: 5, prio: 7 } });
    // The port's master is read first (GETLINK), then the change is sent.
    t.deepEqual(kernel.sent.map((m) => m.type), [RTM_GETLINK, RTM_NEWLINK]);
    const ours = linkBody.decode(kernel.sent[1]!.payload, 0, kernel.sent[1]!.payload.length, 'link');
    t.is(kernel.sent[1]!.type, RTM_NEWLINK);
    t.deepEqual(ours.header, theirs.header);
    // iproute2 names the port's kind IFLA_INFO_KIND "bond_slave"; the library sends the master's
    // kind as IFLA_INFO_SLAVE_KIND (the kernel takes the port options by the master's kind either way).
    t.is(theirs.attributes.linkinfo?.kind, 'bond_slave');
    t.is(ours.attributes.linkinfo?.slaveKind, 'bond');
    const raw = theirs.attributes.linkinfo?.slaveData as Uint8Array;
    const decoded = bondPortAttrs.decode(Buffer.from(raw), 0, raw.length, 'slaveData');
    t.deepEqual(linkSlaveData(ours.attributes.linkinfo, 'bond'), decoded);
    t.deepEqual(decoded, { queueId: 5, prio: 7 });
    const bad: Array<[unknown, RegExp]> = [
      [{ slaveKind: 'bond', slaveData: { state: 'BACKUP' } }, /^slaveData\.state: read-only/],
      [{ slaveKind: 'bond', slaveData: { queueId: 65536 } }, /^slaveData\.queueId: /],
      [{ slaveKind: 'vrf', slaveData: { table: 1 } }, /^slaveKind: /],
      [{ slaveKind: 'constructor', slaveData: {} }, /^slaveKind: /],
      [{ slaveKind: 'bond' }, /^slaveKind: slaveKind only goes with slaveData/],
    ];
    const sent = kernel.datagrams.length;
    for (const [changes, message] of bad) await t.throwsAsync(links.set(3, changes as never), { instanceOf: ValidationError, message });
    t.is(kernel.datagrams.length, sent, 'nothing was sent');
    // Bridge port options (the default slaveKind) for this bond port: refused after the read, nothing changed.
    await t.throwsAsync(links.set(3, { slaveData: { cost: 5 } }), {
      instanceOf: ValidationError, message: /^slaveKind: link 3 is a port of a bond: its slaveData must be bond port options/,
    });
    t.is(kernel.sent.filter((m) => m.type === RTM_NEWLINK).length, 1, 'no change was sent');
  });
});

test.serial('port options of another master\'s kind are refused before the change: the kernel would read them as its own master\'s', async (t) => {
  // The kernel reads IFLA_INFO_SLAVE_DATA with the current master's attribute numbers whatever
  // IFLA_INFO_SLAVE_KIND says: a bond queueId (attribute 5) on a bridge port would set its guard flag.
  await withLinks(ackingKernel((m) => portLink(m.seq, 4, 'bp0', 'bridge')), async (links, kernel) => {
    await t.throwsAsync(links.set('bp0', { slaveKind: 'bond', slaveData: { queueId: 1 } }), {
      instanceOf: ValidationError, message: /^slaveKind: link bp0 is a port of a bridge: its slaveData must be bridge port options \(slaveKind: 'bridge'\)/,
    });
    t.deepEqual(kernel.sent.map((m) => m.type), [RTM_GETLINK]);
    await links.set('bp0', { slaveData: { cost: 9 } });
    t.deepEqual(kernel.sent.map((m) => m.type), [RTM_GETLINK, RTM_GETLINK, RTM_NEWLINK]);
    // Sent by the ifindex it was read as.
    t.is(linkBody.decode(kernel.sent[2]!.payload, 0, kernel.sent[2]!.payload.length, 'link').header.index, 4);
  });
  // A link with no master: sent, for the kernel to refuse (EOPNOTSUPP, as ip gets).
  await withLinks(ackingKernel((m) => portLink(m.seq, 5, 'lone0', undefined)), async (links, kernel) => {
    await links.set('lone0', { slaveData: { cost: 9 } });
    t.deepEqual(kernel.sent.map((m) => m.type), [RTM_GETLINK, RTM_NEWLINK]);
  });
});

test.serial('bond options naming links (activeSlave, primary) are resolved by name; targets are checked', async (t) => {
  const kernel = ackingKernel((m) => {
    const ifi = Buffer.alloc(16);
    ifi.writeInt32LE(7, 4);
    const reply = Buffer.alloc(32);
    reply.writeUInt32LE(32, 0); reply.writeUInt16LE(RTM_NEWLINK, 4); reply.writeUInt32LE(m.seq, 8);
    ifi.copy(reply, 16);
    return reply;
  });
  await withLinks(kernel, async (links) => {
    await links.add({ name: 'b0', kind: 'bond', data: { mode: 'active-backup', primary: 'eth0', nsIp6Target: ['2001:db8::1'] } });
    const create = kernel.sent.find((m) => m.type === RTM_NEWLINK)!;
    t.deepEqual(linkKindData(linkBody.decode(create.payload, 0, create.payload.length, 'link').attributes.linkinfo, 'bond'),
      { mode: 'active-backup', primary: 7, nsIp6Target: ['2001:db8::1'] });
    for (const [data, message] of [
      [{ arpIpTarget: Array(17).fill('1.1.1.1') }, /^data\.arpIpTarget: /],
      [{ arpIpTarget: ['2001:db8::1'] }, /^data\.arpIpTarget\[0\]: /],
      [{ nsIp6Target: ['1.1.1.1'] }, /^data\.nsIp6Target\[0\]: /],
      [{ xmitHashPolicy: 'toString' }, /^data\.xmitHashPolicy: /],
      [{ adActorSystem: '06:aa' }, /^data\.adActorSystem: /],
      [{ primary: '' }, /^data\.primary: /],
    ] as const) {
      await t.throwsAsync(links.add({ name: 'b1', kind: 'bond', data: data as never }), { instanceOf: ValidationError, message });
    }
  });
});
