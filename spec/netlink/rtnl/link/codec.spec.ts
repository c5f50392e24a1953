// The link codec on captured kernel replies and iproute2 requests (spec/fixtures/link/*.hex, each
// with its provenance), and the kind options of links.add / links.set against a fake kernel.
import test from 'ava';
import { findAttr } from '../../../../lib/netlink/core/attributes.js';
import { DecodeError, ValidationError } from '../../../../lib/netlink/core/errors.js';
import { NLM_F_ECHO } from '../../../../lib/netlink/core/protocol.js';
import { decodeLinkMessage, encodeLinkBody, linkBody } from '../../../../lib/netlink/rtnl/link/codec.js';
import { formatBridgeId } from '../../../../lib/netlink/rtnl/link/fields.js';
import { linkKindData, linkSlaveData, type LinkInfo } from '../../../../lib/netlink/rtnl/link/kinds/index.js';
import { linkView } from '../../../../lib/netlink/rtnl/link/view.js';
import { Links } from '../../../../lib/netlink/rtnl/link/service.js';
import { attr, cstr, nlmsg, s32, u32 } from '../../../helpers/bytes.js';
import { checkReencode, checkTruncations, reencode } from '../../../helpers/golden.js';
import type { FakeKernel } from '../../../helpers/fake-kernel.js';
import { ackingKernel, canonical, fixture, unknowns, withLinks, withNulStrings } from './fixtures.js';

// The IFLA_* a 6.18 kernel sends for every link, in wire order (rtnl_fill_ifinfo).
const HEAD = ['ifname', 'txqlen', 'operstate', 'linkmode', 'netnsImmutable', 'mtu', 'minMtu', 'maxMtu', 'group',
  'promiscuity', 'allmulti', 'numTxQueues', 'gsoMaxSegs', 'gsoMaxSize', 'groMaxSize', 'gsoIpv4MaxSize',
  'groIpv4MaxSize', 'tsoMaxSize', 'tsoMaxSegs', 'maxPacingOffloadHorizon', 'numRxQueues'];
const MIDDLE = ['carrier', 'carrierChanges', 'carrierUpCount', 'carrierDownCount', 'headroom', 'tailroom', 'protoDown',
  'address', 'broadcast', 'stats64', 'stats', 'xdp'];
const TAIL = ['qdisc', 'afSpec', 'map', 'devlinkPort', 'dpllPin'];

interface ReplyCase {
  file: string;
  keys: string[];
  header: { family: number; type: number; index: number; flags: number; change: number };
  fields: Record<string, unknown>;
  linkinfo: LinkInfo | undefined;
}

const bridgeIdOf = (priority: number, address: string) => ({ priority, address });

