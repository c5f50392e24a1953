/**
 * Options of `addInterface`/`addVeth` and of the neighbour calls, their setters (libnetwork's
 * `IfaceOptionSetter` and `NeighborOptionSetter`) and their validation. Options come as one object
 * or as several partial objects (what the setters return), applied in order; `null`/`undefined`
 * arguments are skipped, as libnetwork skips nil options.
 */
import { ValidationError } from '../netlink/core/errors.js';
import { formatIp, hasHostBits, parseIp, parsePrefix, prefixContains, type IpVersion, type Prefix } from '../netlink/core/inet.js';
import { formatMac, parseMac } from '../netlink/core/mac.js';
import { checkBool, checkInt, checkLinkName } from '../netlink/core/validate.js';
import { readArray, readOptions } from '../netns/checks.js';
import {
  ADVERTISE_INTERVAL_DEFAULT_MS, ADVERTISE_INTERVAL_MAX_MS, ADVERTISE_INTERVAL_MIN_MS, ADVERTISE_NMSGS_DEFAULT, ADVERTISE_NMSGS_MAX,
  ADVERTISE_NMSGS_MIN,
} from './advertise.js';
import { checkInterfaceSysctl, type InterfaceSysctl } from './knobs.js';

/** The settings of an interface added to a sandbox. */
export interface InterfaceOptions {
  /**
   * The exact name inside the sandbox, instead of `<dstPrefix><n>` (osl's `AddInterface` with a
   * `dstName`). A name another interface of the sandbox has is a SandboxError.
   */
  dstName?: string;
  /** The IPv4 address with its prefix length (`'10.0.0.2/24'`). */
  address?: string;
  /** The IPv6 address with its prefix length (`'fd00::2/64'`), added without DAD (IFA_F_NODAD). */
  addressIPv6?: string;
  /** The MAC address to set (`'02:42:ac:11:00:02'`). */
  mac?: string;
  /** Create a bridge of that name inside the sandbox instead of moving an existing link. */
  bridge?: boolean;
  /** The source name of a bridge added earlier to this sandbox, to enslave the interface to. */
  master?: string;
  /**
   * Link-scope routes through the interface (`['10.1.0.0/16']`), added once it is up. A default
   * route (`'0.0.0.0/0'`, `'::/0'`) is recorded but not added: it is what
   * `setDefaultRouteIPv4`/`setDefaultRouteIPv6` add when this interface is chosen (as osl does).
   */
  routes?: readonly string[];
  /**
   * Link-local addresses (osl's `WithLinkLocalAddresses`), added after the other addresses:
   * IPv4 in 169.254.0.0/16, IPv6 in fe80::/10, with a prefix length or bare (a host prefix).
   */
  linkLocalAddresses?: readonly string[];
  /**
   * Per-interface sysctls (osl's `WithSysctls`) set inside the sandbox after the addresses and
   * before the link goes up: `'net.X.conf.IFNAME.Z=value'`, X `ipv4`, `ipv6` or `mpls`, with the
   * interface's name inside the sandbox put in place of `IFNAME` (e.g.
   * `'net.ipv4.conf.IFNAME.forwarding=1'`). A sysctl that already has the value is not written.
   * If one makes the kernel drop the IPv6 address (`disable_ipv6=1`), the interface no longer
   * reports it and it is not announced.
   */
  sysctls?: readonly string[];
  /**
   * Disable IPv6 on the interface (`net.ipv6.conf.<name>.disable_ipv6=1`), as osl does for an
   * interface of an IPv4-only network. Not with `addressIPv6` or an IPv6 link-local address: with
   * those, IPv6 is enabled on the interface (if it was disabled) before they are added.
   */
  disableIPv6?: boolean;
  /**
   * How many rounds of unsolicited ARP (IPv4 address) and Neighbour Advertisement (IPv6 address)
   * to send once the interface is up, 0..3 (default 3; 0: none). See `Interface.advertisement`.
   */
  advertiseAddrNMsgs?: number;
  /** Milliseconds between those rounds, 100..2000 (default 1000). */
  advertiseAddrInterval?: number;
  /**
   * The link `srcName` is already inside the sandbox (osl's `WithCreatedInContainer`): it is
   * configured where it is, not moved. Its rollback, and `remove()`, put back what was changed
   * (name, MAC, addresses, routes, sysctls, master, up state) and leave it inside.
   */
  createdInContainer?: boolean;
}

