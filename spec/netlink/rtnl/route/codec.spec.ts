// The route codec and the request encoder, on bytes captured from the real kernel and from iproute2
// (spec/fixtures/route/*.hex, made by spec/fixtures/route/capture.mjs). No privileges needed: the
// requests go to a fake kernel (spec/helpers/fake-kernel.ts) that records them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { DecodeError, NetlinkError, RtNetlink, ValidationError } from '../../../../lib/netlink/index.js';
import { decodeRouteMessage, encodeRouteBody, routeAttrs, rtaMultipath, type RouteBody } from '../../../../lib/netlink/rtnl/route/codec.js';
import { routeFlagNames } from '../../../../lib/netlink/rtnl/route/constants.js';
import { Route, routeView } from '../../../../lib/netlink/rtnl/route/view.js';
import { NlWriter } from '../../../../lib/netlink/core/writer.js';
import { attr, bytes, hex as hexBuf, nldone, nlerror, nlmsg, u16, u32 } from '../../../helpers/bytes.js';
import { FakeKernel, type SentMessage } from '../../../helpers/fake-kernel.js';
import { checkReencode, checkTruncations, reencode } from '../../../helpers/golden.js';
import { fixturesDir } from '../../../helpers/fixtures.js';

// The fixtures stay in the source tree (spec/fixtures/route).
const fixtures = fixturesDir('route');

/** A fixture's message bytes (the `#` provenance lines skipped). */
function fixture(name: string): Buffer {
  const text = readFileSync(join(fixtures, name), 'utf8');
  return Buffer.from(text.split('\n').filter((l) => !l.startsWith('#')).join('').replace(/\s/g, ''), 'hex');
}

const RTM_NEWROUTE = 24;
const RTM_DELROUTE = 25;
const RTM_GETROUTE = 26;
const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;

// The binary codec keeps raw payloads as copies of the received Buffer.
const hex = (text: string): Buffer => hexBuf(text);
const cacheZero = { clntref: 0, lastuse: 0, expires: 0, error: 0, used: 0, id: 0, ts: 0, tsage: 0 };

