// Loads many routes at once: `routes.addMany` packs the requests into as few datagrams as it can
// and resolves to one result per route, in order (Promise.allSettled's shape), so one bad route
// does not stop the others. Then reads them back and removes them with `delMany`.
//
//   sudo node examples/bulk-routes.mjs [COUNT]     (default 10000; needs CAP_SYS_ADMIN, CAP_NET_ADMIN)
import { RtNetlink, netns } from 'rtnetlink';

const count = Number(process.argv[2] ?? 10_000);
if (!Number.isInteger(count) || count < 1 || count > 65_536) throw new RangeError('COUNT: 1..65536');

const ns = `/run/netns/example-bulk-${process.pid}`;
await netns.create(ns);
const nl = await RtNetlink.open({ netns: ns });
try {
  await nl.links.add({ name: 'v0', kind: 'veth', peer: { name: 'v1', up: true }, up: true });
  await nl.addresses.add({ link: 'v0', address: '10.0.0.1/24' });

  // 10.<hi>.<lo>.0/24 via 10.0.0.2, one /24 per route, plus one the kernel refuses (its gateway
  // is on no link) to show that a failure is one item's result, not the call's.
  const routes = Array.from({ length: count }, (_, i) => ({ dst: `10.${1 + (i >> 8)}.${i & 255}.0/24`, gateway: '10.0.0.2', table: 100 }));
  routes.push({ dst: '192.0.2.0/24', gateway: '198.51.100.1', table: 100 });

  let start = process.hrtime.bigint();
  const results = await nl.routes.addMany(routes);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${routes[i].dst}: ${r.reason.code ?? r.reason.message}`] : []));
  console.log(`added ${results.length - failed.length} of ${routes.length} routes in ${seconds.toFixed(3)} s`);
  for (const f of failed) console.log(`  refused ${f}`);

  const listed = await nl.routes.list({ family: 4, table: 100 });
  console.log(`table 100 holds ${listed.length} routes`);

  start = process.hrtime.bigint();
  const removed = await nl.routes.delMany(listed);   // the views from the dump, sent back as they are
  console.log(`deleted ${removed.filter((r) => r.status === 'fulfilled').length} in ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(3)} s`);
  console.log(`table 100 holds ${(await nl.routes.list({ family: 4, table: 100 })).length} routes`);
} finally {
  nl.close();
  await netns.remove(ns);
}