/** One argument of `addInterface`: a whole or partial options object; null/undefined are skipped. */
export type InterfaceOptionsArg = InterfaceOptions | null | undefined;

/** The keys of {@link InterfaceOptions}. */
export const INTERFACE_KEYS: readonly string[] = [
  'dstName', 'address', 'addressIPv6', 'mac', 'bridge', 'master', 'routes', 'linkLocalAddresses', 'sysctls', 'disableIPv6',
  'advertiseAddrNMsgs', 'advertiseAddrInterval', 'createdInContainer',
];

/** A validated IP prefix with its canonical text (`'10.0.0.2/24'`). */
export interface CheckedPrefix extends Prefix {
  text: string;
}

/** Interface options after validation, merged in order. */
export interface CheckedInterfaceOptions {
  dstName: string | undefined;
  address: CheckedPrefix | undefined;
  addressIPv6: CheckedPrefix | undefined;
  mac: string | undefined;
  bridge: boolean;
  master: string | undefined;
  routes: CheckedPrefix[];
  linkLocalAddresses: CheckedPrefix[];
  sysctls: InterfaceSysctl[];
  disableIPv6: boolean;
  advertiseAddrNMsgs: number;
  advertiseAddrInterval: number;
  createdInContainer: boolean;
}

function prefix(field: string, value: unknown, version?: IpVersion): CheckedPrefix {
  const p = version === undefined
    ? parsePrefix(field, value, { requireLength: true })
    : parsePrefix(field, value, { version, requireLength: true });
  return { ...p, text: `${formatIp(p.bytes)}/${p.prefixlen}` };
}

/** Checks an address with its prefix length (host bits allowed: it is an interface address). */
export function checkAddress(field: string, value: unknown, version: IpVersion): CheckedPrefix {
  return prefix(field, value, version);
}

/** Checks a route destination (`'10.1.0.0/16'`): a prefix length is required, host bits are refused. */
export function checkDestination(field: string, value: unknown, version?: IpVersion): CheckedPrefix {
  const p = prefix(field, value, version);
  if (hasHostBits(p.bytes, p.prefixlen)) {
    throw new ValidationError(field, value, 'a route destination cannot have host bits set (use the network address)');
  }
  return p;
}

/** Checks a MAC address and returns its canonical text. */
export function checkMac(field: string, value: unknown): string {
  return formatMac(parseMac(field, value));
}

/** Checks an IP address (either version unless told) and returns its canonical text and version. */
export function checkIp(field: string, value: unknown, version?: IpVersion): { text: string; version: IpVersion } {
  const ip = parseIp(field, value, version);
  return { text: formatIp(ip.bytes), version: ip.version };
}

/** The link-local ranges: 169.254.0.0/16 and fe80::/10. */
const LINK_LOCAL: readonly Prefix[] = [
  { version: 4, bytes: Uint8Array.of(169, 254, 0, 0), prefixlen: 16 },
  { version: 6, bytes: Uint8Array.of(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), prefixlen: 10 },
];

/** Checks a link-local address (169.254.0.0/16 or fe80::/10), with a prefix length or bare (a host prefix). */
export function checkLinkLocalAddress(field: string, value: unknown): CheckedPrefix {
  const p = parsePrefix(field, value);
  if (!LINK_LOCAL.some((ll) => prefixContains(ll, p.bytes))) {
    throw new ValidationError(field, value, 'a link-local address is required (169.254.0.0/16 or fe80::/10)');
  }
  return { ...p, text: `${formatIp(p.bytes)}/${p.prefixlen}` };
}