/** Kernel messages and what they must decode to (written from the commands, not from the decoder). */
const goldens: Array<[string, RouteBody]> = [
  ['inet4-gateway-table.hex', {
    header: { family: 2, dstLen: 16, srcLen: 0, tos: 0, table: 252, protocol: 4, scope: 0, type: 1, flags: 0 },
    attributes: { table: 1000, dst: '10.2.0.0', priority: 5, prefsrc: '10.1.0.1', gateway: '10.1.0.2', oif: 3 },
  }],
  ['inet4-link.hex', {
    header: { family: 2, dstLen: 24, srcLen: 0, tos: 0, table: 254, protocol: 3, scope: 253, type: 1, flags: 0 },
    attributes: { table: 254, dst: '10.3.0.0', oif: 3 },
  }],
  ['inet4-blackhole.hex', {
    header: { family: 2, dstLen: 24, srcLen: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 6, flags: 0 },
    attributes: { table: 254, dst: '10.4.0.0' },
  }],
  ['inet4-unreachable.hex', {
    header: { family: 2, dstLen: 24, srcLen: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 7, flags: 0 },
    attributes: { table: 254, dst: '10.5.0.0' },
  }],
  ['inet4-prohibit.hex', {
    header: { family: 2, dstLen: 24, srcLen: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 8, flags: 0 },
    attributes: { table: 254, dst: '10.6.0.0' },
  }],
  ['inet4-local.hex', {
    header: { family: 2, dstLen: 32, srcLen: 0, tos: 0, table: 255, protocol: 3, scope: 254, type: 2, flags: 0 },
    attributes: { table: 255, dst: '10.1.9.9', oif: 3 },
  }],
  ['inet4-kernel-local.hex', {
    header: { family: 2, dstLen: 32, srcLen: 0, tos: 0, table: 255, protocol: 2, scope: 254, type: 2, flags: 0 },
    attributes: { table: 255, dst: '10.1.0.1', prefsrc: '10.1.0.1', oif: 3 },
  }],
  ['inet4-metrics.hex', {
    header: { family: 2, dstLen: 24, srcLen: 0, tos: 0, table: 254, protocol: 3, scope: 253, type: 1, flags: 0 },
    attributes: { table: 254, dst: '10.7.0.0', metrics: { lock: 1 << 2, mtu: 1400, advmss: 1360, hoplimit: 9 }, oif: 3 },
  }],
  ['inet4-multipath.hex', {
    header: { family: 2, dstLen: 24, srcLen: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 1, flags: 0 },
    attributes: {
      table: 254, dst: '10.8.0.0',
      multipath: [
        { flags: 0, hops: 1, ifindex: 3, attributes: { gateway: '10.1.0.2' } },
        { flags: 0, hops: 4, ifindex: 3, attributes: { gateway: '10.1.0.3' } },
      ],
    },
  }],
  ['inet4-via6.hex', {
    header: { family: 2, dstLen: 24, srcLen: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 1, flags: 0 },
    attributes: { table: 254, dst: '10.9.0.0', via: { family: 10, address: '2001:db8::2' }, oif: 3 },
  }],
  ['inet4-default.hex', {
    header: { family: 2, dstLen: 0, srcLen: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 1, flags: 0 },
    attributes: { table: 254, gateway: '10.1.0.254', oif: 3 },
  }],
  ['inet4-get.hex', {
    header: { family: 2, dstLen: 32, srcLen: 0, tos: 0, table: 254, protocol: 0, scope: 0, type: 1, flags: 0x200 },
    attributes: { table: 254, dst: '10.3.0.5', oif: 3, prefsrc: '10.1.0.1', uid: 0, cacheinfo: { ...cacheZero, clntref: 2 } },
  }],
  ['inet6-pref-expires.hex', {
    header: { family: 10, dstLen: 48, srcLen: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 1, flags: 0 },
    attributes: {
      table: 254, dst: '2001:db8:1::', priority: 1024, gateway: '2001:db8::2', oif: 3,
      cacheinfo: { ...cacheZero, expires: 29975 }, pref: 1,
    },
  }],
  ['inet6-multipath.hex', {
    header: { family: 10, dstLen: 48, srcLen: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 1, flags: 0 },
    attributes: {
      table: 254, dst: '2001:db8:2::', priority: 1024,
      multipath: [
        { flags: 0, hops: 2, ifindex: 3, attributes: { gateway: '2001:db8::2' } },
        { flags: 0, hops: 0, ifindex: 3, attributes: { gateway: '2001:db8::3' } },
      ],
      cacheinfo: cacheZero, pref: 0,
    },
  }],
  ['inet6-unreachable-default.hex', {
    header: { family: 10, dstLen: 0, srcLen: 0, tos: 0, table: 77, protocol: 3, scope: 0, type: 7, flags: 0 },
    attributes: { table: 77, priority: 1024, oif: 1, cacheinfo: cacheZero, pref: 0 },
  }],
  ['inet6-kernel-prefix.hex', {
    header: { family: 10, dstLen: 64, srcLen: 0, tos: 0, table: 254, protocol: 2, scope: 0, type: 1, flags: 0 },
    attributes: { table: 254, dst: '2001:db8::', priority: 256, oif: 3, cacheinfo: cacheZero, pref: 0 },
  }],
  ['inet4-encap-ip.hex', {
    header: { family: 2, dstLen: 24, srcLen: 0, tos: 0, table: 254, protocol: 3, scope: 253, type: 1, flags: 0 },
    attributes: {
      table: 254, dst: '10.70.0.0', oif: 4,
      encap: hex('0c000100 00000000 00000005 08000200 0a010009 08000300 00000000 05000500 00000000 05000400 00000000 06000600 00000000'),
      encapType: 2,
    },
  }],
  ['inet6-encap-ip6.hex', {
    header: { family: 10, dstLen: 48, srcLen: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 1, flags: 0 },
    attributes: {
      table: 254, dst: '2001:db8:70::', priority: 1024, oif: 4,
      encap: hex(`0c000100 00000000 00000006 14000200 20010db8 00000000 00000000 00000009 14000300 ${'00'.repeat(16)}
        05000500 00000000 05000400 00000000 06000600 00000000`),
      encapType: 4,
      cacheinfo: cacheZero, pref: 0,
    },
  }],
];

/** Encodes a body behind the captured message's own nlmsghdr (type, flags, seq, pid). */
for (const [name, expected] of goldens) {
  test(`golden ${name}: decode gives the expected fields, encode gives the kernel's bytes back`, (t) => {
    const raw = fixture(name);
    t.is(raw.readUInt32LE(0), raw.length);
    t.is(raw.readUInt16LE(4), RTM_NEWROUTE);
    const body = decodeRouteMessage(raw);
    t.deepEqual(body, expected);
    checkReencode(t, raw, encodeRouteBody, expected);
  });

  test(`golden ${name}: every truncation is a DecodeError or a shorter valid message, never a crash`, (t) => {
    const raw = fixture(name);
    // Besides the shared checks: the lazy view of every valid shorter message reads its fields,
    // and a view needs a whole rtmsg.
    checkTruncations(t, raw, (b) => decodeRouteMessage(b, 0, b.length), expected, 28, (short, cut, decoded) => {
      if (decoded === undefined) return;
      const view = routeView(short, 0, cut);
      void [view.dst, view.multipath, view.metrics, view.cacheinfo, view.expires, view.via];
    });
    for (let cut = 0; cut < 28; cut++) t.throws(() => routeView(raw, 0, cut), { instanceOf: DecodeError });
  });
}