const REPLIES: Record<string, ReplyCase> = {
  lo: {
    file: 'newlink-lo.hex',
    keys: [...HEAD, ...MIDDLE, ...TAIL],
    header: { family: 0, type: 772, index: 1, flags: 0x10049, change: 0 },
    fields: { ifname: 'lo', mtu: 65536, txqlen: 1000, operstate: 0, address: '00:00:00:00:00:00', qdisc: 'noqueue', carrier: 1 },
    linkinfo: undefined,
  },
  veth: {
    file: 'newlink-veth.hex',
    keys: [...HEAD, ...MIDDLE, 'linkinfo', 'link', ...TAIL],
    header: { family: 0, type: 1, index: 2, flags: 0x1002, change: 0 },
    fields: { ifname: 'v1', mtu: 1500, address: '02:00:00:00:00:11', link: 3, numTxQueues: 2, operstate: 2 },
    linkinfo: { kind: 'veth' },
  },
  'bridge port': {
    file: 'newlink-bridge-port.hex',
    keys: [...HEAD, 'master', ...MIDDLE, 'linkinfo', 'link', ...TAIL],
    header: { family: 0, type: 1, index: 3, flags: 0x1002, change: 0 },
    fields: { ifname: 'v0', master: 4, link: 2, address: '02:00:00:00:00:10', promiscuity: 1, allmulti: 1 },
    linkinfo: {
      kind: 'veth',
      slaveKind: 'bridge',
      slaveData: {
        state: 'disabled', priority: 5, cost: 7, mode: true, guard: false, protect: false, fastLeave: false,
        mcastToUcast: false, learning: false, unicastFlood: true, mcastFlood: true, bcastFlood: true,
        proxyarp: false, proxyarpWifi: false,
        rootId: bridgeIdOf(4096, '02:00:00:00:00:20'), bridgeId: bridgeIdOf(4096, '02:00:00:00:00:20'),
        designatedPort: 0x1401, designatedCost: 0, id: 0x1401, no: 1, topologyChangeAck: 0, configPending: 0,
        vlanTunnel: false, groupFwdMask: 0, neighSuppress: false, mrpRingOpen: false, mrpInOpen: false,
        isolated: false, locked: false, mab: false, neighVlanSuppress: false,
        messageAgeTimer: 0n, forwardDelayTimer: 0n, holdTimer: 0n, multicastRouter: 1,
        mcastEhtHostsLimit: 512, mcastEhtHostsCnt: 0, mcastNGroups: 0, mcastMaxGroups: 0,
      },
    },
  },
  bridge: {
    file: 'newlink-bridge.hex',
    keys: [...HEAD, ...MIDDLE, 'linkinfo', ...TAIL],
    header: { family: 0, type: 1, index: 4, flags: 0x1002, change: 0 },
    fields: { ifname: 'br0', address: '02:00:00:00:00:20', netnsImmutable: 1, mtu: 1500 },
    linkinfo: {
      kind: 'bridge',
      data: {
        helloTimer: 0n, tcnTimer: 0n, topologyChangeTimer: 0n, gcTimer: 11983n,
        forwardDelay: 800, helloTime: 200, maxAge: 2000, ageingTime: 12000, stpState: 1, priority: 4096,
        vlanFiltering: 0, groupFwdMask: 8,
        bridgeId: bridgeIdOf(4096, '02:00:00:00:00:20'), rootId: bridgeIdOf(4096, '02:00:00:00:00:20'),
        rootPort: 0, rootPathCost: 0, topologyChange: 0, topologyChangeDetected: 0,
        groupAddr: '01:80:c2:00:00:00', multiBoolopt: { optval: 0, optmask: 31 }, fdbNLearned: 0, fdbMaxLearned: 0,
        mcastRouter: 1, mcastSnooping: 0, mcastQueryUseIfaddr: 0, mcastQuerier: 0, mcastStatsEnabled: 0,
        mcastHashElasticity: 16, mcastHashMax: 4096, mcastLastMemberCnt: 2, mcastStartupQueryCnt: 2,
        mcastIgmpVersion: 2, mcastMldVersion: 1,
        mcastLastMemberIntvl: 100n, mcastMembershipIntvl: 26000n, mcastQuerierIntvl: 25500n, mcastQueryIntvl: 12500n,
        mcastQueryResponseIntvl: 1000n, mcastStartupQueryIntvl: 3124n,
        nfCallIptables: 0, nfCallIp6tables: 0, nfCallArptables: 0,
      },
    },
  },
  vxlan: {
    file: 'newlink-vxlan.hex',
    keys: [...HEAD, ...MIDDLE, 'linkinfo', ...TAIL],
    header: { family: 0, type: 1, index: 5, flags: 0x1002, change: 0 },
    fields: { ifname: 'vx0', mtu: 1450, address: '02:00:00:00:00:30', headroom: 64 },
    linkinfo: {
      kind: 'vxlan',
      data: {
        // `tos 16` is hexadecimal to ip (0x16); `srcport 1000 2000`, `noudpcsum`, `l2miss`, `maxaddress 50`.
        id: 42, group: '239.1.1.1', link: 2, ttl: 5, ttlInherit: false, tos: 0x16, df: 'unset', label: 0,
        labelPolicy: 'fixed', learning: true, proxy: false, rsc: false, l2miss: true, l3miss: false,
        collectMetadata: false, ageing: 120, limit: 50, port: 4789, udpCsum: false, udpZeroCsum6Tx: false,
        udpZeroCsum6Rx: false, remcsumTx: false, remcsumRx: false, localbypass: true,
        portRange: { low: 1000, high: 2000 },
        reservedBits: Uint8Array.from([0xf7, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff]),
      },
    },
  },
  macvlan: {
    file: 'newlink-macvlan.hex',
    keys: [...HEAD, ...MIDDLE, 'linkinfo', 'link', ...TAIL],
    header: { family: 0, type: 1, index: 6, flags: 0x1002, change: 0 },
    fields: { ifname: 'mv0', link: 2, address: '02:00:00:00:00:40' },
    linkinfo: { kind: 'macvlan', data: { mode: 'private', flags: 0, macaddrCount: 0, bcQueueLen: 1000, bcQueueLenUsed: 1000 } },
  },
  ifb: {
    file: 'newlink-ifb.hex',
    keys: [...HEAD, ...MIDDLE, 'linkinfo', ...TAIL],
    header: { family: 0, type: 1, index: 7, flags: 0x82, change: 0 },
    fields: { ifname: 'i0', txqlen: 32, address: '02:00:00:00:00:50', minMtu: 0, maxMtu: 0 },
    linkinfo: { kind: 'ifb' },
  },
  'tap (ip tuntap)': {
    file: 'newlink-tun.hex',
    keys: [...HEAD, ...MIDDLE, 'linkinfo', ...TAIL],
    header: { family: 0, type: 1, index: 5, flags: 0x1002, change: 0 },
    fields: { ifname: 't0', numTxQueues: 256, address: '02:00:00:00:00:60' },
    linkinfo: {
      kind: 'tun',
      data: { type: 'tap', owner: 1000, group: 1000, pi: false, vnetHdr: false, persist: true, multiQueue: true, numQueues: 0, numDisabledQueues: 0 },
    },
  },
  'bridge port, AF_BRIDGE message': {
    file: 'newlink-bridge-port-afbridge.hex',
    keys: ['ifname', 'master', 'mtu', 'operstate', 'address', 'link', 'brport'],
    header: { family: 7, type: 1, index: 3, flags: 0x1002, change: 0 },
    fields: {
      ifname: 'v0', master: 4, mtu: 1500, address: '02:00:00:00:00:10', link: 2,
      brport: {
        state: 'disabled', priority: 32, cost: 9, mode: false, guard: true, protect: false, fastLeave: false,
        mcastToUcast: false, learning: true, unicastFlood: true, mcastFlood: true, bcastFlood: true, proxyarp: false,
        proxyarpWifi: false, rootId: bridgeIdOf(32768, '02:00:00:00:00:20'), bridgeId: bridgeIdOf(32768, '02:00:00:00:00:20'),
        designatedPort: 32769, designatedCost: 0, id: 32769, no: 1, topologyChangeAck: 0, configPending: 0,
        vlanTunnel: false, groupFwdMask: 0, neighSuppress: false, mrpRingOpen: false, mrpInOpen: false, isolated: false,
        locked: false, mab: false, neighVlanSuppress: false, messageAgeTimer: 0n, forwardDelayTimer: 0n, holdTimer: 0n,
        multicastRouter: 1, mcastEhtHostsLimit: 512, mcastEhtHostsCnt: 0, mcastNGroups: 0, mcastMaxGroups: 0,
      },
    },
    linkinfo: undefined,
  },
};

