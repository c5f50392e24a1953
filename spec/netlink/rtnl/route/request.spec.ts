// The route requests against iproute2's bytes (spec/fixtures/route/req-*.hex): written by
// request.ts directly, and sent by nl.routes through a fake kernel that records them. No privileges
// needed.
import test from 'ava';
import { ValidationError } from '../../../../lib/netlink/index.js';
import { checkFilter, prepareDump } from '../../../../lib/netlink/rtnl/route/filter.js';
import { routeRefs, writeGet, writeRoute } from '../../../../lib/netlink/rtnl/route/request.js';
import { checkGet, checkRoute } from '../../../../lib/netlink/rtnl/route/validate.js';
import type { NlWriter } from '../../../../lib/netlink/core/writer.js';
import { attr, bytes, nldone, u16 } from '../../../helpers/bytes.js';
import { reencode } from '../../../helpers/golden.js';
import { REQUESTS, RTM_GETLINK, RTM_GETROUTE, expectedRequest, fake, fixture, sameRequest } from './helpers.js';

/** Writes a request body with `write` behind the nlmsghdr of fixture `name`: the whole message. */
function written(name: string, write: (w: NlWriter) => void): string {
  return reencode(fixture(name), (w) => write(w), undefined).toString('hex');
}

test('request.ts writes iproute2\'s add/replace/del requests byte for byte', (t) => {
  for (const c of REQUESTS) {
    const checked = checkRoute('', c.spec, c.method === 'del' ? 'del' : 'add');
    // d0 is ifindex 3, as in the captures.
    const ifindexes = routeRefs(checked).map((r) => (r === 'd0' ? 3 : r as number | undefined));
    t.is(written(c.fixture, (w) => writeRoute(w, checked, ifindexes)), expectedRequest(c).toString('hex'), c.fixture);
  }
});

test('request.ts writes iproute2\'s get and dump requests byte for byte', (t) => {
  t.is(written('req-get.hex', (w) => writeGet(w, checkGet('10.3.0.5', {}), undefined, undefined)), fixture('req-get.hex').toString('hex'));
  const options = checkGet('10.3.0.5', { from: '10.1.0.1', mark: 7, oif: 'd0', fibMatch: true });
  t.is(written('req-get-options.hex', (w) => writeGet(w, options, undefined, 3)), fixture('req-get-options.hex').toString('hex'));
  const input = checkGet('10.1.0.5', { iif: 'd0', from: '10.1.0.9' });
  t.is(written('req-get-iif.hex', (w) => writeGet(w, input, 3, undefined)), fixture('req-get-iif.hex').toString('hex'));
  const flow = checkGet('10.1.0.5', { uid: 1000, ipProto: 6, sport: 1000, dport: 2000 });
  t.is(written('req-get-proto-ports.hex', (w) => writeGet(w, flow, undefined, undefined)), fixture('req-get-proto-ports.hex').toString('hex'));
  const dump = prepareDump(checkFilter({ family: 4, table: 1000 }), undefined, true);
  t.is(written('req-dump-table.hex', dump.build), fixture('req-dump-table.hex').toString('hex'));
});

const serial = test.serial; // the fake kernel is a module-wide binding

serial('add/replace/del requests are byte-identical to iproute2\'s for the same routes', async (t) => {
  const f = await fake();
  for (const c of REQUESTS) {
    const before = f.routes().length;
    await f.nl.routes[c.method](c.spec);
    const sent = f.routes();
    t.is(sent.length, before + 1, c.fixture);
    sameRequest(t, sent.at(-1), c.fixture, expectedRequest(c));
  }
  // Each call naming d0 resolved it through RTM_GETLINK: the fake kernel refuses SIOCGSKNS by
  // default, so the handle remembers no names (link-names.spec covers remembered names).
  // One lookup per call naming d0 (as oif or a nexthop's oif).
  const namingD0 = REQUESTS.filter((c) => c.spec.oif === 'd0' || (c.spec.multipath ?? []).some((h) => h.oif === 'd0')).length;
  t.true(namingD0 > 0);
  t.is(f.kernel.sent.filter((m) => m.type === RTM_GETLINK).length, namingD0);
  f.nl.close();
});