test('Route views read the golden messages as ip -j prints them (names, table > 255, weights, pref, expires)', (t) => {
  const view = (name: string): Route => { const raw = fixture(name); return routeView(raw, 0, raw.length); };
  const gw = view('inet4-gateway-table.hex');
  t.like(gw.toJSON(), {
    family: 4, type: 'unicast', dst: '10.2.0.0/16', gateway: '10.1.0.2', oif: 3, table: 1000, protocol: 'static',
    scope: 'global', prefsrc: '10.1.0.1', metric: 5, flags: [],
  });
  t.is(gw.header.table, 252); // RT_TABLE_COMPAT in rtm_table, the real id in RTA_TABLE
  t.like(view('inet4-link.hex').toJSON(), { dst: '10.3.0.0/24', scope: 'link', protocol: 'boot', table: 254, oif: 3 });
  t.is(view('inet4-blackhole.hex').type, 'blackhole');
  t.is(view('inet4-unreachable.hex').type, 'unreachable');
  t.is(view('inet4-prohibit.hex').type, 'prohibit');
  t.like(view('inet4-local.hex').toJSON(), { type: 'local', dst: '10.1.9.9/32', table: 255, scope: 'host' });
  t.like(view('inet4-kernel-local.hex').toJSON(), { type: 'local', protocol: 'kernel', prefsrc: '10.1.0.1' });
  t.deepEqual(view('inet4-metrics.hex').metrics, { lock: 4, mtu: 1400, advmss: 1360, hoplimit: 9 });
  t.deepEqual(view('inet4-multipath.hex').multipath, [
    { gateway: '10.1.0.2', oif: 3, weight: 2, flags: [] },
    { gateway: '10.1.0.3', oif: 3, weight: 5, flags: [] },
  ]);
  t.deepEqual(view('inet6-multipath.hex').multipath, [
    { gateway: '2001:db8::2', oif: 3, weight: 3, flags: [] },
    { gateway: '2001:db8::3', oif: 3, weight: 1, flags: [] },
  ]);
  const via = view('inet4-via6.hex');
  t.is(via.via, '2001:db8::2');
  t.is(via.viaFamily, 'inet6');
  t.is(via.gateway, undefined);
  t.is(view('inet4-default.hex').dst, 'default');
  const v6 = view('inet6-pref-expires.hex');
  t.like(v6.toJSON(), { family: 6, dst: '2001:db8:1::/48', gateway: '2001:db8::2', metric: 1024, pref: 'high', expires: 299 });
  t.is(v6.cacheinfo?.expires, 29975);
  t.is(view('inet6-kernel-prefix.hex').expires, undefined);
  t.is(view('inet6-kernel-prefix.hex').pref, 'medium');
  const un = view('inet6-unreachable-default.hex');
  t.like(un.toJSON(), { family: 6, dst: 'default', type: 'unreachable', table: 77 });
  const get = view('inet4-get.hex');
  t.true(get.cloned);
  t.is(get.uid, 0);
  t.is(get.cacheinfo?.clntref, 2);
  t.deepEqual(get.flags, []);
  t.is(get.src, undefined);
});

test('RTA_ENCAP is decoded by its RTA_ENCAP_TYPE (ip, ip6) in the Route view', (t) => {
  const v4raw = fixture('inet4-encap-ip.hex');
  const v4 = routeView(v4raw, 0, v4raw.length);
  t.is(v4.encapType, 'ip');
  t.deepEqual(v4.encap, { id: 5n, dst: '10.1.0.9', src: '0.0.0.0', tos: 0, ttl: 0, flags: 0 });
  const v6raw = fixture('inet6-encap-ip6.hex');
  const v6 = routeView(v6raw, 0, v6raw.length);
  t.is(v6.encapType, 'ip6');
  t.deepEqual(v6.encap, { id: 6n, dst: '2001:db8::9', src: '::', tc: 0, hoplimit: 0, flags: 0 });
  // MPLS label stacks (RTA_ENCAP of type mpls, RTA_NEWDST) come out as label numbers.
  const mpls = nlmsg(RTM_NEWROUTE, 0, 1, 0, [2, 24, 0, 0, 254, 3, 0, 1], u32(0),
    attr(22, attr(1, [0x00, 0x06, 0x40, 0x00, 0x00, 0x0c, 0x81, 0x00]), attr(2, [9])), attr(21, u16(1)),
    attr(19, [0x00, 0x01, 0xf1, 0x00]));
  const m = routeView(mpls, 0, mpls.length);
  t.is(m.encapType, 'mpls');
  t.deepEqual(m.encap, { dst: [100, 200], ttl: 9 });
  t.deepEqual(m.newdst, [31]);
});

test('flag names follow iproute2 print_rt_flags, in its order', (t) => {
  t.deepEqual(routeFlagNames(0x4 | 0x10 | 0x1 | 0x2), ['dead', 'onlink', 'pervasive', 'linkdown']);
  t.deepEqual(routeFlagNames(0x200), []); // RTM_F_CLONED has no name
  t.deepEqual(routeFlagNames(0x4000 | 0x8000 | 0x20000000 | 0x100 | 0x20 | 0x40 | 0x8),
    ['offload', 'trap', 'notify', 'unresolved', 'rt_offload', 'rt_trap', 'rt_offload_failed']);
});

