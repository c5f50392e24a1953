// The nexthop codec and view on the kernel's own messages (spec/fixtures/nexthop/nh-*.hex, each
// with its provenance): every reply decodes to what `ip -j -d nexthop` printed when it was
// captured, re-encodes byte for byte, and fails cleanly when cut anywhere. No privileges needed.
import test from 'ava';
import { NlWriter } from '../../../../lib/netlink/core/writer.js';
import { decodeNexthopMessage, encodeNexthopBody, nexthopGroup } from '../../../../lib/netlink/rtnl/nexthop/codec.js';
import { nexthopView } from '../../../../lib/netlink/rtnl/nexthop/view.js';
import { routeView } from '../../../../lib/netlink/rtnl/route/view.js';
import { checkRoute } from '../../../../lib/netlink/rtnl/route/validate.js';
import { attr, u32, u64 } from '../../../helpers/bytes.js';
import { checkReencode, checkTruncations } from '../../../helpers/golden.js';
import { fixture } from './fixtures.js';

/** What the view shows of each capture (as ip -j -d nexthop showed it; d0 is ifindex 3, vx0 4). */
const REPLIES: Record<string, object> = {
  'nh-gateway.hex': { id: 1, family: 4, gateway: '10.1.0.5', oif: 3, scope: 'link', protocol: 'unspec', flags: [] },
  'nh-blackhole.hex': { id: 2, family: 4, blackhole: true, scope: 'global', protocol: 'unspec', flags: [] },
  'nh-gateway6.hex': { id: 3, family: 6, gateway: '2001:db8::2', oif: 3, scope: 'link', protocol: 'unspec', flags: [] },
  'nh-dev.hex': { id: 4, family: 4, oif: 3, scope: 'host', protocol: 'unspec', flags: [] },
  'nh-onlink-proto.hex': { id: 5, family: 4, gateway: '10.9.0.1', oif: 3, scope: 'link', protocol: 'static', flags: ['onlink'] },
  'nh-fdb.hex': { id: 6, family: 4, gateway: '10.1.0.9', fdb: true, scope: 'link', protocol: 'unspec', flags: [] },
  'nh-encap-ip.hex': {
    id: 7, family: 4, oif: 4, encapType: 'ip', scope: 'host', protocol: 'unspec', flags: [],
    encap: { id: 5n, dst: '10.1.0.9', src: '0.0.0.0', tos: 0, ttl: 0, flags: 0, opts: undefined },
  },
  'nh-group.hex': { id: 10, group: [{ id: 1, weight: 3 }, { id: 4, weight: 2 }], type: 'mpath', scope: 'global', protocol: 'unspec', flags: [] },
  'nh-resilient.hex': {
    id: 11, group: [{ id: 1, weight: 1 }, { id: 4, weight: 1 }], type: 'resilient', scope: 'global', protocol: 'unspec', flags: [],
    resilientArgs: { buckets: 8, idleTimer: 10, unbalancedTimer: 20, unbalancedTime: 0 },
  },
  'nh-group-fdb.hex': { id: 12, group: [{ id: 6, weight: 1 }], type: 'mpath', fdb: true, scope: 'global', protocol: 'unspec', flags: [] },
};

/** The view's fields without the undefined ones (and encap's undefined members). */
function shown(o: object): object {
  return JSON.parse(JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))) as object;
}

for (const [file, expected] of Object.entries(REPLIES)) {
  test(`${file}: the view reads what ip printed`, (t) => {
    const raw = fixture(file);
    t.deepEqual(shown(nexthopView(raw, 0, raw.length).toObject()), shown({ blackhole: false, fdb: false, ...expected }));
  });

  test(`${file}: decodes completely and re-encodes byte for byte, into clean and dirty buffers`, (t) => {
    const raw = fixture(file);
    const body = decodeNexthopMessage(raw);
    t.is(body.attributes.unknown, undefined, 'no attribute unknown to the codec');
    checkReencode(t, raw, encodeNexthopBody, body);
    t.deepEqual(nexthopView(raw, 0, raw.length).attributes, body.attributes);
  });

  test(`${file}: cut anywhere, it is a DecodeError or a valid shorter message`, (t) => {
    const raw = fixture(file);
    checkTruncations(t, raw, (b) => decodeNexthopMessage(b), decodeNexthopMessage(raw), 24);
  });
}

test('the kernel reports NHA_OP_FLAGS bit 31 with groups (their reserved bytes are defined): decoded, not unknown', (t) => {
  const body = decodeNexthopMessage(fixture('nh-group.hex'));
  t.is(body.attributes.opFlags, 0x80000000);
});

test('group weights: (weight_high << 8 | weight) + 1, up to 65535 (the kernel refuses 65536); 0 and 65536 are refused', (t) => {
  const w = new NlWriter(64);
  nexthopGroup.encode(w, 2, [{ id: 1, weight: 1 }, { id: 2, weight: 256 }, { id: 3, weight: 300 }, { id: 4, weight: 65535 }], 'group');
  const bytes = Buffer.from(w.bytes());
  t.deepEqual([...bytes.subarray(4)], [
    1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 255, 0, 0, 0, 3, 0, 0, 0, 43, 1, 0, 0, 4, 0, 0, 0, 254, 255, 0, 0,
  ]);
  t.deepEqual(nexthopGroup.decode(bytes, 4, bytes.length - 4, 'group').map((m) => m.weight), [1, 256, 300, 65535]);
  for (const weight of [0, 65536, 1.5, Number.NaN]) {
    t.throws(() => nexthopGroup.encode(new NlWriter(64), 2, [{ id: 1, weight }], 'group'), { message: /^group\[0\]\.weight: / });
  }
  t.throws(() => nexthopGroup.decode(bytes, 4, 12, 'group'), { message: /multiple of 8/ });
});

