/**
 * The address-conflict check of addInterface (libnetwork L@3c20c075): an address may not be
 * programmed when a main-table route of its family contains it, or when its network contains the
 * route's destination (the same subnet on two links would make routing ambiguous).
 */
import { parsePrefix, prefixContains } from '../netlink/core/inet.js';
import { RT_TABLE_MAIN } from '../netlink/rtnl/enums.js';
import type { Route } from '../netlink/rtnl/route/view.js';
import type { CheckedPrefix } from './options.js';


/**
 * The libnetwork message for the first conflict between `addresses` and `routes` (a main-table
 * dump of the sandbox), or undefined. Default routes never conflict.
 */
export function findRouteConflict(addresses: readonly CheckedPrefix[], routes: readonly Route[]): string | undefined {
  for (const a of addresses) {
    for (const r of routes) {
      if (r.dstLen === 0 || r.family !== a.version || r.tableId !== RT_TABLE_MAIN) continue;
      const dst = parsePrefix('route', r.dst);
      if (prefixContains(dst, a.bytes) || prefixContains(a, dst.bytes)) {
        return `cannot program address ${a.text} in sandbox interface because it conflicts with existing route ${r.dst}`
          + (r.oif === undefined ? '' : ` (ifindex ${r.oif})`);
      }
    }
  }
  return undefined;
}