for (const [name, c] of Object.entries(REPLIES)) {
  test(`golden RTM_NEWLINK (${name}): decode gives the expected fields, nothing unknown`, (t) => {
    const raw = fixture(c.file);
    const body = decodeLinkMessage(raw);
    t.deepEqual(body.header, c.header);
    t.deepEqual(Object.keys(body.attributes), c.keys);
    for (const [k, v] of Object.entries(c.fields)) t.deepEqual((body.attributes as Record<string, unknown>)[k], v, k);
    t.deepEqual(body.attributes.linkinfo, c.linkinfo);
    t.deepEqual(unknowns(body.attributes), []);
    if (c.header.family === 0) {
      const af = body.attributes.afSpec!;
      // DEVCONF_MTU6 (index 2) follows the link MTU; element 0 of the MIB arrays is their length.
      t.is(af.inet6!.conf![2], body.attributes.mtu);
      t.is(af.inet!.conf!.length, 33);
      t.is(af.inet6!.stats![0], BigInt(af.inet6!.stats!.length));
      t.is(af.inet6!.icmp6stats![0], BigInt(af.inet6!.icmp6stats!.length));
      t.is(af.inet6!.token, '::');
      t.is(af.inet6!.addrGenMode, 'eui64');
      t.is(af.inet6!.cacheinfo!.maxReasmLen, 65535);
      t.is(af.inet6!.cacheinfo!.retransTime, 1000);
      t.deepEqual(body.attributes.xdp, { attached: 'none' });
      t.deepEqual(body.attributes.dpllPin, {});
      t.is(body.attributes.maxPacingOffloadHorizon, 0n);
      t.is(body.attributes.stats64!.rxPackets, BigInt(body.attributes.stats!.rxPackets));
    }
  });

  test(`golden RTM_NEWLINK (${name}): encode(decode(raw)) is byte-exact, also into a dirty buffer`, (t) => {
    const raw = fixture(c.file);
    checkReencode(t, raw, encodeLinkBody, decodeLinkMessage(raw));
  });

  test(`golden RTM_NEWLINK (${name}): every truncation is a DecodeError or a shorter decode, never a crash`, (t) => {
    const raw = fixture(c.file);
    checkTruncations(t, raw, decodeLinkMessage, decodeLinkMessage(raw), 32);
  });
}

test('a flipped length inside IFLA_INFO_DATA is a DecodeError naming the path', (t) => {
  const raw = Buffer.from(fixture('newlink-vxlan.hex'));
  // Find IFLA_VXLAN_PORT (type 15, payload 0x12b5) and make its length run past the nest.
  const at = raw.indexOf(Buffer.from([0x06, 0x00, 0x0f, 0x00, 0x12, 0xb5]));
  t.true(at > 0);
  raw.writeUInt16LE(200, at);
  const e = t.throws(() => decodeLinkMessage(raw), { instanceOf: DecodeError });
  t.is(e.path, 'link.linkinfo.data');
  // The lazy view reports the same problem when linkInfo is read, not before.
  const view = linkView(raw, 0, raw.length);
  t.is(view.name, 'vx0');
  t.throws(() => view.linkInfo, { instanceOf: DecodeError });
});