test('unknown attributes are kept in place and re-encoded byte for byte', (t) => {
  const raw = fixture('inet4-link.hex');
  const extra = attr(99, [1, 2, 3, 4, 5]);
  const grown = Buffer.concat([raw, extra]);
  grown.writeUInt32LE(grown.length, 0);
  const body = decodeRouteMessage(grown);
  t.deepEqual(body.attributes.unknown?.map((u) => [u.type, [...u.data], u.index]), [[99, [1, 2, 3, 4, 5], 3]]);
  t.deepEqual(reencode(grown, encodeRouteBody, body), grown);
  const view = routeView(grown, 0, grown.length);
  t.is(view.dst, '10.3.0.0/24');
  t.deepEqual(view.unknown.map((u) => u.type), [99]);
});

test('multipath nexthops with RTA_VIA, RTA_FLOW and onlink decode and re-encode exactly', (t) => {
  const payload = bytes(
    u16(24), [4 /* onlink */, 0], u32(7), attr(18, u16(10), Buffer.from('fe800000000000000000000000000001', 'hex')),
    u16(24), [0x10 /* linkdown */, 255], u32(8), attr(5, [10, 0, 0, 1]), attr(11, u32(0x00020001)),
  );
  // The first hop is 8 + 22 = 30 bytes, padded to 32: its rtnh_len says 30 and the walk aligns.
  payload.writeUInt16LE(30, 0);
  const hops = rtaMultipath.decode(payload, 0, payload.length, 'mp');
  t.deepEqual(hops, [
    { flags: 4, hops: 0, ifindex: 7, attributes: { via: { family: 10, address: 'fe80::1' } } },
    { flags: 0x10, hops: 255, ifindex: 8, attributes: { gateway: '10.0.0.1', flow: 0x00020001 } },
  ]);
  const msg = nlmsg(RTM_NEWROUTE, 0, 1, 0, [2, 24, 0, 0, 254, 3, 0, 1], u32(0), attr(9, payload));
  const v = routeView(msg, 0, msg.length);
  t.deepEqual(v.multipath, [
    { via: 'fe80::1', oif: 7, weight: 1, flags: ['onlink'] },
    { gateway: '10.0.0.1', oif: 8, weight: 256, flags: ['linkdown'], realms: 0x00020001 },
  ]);
  const w = new NlWriter();
  routeAttrs.encode(w, { multipath: hops });
  // rtnh_len of the first hop comes back as 32 (endNest counts the attribute padding), as iproute2 does.
  const expected = Buffer.from(attr(9, payload));
  expected.writeUInt16LE(32, 4);
  t.deepEqual(Buffer.from(w.bytes()), expected);
});

test('a rtnexthop whose length runs past the attribute is a DecodeError naming the hop', (t) => {
  const bad = bytes(u16(40), [0, 0], u32(3));
  const e = t.throws(() => rtaMultipath.decode(bad, 0, bad.length, 'route.multipath'), { instanceOf: DecodeError });
  t.is(e.path, 'route.multipath[0]');
  const short = bytes(u16(8), [0, 0], u32(3), [0, 0, 0]);
  t.throws(() => rtaMultipath.decode(short, 0, short.length, 'route.multipath'), { instanceOf: DecodeError });
});

// ---- requests, against iproute2's bytes ----

interface Fake {
  kernel: FakeKernel;
  nl: RtNetlink;
  /** Messages of route types sent so far. */
  routes(): SentMessage[];
}

/** A handle on a fake kernel: ACKs everything, answers GETLINK d0 → 3, and `answers` for the rest. */
async function fake(answers: (m: SentMessage, k: FakeKernel) => boolean = () => false): Promise<Fake> {
  const kernel = new FakeKernel((msgs, k) => {
    for (const m of msgs) {
      if (answers(m, k)) continue;
      if (m.type === RTM_GETLINK) {
        // IFLA_IFNAME is the first attribute after the 16-byte ifinfomsg.
        const name = m.payload.subarray(20, m.payload.indexOf(0, 20)).toString();
        if (name === 'd0') k.deliver(nlmsg(RTM_NEWLINK, 0, m.seq, 0, [0, 0, 1, 0], u32(3), u32(0x1043), u32(0)));
        else k.deliver(nlerror(m.seq, 19, { type: m.type, flags: m.flags }));
      } else {
        k.deliver(nlerror(m.seq, 0, { type: m.type, flags: m.flags }));
      }
    }
  });
  kernel.install();
  const nl = await RtNetlink.open();
  return { kernel, nl, routes: () => kernel.sent.filter((m) => m.type >= 24 && m.type <= 26) };
}

/** The payload (after nlmsghdr) and flags of an iproute2 request fixture. */
function ipRequest(name: string): { type: number; flags: number; payload: Buffer } {
  const raw = fixture(name);
  return { type: raw.readUInt16LE(4), flags: raw.readUInt16LE(6), payload: raw.subarray(16, raw.readUInt32LE(0)) };
}

function sameRequest(t: import('ava').ExecutionContext, sent: SentMessage | undefined, name: string): void {
  const want = ipRequest(name);
  t.truthy(sent, `nothing sent for ${name}`);
  t.is(sent!.type, want.type, name);
  t.is(sent!.flags, want.flags, name);
  t.is(sent!.payload.toString('hex'), want.payload.toString('hex'), name);
}

const serial = test.serial; // the fake kernel is a module-wide binding

