// The one link encoder on iproute2's requests (spec/fixtures/link/request-*.hex for `ip link add`,
// req-*.hex for `ip link show/set/del`, each with its provenance): request.ts builds the same
// request from the same inputs, writeLinkRequest writes it with the codec that decodes replies, and
// the bytes are iproute2's — or, where the library deliberately differs (attribute order, the
// ifi_family of a GET), the decoded structure is.
import test from 'ava';
import { decodeLinkMessage, encodeLinkBody, linkBody } from '../../../../lib/netlink/rtnl/link/codec.js';
import * as C from '../../../../lib/netlink/rtnl/link/constants.js';
import { checkAdd, checkList, checkSet } from '../../../../lib/netlink/rtnl/link/options.js';
import {
  addRequest, altNameRequest, delRequest, dumpRequest, getRequest, setRequest, writeGetRequest, writeLinkRequest, type AddResolved,
  type LinkRequest, type SetResolved,
} from '../../../../lib/netlink/rtnl/link/request.js';
import { NlWriter } from '../../../../lib/netlink/core/writer.js';
import { checkReencode, reencode } from '../../../helpers/golden.js';
import { canonical, fixture, unknowns, withNulStrings } from './fixtures.js';

/** In the captures, `v1` is ifindex 3 (request-*.hex) and br0 4 (req-*.hex); fd 4 was ip's namespace fd. */
const V1 = 3;

const NOTHING: AddResolved = { master: undefined, link: undefined, netNsFd: undefined, peerNetNsFd: undefined, data: undefined };

/** The request of `links.add(options)` with references resolved as in the capture. */
function add(options: unknown, resolved: Partial<AddResolved> = {}): LinkRequest {
  const c = checkAdd(options);
  return addRequest(c, { ...NOTHING, data: c.data?.payload(c.data.refs.map(() => V1)), ...resolved });
}

/** The request of `links.set(3, changes)`, the link named by ifindex as iproute2 names it. */
function set(changes: unknown, resolved: Partial<SetResolved> = {}): LinkRequest {
  const c = checkSet(3, changes);
  return setRequest(c, {
    ref: 3, master: c.settings.master === null ? 0 : c.settings.master as number | undefined, netNsFd: undefined,
    kind: undefined, data: undefined, slaveData: undefined, ...resolved,
  });
}

interface Golden {
  file: string;
  ours: () => LinkRequest;
  /**
   * `bytes`: byte-exact with iproute2 apart from nlmsg_seq (and the NUL after IFLA_INFO_KIND and
   * IFLA_IFALIAS, which the library writes as the kernel's own messages do). `structure`: the same header and attributes in
   * another order. `attributes`: the same attributes, another ifinfomsg. The string says why.
   */
  expect: 'bytes' | ['structure' | 'attributes', string];
}