test('the lazy Link view decodes kind data, slave data, addrgenmode and xdp like the full decode', (t) => {
  const port = fixture('newlink-bridge-port.hex');
  const view = linkView(port, 0, port.length);
  t.is(view.kind, 'veth');
  t.is(view.slaveKind, 'bridge');
  t.is(view.addrGenMode, 'eui64');
  t.deepEqual(view.xdp, { attached: 'none' });
  t.deepEqual(view.linkInfo, decodeLinkMessage(port).attributes.linkinfo);
  const slave = linkSlaveData(view.linkInfo, 'bridge');
  t.is(slave?.cost, 7);
  t.is(formatBridgeId(slave!.rootId!), '1000.02:00:00:00:00:20');
  t.is(linkKindData(view.linkInfo, 'bridge'), undefined);
  const vx = fixture('newlink-vxlan.hex');
  const vxView = linkView(vx, 0, vx.length);
  t.is(linkKindData(vxView.linkInfo, 'vxlan')?.port, 4789);
  t.deepEqual(vxView.data, decodeLinkMessage(vx).attributes.linkinfo?.data);
  const af = fixture('newlink-bridge-port-afbridge.hex');
  const afView = linkView(af, 0, af.length);
  t.is(afView.afSpec, undefined);
  t.is(afView.attributes.brport?.guard, true);
});

test('a kind without a table keeps its data raw, and re-encodes it unchanged', (t) => {
  const info = attr(18, attr(1, cstr('team')), attr(2, attr(1, u32(7)), attr(9, [1, 2])));
  const raw = nlmsg(16, 0, 1, 0, Buffer.alloc(16), info);
  const body = decodeLinkMessage(raw);
  t.is(body.attributes.linkinfo?.kind, 'team');
  t.deepEqual(Buffer.from(body.attributes.linkinfo?.data as Uint8Array), Buffer.concat([attr(1, u32(7)), attr(9, [1, 2])]));
  t.deepEqual(reencode(raw, encodeLinkBody, body), raw);
});

test('an attribute a newer kernel adds to a typed kind lands in `unknown` at its place and re-encodes', (t) => {
  // IFLA_MACVLAN_MODE, then a made-up attribute 60, then IFLA_MACVLAN_FLAGS.
  const data = Buffer.concat([attr(1, u32(4)), attr(60, u32(9)), attr(2, [1, 0])]);
  const raw = nlmsg(16, 0, 1, 0, Buffer.alloc(16), attr(18, attr(1, cstr('macvlan')), attr(2, data)));
  const body = decodeLinkMessage(raw);
  const d = linkKindData(body.attributes.linkinfo, 'macvlan')!;
  t.is(d.mode, 'bridge');
  t.is(d.flags, 1);
  t.deepEqual(d.unknown?.map((u) => [u.type, u.index]), [[60, 1]]);
  t.deepEqual(reencode(raw, encodeLinkBody, body), raw);
});

// ---- requests: links.add against iproute2's bytes ----

const RTM_NEWLINK = 16;
const CREATE_FLAGS = 0x1 | 0x4 | 0x200 | 0x400; // REQUEST | ACK | EXCL | CREATE

/** A fake kernel that knows link `v1` as ifindex 3 (as in the capture) and ACKs everything else. */
function fakeKernel(): FakeKernel {
  return ackingKernel((m) => {
    const ifi = Buffer.alloc(16);
    ifi.writeInt32LE(3, 4);
    return nlmsg(RTM_NEWLINK, 0, m.seq, 4242, ifi, attr(3, cstr('v1')));
  });
}

interface RequestCase {
  options: Parameters<Links['add']>[0];
  /**
   * `true`: byte-exact with iproute2 apart from nlmsg_seq and IFLA_INFO_KIND's NUL (iproute2 sends
   * the kind as strlen bytes; the library NUL-terminates it, as the kernel's own messages do). A
   * string: why only the structure is the same.
   */
  exact: true | string;
}

const REQUESTS: Record<string, RequestCase> = {
  dummy: { options: { name: 'd0', kind: 'dummy' }, exact: true },
  bridge: { options: { name: 'br0', kind: 'bridge', data: { stpState: 1, priority: 4096 } }, exact: true },
  vxlan: {
    // The data keys in iproute2's order make the bytes identical.
    options: { name: 'vx0', kind: 'vxlan', data: { link: 'v1', ttl: 9, id: 42, group: '239.1.1.1', learning: false, port: 4789 } },
    exact: true,
  },
  vlan: {
    options: { name: 'vl0', kind: 'vlan', link: 'v1', data: { id: 100, protocol: '802.1ad' } },
    exact: 'iproute2 puts IFLA_LINK before IFLA_IFNAME; the library writes the name first',
  },
  ipvlan: {
    options: { name: 'ipv0', kind: 'ipvlan', link: 'v1', data: { mode: 'l3', flags: 'private' } },
    exact: 'iproute2 puts IFLA_LINK before IFLA_IFNAME',
  },
  macvlan: {
    options: { name: 'mv0', kind: 'macvlan', link: 'v1', data: { mode: 'bridge' } },
    exact: 'iproute2 puts IFLA_LINK before IFLA_IFNAME',
  },
  veth: {
    // fd 4 is the namespace fd iproute2 happened to use for `netns other`.
    options: { name: 've0', kind: 'veth', peer: { name: 've1', netns: 4 } },
    exact: 'inside VETH_INFO_PEER iproute2 puts IFLA_NET_NS_FD before IFLA_IFNAME',
  },
};