serial('add/replace/del requests are byte-identical to iproute2\'s for the same routes', async (t) => {
  const f = await fake();
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['req-add-gateway-table.hex', () => f.nl.routes.add({ dst: '10.2.0.0/16', gateway: '10.1.0.2', metric: 5, table: 1000, prefsrc: '10.1.0.1', oif: 'd0', protocol: 'static' })],
    ['req-add-link.hex', () => f.nl.routes.add({ dst: '10.3.0.0/24', oif: 'd0' })],
    ['req-add-blackhole.hex', () => f.nl.routes.add({ dst: '10.4.0.0/24', type: 'blackhole' })],
    ['req-add-unreachable.hex', () => f.nl.routes.add({ dst: '10.5.0.0/24', type: 'unreachable' })],
    ['req-add-prohibit.hex', () => f.nl.routes.add({ dst: '10.6.0.0/24', type: 'prohibit' })],
    ['req-add-local.hex', () => f.nl.routes.add({ dst: '10.1.9.9', type: 'local', oif: 3, table: 'local' })],
    ['req-add-metrics.hex', () => f.nl.routes.add({ dst: '10.7.0.0/24', oif: 3, mtu: 1400, advmss: 1360, hoplimit: 9, lock: ['mtu'] })],
    ['req-add-multipath4.hex', () => f.nl.routes.add({ dst: '10.8.0.0/24', multipath: [{ gateway: '10.1.0.2', oif: 'd0', weight: 2 }, { gateway: '10.1.0.3', oif: 3, weight: 5 }] })],
    ['req-add-via6.hex', () => f.nl.routes.add({ dst: '10.9.0.0/24', via: '2001:db8::2', oif: 3 })],
    ['req-add-default4.hex', () => f.nl.routes.add({ dst: 'default', gateway: '10.1.0.254' })],
    ['req-add-inet6-pref.hex', () => f.nl.routes.add({ dst: '2001:db8:1::/48', gateway: '2001:db8::2', pref: 'high', expires: 300, oif: 3 })],
    ['req-add-multipath6.hex', () => f.nl.routes.add({ dst: '2001:db8:2::/48', multipath: [{ gateway: '2001:db8::2', oif: 3, weight: 3 }, { gateway: '2001:db8::3', oif: 3, weight: 1 }] })],
    ['req-add-default6-unreachable.hex', () => f.nl.routes.add({ dst: 'default', family: 6, type: 'unreachable', table: 77 })],
    ['req-replace-link.hex', () => f.nl.routes.replace({ dst: '10.3.0.0/24', oif: 3 })],
    ['req-del-link.hex', () => f.nl.routes.del({ dst: '10.10.0.0/24', oif: 'd0' })],
  ];
  for (const [name, run] of cases) {
    const before = f.routes().length;
    await run();
    const sent = f.routes();
    t.is(sent.length, before + 1, name);
    sameRequest(t, sent[sent.length - 1], name);
  }
  // Each add resolved d0 through RTM_GETLINK (no caching between calls).
  t.is(f.kernel.sent.filter((m) => m.type === RTM_GETLINK).length, 4);
  f.nl.close();
});

/** Zeroes the padding after each attribute (and inside RTA_ENCAP): iproute2 leaves it uninitialized. */
function zeroPadding(payload: Buffer, start: number, end = payload.length): Buffer {
  const out = Buffer.from(payload);
  const walk = (from: number, to: number): void => {
    for (let at = from; at + 4 <= to;) {
      const n = out.readUInt16LE(at);
      if ((out.readUInt16LE(at + 2) & 0x3fff) === 22) walk(at + 4, at + n);
      const padded = (n + 3) & ~3;
      out.fill(0, at + n, Math.min(at + padded, to));
      at += padded;
    }
  };
  walk(start, end);
  return out;
}

serial('encap requests match iproute2\'s (its uninitialized padding bytes aside); mpls labels as mpls_pton', async (t) => {
  const f = await fake();
  for (const [name, run] of [
    ['req-add-encap-ip.hex', () => f.nl.routes.add({ dst: '10.70.0.0/24', encap: { type: 'ip', id: 5, dst: '10.1.0.9' }, oif: 4 })],
    ['req-add-encap-ip6.hex', () => f.nl.routes.add({ dst: '2001:db8:70::/48', encap: { type: 'ip6', id: 6n, dst: '2001:db8::9' }, oif: 4 })],
  ] as const) {
    await run();
    const sent = f.routes().at(-1)!;
    const want = ipRequest(name);
    t.is(sent.flags, want.flags);
    t.is(sent.payload.toString('hex'), zeroPadding(want.payload, 12).toString('hex'), name);
  }
  await f.nl.routes.add({ dst: '10.71.0.0/24', gateway: '10.1.0.2', encap: { type: 'mpls', labels: [100, 200], ttl: 9 } });
  t.deepEqual(f.routes().at(-1)!.payload.subarray(12), bytes(
    attr(1, [10, 71, 0, 0]),
    attr(0x8000 | 22, attr(1, [0x00, 0x06, 0x40, 0x00, 0x00, 0x0c, 0x81, 0x00]), attr(2, [9])),
    attr(21, u16(1)),
    attr(5, [10, 1, 0, 2]),
  ));
  for (const [encap, message] of [
    [{ type: 'gre' }, /^encap\.type: ip, ip6 or mpls/],
    [{ type: 'ip', dst: '2001:db8::1' }, /^encap\.dst: an IPv4 tunnel destination/],
    [{ type: 'ip', ttl: 256 }, /^encap\.ttl: /],
    [{ type: 'ip', id: -1 }, /^encap\.id: /],
    [{ type: 'mpls', labels: [] }, /^encap\.labels: /],
    [{ type: 'mpls', labels: [1 << 20] }, /^encap\.labels\[0\]: /],
    [{ type: 'ip6', hoplimit: 1, ttl: 1 }, /^encap\.ttl: unknown option/],
  ] as const) {
    await t.throwsAsync(f.nl.routes.add({ dst: '10.72.0.0/24', encap: encap as never }), { instanceOf: ValidationError, message });
  }
  f.nl.close();
});

