// A link's flags as names (what `ip link` prints), exported from the package root.
import test from 'ava';
import { linkFlagNames } from '../../../../lib/netlink/index.js';
import * as C from '../../../../lib/netlink/rtnl/link/constants.js';

test('linkFlagNames: ip\'s order, NO-CARRIER for an up link without IFF_RUNNING, never RUNNING, unknown bits in hex last', (t) => {
  const upRunning = C.IFF_UP | C.IFF_BROADCAST | C.IFF_MULTICAST | C.IFF_RUNNING | C.IFF_LOWER_UP;
  t.deepEqual(linkFlagNames(upRunning), ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']);
  t.deepEqual(linkFlagNames(C.IFF_UP | C.IFF_BROADCAST | C.IFF_MULTICAST), ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP']);
  t.deepEqual(linkFlagNames(C.IFF_LOOPBACK | C.IFF_UP | C.IFF_RUNNING | C.IFF_LOWER_UP), ['LOOPBACK', 'UP', 'LOWER_UP']);
  t.deepEqual(linkFlagNames(C.IFF_BROADCAST | C.IFF_NOARP), ['BROADCAST', 'NOARP']);
  t.deepEqual(linkFlagNames(0), []);
  t.deepEqual(linkFlagNames(C.IFF_MASTER | 0x100000), ['MASTER', '0x100000']);
});