for (const [kind, c] of Object.entries(REQUESTS)) {
  test.serial(`golden request: links.add of a ${kind} sends what \`ip link add\` sends`, async (t) => {
    const theirs = fixture(`request-${kind}.hex`);
    const sent = await withLinks(fakeKernel(), async (links, kernel) => {
      await links.add(c.options);
      return kernel.sent.filter((m) => m.type === RTM_NEWLINK);
    });
    t.is(sent.length, 1);
    const ours = sent[0]!;
    // The library adds NLM_F_ECHO: the kernel sends the new link back (links.add resolves to it).
    t.is(ours.flags, CREATE_FLAGS | NLM_F_ECHO);
    t.is(theirs.readUInt16LE(6), CREATE_FLAGS);
    const theirsBody = linkBody.decode(theirs, 16, theirs.length - 16, 'link');
    const oursBody = linkBody.decode(ours.payload, 0, ours.payload.length, 'link');
    t.deepEqual(canonical(oursBody), canonical(theirsBody));
    t.deepEqual(unknowns(theirsBody), []);
    if (c.exact === true) {
      t.notDeepEqual(ours.payload, theirs.subarray(16));
      t.deepEqual(ours.payload, withNulStrings(theirs).subarray(16));
    } else {
      t.notDeepEqual(ours.payload, theirs.subarray(16), `expected to differ: ${c.exact}`);
      t.log(`same structure, different attribute order: ${c.exact}`);
    }
  });
}

test.serial('golden request: the decoded iproute2 requests carry the typed kind options', (t) => {
  const vlan = linkBody.decode(fixture('request-vlan.hex'), 16, fixture('request-vlan.hex').length - 16, 'link');
  t.deepEqual(vlan.attributes.linkinfo, { kind: 'vlan', data: { id: 100, protocol: '802.1ad' } });
  const veth = linkBody.decode(fixture('request-veth.hex'), 16, fixture('request-veth.hex').length - 16, 'link');
  t.deepEqual(veth.attributes.linkinfo, {
    kind: 'veth',
    data: { peer: { header: { family: 0, type: 0, index: 0, flags: 0, change: 0 }, attributes: { netNsFd: 4, ifname: 've1' } } },
  });
});

test.serial('links.set sends kind data with the kind and bridge port options as slave data', async (t) => {
  const sent = await withLinks(fakeKernel(), async (links, kernel) => {
    await links.set('vx0', { kind: 'vxlan', data: { ageing: 60, learning: true, ttlInherit: true } });
    await links.set('v0', { slaveData: { cost: 7, learning: false, backupPort: 'v1' } });
    return kernel.sent.filter((m) => m.type === RTM_NEWLINK);
  });
  t.is(sent.length, 2);
  // TTL_INHERIT travels as a flag in requests (the kernel refuses a u8 there).
  t.deepEqual(sent[0]!.payload, Buffer.concat([
    Buffer.alloc(16), attr(3, cstr('vx0')),
    attr(18, attr(1, cstr('vxlan')), attr(2, attr(8, u32(60)), attr(7, [1]), attr(28))),
  ]));
  const vx = linkBody.decode(sent[0]!.payload, 0, sent[0]!.payload.length, 'link');
  t.deepEqual(vx.attributes.linkinfo, { kind: 'vxlan', data: { ageing: 60, learning: true, ttlInherit: true } });
  const port = linkBody.decode(sent[1]!.payload, 0, sent[1]!.payload.length, 'link');
  t.deepEqual(port.attributes.linkinfo, { slaveKind: 'bridge', slaveData: { cost: 7, learning: false, backupPort: 3 } });
});