/** Checks advertiseAddrNMsgs: an integer 0..3. */
export function checkAdvertiseNMsgs(field: string, value: unknown): number {
  return checkInt(field, value, ADVERTISE_NMSGS_MIN, ADVERTISE_NMSGS_MAX);
}

/** Checks advertiseAddrInterval: an integer number of milliseconds, 100..2000. */
export function checkAdvertiseInterval(field: string, value: unknown): number {
  return checkInt(field, value, ADVERTISE_INTERVAL_MIN_MS, ADVERTISE_INTERVAL_MAX_MS);
}

/** Validates and merges the option arguments of `addInterface` (later arguments override earlier ones). */
export function checkInterfaceOptions(args: readonly unknown[]): CheckedInterfaceOptions {
  const out: CheckedInterfaceOptions = {
    dstName: undefined, address: undefined, addressIPv6: undefined, mac: undefined, bridge: false, master: undefined, routes: [], linkLocalAddresses: [],
    sysctls: [], disableIPv6: false, advertiseAddrNMsgs: ADVERTISE_NMSGS_DEFAULT, advertiseAddrInterval: ADVERTISE_INTERVAL_DEFAULT_MS,
    createdInContainer: false,
  };
  args.forEach((arg, i) => {
    if (arg === undefined || arg === null) return;
    const field = args.length === 1 ? 'options' : `options[${i}]`;
    const o = readOptions(field, arg, INTERFACE_KEYS);
    if (o.dstName !== undefined) out.dstName = checkLinkName(`${field}.dstName`, o.dstName);
    if (o.address !== undefined) out.address = checkAddress(`${field}.address`, o.address, 4);
    if (o.addressIPv6 !== undefined) out.addressIPv6 = checkAddress(`${field}.addressIPv6`, o.addressIPv6, 6);
    if (o.mac !== undefined) out.mac = checkMac(`${field}.mac`, o.mac);
    if (o.bridge !== undefined) out.bridge = checkBool(`${field}.bridge`, o.bridge);
    if (o.master !== undefined) out.master = checkLinkName(`${field}.master`, o.master);
    if (o.routes !== undefined) {
      out.routes = readArray(`${field}.routes`, o.routes, 'CIDR strings').map((r, j) => checkDestination(`${field}.routes[${j}]`, r));
    }
    if (o.linkLocalAddresses !== undefined) {
      out.linkLocalAddresses = readArray(`${field}.linkLocalAddresses`, o.linkLocalAddresses, 'link-local addresses')
        .map((a, j) => checkLinkLocalAddress(`${field}.linkLocalAddresses[${j}]`, a));
    }
    if (o.sysctls !== undefined) {
      out.sysctls = readArray(`${field}.sysctls`, o.sysctls, 'sysctl strings').map((s, j) => checkInterfaceSysctl(`${field}.sysctls[${j}]`, s));
    }
    if (o.disableIPv6 !== undefined) out.disableIPv6 = checkBool(`${field}.disableIPv6`, o.disableIPv6);
    if (o.advertiseAddrNMsgs !== undefined) out.advertiseAddrNMsgs = checkAdvertiseNMsgs(`${field}.advertiseAddrNMsgs`, o.advertiseAddrNMsgs);
    if (o.advertiseAddrInterval !== undefined) {
      out.advertiseAddrInterval = checkAdvertiseInterval(`${field}.advertiseAddrInterval`, o.advertiseAddrInterval);
    }
    if (o.createdInContainer !== undefined) out.createdInContainer = checkBool(`${field}.createdInContainer`, o.createdInContainer);
  });
  if (out.disableIPv6 && (out.addressIPv6 !== undefined || out.linkLocalAddresses.some((a) => a.version === 6))) {
    throw new ValidationError('disableIPv6', true, 'IPv6 cannot be disabled on an interface given an IPv6 address');
  }
  if (out.createdInContainer && out.bridge) {
    throw new ValidationError('createdInContainer', true, 'a bridge is always created inside the sandbox (bridge: true)');
  }
  return out;
}

