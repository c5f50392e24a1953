// nl.routes over a fake kernel (spec/helpers/fake-kernel.ts): dump filtering (kernel vs JS), a
// missing table, bulk calls with per-item results, and input validation before anything is sent.
// No privileges needed.
import test from 'ava';
import { NetlinkError, RtNetlink, ValidationError } from '../../../../lib/netlink/index.js';
import { Route, routeView } from '../../../../lib/netlink/rtnl/route/view.js';
import { attr, bytes, nldone, nlmsg, u32 } from '../../../helpers/bytes.js';
import { FakeKernel, type SentMessage } from '../../../helpers/fake-kernel.js';
import { RTM_DELROUTE, RTM_GETLINK, RTM_GETROUTE, RTM_NEWROUTE, fake, fixture } from './helpers.js';

const serial = test.serial; // the fake kernel is a module-wide binding

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
    [() => r.add({ dst: '10.0.0.0/8', gateway: '10.0.0.1', multipath: [{ oif: 2 }] }), /^multipath: a multipath route takes its gateways/],
    [() => r.add({ dst: '10.0.0.0/8', gateway: '10.0.0.01' }), /^gateway: /],
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

serial('a bulk call names the failing item and its option in the error (items are checked under one path, a failing one again under its own)', async (t) => {
  const f = await fake(() => false);
  const r = f.nl.routes;
  const many = Array.from({ length: 40 }, (_, i) => ({ dst: `10.${i}.0.0/16`, oif: 3 }));
  many[27] = { dst: '10.27.0.0/16', oif: 3, metric: -1 } as never;
  await t.throwsAsync(r.addMany(many), { instanceOf: ValidationError, message: /^routes\[27\]\.metric: /, any: false } as never);
  const error = await r.delMany([{ dst: '10.0.0.0/8' }, { dst: '10.0.0.0/8', tos: 300 }]).catch((e: unknown) => e);
  t.true(error instanceof ValidationError);
  t.is((error as ValidationError).field, 'routes[1].tos');
  // A neighbour whose dst getter (read once per check) refuses the first time and answers well the
  // second: the item is refused all the same, by its path.
  let reads = 0;
  const fickle = { link: 3, lladdr: '02:00:00:00:00:01', get dst() { return ++reads === 1 ? 'not an address' : '10.1.0.1'; } };
  const e = await f.nl.neighbors.addMany([{ link: 3, dst: '10.1.0.2' }, fickle as never]).catch((x: unknown) => x);
  t.true(e instanceof ValidationError);
  t.is((e as ValidationError).field, 'items[1]');
  t.regex((e as ValidationError).message, /getters answer differently.*dst/);
  t.true(reads >= 2, 'read again under the item\'s own path (and by the error\'s description)');
  t.is(f.kernel.datagrams.length, 0, 'nothing was sent');
  f.nl.close();
});

serial('an IPv4 gateway is written as its four bytes and makes the default scope global; without one the scope is link', async (t) => {
  const f = await fake();
  await f.nl.routes.add({ dst: '10.9.0.0/16', gateway: '10.1.0.254', oif: 3 });
  await f.nl.routes.add({ dst: '10.8.0.0/16', oif: 3 });
  t.deepEqual((await f.nl.routes.addMany([{ dst: '10.7.0.0/16', gateway: '192.168.0.1' }])).map((r) => r.status), ['fulfilled']);
  const [viaGateway, direct, bulk] = f.routes();
  t.is(viaGateway!.payload[6], 0, 'RT_SCOPE_UNIVERSE');
  t.is(direct!.payload[6], 253, 'RT_SCOPE_LINK');
  t.true(viaGateway!.payload.includes(attr(5, [10, 1, 0, 254])), 'RTA_GATEWAY 10.1.0.254');
  t.true(bulk!.payload.includes(attr(5, [192, 168, 0, 1])), 'RTA_GATEWAY 192.168.0.1');
  t.true(viaGateway!.payload.includes(attr(1, [10, 9, 0, 0])), 'RTA_DST 10.9.0.0');
  f.nl.close();
});