test.serial('bad kind options are ValidationErrors naming data.<field>, and nothing is sent', async (t) => {
  await withLinks(fakeKernel(), async (links, kernel) => {
    const cases: Array<[Parameters<Links['add']>[0], RegExp]> = [
      [{ name: 'x0', kind: 'vxlan', data: { id: 1 << 24 } }, /^data\.id: /],
      [{ name: 'x0', kind: 'ifb', data: { ttl: 5 } } as never, /^data\.ttl: unknown option \(ifb takes no options\)/],
      [{ name: 'x0', kind: 'vxlan', data: { group: 'fe80::1' } }, /^data\.group: .*IPv4/],
      [{ name: 'x0', kind: 'vxlan', data: { link: 'bad/name' } }, /^data\.link: /],
      [{ name: 'x0', kind: 'vxlan', data: { portRange: { low: 1, high: 70000 } } }, /^data\.portRange\.high: /],
      [{ name: 'x0', kind: 'macvlan', data: { mode: 'nonsense' as never } }, /^data\.mode: one of private, vepa, bridge, passthru, source/],
      [{ name: 'x0', kind: 'ipvlan', data: { mode: 'l4' as never } }, /^data\.mode: /],
      [{ name: 'x0', kind: 'vlan', data: { id: 4095 } }, /^data\.id: /],
      [{ name: 'x0', kind: 'vlan', data: { protocol: '802.1x' as never } }, /^data\.protocol: /],
      [{ name: 'x0', kind: 'bridge', data: { rootId: { priority: 1, address: '02:00:00:00:00:01' } } as never }, /^data\.rootId: read-only/],
      [{ name: 'x0', kind: 'bridge', data: { stpstate: 1 } as never }, /^data\.stpstate: unknown option/],
      [{ name: 'x0', kind: 'bridge', data: { groupAddr: '01:80:c2' } }, /^data\.groupAddr: /],
      [{ name: 'x0', kind: 'bridge', data: { mcastQueryIntvl: -1 } }, /^data\.mcastQueryIntvl: /],
      [{ name: 'x0', kind: 'veth', data: { peer: {} } as never }, /^data: give the veth peer/],
      [{ name: 'x0', kind: 'dummy', data: { x: 1 } as never }, /^data\.x: unknown option/],
      [{ name: 'x0', kind: 'team', data: { x: 1 } as never }, /^data: kind team has no typed options/],
      [{ name: 'x0', kind: 'wireguard', data: { x: 1 } as never }, /^data\.x: unknown option/],
      [{ name: 'x0', kind: 'bond', data: { mode: 'constructor' as never } }, /^data\.mode: /],
      [{ name: 'x0', kind: 'bond', data: { adInfo: {} } as never }, /^data\.adInfo: read-only/],
      [{ name: 'x0', kind: 'geneve', data: { id: 0x1000000 } }, /^data\.id: /],
      [{ name: 'x0', kind: 'gre', data: { remote: '2001:db8::1' } }, /^data\.remote: /],
      [{ name: 'x0', kind: 'ip6gre', data: { remote: '10.0.0.1' } }, /^data\.remote: /],
      [{ name: 'x0', kind: 'bridge', data: Uint8Array.of(1) as never }, /^data: give bridge options as an object/],
      [{ name: 'x0', kind: 'veth', peer: { up: true, netns: 4 } }, /^peer\.up: a peer in another namespace/],
    ];
    for (const [options, message] of cases) {
      await t.throwsAsync(links.add(options), { instanceOf: ValidationError, message }, JSON.stringify(options));
    }
    await t.throwsAsync(links.set('x0', { kind: 'vxlan', data: { id: -1 } }), { instanceOf: ValidationError, message: /^data\.id: / });
    await t.throwsAsync(links.set('x0', { kind: 'vxlan' }), { instanceOf: ValidationError, message: /^kind: / });
    await t.throwsAsync(links.set('x0', { slaveData: { state: 'sleeping' as never } }), { instanceOf: ValidationError, message: /^slaveData\.state: / });
    await t.throwsAsync(links.set('x0', { slaveData: { rootId: {} } as never }), { instanceOf: ValidationError, message: /^slaveData\.rootId: read-only/ });
    t.deepEqual(kernel.sent, []);
  });
});

test.serial('raw bytes are sent as the data of a kind without a table', async (t) => {
  const sent = await withLinks(fakeKernel(), async (links, kernel) => {
    await links.add({ name: 'tm0', kind: 'team', data: Uint8Array.from(attr(1, u32(5))) });
    return kernel.sent;
  });
  const body = linkBody.decode(sent[0]!.payload, 0, sent[0]!.payload.length, 'link');
  t.deepEqual(canonical(body.attributes.linkinfo), canonical({ kind: 'team', data: attr(1, u32(5)) }));
});

