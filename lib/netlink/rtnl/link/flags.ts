/**
 * A link's IFF_* flags (ifi_flags): as booleans ({@link LinkFlags}, what `link.flags` gives) and as
 * the names `ip link` prints, in its order.
 */
import { checkU32 } from '../../core/validate.js';
import * as C from './constants.js';

/** The IFF_* flags of a link as booleans (`ip -j` prints them as `UP`, `LOWER_UP` …). */
export interface LinkFlags {
  /** IFF_UP: administratively up (`ip link set … up`). */
  up: boolean;
  /** IFF_BROADCAST: the broadcast address is valid. */
  broadcast: boolean;
  /** IFF_DEBUG: driver debugging on. */
  debug: boolean;
  /** IFF_LOOPBACK: a loopback device. */
  loopback: boolean;
  /** IFF_POINTOPOINT: a point-to-point link. */
  pointopoint: boolean;
  /** IFF_NOTRAILERS: avoid trailers (obsolete, unused by Linux). */
  notrailers: boolean;
  /** IFF_RUNNING: operationally up (RFC 2863 UP). */
  running: boolean;
  /** IFF_NOARP: no ARP / neighbour discovery on the link. */
  noarp: boolean;
  /** IFF_PROMISC: receives every packet. */
  promisc: boolean;
  /** IFF_ALLMULTI: receives every multicast packet. */
  allmulti: boolean;
  /** IFF_MASTER: master of a load balancer (bonding). */
  master: boolean;
  /** IFF_SLAVE: slave of a load balancer (bonding). */
  slave: boolean;
  /** IFF_MULTICAST: supports multicast. */
  multicast: boolean;
  /** IFF_PORTSEL: can set the media type. */
  portsel: boolean;
  /** IFF_AUTOMEDIA: selects the media automatically. */
  automedia: boolean;
  /** IFF_DYNAMIC: addresses are lost when the link goes down. */
  dynamic: boolean;
  /** IFF_LOWER_UP: the driver signals L1 up (carrier). */
  lowerUp: boolean;
  /** IFF_DORMANT: the driver signals dormant. */
  dormant: boolean;
  /** IFF_ECHO: echoes sent packets. */
  echo: boolean;
}

/** IFF_* flags in the order iproute2's print_link_flags prints them, with their names. */
const IP_FLAG_ORDER: ReadonlyArray<readonly [number, string]> = [
  [C.IFF_LOOPBACK, 'LOOPBACK'], [C.IFF_BROADCAST, 'BROADCAST'], [C.IFF_POINTOPOINT, 'POINTOPOINT'],
  [C.IFF_MULTICAST, 'MULTICAST'], [C.IFF_NOARP, 'NOARP'], [C.IFF_ALLMULTI, 'ALLMULTI'], [C.IFF_PROMISC, 'PROMISC'],
  [C.IFF_NOTRAILERS, 'NOTRAILERS'], [C.IFF_DEBUG, 'DEBUG'], [C.IFF_DYNAMIC, 'DYNAMIC'], [C.IFF_AUTOMEDIA, 'AUTOMEDIA'],
  [C.IFF_PORTSEL, 'PORTSEL'], [C.IFF_SLAVE, 'SLAVE'], [C.IFF_MASTER, 'MASTER'], [C.IFF_UP, 'UP'],
  [C.IFF_LOWER_UP, 'LOWER_UP'], [C.IFF_DORMANT, 'DORMANT'], [C.IFF_ECHO, 'ECHO'],
];

/** Decodes ifi_flags into {@link LinkFlags} (written out: one object literal, one shape). */
export function decodeLinkFlags(bits: number): LinkFlags {
  return {
    up: (bits & C.IFF_UP) !== 0,
    broadcast: (bits & C.IFF_BROADCAST) !== 0,
    debug: (bits & C.IFF_DEBUG) !== 0,
    loopback: (bits & C.IFF_LOOPBACK) !== 0,
    pointopoint: (bits & C.IFF_POINTOPOINT) !== 0,
    notrailers: (bits & C.IFF_NOTRAILERS) !== 0,
    running: (bits & C.IFF_RUNNING) !== 0,
    noarp: (bits & C.IFF_NOARP) !== 0,
    promisc: (bits & C.IFF_PROMISC) !== 0,
    allmulti: (bits & C.IFF_ALLMULTI) !== 0,
    master: (bits & C.IFF_MASTER) !== 0,
    slave: (bits & C.IFF_SLAVE) !== 0,
    multicast: (bits & C.IFF_MULTICAST) !== 0,
    portsel: (bits & C.IFF_PORTSEL) !== 0,
    automedia: (bits & C.IFF_AUTOMEDIA) !== 0,
    dynamic: (bits & C.IFF_DYNAMIC) !== 0,
    lowerUp: (bits & C.IFF_LOWER_UP) !== 0,
    dormant: (bits & C.IFF_DORMANT) !== 0,
    echo: (bits & C.IFF_ECHO) !== 0,
  };
}

/**
 * The flags as `ip link` and `ip -j link` print them (`['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']`),
 * in iproute2's order: `NO-CARRIER` first for a link that is up without IFF_RUNNING, RUNNING itself
 * never, unknown bits as one hex number last. ip's `M-DOWN` (the IFLA_LINK device is down) needs
 * that other link's flags and is not added here.
 */
export function linkFlagNames(bits: number): string[] {
  // ifi_flags is a u32: true, '1' or 2^32 are no flags (bit operations would take them as numbers).
  checkU32('bits', bits);
  const out: string[] = [];
  if ((bits & C.IFF_UP) !== 0 && (bits & C.IFF_RUNNING) === 0) out.push('NO-CARRIER');
  let rest = bits & ~C.IFF_RUNNING;
  for (const [bit, name] of IP_FLAG_ORDER) {
    if ((rest & bit) !== 0) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0) out.push(`0x${(rest >>> 0).toString(16)}`);
  return out;
}