serial('get and dump requests are byte-identical to iproute2\'s', async (t) => {
  const answer = fixture('inet4-get.hex');
  const f = await fake((m, k) => {
    if (m.type !== RTM_GETROUTE) return false;
    const reply = Buffer.from(m.flags & 0x300 ? fixture('inet4-gateway-table.hex') : answer);
    reply.writeUInt32LE(m.seq, 8);
    if (m.flags & 0x300) k.deliver(reply, nldone(m.seq));
    else k.deliver(reply);
    return true;
  });
  const r = await f.nl.routes.get('10.3.0.5');
  sameRequest(t, f.routes().at(-1), 'req-get.hex');
  t.like(r.toJSON(), { dst: '10.3.0.5/32', oif: 3, prefsrc: '10.1.0.1', table: 254 });
  await f.nl.routes.get('10.3.0.5', { from: '10.1.0.1', mark: 7, oif: 'd0', fibMatch: true });
  sameRequest(t, f.routes().at(-1), 'req-get-options.hex');
  const list = await f.nl.routes.list({ family: 4, table: 1000 });
  sameRequest(t, f.routes().at(-1), 'req-dump-table.hex');
  t.deepEqual(list.map((x) => [x.dst, x.table, x.gateway]), [['10.2.0.0/16', 1000, '10.1.0.2']]);
  f.nl.close();
});