serial('mpls encap requests push labels as mpls_pton; bad encaps are ValidationErrors', async (t) => {
  const f = await fake();
  await f.nl.routes.add({ dst: '10.71.0.0/24', gateway: '10.1.0.2', encap: { type: 'mpls', labels: [100, 200], ttl: 9 } });
  t.deepEqual(f.routes().at(-1)!.payload.subarray(12), bytes(
    attr(1, [10, 71, 0, 0]),
    attr(0x8000 | 22, attr(1, [0x00, 0x06, 0x40, 0x00, 0x00, 0x0c, 0x81, 0x00]), attr(2, [9])),
    attr(21, u16(1)),
    attr(5, [10, 1, 0, 2]),
  ));
  for (const [encap, message] of [
    [{ type: 'gre' }, /^encap\.type: ip, ip6, mpls, seg6 or seg6local/],
    [{ type: 'ip', dst: '2001:db8::1' }, /^encap\.dst: an IPv4 tunnel destination/],
    [{ type: 'ip', ttl: 256 }, /^encap\.ttl: /],
    [{ type: 'ip', id: -1 }, /^encap\.id: /],
    [{ type: 'mpls', labels: [] }, /^encap\.labels: /],
    [{ type: 'mpls', labels: [1 << 20] }, /^encap\.labels\[0\]: /],
    [{ type: 'ip6', hoplimit: 1, ttl: 1 }, /^encap\.ttl: unknown option/],
    // SRv6: modes and actions are names looked up in tables (never an object's properties).
    [{ type: 'seg6', segments: ['fc00::1'] }, /^encap\.mode: a mode \(inline, encap, l2encap/],
    [{ type: 'seg6', mode: '__proto__', segments: ['fc00::1'] }, /^encap\.mode: /],
    [{ type: 'seg6', mode: 'toString', segments: ['fc00::1'] }, /^encap\.mode: /],
    [{ type: 'seg6', mode: 'encap' }, /^encap\.segments: an array of 1\.\.127 IPv6 segments/],
    [{ type: 'seg6', mode: 'encap', segments: [] }, /^encap\.segments: /],
    [{ type: 'seg6', mode: 'encap', segments: ['10.0.0.1'] }, /^encap\.segments\[0\]: an IPv6 segment/],
    [{ type: 'seg6', mode: 'inline', segments: Array.from({ length: 127 }, () => 'fc00::1') }, /^encap\.segments: an array of 1\.\.126 /],
    [{ type: 'seg6', mode: 'encap', segments: ['fc00::1'], action: 'End' }, /^encap\.action: unknown option/],
    [{ type: 'seg6local' }, /^encap\.action: a seg6local action/],
    [{ type: 'seg6local', action: 'End.Y' }, /^encap\.action: /],
    [{ type: 'seg6local', action: 'constructor' }, /^encap\.action: /],
    [{ type: 'seg6local', action: 'End.DX4', nh4: 'fe80::1' }, /^encap\.nh4: an IPv4 nexthop/],
    [{ type: 'seg6local', action: 'End.X', nh6: '10.0.0.1' }, /^encap\.nh6: an IPv6 nexthop/],
    [{ type: 'seg6local', action: 'End.DX2', oif: 'd0' }, /^encap\.oif: /],
    [{ type: 'seg6local', action: 'End.T', table: -1 }, /^encap\.table: /],
    [{ type: 'seg6local', action: 'End.B6', segments: [null] }, /^encap\.segments\[0\]: /],
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
  t.like(r.toJSON(), { dst: '10.3.0.5/32', oif: 3, prefsrc: '10.1.0.1', table: 'main' });
  await f.nl.routes.get('10.3.0.5', { from: '10.1.0.1', mark: 7, oif: 'd0', fibMatch: true });
  sameRequest(t, f.routes().at(-1), 'req-get-options.hex');
  await f.nl.routes.get('10.1.0.5', { iif: 'd0', from: '10.1.0.9' });
  sameRequest(t, f.routes().at(-1), 'req-get-iif.hex');
  await f.nl.routes.get('10.1.0.5', { uid: 1000, ipProto: 6, sport: 1000, dport: 2000 });
  sameRequest(t, f.routes().at(-1), 'req-get-proto-ports.hex');
  const list = await f.nl.routes.list({ family: 4, table: 1000 });
  sameRequest(t, f.routes().at(-1), 'req-dump-table.hex');
  t.deepEqual(list.map((x) => [x.dst, x.table, x.gateway]), [['10.2.0.0/16', 1000, '10.1.0.2']]);
  f.nl.close();
});
