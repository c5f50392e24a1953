/**
 * The validation and encoding of common requests, run on sample input into a scratch writer:
 * nothing is sent, nothing is kept. The build's code-cache step (scripts/code-cache.js) runs it
 * before taking the library's V8 code cache, so that a fresh process's first neighbour, route or
 * address request runs bytecode from the cache instead of compiling these functions (~1 ms).
 *
 * @internal
 */
import { NlWriter } from './netlink/core/writer.js';
import type { LinkRef } from './netlink/core/validate.js';
import { checkAddress } from './netlink/rtnl/address/options.js';
import { writeAddAddress, writeDelAddress } from './netlink/rtnl/address/request.js';
import { checkNeighbor } from './netlink/rtnl/neighbor/options.js';
import { neighborRefs, writeNeighbor } from './netlink/rtnl/neighbor/request.js';
import { routeRefs, writeRoute } from './netlink/rtnl/route/request.js';
import { checkRoute } from './netlink/rtnl/route/validate.js';

/** Neighbours as users write them: IPv4 and IPv6, by name and by ifindex, with and without a state. */
const NEIGHBORS: readonly object[] = [
  { link: 'eth0', dst: '10.0.0.1', lladdr: '02:00:00:00:00:01' },
  { link: 2, dst: '192.168.1.20', lladdr: '02:00:00:00:00:02', state: 'reachable' },
  { link: 'eth0', dst: 'fe80::1', lladdr: '02:00:00:00:00:03', state: 'permanent' },
];

/** Routes as users write them: on-link, via a gateway, default, IPv6, by name and by ifindex. */
const ROUTES: readonly object[] = [
  { dst: '10.1.0.0/24', oif: 'eth0', scope: 'link' },
  { dst: '10.2.0.0/16', gateway: '10.0.0.1', metric: 100 },
  { dst: 'default', gateway: '10.0.0.1', table: 'main' },
  { dst: '2001:db8::/64', oif: 2 },
];

/** Addresses as users write them: IPv4 with its broadcast computed, IPv6. */
const ADDRESSES: readonly object[] = [
  { link: 'eth0', address: '10.0.0.2/24' },
  { link: 2, address: '2001:db8::2/64' },
];

/** The references with every name replaced by ifindex 1, as a request has them once resolved. */
function resolved(refs: ReadonlyArray<LinkRef | undefined>): Array<number | undefined> {
  return refs.map((r) => (typeof r === 'string' ? 1 : r));
}

/** Validates and encodes every sample (see the file's header); throws if a sample is refused. */
export function warmEncoders(): void {
  const w = new NlWriter();
  for (const n of NEIGHBORS) {
    w.reset();
    const c = checkNeighbor('', n);
    writeNeighbor(w, c, resolved(neighborRefs(c)));
  }
  for (const mode of ['add', 'del'] as const) {
    for (const r of ROUTES) {
      w.reset();
      const c = checkRoute('', r, mode);
      writeRoute(w, c, resolved(routeRefs(c)));
    }
  }
  for (const a of ADDRESSES) {
    const c = checkAddress('', a);
    w.reset();
    writeAddAddress(w, c, 1);
    w.reset();
    writeDelAddress(w, c, 1);
  }
}
