// What the route specs share: the captured fixtures (spec/fixtures/route/*.hex, made by
// spec/fixtures/route/capture.mjs from iproute2 and the kernel), the iproute2 requests with the
// calls that must send the same bytes, and a handle on a fake kernel (spec/helpers/fake-kernel.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { RtNetlink } from '../../../../lib/netlink/index.js';
import type { RouteSpec } from '../../../../lib/netlink/rtnl/route/options.js';
import { nlerror, nlmsg, u32 } from '../../../helpers/bytes.js';
import { FakeKernel, type SentMessage } from '../../../helpers/fake-kernel.js';
import { fixturesDir } from '../../../helpers/fixtures.js';

export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const RTM_GETROUTE = 26;
export const RTM_NEWLINK = 16;
export const RTM_GETLINK = 18;

// The fixtures stay in the source tree (spec/fixtures/route).
const fixtures = fixturesDir('route');

/** A fixture's message bytes (the `#` provenance lines skipped). */
export function fixture(name: string): Buffer {
  const text = readFileSync(join(fixtures, name), 'utf8');
  return Buffer.from(text.split('\n').filter((l) => !l.startsWith('#')).join('').replace(/\s/g, ''), 'hex');
}

/**
 * Zeroes the padding after each attribute (and inside RTA_ENCAP) of the message part from `start`:
 * iproute2 leaves it uninitialized.
 */