const GOLDENS: Golden[] = [
  { file: 'request-dummy.hex', ours: () => add({ name: 'd0', kind: 'dummy' }), expect: 'bytes' },
  { file: 'request-bridge.hex', ours: () => add({ name: 'br0', kind: 'bridge', data: { stpState: 1, priority: 4096 } }), expect: 'bytes' },
  {
    file: 'request-vxlan.hex',
    ours: () => add({ name: 'vx0', kind: 'vxlan', data: { link: 'v1', ttl: 9, id: 42, group: '239.1.1.1', learning: false, port: 4789 } }),
    expect: 'bytes',
  },
  {
    file: 'request-vlan.hex',
    ours: () => add({ name: 'vl0', kind: 'vlan', link: V1, data: { id: 100, protocol: '802.1ad' } }, { link: V1 }),
    expect: ['structure', 'iproute2 puts IFLA_LINK before IFLA_IFNAME'],
  },
  {
    file: 'request-ipvlan.hex',
    ours: () => add({ name: 'ipv0', kind: 'ipvlan', link: V1, data: { mode: 'l3', flags: 'private' } }, { link: V1 }),
    expect: ['structure', 'iproute2 puts IFLA_LINK before IFLA_IFNAME'],
  },
  {
    file: 'request-macvlan.hex',
    ours: () => add({ name: 'mv0', kind: 'macvlan', link: V1, data: { mode: 'bridge' } }, { link: V1 }),
    expect: ['structure', 'iproute2 puts IFLA_LINK before IFLA_IFNAME'],
  },
  {
    file: 'request-veth.hex',
    ours: () => add({ name: 've0', kind: 'veth', peer: { name: 've1', netns: 4 } }, { peerNetNsFd: 4 }),
    expect: ['structure', 'inside VETH_INFO_PEER iproute2 puts IFLA_NET_NS_FD before IFLA_IFNAME'],
  },
  // Kinds this machine's kernel cannot create (spec/fixtures/link/capture-kinds.sh): ip sent them anyway.
  {
    file: 'request-geneve.hex',
    ours: () => add({ name: 'gnv0', kind: 'geneve', data: { df: 'set', id: 42, remote: '10.1.0.2', label: 0, ttl: 9, tos: 0x10, port: 6082, udpCsum: true } }),
    expect: 'bytes',
  },
  {
    file: 'request-geneve6.hex',
    ours: () => add({
      name: 'gnv1', kind: 'geneve',
      data: { id: 5, remote6: '2001:db8::2', label: 0x12345, ttl: 0, tos: 0, udpZeroCsum6Tx: true, udpZeroCsum6Rx: true },
    }),
    expect: 'bytes',
  },
  {
    file: 'request-geneve-external.hex',
    ours: () => add({ name: 'gnv2', kind: 'geneve', data: { id: 0, label: 0, ttl: 0, tos: 0, collectMetadata: true } }),
    expect: 'bytes',
  },
  {
    file: 'request-gre.hex',
    ours: () => add({
      name: 'gre1', kind: 'gre',
      data: {
        ikey: 42, okey: 43, iflags: 0xb000, oflags: 0xb000, local: '10.1.0.1', remote: '10.1.0.2', pmtudisc: true, tos: 0x10, link: 'v1',
        ttl: 64, fwmark: 0, encapType: 'none', encapFlags: 0, encapSport: 0, encapDport: 0,
      },
    }),
    expect: 'bytes',
  },
  {
    // The keys' GRE_KEY flags are implied, as ip's `key` implies them.
    file: 'request-gretap.hex',
    ours: () => add({
      name: 'gt0', kind: 'gretap',
      data: {
        ikey: 0x101, okey: 0x101, local: '127.0.0.1', remote: '127.0.0.1', pmtudisc: true, tos: 0, ttl: 0, fwmark: 0,
        encapType: 'none', encapFlags: 0, encapSport: 0, encapDport: 0,
      },
    }),
    expect: ['structure', 'the implied IFLA_GRE_IFLAGS / OFLAGS come after the other options, iproute2 puts them after the keys'],
  },
  { file: 'request-gretap-external.hex', ours: () => add({ name: 'gt1', kind: 'gretap', data: { collectMetadata: true } }), expect: 'bytes' },
  {
    file: 'request-ip6gretap.hex',
    ours: () => add({
      name: 'gt6', kind: 'ip6gretap',
      data: {
        ikey: 5, okey: 5, iflags: 0x2000, oflags: 0x2000, local: '2001:db8::1', remote: '2001:db8::2', ttl: 9, encapLimit: 4, flowinfo: 5,
        flags: 1, fwmark: 0, erspanVer: 1, encapType: 'none', encapFlags: 2, encapSport: 0, encapDport: 0,
      },
    }),
    expect: 'bytes',
  },
  {
    file: 'request-bond.hex',
    ours: () => add({
      name: 'b0', kind: 'bond',
      data: {
        mode: '802.3ad', miimon: 100, updelay: 200, downdelay: 200, adLacpRate: 'fast', xmitHashPolicy: 'layer3+4', adSelect: 'bandwidth',
        adActorSysPrio: 1, adUserPortKey: 1, adActorSystem: '06:aa:bb:cc:dd:ee', minLinks: 1,
      },
    }),
    expect: 'bytes',
  },
  {
    file: 'request-bond-arp.hex',
    ours: () => add({
      name: 'b1', kind: 'bond',
      data: {
        mode: 'active-backup', arpInterval: 100, arpIpTarget: ['1.1.1.1', '1.1.1.2'], arpValidate: 'all', primaryReselect: 'better',
        failOverMac: 'active', numPeerNotif: 3, tlbDynamicLb: true,
      },
    }),
    expect: 'bytes',
  },
  { file: 'request-vrf.hex', ours: () => add({ name: 'vrf0', kind: 'vrf', data: { table: 10 } }), expect: 'bytes' },
  { file: 'request-wireguard.hex', ours: () => add({ name: 'wg0', kind: 'wireguard' }), expect: 'bytes' },
  {
    file: 'req-get-index.hex',
    ours: () => getRequest('v1', C.RTEXT_FILTER_VF | C.RTEXT_FILTER_SKIP_STATS),
    expect: ['structure', 'iproute2 puts IFLA_EXT_MASK before IFLA_IFNAME'],
  },
  {
    file: 'req-get.hex',
    ours: () => getRequest('v1', C.RTEXT_FILTER_VF),
    expect: ['attributes', '`ip link show` sends ifi_family AF_PACKET, the library AF_UNSPEC (the kernel ignores it)'],
  },
  { file: 'req-dump.hex', ours: () => dumpRequest(checkList({}), undefined), expect: ['attributes', 'ifi_family AF_PACKET'] },
  { file: 'req-dump-master.hex', ours: () => dumpRequest(checkList({ master: 4 }), 4), expect: ['attributes', 'ifi_family AF_PACKET'] },
  { file: 'req-dump-kind.hex', ours: () => dumpRequest(checkList({ kind: 'bridge' }), undefined), expect: ['attributes', 'ifi_family AF_PACKET'] },
  { file: 'req-set-mtu-up.hex', ours: () => set({ mtu: 1400, up: true }), expect: 'bytes' },
  {
    file: 'req-set.hex',
    ours: () => set({ mtu: 1400, mac: '02:00:00:00:00:01', alias: 'hello', txqlen: 7, group: 5, up: true }),
    expect: ['structure', 'iproute2 puts IFLA_IFALIAS before IFLA_TXQLEN and IFLA_GROUP'],
  },
  { file: 'req-set-master.hex', ours: () => set({ master: 4 }, { master: 4 }), expect: 'bytes' },
  { file: 'req-set-nomaster.hex', ours: () => set({ master: null }), expect: 'bytes' },
  { file: 'req-set-down.hex', ours: () => set({ up: false }), expect: 'bytes' },
  { file: 'req-set-name.hex', ours: () => set({ name: 'v9' }), expect: 'bytes' },
  { file: 'req-set-gso.hex', ours: () => set({ gsoMaxSize: 30000, gsoMaxSegs: 100, groMaxSize: 40000 }), expect: 'bytes' },
  { file: 'req-set-addrgenmode.hex', ours: () => set({ addrGenMode: 'none' }), expect: 'bytes' },
  { file: 'req-altname-add.hex', ours: () => altNameRequest(3, ['v0-alternative-name']), expect: 'bytes' },
  { file: 'req-altname-del.hex', ours: () => altNameRequest(3, ['v0-alternative-name']), expect: 'bytes' },
  { file: 'req-set-switches.hex', ours: () => set({ promisc: true, allmulticast: true, arp: false, multicast: false }), expect: 'bytes' },
  {
    file: 'req-add-veth-options.hex',
    ours: () => add({
      name: 'a0', kind: 'veth', index: 50, numTxQueues: 3, numRxQueues: 2, promisc: true, arp: false,
      peer: {
        name: 'b0', index: 60, numTxQueues: 4, numRxQueues: 5, txqlen: 9, mtu: 1300, mac: '02:00:00:00:00:0b',
        broadcast: '02:ff:ff:ff:ff:ff', group: 6, promisc: true, allmulticast: true, multicast: false, arp: false,
      },
    }),
    expect: ['structure', 'iproute2 puts IFLA_NUM_TX_QUEUES / IFLA_NUM_RX_QUEUES first, and IFLA_IFNAME last in the peer'],
  },
  { file: 'req-del.hex', ours: () => delRequest(3), expect: 'bytes' },
];

