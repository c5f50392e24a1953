// Keeps a Map in step with the kernel's main IPv4 routing table: subscribe to route events first,
// then dump the table, then apply each event as it comes (an event that the dump already showed
// is applied again harmlessly: the Map is keyed by what identifies a route). The changes are made
// here, after subscribing, and the loop stops once the Map holds what they produce.
// (`nl.monitor({ groups, listExisting: true })` does the subscribe-dump-reconcile in the library.)
//
//   sudo node examples/mirror-routes.mjs     (needs CAP_SYS_ADMIN and CAP_NET_ADMIN)
import { RtNetlink, netns } from 'rtnetlink';

const ns = `/run/netns/example-routes-${process.pid}`;
await netns.create(ns);
const nl = await RtNetlink.open({ netns: ns });
try {
  // What identifies a route in a table: destination, metric, TOS.
  const keyOf = (r) => `${r.dst} metric ${r.metric ?? 0} tos ${r.tos}`;
  const describe = (r) => `${r.dst}${r.gateway === undefined ? '' : ` via ${r.gateway}`} proto ${r.protocol}`;
  const table = new Map();
  const inMain = (r) => r.family === 4 && r.table === 'main' && !r.cloned;

  const events = nl.monitor({ groups: ['ipv4-route'] });      // 1. subscribed from here on
  for (const r of await nl.routes.list({ family: 4, table: 'main' })) table.set(keyOf(r), describe(r));  // 2. dump

  // 3. Changes, made after subscribing: a link with an address (its connected route), routes.
  await nl.links.add({ name: 'v0', kind: 'veth', peer: { name: 'v1', up: true }, up: true });
  await nl.addresses.add({ link: 'v0', address: '10.0.0.1/24' });
  await nl.routes.add({ dst: '10.1.0.0/16', gateway: '10.0.0.2' });
  await nl.routes.add({ dst: '10.2.0.0/16', gateway: '10.0.0.2', metric: 10 });
  await nl.routes.replace({ dst: '10.1.0.0/16', gateway: '10.0.0.3' });
  await nl.routes.del({ dst: '10.2.0.0/16', metric: 10 });
  await nl.routes.add({ dst: 'default', gateway: '10.0.0.254', protocol: 'static' });

  // 4. Apply events until the last change shows (the default route), then stop.
  for await (const event of events) {
    if (event.type === 'overrun') {                           // events were lost: dump again
      table.clear();
      for (const r of await nl.routes.list({ family: 4, table: 'main' })) table.set(keyOf(r), describe(r));
      continue;
    }
    if (event.kind !== 'route' || !inMain(event.object)) continue;
    const r = event.object;
    if (event.type === 'new') table.set(keyOf(r), describe(r));
    else table.delete(keyOf(r));
    if (event.type === 'new' && r.dst === 'default') break;   // leaving the loop closes the event socket
  }

  for (const [key, route] of [...table].sort()) console.log(`${key.padEnd(32)} ${route}`);
} finally {
  nl.close();
  await netns.remove(ns);
}