/**
 * libnetwork's `IfaceOptionSetter`: each method returns a partial options object to pass to
 * `addInterface`, checked at once (a ValidationError for a malformed value).
 */
export class InterfaceOptionSetter {
  /** The exact name inside the sandbox. */
  dstName(name: string): InterfaceOptions {
    return Object.freeze({ dstName: checkLinkName('dstName', name) });
  }

  /** Whether the interface is a bridge created inside the sandbox. */
  bridge(isBridge: boolean): InterfaceOptions {
    return Object.freeze({ bridge: checkBool('bridge', isBridge) });
  }

  /** The IPv4 address (`'10.0.0.2/24'`). */
  address(cidr: string): InterfaceOptions {
    return Object.freeze({ address: checkAddress('address', cidr, 4).text });
  }

  /** The IPv6 address (`'fd00::2/64'`). */
  addressIPv6(cidr: string): InterfaceOptions {
    return Object.freeze({ addressIPv6: checkAddress('addressIPv6', cidr, 6).text });
  }

  /** The MAC address. */
  mac(mac: string): InterfaceOptions {
    return Object.freeze({ mac: checkMac('mac', mac) });
  }

  /** The source name of a bridge added earlier to the sandbox, to enslave the interface to. */
  master(srcName: string): InterfaceOptions {
    return Object.freeze({ master: checkLinkName('master', srcName) });
  }

  /** Link-scope routes through the interface. */
  routes(cidrs: readonly string[]): InterfaceOptions {
    return Object.freeze({ routes: Object.freeze(readArray('routes', cidrs, 'CIDR strings').map((r, i) => checkDestination(`routes[${i}]`, r).text)) });
  }

  /** Link-local addresses (osl's `WithLinkLocalAddresses`). */
  linkLocalAddresses(cidrs: readonly string[]): InterfaceOptions {
    const list = readArray('linkLocalAddresses', cidrs, 'link-local addresses').map((a, i) => checkLinkLocalAddress(`linkLocalAddresses[${i}]`, a).text);
    return Object.freeze({ linkLocalAddresses: Object.freeze(list) });
  }

  /** Per-interface sysctls, `'net.X.conf.IFNAME.Z=value'` (osl's `WithSysctls`). */
  sysctls(settings: readonly string[]): InterfaceOptions {
    return Object.freeze({ sysctls: Object.freeze(readArray('sysctls', settings, 'sysctl strings').map((s, i) => checkInterfaceSysctl(`sysctls[${i}]`, s).text)) });
  }

  /** Disable IPv6 on the interface. */
  disableIPv6(disable: boolean): InterfaceOptions {
    return Object.freeze({ disableIPv6: checkBool('disableIPv6', disable) });
  }

  /** Rounds of unsolicited ARP/NA, 0..3 (osl's `WithAdvertiseAddrNMsgs`). */
  advertiseAddrNMsgs(n: number): InterfaceOptions {
    return Object.freeze({ advertiseAddrNMsgs: checkAdvertiseNMsgs('advertiseAddrNMsgs', n) });
  }

  /** Milliseconds between those rounds, 100..2000 (osl's `WithAdvertiseAddrInterval`). */
  advertiseAddrInterval(ms: number): InterfaceOptions {
    return Object.freeze({ advertiseAddrInterval: checkAdvertiseInterval('advertiseAddrInterval', ms) });
  }

  /** The link is already inside the sandbox (osl's `WithCreatedInContainer`). */
  createdInContainer(inside: boolean): InterfaceOptions {
    return Object.freeze({ createdInContainer: checkBool('createdInContainer', inside) });
  }
}

/** The address family of a neighbour entry: ARP (`'inet'`), NDP (`'inet6'`) or bridge FDB (`'bridge'`). */
export type NeighborFamilyName = 'inet' | 'inet6' | 'bridge';