export function zeroPadding(message: Buffer, start: number, end = message.length): Buffer {
  const out = Buffer.from(message);
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

/** An add/replace/append/change/del request captured from iproute2, and the call that must send the same bytes. */
export interface RequestCase {
  /** The fixture (`ip …` in its provenance lines). */
  fixture: string;
  method: 'add' | 'replace' | 'append' | 'change' | 'del';
  spec: RouteSpec;
  /** iproute2 left padding bytes uninitialized: compare with them zeroed. */
  dirtyPadding?: true;
}

/** The add/replace/del requests of the fixtures. The link d0 is ifindex 3. */
export const REQUESTS: readonly RequestCase[] = [
  { fixture: 'req-add-gateway-table.hex', method: 'add', spec: { dst: '10.2.0.0/16', gateway: '10.1.0.2', metric: 5, table: 1000, prefsrc: '10.1.0.1', oif: 'd0', protocol: 'static' } },
  { fixture: 'req-add-link.hex', method: 'add', spec: { dst: '10.3.0.0/24', oif: 'd0' } },
  { fixture: 'req-add-blackhole.hex', method: 'add', spec: { dst: '10.4.0.0/24', type: 'blackhole' } },
  { fixture: 'req-add-unreachable.hex', method: 'add', spec: { dst: '10.5.0.0/24', type: 'unreachable' } },
  { fixture: 'req-add-prohibit.hex', method: 'add', spec: { dst: '10.6.0.0/24', type: 'prohibit' } },
  { fixture: 'req-add-local.hex', method: 'add', spec: { dst: '10.1.9.9', type: 'local', oif: 3, table: 'local' } },
  { fixture: 'req-add-metrics.hex', method: 'add', spec: { dst: '10.7.0.0/24', oif: 3, mtu: 1400, advmss: 1360, hoplimit: 9, lock: ['mtu'] } },
  { fixture: 'req-add-multipath4.hex', method: 'add', spec: { dst: '10.8.0.0/24', multipath: [{ gateway: '10.1.0.2', oif: 'd0', weight: 2 }, { gateway: '10.1.0.3', oif: 3, weight: 5 }] } },
  { fixture: 'req-add-via6.hex', method: 'add', spec: { dst: '10.9.0.0/24', via: '2001:db8::2', oif: 3 } },
  { fixture: 'req-add-default4.hex', method: 'add', spec: { dst: 'default', gateway: '10.1.0.254' } },
  { fixture: 'req-add-inet6-pref.hex', method: 'add', spec: { dst: '2001:db8:1::/48', gateway: '2001:db8::2', pref: 'high', expires: 300, oif: 3 } },
  { fixture: 'req-add-multipath6.hex', method: 'add', spec: { dst: '2001:db8:2::/48', multipath: [{ gateway: '2001:db8::2', oif: 3, weight: 3 }, { gateway: '2001:db8::3', oif: 3, weight: 1 }] } },
  { fixture: 'req-add-default6-unreachable.hex', method: 'add', spec: { dst: 'default', family: 6, type: 'unreachable', table: 77 } },
  { fixture: 'req-replace-link.hex', method: 'replace', spec: { dst: '10.3.0.0/24', oif: 3 } },
  { fixture: 'req-append-gateway.hex', method: 'append', spec: { dst: '10.3.0.0/24', gateway: '10.1.0.5', oif: 3 } },
  { fixture: 'req-change-gateway.hex', method: 'change', spec: { dst: '10.3.0.0/24', gateway: '10.1.0.6', oif: 'd0' } },
  { fixture: 'req-del-link.hex', method: 'del', spec: { dst: '10.10.0.0/24', oif: 'd0' } },
  { fixture: 'req-add-encap-ip.hex', method: 'add', spec: { dst: '10.70.0.0/24', encap: { type: 'ip', id: 5, dst: '10.1.0.9' }, oif: 4 }, dirtyPadding: true },
  { fixture: 'req-add-encap-ip6.hex', method: 'add', spec: { dst: '2001:db8:70::/48', encap: { type: 'ip6', id: 6n, dst: '2001:db8::9' }, oif: 4 }, dirtyPadding: true },
  // rtm_flags carries RTNH_F_ONLINK (the only request here with a non-zero rtm_flags).
  { fixture: 'req-add-onlink.hex', method: 'add', spec: { dst: '10.11.0.0/24', gateway: '10.99.0.1', oif: 'd0', onlink: true } },
  { fixture: 'req-add-src6.hex', method: 'add', spec: { dst: '2001:db8:3::/48', src: '2001:db8:99::/48', oif: 'd0' } },
  { fixture: 'req-add-realms.hex', method: 'add', spec: { dst: '10.13.0.0/24', oif: 'd0', realms: 5 } },
  { fixture: 'req-add-multipath-realms.hex', method: 'add', spec: { dst: '10.14.0.0/24', multipath: [{ gateway: '10.1.0.2', oif: 'd0', realms: 7 }, { gateway: '10.1.0.3', oif: 'd0' }] } },
  // No table given: the types the kernel keeps in table local go there, as with ip (a delete too).
  { fixture: 'req-add-local-notable.hex', method: 'add', spec: { dst: '10.1.9.10', type: 'local', oif: 'd0' } },
  { fixture: 'req-add-broadcast-notable.hex', method: 'add', spec: { dst: '10.1.255.254', type: 'broadcast', oif: 'd0' } },
  { fixture: 'req-add-anycast6-notable.hex', method: 'add', spec: { dst: '2001:db8::77', type: 'anycast', oif: 'd0' } },
  { fixture: 'req-del-local-notable.hex', method: 'del', spec: { dst: '10.1.9.10', type: 'local', oif: 'd0' } },
  // SRv6 (iproute2 leaves garbage in some attributes' padding: zeroed before comparing).
  { fixture: 'req-add-seg6-encap.hex', method: 'add', spec: { dst: '10.0.0.102/32', encap: { type: 'seg6', mode: 'encap', segments: ['fc00:a000::22', 'fc00:a000::21'] }, oif: 'd0' }, dirtyPadding: true },
  { fixture: 'req-add-seg6-inline.hex', method: 'add', spec: { dst: '2001:db8:60::1/128', encap: { type: 'seg6', mode: 'inline', segments: ['fc00:a000::12', 'fc00:a000::11'] }, oif: 'd0' }, dirtyPadding: true },
  { fixture: 'req-add-seg6-l2encap.hex', method: 'add', spec: { dst: '2001:db8:60::2/128', encap: { type: 'seg6', mode: 'l2encap', segments: ['fc00:a000::13'] }, oif: 'd0' }, dirtyPadding: true },
  { fixture: 'req-add-seg6local-end.hex', method: 'add', spec: { dst: '2001:db8:61::1/128', encap: { type: 'seg6local', action: 'End' }, oif: 'd0' }, dirtyPadding: true },
  { fixture: 'req-add-seg6local-endx.hex', method: 'add', spec: { dst: '2001:db8:61::2/128', encap: { type: 'seg6local', action: 'End.X', nh6: 'fe80::1' }, oif: 'd0' }, dirtyPadding: true },
  { fixture: 'req-add-seg6local-endt.hex', method: 'add', spec: { dst: '2001:db8:61::3/128', encap: { type: 'seg6local', action: 'End.T', table: 100 }, oif: 'd0' }, dirtyPadding: true },
  { fixture: 'req-add-seg6local-enddx2.hex', method: 'add', spec: { dst: '2001:db8:61::4/128', encap: { type: 'seg6local', action: 'End.DX2', oif: 3 }, oif: 'd0' }, dirtyPadding: true },
  { fixture: 'req-add-seg6local-enddx4.hex', method: 'add', spec: { dst: '2001:db8:61::5/128', encap: { type: 'seg6local', action: 'End.DX4', nh4: '10.1.0.5' }, oif: 'd0' }, dirtyPadding: true },
  { fixture: 'req-add-seg6local-enddt6.hex', method: 'add', spec: { dst: '2001:db8:61::6/128', encap: { type: 'seg6local', action: 'End.DT6', table: 100 }, oif: 'd0' }, dirtyPadding: true },
  { fixture: 'req-add-seg6local-endb6.hex', method: 'add', spec: { dst: '2001:db8:61::7/128', encap: { type: 'seg6local', action: 'End.B6', segments: ['fc00:a000::12', 'fc00:a000::11'] }, oif: 'd0' }, dirtyPadding: true },
  { fixture: 'req-add-seg6local-endb6encaps.hex', method: 'add', spec: { dst: '2001:db8:61::8/128', encap: { type: 'seg6local', action: 'End.B6.Encaps', segments: ['fc00:a000::14', 'fc00:a000::15'] }, oif: 'd0' }, dirtyPadding: true },
];

/** A fixture request as the library must write it: the fixture, with iproute2's dirty padding zeroed. */
export function expectedRequest(c: RequestCase): Buffer {
  const raw = fixture(c.fixture);
  return c.dirtyPadding === true ? zeroPadding(raw, 28) : raw;
}

/** A netlink handle on a fake kernel. */
export interface Fake {
  kernel: FakeKernel;
  nl: RtNetlink;
  /** Messages of route types sent so far. */
  routes(): SentMessage[];
}

/** A handle on a fake kernel: ACKs everything, answers GETLINK d0 → 3, and `answers` for the rest. */
export async function fake(answers: (m: SentMessage, k: FakeKernel) => boolean = () => false): Promise<Fake> {
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
  return { kernel, nl, routes: () => kernel.sent.filter((m) => m.type >= RTM_NEWROUTE && m.type <= RTM_GETROUTE) };
}

/** Asserts that `sent` has the type, flags and payload of iproute2's request `name` (or of `want`). */
export function sameRequest(t: ExecutionContext, sent: SentMessage | undefined, name: string, want = fixture(name)): void {
  t.truthy(sent, `nothing sent for ${name}`);
  t.is(sent!.type, want.readUInt16LE(4), name);
  t.is(sent!.flags, want.readUInt16LE(6), name);
  t.is(sent!.payload.toString('hex'), want.subarray(16, want.readUInt32LE(0)).toString('hex'), name);
}