test('the option and data types are checked at compile time (tsc fails when a @ts-expect-error line compiles)', (t) => {
  // Never called: only the compiler looks at these.
  const typed = (links: Links, info: LinkInfo): unknown[] => [
    links.add({ name: 'b', kind: 'bridge', data: { stpState: 1, vlanFiltering: 1, mcastQueryIntvl: 100n } }),
    links.add({ name: 'v', kind: 'vxlan', data: { id: 42, port: 4789, group: '239.1.1.1', link: 3, learning: false } }),
    links.add({ name: 'm', kind: 'macvlan', link: 'eth0', data: { mode: 'bridge' } }),
    links.add({ name: 'i', kind: 'ipvlan', link: 'eth0', data: { mode: 'l3s', flags: 'vepa' } }),
    links.add({ name: 'l', kind: 'vlan', link: 'eth0', data: { id: 5, protocol: '802.1Q' } }),
    links.add({ name: 'w', kind: 'wireguard' }),
    // @ts-expect-error an unknown bridge option
    links.add({ name: 'b', kind: 'bridge', data: { stpstate: 1 } }),
    // @ts-expect-error a read-only bridge field
    links.add({ name: 'b', kind: 'bridge', data: { rootPort: 1 } }),
    // @ts-expect-error a macvlan mode that does not exist
    links.add({ name: 'm', kind: 'macvlan', data: { mode: 'nonsense' } }),
    // @ts-expect-error a VNI must be a number
    links.add({ name: 'v', kind: 'vxlan', data: { id: '42' } }),
    // @ts-expect-error only a veth has a peer
    links.add({ name: 'b', kind: 'bridge', peer: { name: 'x' } }),
    // @ts-expect-error typed options for a kind without a table
    links.add({ name: 'w', kind: 'wireguard', data: { listenPort: 1 } }),
    links.add({ name: 'b', kind: 'bond', data: { mode: '802.3ad', arpIpTarget: ['1.1.1.1'], primary: 'eth0' } }),
    // @ts-expect-error a bond mode that does not exist
    links.add({ name: 'b', kind: 'bond', data: { mode: 'fastest' } }),
    links.add({ name: 'g', kind: 'gretap', data: { remote: '10.0.0.1', ikey: 5, link: 'eth0' } }),
    links.add({ name: 'g', kind: 'geneve', data: { id: 5, remote6: '2001:db8::1', df: 'inherit' } }),
    links.add({ name: 'v', kind: 'vrf', data: { table: 10 } }),
    links.set('p', { slaveKind: 'bond', slaveData: { queueId: 5, prio: 2 } }),
    // @ts-expect-error a bond port's state is read-only
    links.set('p', { slaveKind: 'bond', slaveData: { state: 'ACTIVE' } }),
    linkKindData(info, 'bond')?.mode satisfies string | number | undefined,
    linkSlaveData(info, 'bond')?.queueId satisfies number | undefined,
    links.set('p', { slaveData: { cost: 1, learning: false, backupPort: 'eth1' } }),
    // @ts-expect-error bridge port learning is a boolean
    links.set('p', { slaveData: { learning: 0 } }),
    linkKindData(info, 'vxlan')?.port satisfies number | undefined,
    linkKindData(info, 'macvlan')?.mode satisfies 'private' | 'vepa' | 'bridge' | 'passthru' | 'source' | number | undefined,
    linkSlaveData(info, 'bridge')?.state satisfies string | number | undefined,
  ];
  t.is(typeof typed, 'function');
});

test('the view\'s getters read the attributes the schema decodes, for every captured link (two readers, one answer)', (t) => {
  const files = ['newlink-lo.hex', 'newlink-veth.hex', 'newlink-bridge-port.hex', 'newlink-bridge-port-afbridge.hex', 'newlink-bridge.hex',
    'newlink-ifb.hex', 'newlink-macvlan.hex', 'newlink-tun.hex', 'newlink-vxlan.hex'];
  let compared = 0;
  for (const file of files) {
    const buf = fixture(file);
    const view = linkView(buf, 0, buf.length);
    const a = decodeLinkMessage(buf).attributes as Record<string, unknown>;
    const pairs: Array<[string, unknown, unknown]> = [
      ['mtu', view.mtu, a.mtu], ['minMtu', view.minMtu, a.minMtu], ['maxMtu', view.maxMtu, a.maxMtu],
      ['mac', view.mac, a.address], ['broadcast', view.broadcast, a.broadcast], ['permAddress', view.permAddress, a.permAddress],
      ['linkmode', view.toObject().linkmode, a.linkmode], ['master', view.master, a.master], ['link', view.link, a.link],
      ['txqlen', view.txqlen, a.txqlen], ['qdisc', view.qdisc, a.qdisc], ['group', view.toObject().group, a.group],
      ['carrierChanges', view.carrierChanges, a.carrierChanges], ['numTxQueues', view.numTxQueues, a.numTxQueues],
      ['numRxQueues', view.numRxQueues, a.numRxQueues], ['linkNetnsId', view.linkNetnsId, a.linkNetnsid],
      ['parentDevName', view.parentDevName, a.parentDevName],
      ['altNames', view.altNames, (a.propList as { altIfnames?: string[] } | undefined)?.altIfnames ?? []],
    ];
    for (const [name, got, want] of pairs) {
      t.deepEqual(got, want, `${file}: ${name}`);
      if (want !== undefined) compared++;
    }
    t.deepEqual(view.afSpec, a.afSpec, `${file}: afSpec`);
  }
  t.true(compared > 100, `${compared} present fields compared`);
});

/** toObject()'s keys in their documented order, each with the getter whose value it must carry. */
const OBJECT_FIELDS = ['ifindex', 'name', 'flags', 'linkType', 'operstate', 'altNames', 'kind', 'mtu', 'minMtu', 'maxMtu', 'mac',
  'broadcast', 'permAddress', 'linkmode', 'qdisc', 'master', 'link', 'linkNetnsId', 'txqlen', 'group', 'promiscuity', 'allmulti',
  'carrier', 'carrierChanges', 'numTxQueues', 'numRxQueues', 'alias', 'parentDevName', 'linkInfo', 'addrGenMode', 'stats'] as const;

/** The object toObject() must give for `view`: every getter's value in order, absent ones left out. */
function fromGetters(view: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const k of OBJECT_FIELDS) if (view[k] !== undefined) o[k] = view[k];
  return o;
}