/** Options of `addNeighbor`/`deleteNeighbor`. */
export interface NeighborOptions {
  /** The source name of the sandbox interface the entry belongs to. */
  linkName?: string;
  /**
   * `'bridge'` (or AF_BRIDGE, 7) makes a permanent FDB entry on the link (NTF_SELF, as
   * `bridge fdb add MAC dev LINK dst IP self permanent`); `'inet'`/`'inet6'` (2/10) an ARP/NDP
   * entry, which is also the default (from the IP's version).
   */
  family?: NeighborFamilyName | 2 | 7 | 10;
}

/** One argument of the neighbour calls. */
export type NeighborOptionsArg = NeighborOptions | null | undefined;

/** Neighbour options after validation. */
export interface CheckedNeighborOptions {
  linkName: string | undefined;
  family: NeighborFamilyName | undefined;
}

function checkFamily(field: string, value: unknown): NeighborFamilyName {
  if (value === 'inet' || value === 2) return 'inet';
  if (value === 'inet6' || value === 10) return 'inet6';
  if (value === 'bridge' || value === 7) return 'bridge';
  throw new ValidationError(field, value, "'inet', 'inet6' or 'bridge' (AF_INET 2, AF_INET6 10, AF_BRIDGE 7) is required");
}

/** Validates and merges neighbour option arguments. */
export function checkNeighborOptions(args: readonly unknown[]): CheckedNeighborOptions {
  const out: CheckedNeighborOptions = { linkName: undefined, family: undefined };
  args.forEach((arg, i) => {
    if (arg === undefined || arg === null) return;
    const field = args.length === 1 ? 'options' : `options[${i}]`;
    const o = readOptions(field, arg, ['linkName', 'family']);
    if (o.linkName !== undefined) out.linkName = checkLinkName(`${field}.linkName`, o.linkName);
    if (o.family !== undefined) out.family = checkFamily(`${field}.family`, o.family);
  });
  return out;
}

/** libnetwork's `NeighborOptionSetter`: each method returns a partial options object. */
export class NeighborOptionSetter {
  /** The source name of the sandbox interface the entry belongs to. */
  linkName(srcName: string): NeighborOptions {
    return Object.freeze({ linkName: checkLinkName('linkName', srcName) });
  }

  /** The entry's family (`'bridge'` for an FDB entry). */
  family(family: NeighborFamilyName | 2 | 7 | 10): NeighborOptions {
    return Object.freeze({ family: checkFamily('family', family) });
  }
}

/** Checks an interface name prefix: `<prefix>0` must be a valid interface name. */
export function checkPrefixName(value: unknown, field = 'dstPrefix'): string {
  if (typeof value !== 'string') throw new ValidationError(field, value, 'an interface name prefix string is required');
  checkLinkName(field, `${value}0`);
  return value;
}

/** A static route (libnetwork's `types.StaticRoute`): a destination through a next hop. */
export interface StaticRoute {
  /** The destination prefix (`'10.9.0.0/16'`). */
  destination: string;
  /** The next hop, reachable directly through a link in the sandbox (`'10.0.0.254'`). */
  nextHop: string;
}

/** A static route after validation: the destination parsed, the next hop canonical. */
export interface CheckedStaticRoute {
  destination: CheckedPrefix;
  nextHop: string;
}

/** Checks a static route: a destination without host bits, a next hop of the same family. */
export function checkStaticRoute(field: string, value: unknown): CheckedStaticRoute {
  if (value === undefined) throw new ValidationError(field, value, 'a static route { destination, nextHop } is required');
  const o = readOptions(field, value, ['destination', 'nextHop']);
  const destination = checkDestination(`${field}.destination`, o.destination);
  const nextHop = checkIp(`${field}.nextHop`, o.nextHop, destination.version).text;
  return { destination, nextHop };
}

/** Checks a list of static routes. */
export function checkStaticRoutes(value: unknown, field = 'staticRoutes'): CheckedStaticRoute[] {
  return readArray(field, value, 'static routes').map((item, i) => checkStaticRoute(`${field}[${i}]`, item));
}
