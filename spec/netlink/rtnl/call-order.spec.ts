// Requests that need no name lookup leave in the order they were made, in one datagram: the
// services add no hidden await before enqueueing (fake kernel, no privileges).
import test from 'ava';
import { RtNetlink } from '../../../lib/netlink/index.js';
import { nlerror } from '../../helpers/bytes.js';
import { FakeKernel } from '../../helpers/fake-kernel.js';

test('set, address, neighbour and route requests with ifindexes keep call order', async (t) => {
  const k = new FakeKernel((msgs, kk) => kk.deliver(...msgs.filter((m) => m.flags & 4).map((m) => nlerror(m.seq, 0, m))));
  const restore = k.install();
  t.teardown(restore);
  const nl = await RtNetlink.open();
  await Promise.all([
    nl.links.set(5, { up: true }),
    nl.addresses.add({ link: 5, address: '10.44.0.1/24' }),
    nl.neighbors.add({ link: 5, dst: '10.44.0.9', lladdr: '02:00:00:00:00:09' }),
    nl.routes.add({ dst: '10.45.0.0/16', gateway: '10.44.0.254', oif: 5 }),
    nl.links.set(5, { master: null }),
  ]);
  nl.close();
  t.is(k.datagrams.length, 1);
  t.deepEqual(k.sent.map((m) => m.type), [16, 20, 28, 24, 16]);
});