test('toObject() carries each getter\'s value under its name, in the documented order, for every captured link and one with every optional field', (t) => {
  const files = ['newlink-lo.hex', 'newlink-veth.hex', 'newlink-bridge-port.hex', 'newlink-bridge-port-afbridge.hex', 'newlink-bridge.hex',
    'newlink-ifb.hex', 'newlink-macvlan.hex', 'newlink-tun.hex', 'newlink-vxlan.hex'];
  const extra = Buffer.concat([
    attr(54 /* IFLA_PERM_ADDRESS */, [2, 0, 0, 0, 0, 0x99]),
    attr(52 | 0x8000 /* IFLA_PROP_LIST, nested */, attr(53 /* IFLA_ALT_IFNAME */, cstr('alt'))),
    attr(37 /* IFLA_LINK_NETNSID */, s32(-3)),
    attr(56 /* IFLA_PARENT_DEV_NAME */, cstr('0000:00:1f.6')),
    attr(20 /* IFLA_IFALIAS */, cstr('uplink')),
  ]);
  const everything = Buffer.concat([fixture('newlink-bridge-port.hex'), extra]);
  everything.writeUInt32LE(everything.length, 0);
  const views = [...files.map((f) => [f, fixture(f)] as const), ['bridge port with every optional field', everything] as const];
  for (const [name, buf] of views) {
    const view = linkView(buf, 0, buf.length);
    const want = fromGetters(view as unknown as Record<string, unknown>);
    // Read after another view's attributes were indexed, and twice: the shared index must be this view's each time.
    linkView(fixture('newlink-lo.hex'), 0, fixture('newlink-lo.hex').length).toObject();
    const got = view.toObject() as unknown as Record<string, unknown>;
    t.deepEqual(Object.keys(got), Object.keys(want), `${name}: keys`);
    t.deepEqual(got, want, name);
    t.deepEqual(view.toObject(), got, `${name}: again`);
  }
  const all = linkView(everything, 0, everything.length).toObject();
  t.like(all, { permAddress: '02:00:00:00:00:99', altNames: ['alt'], linkNetnsId: -3, parentDevName: '0000:00:1f.6', alias: 'uplink' });
  t.is(typeof all.master, 'number');
});

test('toObject() of a link whose attributes are cut short is a DecodeError, whichever field the cut falls in; the getters before the cut still read', (t) => {
  const buf = fixture('newlink-veth.hex');
  // A last attribute claiming more bytes than the message has.
  const bad = Buffer.concat([buf, attr(4 /* IFLA_MTU */, u32(1))]);
  bad.writeUInt32LE(bad.length, 0);
  bad.writeUInt16LE(64, bad.length - 8);
  const view = linkView(bad, 0, bad.length);
  t.is(view.name, linkView(buf, 0, buf.length).name);
  t.throws(() => view.toObject(), { instanceOf: DecodeError });
  t.throws(() => view.toJSON(), { instanceOf: DecodeError });
  // A length field below the header's 4 bytes, as the first attribute: nothing can be read.
  const head = Buffer.from(buf.subarray(0, 32 + 4));
  head.writeUInt32LE(head.length, 0);
  head.writeUInt16LE(2, 32);
  t.throws(() => linkView(head, 0, head.length).toObject(), { instanceOf: DecodeError });
});

test('the view reads IFLA_PERM_ADDRESS, the alternative names, IFLA_LINK_NETNSID and IFLA_PARENT_DEV_NAME where the schema does', (t) => {
  // No captured link carries these: the veth capture with them appended (values written here).
  const base = fixture('newlink-veth.hex');
  const extra = Buffer.concat([
    attr(54 /* IFLA_PERM_ADDRESS */, [2, 0, 0, 0, 0, 0x99]),
    attr(52 | 0x8000 /* IFLA_PROP_LIST, nested */, attr(53 /* IFLA_ALT_IFNAME */, cstr('first-alt-name')), attr(53, cstr('second'))),
    attr(37 /* IFLA_LINK_NETNSID */, s32(4)),
    attr(56 /* IFLA_PARENT_DEV_NAME */, cstr('0000:00:1f.6')),
  ]);
  const buf = Buffer.concat([base, extra]);
  buf.writeUInt32LE(buf.length, 0);
  // And as many receive queues as no transmit count: the two getters must not read each other's.
  const rx = findAttr(buf, 32, buf.length, 32 /* IFLA_NUM_RX_QUEUES */);
  buf.writeUInt32LE(7, rx);
  const view = linkView(buf, 0, buf.length);
  t.not(view.numTxQueues, 7);
  t.is(view.numRxQueues, 7);
  t.is(view.permAddress, '02:00:00:00:00:99');
  t.deepEqual(view.altNames, ['first-alt-name', 'second']);
  t.is(view.linkNetnsId, 4);
  t.is(view.parentDevName, '0000:00:1f.6');
  t.like(view.toObject(), { numRxQueues: 7, permAddress: '02:00:00:00:00:99', altNames: ['first-alt-name', 'second'], linkNetnsId: 4, parentDevName: '0000:00:1f.6' });
  const a = decodeLinkMessage(buf).attributes as Record<string, unknown>;
  t.is(a.permAddress, view.permAddress);
  t.is(a.linkNetnsid, view.linkNetnsId);
  t.is(a.parentDevName, view.parentDevName);
});