for (const g of GOLDENS) {
  test(`golden request ${g.file}: the one encoder writes what iproute2 sent`, (t) => {
    const theirs = withNulStrings(fixture(g.file));
    const ours = reencode(theirs, writeLinkRequest, g.ours());
    if (g.expect === 'bytes') {
      checkReencode(t, theirs, writeLinkRequest, g.ours());
      return;
    }
    const [same, why] = g.expect;
    t.notDeepEqual(ours, theirs, `expected to differ: ${why}`);
    const theirsBody = decodeLinkMessage(theirs);
    const oursBody = decodeLinkMessage(ours);
    t.deepEqual(unknowns(theirsBody), []);
    t.deepEqual(canonical(oursBody.attributes), canonical(theirsBody.attributes));
    if (same === 'structure') t.deepEqual(oursBody.header, theirsBody.header);
    else t.notDeepEqual(oursBody.header, theirsBody.header);
    t.log(`same ${same}: ${why}`);
  });

  test(`golden request ${g.file}: iproute2's bytes decode and re-encode unchanged through the same codec`, (t) => {
    const theirs = withNulStrings(fixture(g.file));
    checkReencode(t, theirs, encodeLinkBody, decodeLinkMessage(theirs));
  });
}

test('a veth peer is a link body inside VETH_INFO_PEER, written by the link body codec', (t) => {
  const w = new NlWriter();
  writeLinkRequest(w, add({ name: 've0', kind: 'veth', peer: { name: 've1', netns: 4, mtu: 9000, up: false } }, { peerNetNsFd: 4 }));
  const body = linkBody.decode(w.bytes(), 0, w.length, 'link');
  t.deepEqual(body.attributes.linkinfo, {
    kind: 'veth',
    data: { peer: { header: { family: 0, type: 0, index: 0, flags: 0, change: C.IFF_UP }, attributes: { ifname: 've1', mtu: 9000, netNsFd: 4 } } },
  });
});