serial('dumps keep IP routes only, and filter in JS what the kernel was not asked to', async (t) => {
  const seqd = (b: Buffer, seq: number): Buffer => { const c = Buffer.from(b); c.writeUInt32LE(seq, 8); return c; };
  // An IPMR cache entry (rtm_family 128), as AF_UNSPEC dumps also return them.
  const ipmr = nlmsg(RTM_NEWROUTE, 2, 0, 0, [128, 32, 32, 0, 254, 17, 0, 5], u32(0x200), attr(15, u32(254)));
  const msgs = ['inet4-link.hex', 'inet4-kernel-local.hex', 'inet6-kernel-prefix.hex', 'inet4-multipath.hex'].map(fixture);
  let request: SentMessage | undefined;
  const f = await fake((m, k) => {
    if (m.type !== RTM_GETROUTE) return false;
    request = m;
    k.deliver(...[...msgs, ipmr].map((b) => seqd(b, m.seq)));
    k.deliver(nldone(m.seq));
    return true;
  });
  t.deepEqual((await f.nl.routes.list()).map((r) => r.dst), ['10.3.0.0/24', '10.1.0.1/32', '2001:db8::/64', '10.8.0.0/24']);
  t.deepEqual([...request!.payload], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  t.deepEqual((await f.nl.routes.list({ family: 6 })).map((r) => r.dst), ['2001:db8::/64']);
  t.is(request!.payload[0], 10);
  // protocol 'unspec' (0) cannot be a kernel filter: it is filtered here, and the request has 0.
  t.deepEqual(await f.nl.routes.list({ protocol: 'unspec' }), []);
  t.is(request!.payload[5], 0);
  // protocol and type go to the kernel (the fake ignores them: all come back unfiltered).
  t.is((await f.nl.routes.list({ protocol: 'kernel', type: 'local' })).length, 4);
  t.deepEqual([request!.payload[5], request!.payload[7]], [2, 2]);
  // oif by name: resolved, then sent as RTA_OIF after RTA_TABLE.
  await f.nl.routes.list({ oif: 'd0', table: 'main' });
  t.deepEqual(request!.payload.subarray(12), bytes(attr(15, u32(254)), attr(4, u32(3))));
  const streamed: string[] = [];
  for await (const r of f.nl.routes.stream({ family: 4 })) streamed.push(r.dst);
  t.deepEqual(streamed, ['10.3.0.0/24', '10.1.0.1/32', '10.8.0.0/24']);
  f.nl.close();
});

serial('without strict checking every filter is applied in JS (oif also matches multipath hops)', async (t) => {
  const seqd = (b: Buffer, seq: number): Buffer => { const c = Buffer.from(b); c.writeUInt32LE(seq, 8); return c; };
  const msgs = ['inet4-link.hex', 'inet4-kernel-local.hex', 'inet4-multipath.hex', 'inet4-gateway-table.hex', 'inet4-blackhole.hex'].map(fixture);
  let request: SentMessage | undefined;
  const kernel = new FakeKernel((ms, k) => {
    for (const m of ms) {
      request = m;
      k.deliver(...msgs.map((b) => seqd(b, m.seq)));
      k.deliver(nldone(m.seq));
    }
  });
  kernel.install();
  const nl = await RtNetlink.open({ strictCheck: false });
  t.deepEqual((await nl.routes.list({ oif: 3, table: 'main' })).map((r) => r.dst), ['10.3.0.0/24', '10.8.0.0/24']);
  t.is(request!.payload.length, 12); // nothing for the kernel to ignore
  t.deepEqual((await nl.routes.list({ table: 1000 })).map((r) => r.dst), ['10.2.0.0/16']);
  t.deepEqual((await nl.routes.list({ type: 'blackhole' })).map((r) => r.dst), ['10.4.0.0/24']);
  t.deepEqual((await nl.routes.list({ protocol: 'kernel' })).map((r) => r.dst), ['10.1.0.1/32']);
  nl.close();
});

serial('a missing table is an empty list, not an error', async (t) => {
  const f = await fake((m, k) => {
    if (m.type !== RTM_GETROUTE) return false;
    k.deliver(nldone(m.seq, -2, [attr(1, Buffer.from('ipv4: FIB table does not exist.\0'))]));
    return true;
  });
  t.deepEqual(await f.nl.routes.list({ family: 4, table: 4242 }), []);
  const seen: Route[] = [];
  for await (const r of f.nl.routes.stream({ family: 4, table: 4242 })) seen.push(r);
  t.deepEqual(seen, []);
  f.nl.close();
});

serial('addMany packs the requests into one datagram; unknown link names fail only their items', async (t) => {
  const f = await fake();
  const results = await f.nl.routes.addMany([
    { dst: '10.20.0.0/24', oif: 'd0' },
    { dst: '10.21.0.0/24', oif: 'nope0' },
    { dst: '10.22.0.0/24', oif: 'd0' },
    { dst: '10.23.0.0/24', multipath: [{ oif: 'nope0' }, { oif: 'd0' }] },
    { dst: '10.24.0.0/24', gateway: '10.1.0.2' },
  ]);
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
  const e = (results[1] as { reason: Error }).reason as NetlinkError;
  t.true(e instanceof NetlinkError);
  t.is(e.code, 'ENODEV');
  // Each distinct name looked up once, both in one datagram; then the three routes in one more.
  t.is(f.kernel.sent.filter((m) => m.type === RTM_GETLINK).length, 2);
  const routeDatagrams = f.kernel.datagrams.filter((d) => d.readUInt16LE(4) === RTM_NEWROUTE);
  t.is(routeDatagrams.length, 1);
  t.deepEqual(f.routes().map((m) => m.payload[17]), [20, 22, 24]); // second byte of RTA_DST's address
  // NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL on each (NLM_F_ACK is the engine's business).
  for (const m of f.routes()) t.is(m.flags & 0x601, 0x601);
  const del = await f.nl.routes.delMany([{ dst: '10.20.0.0/24' }, routeView(fixture('inet4-link.hex'), 0, fixture('inet4-link.hex').length)]);
  t.deepEqual(del.map((r) => r.status), ['fulfilled', 'fulfilled']);
  const [d1, d2] = f.routes().slice(-2);
  t.is(d1!.type, RTM_DELROUTE);
  t.deepEqual([...d1!.payload.subarray(0, 12)], [2, 24, 0, 0, 254, 0, 255, 0, 0, 0, 0, 0]);
  // A Route view is deleted by sending its own message back.
  t.deepEqual(d2!.payload, fixture('inet4-link.hex').subarray(16));
  f.nl.close();
});

serial('bad input is a ValidationError before anything is sent', async (t) => {
  const f = await fake();
  const r = f.nl.routes;
  const bad: Array<[() => Promise<unknown>, RegExp]> = [
    [() => r.add({ dst: '10.1.2.3/16', oif: 3 }), /^dst: host bits/],
    [() => r.add({ dst: '10.1.2.0/33' }), /^dst: prefix length/],
    [() => r.add({ dst: '10.1.2/24' }), /^dst: not a valid IP/],
    [() => r.add({ dst: 'fe80::/10', gateway: '10.0.0.1' }), /^gateway: an IPv6 gateway is required/],
    [() => r.add({ dst: '10.0.0.0/8', gateway: 'fe80::1' }), /use via/],
    [() => r.add({ dst: '2001:db8::/32', via: '10.0.0.1' }), /^via: an IPv6 route cannot have an IPv4 gateway/],
    [() => r.add({ dst: '10.0.0.0/8', prefsrc: '::1' }), /^prefsrc: /],
    [() => r.add({ dst: '10.0.0.0/8', family: 6 }), /^dst: an IPv6 destination/],
    [() => r.add({ dst: 'default' }), /^family: "default" needs family/],
    [() => r.add({ dst: '10.0.0.0/8', gateway: '10.0.0.1', via: '10.0.0.2' }), /either gateway or via/],
    [() => r.add({ dst: '10.0.0.0/8', table: 2 ** 32 }), /^table: a routing table name or a number 1\.\.4294967295/],
    [() => r.add({ dst: '10.0.0.0/8', table: 'mian' as never }), /^table: unknown routing table/],
    // Object.prototype member names are no enum names (they once found the prototype's members).
    ...['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty'].flatMap((name): Array<[() => Promise<unknown>, RegExp]> => [
      [() => r.add({ dst: '10.0.0.0/8', table: name as never }), /^table: unknown routing table/],
      [() => r.add({ dst: '10.0.0.0/8', type: name as never }), /^type: unknown route type/],
      [() => r.add({ dst: '10.0.0.0/8', scope: name as never }), /^scope: unknown scope/],
      [() => r.add({ dst: '10.0.0.0/8', protocol: name as never }), /^protocol: unknown protocol/],
      [() => r.add({ dst: '2001:db8::/32', pref: name as never }), /^pref: low, medium or high/],
      [() => r.add({ dst: '10.0.0.0/8', lock: [name] as never }), /^lock\[0\]: unknown metric/],
      [() => r.add({ dst: '10.0.0.0/8', encap: { type: name } } as never), /^encap/],
      [() => r.list({ table: name as never }), /^table: unknown routing table/],
      [() => r.list({ protocol: name as never }), /^protocol: unknown protocol/],
      [() => r.list({ type: name as never }), /^type: unknown route type/],
    ]),
    [() => r.add({ dst: '10.0.0.0/8', metric: -1 }), /^metric: /],
    [() => r.add({ dst: '10.0.0.0/8', metric: 1.5 }), /^metric: /],
    [() => r.add({ dst: '10.0.0.0/8', multipath: [{ gateway: '10.0.0.1', weight: 0 }] }), /^multipath\[0\]\.weight: an integer in 1\.\.256/],
    [() => r.add({ dst: '10.0.0.0/8', multipath: [{ gateway: '10.0.0.1', weight: 257 }] }), /weight/],
    [() => r.add({ dst: '10.0.0.0/8', multipath: [{ weight: 2 }] }), /^multipath\[0\]: a nexthop needs/],
    [() => r.add({ dst: '10.0.0.0/8', multipath: [] }), /^multipath: a non-empty array/],
    [() => r.add({ dst: '10.0.0.0/8', gatway: '10.0.0.1' } as never), /^gatway: unknown option/],
    [() => r.add({ dst: '10.0.0.0/8', type: 'blackhol' as never }), /^type: unknown route type/],
    [() => r.add({ dst: '10.0.0.0/8', scope: 'galaxy' as never }), /^scope: unknown scope/],
    [() => r.add({ dst: '10.0.0.0/8', protocol: 'ospf3' }), /^protocol: unknown protocol/],
    [() => r.add({ dst: '10.0.0.0/8', protocol: 256 }), /^protocol: a protocol name or a number 0\.\.255/],
    [() => r.add({ dst: '10.0.0.0/8', pref: 'high' }), /^pref: pref applies to IPv6/],
    [() => r.add({ dst: '2001:db8::/32', pref: 'highest' as never }), /^pref: low, medium or high/],
    [() => r.add({ dst: '10.0.0.0/8', expires: 30 }), /^expires: expires applies to IPv6/],
    [() => r.add({ dst: '10.0.0.0/8', hoplimit: 256 }), /^hoplimit: /],
    [() => r.add({ dst: '10.0.0.0/8', lock: ['mtu', 'toString'] }), /^lock\[1\]: unknown metric/],
    [() => r.add({ dst: '10.0.0.0/8', oif: 'a/b' }), /^oif: /],
    [() => r.add({ dst: '10.0.0.0/8', oif: 0 }), /^oif: /],
    [() => r.add(null as never), /^route: /],
    [() => r.del({ dst: '10.0.0.1/8' }), /^dst: host bits/],
    [() => r.addMany([{ dst: '10.0.0.0/8' }, { dst: '10.0.0.1/8' }]), /^routes\[1\]\.dst: host bits/],
    [() => r.addMany('x' as never), /^routes: /],
    [() => r.list({ family: 5 as never }), /^family: 4 or 6/],
    [() => r.list({ table: 0 }), /^table: a routing table name or a number 1\.\./],
    [() => r.list({ tabel: 1 } as never), /^tabel: unknown option/],
    [() => r.get('10.0.0.0/8'), /^address: /],
    [() => r.get('10.0.0.1', { from: 'fe80::1' }), /^from: /],
    [() => r.get('10.0.0.1', { mark: -1 }), /^mark: /],
    [() => r.get('10.0.0.1', { fibmatch: true } as never), /^fibmatch: unknown option/],
  ];
  for (const [run, message] of bad) {
    await t.throwsAsync(run(), { instanceOf: ValidationError, message });
  }
  const it = r.stream({ type: 'nope' as never });
  await t.throwsAsync(it.next(), { instanceOf: ValidationError, message: /^type: unknown route type/ });
  t.is(f.kernel.datagrams.length, 0);
  f.nl.close();
});