test('a route using a nexthop group: nhid, and the kernel\'s RTA_MULTIPATH expansion of the group', (t) => {
  const raw = fixture('route-nhid.hex');
  const r = routeView(raw, 0, raw.length);
  t.is(r.nhid, 10);
  t.is(r.dst, '10.50.0.0/24');
  t.deepEqual(r.multipath?.map((h) => [h.gateway, h.oif, h.weight]), [['10.1.0.5', 3, 3], [undefined, 3, 2]]);
});

test('nh-bucket.hex: a resilient group\'s bucket (RTM_NEWNEXTHOPBUCKET) decodes to what ip printed, re-encodes, and fails cleanly when cut', (t) => {
  // ip -j nexthop bucket show id 11 printed {"id":11,"bucket":{"index":0,"idle_time":0.44,"nhid":4}} for these bytes.
  const raw = fixture('nh-bucket.hex');
  t.is(raw.readUInt16LE(4), 116);
  const body = decodeNexthopMessage(raw);
  t.is(body.attributes.id, 11);
  t.deepEqual(body.attributes.resBucket, { index: 0, idleTime: 44n, nhId: 4 });
  t.is(body.attributes.unknown, undefined);
  checkReencode(t, raw, encodeNexthopBody, body);
  checkTruncations(t, raw, (b) => decodeNexthopMessage(b), body, 24);
});

test('group statistics (NHA_GROUP_STATS, Linux 6.9+) and hardware statistics (NHA_HW_STATS_ENABLE/USED, 6.10+): each counter read from its own attribute', (t) => {
  // The captured group (members 1 and 4) with what a 6.10 kernel appends for `stats: true`:
  // each member's packets (a u32 for small counts, a u64 past 2^32) and hardware packets.
  const stats = attr(15 | 0x8000 /* NHA_GROUP_STATS */,
    attr(1 | 0x8000 /* NHA_GROUP_STATS_ENTRY */, attr(1 /* _ID */, u32(1)), attr(2 /* _PACKETS */, u32(7)), attr(3 /* _PACKETS_HW */, u32(5))),
    attr(1 | 0x8000, attr(1, u32(4)), attr(2, u64(0x1_0000_0003n)), attr(3, u64(0x1_0000_0000n))));
  const raw = Buffer.concat([fixture('nh-group.hex'), stats, attr(16 /* NHA_HW_STATS_ENABLE */, u32(1)), attr(17 /* NHA_HW_STATS_USED */, u32(0))]);
  raw.writeUInt32LE(raw.length, 0);
  const view = nexthopView(raw, 0, raw.length);
  t.deepEqual(view.groupStats, [{ id: 1, packets: 7n, packetsHw: 5n }, { id: 4, packets: 0x1_0000_0003n, packetsHw: 0x1_0000_0000n }]);
  t.true(view.hwStats);
  t.like(view.toObject(), { id: 10, hwStats: true, groupStats: view.groupStats });
  const body = decodeNexthopMessage(raw);
  t.is(body.attributes.hwStatsEnable, 1);
  t.is(body.attributes.hwStatsUsed, 0);
  t.is(body.attributes.unknown, undefined);
  checkReencode(t, raw, encodeNexthopBody, body);
  // Disabled hardware statistics read as false, not as absent.
  const off = Buffer.concat([fixture('nh-group.hex'), attr(16, u32(0))]);
  off.writeUInt32LE(off.length, 0);
  t.false(nexthopView(off, 0, off.length).hwStats);
  t.is(nexthopView(fixture('nh-group.hex'), 0, fixture('nh-group.hex').length).hwStats, undefined);
});

test('a dumped route using a nexthop, sent back for deletion, leaves out what the kernel filled in from the nexthop', (t) => {
  // route-nhid.hex: the kernel's RTM_NEWROUTE of `10.50.0.0/24 nhid 10`, with the group's paths in RTA_MULTIPATH.
  const raw = fixture('route-nhid.hex');
  const types = (b: Buffer): number[] => {
    const out: number[] = [];
    for (let at = 28; at + 4 <= b.length; at += (b.readUInt16LE(at) + 3) & ~3) out.push(b.readUInt16LE(at + 2) & 0x3fff);
    return out;
  };
  t.true(types(raw).includes(9 /* RTA_MULTIPATH */));
  const sent = checkRoute('', routeView(raw, 0, raw.length), 'del').raw!;
  // The message after its nlmsghdr: rtmsg, then every attribute but RTA_MULTIPATH, in the kernel's order.
  const whole = Buffer.concat([raw.subarray(0, 16), sent]);
  t.deepEqual(types(whole), types(raw).filter((x) => x !== 9));
  t.true(types(whole).includes(30 /* RTA_NH_ID */));
  t.is(sent.length, raw.length - 16 - 0x1c, 'RTA_MULTIPATH\'s 28 bytes are gone, nothing else');
  t.deepEqual(sent.subarray(0, 12), raw.subarray(16, 28), 'the rtmsg is the dumped one');
  // Without RTA_NH_ID a view is sent back byte for byte.
  const plain = Buffer.concat([raw.subarray(0, 28)]);
  plain.writeUInt32LE(28, 0);
  t.deepEqual(checkRoute('', routeView(plain, 0, plain.length), 'del').raw, plain.subarray(16));
});