test('the GET hot path writes exactly what the one encoder writes, into clean and dirty buffers', (t) => {
  const refs = ['v1', 'eth0', 'a-15-byte-name0', 'ünï', 'x', 1, 3, 0x7fffffff];
  const masks = [0, C.RTEXT_FILTER_VF, C.RTEXT_FILTER_SKIP_STATS, C.RTEXT_FILTER_VF | C.RTEXT_FILTER_SKIP_STATS];
  const dirty = new NlWriter(64);
  for (const ref of refs) {
    for (const mask of masks) {
      const generic = new NlWriter(64);
      writeLinkRequest(generic, getRequest(ref, mask));
      dirty.reset();
      dirty.buf.fill(0xa5);
      writeGetRequest(dirty, ref, mask);
      t.deepEqual(Buffer.from(dirty.bytes()), Buffer.from(generic.bytes()), `${String(ref)} / ${mask}`);
    }
  }
  // And against iproute2's name lookup, structure for structure.
  const theirs = fixture('req-get-index.hex');
  const w = new NlWriter();
  const start = w.beginMessage(18, 1, 0);
  writeGetRequest(w, 'v1', C.RTEXT_FILTER_VF | C.RTEXT_FILTER_SKIP_STATS);
  w.endMessage(start);
  t.deepEqual(canonical(decodeLinkMessage(Buffer.from(w.bytes()))), canonical(decodeLinkMessage(theirs)));
});

test('every request has one shape: every attribute field present, absent ones undefined', (t) => {
  const shapes = new Set([
    add({ name: 'b0', kind: 'bridge' }), add({ name: 'v0', kind: 'veth', peer: {} }), set({ mtu: 1400 }), delRequest('x'),
    getRequest(1, 0), dumpRequest(checkList({ kind: 'veth' }), 2),
  ].map((r) => Object.keys(r.attributes).join(',')));
  t.is(shapes.size, 1);
});
