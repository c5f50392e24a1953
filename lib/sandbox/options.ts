/**
 * Options of `addInterface`/`addVeth` and of the neighbour calls, their setters (libnetwork's
 * `IfaceOptionSetter` and `NeighborOptionSetter`) and their validation. Options come as one object
 * or as several partial objects (what the setters return), applied in order; `null`/`undefined`
 * arguments are skipped, as libnetwork skips nil options.
 */
import { ValidationError } from '../netlink/core/errors.js';
import { formatIp, hasHostBits, parseIp, parsePrefix, type IpVersion, type Prefix } from '../netlink/core/inet.js';
import { formatMac, parseMac } from '../netlink/core/mac.js';
import { checkBool, checkLinkName } from '../netlink/core/validate.js';
import { readArray, readOptions } from '../netns/checks.js';

/** The settings of an interface added to a sandbox. */
export interface InterfaceOptions {
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
  /** Link-scope routes through the interface (`['10.1.0.0/16']`), added once it is up. */
  routes?: readonly string[];
}

/** One argument of `addInterface`: a whole or partial options object; null/undefined are skipped. */
export type InterfaceOptionsArg = InterfaceOptions | null | undefined;

/** The keys of {@link InterfaceOptions}. */
export const INTERFACE_KEYS: readonly string[] = ['address', 'addressIPv6', 'mac', 'bridge', 'master', 'routes'];

/** A validated IP prefix with its canonical text (`'10.0.0.2/24'`). */
export interface CheckedPrefix extends Prefix {
  text: string;
}

/** Interface options after validation, merged in order. */
export interface CheckedInterfaceOptions {
  address: CheckedPrefix | undefined;
  addressIPv6: CheckedPrefix | undefined;
  mac: string | undefined;
  bridge: boolean;
  master: string | undefined;
  routes: CheckedPrefix[];
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

/** Validates and merges the option arguments of `addInterface` (later arguments override earlier ones). */
export function checkInterfaceOptions(args: readonly unknown[]): CheckedInterfaceOptions {
  const out: CheckedInterfaceOptions = { address: undefined, addressIPv6: undefined, mac: undefined, bridge: false, master: undefined, routes: [] };
  args.forEach((arg, i) => {
    if (arg === undefined || arg === null) return;
    const field = args.length === 1 ? 'options' : `options[${i}]`;
    const o = readOptions(field, arg, INTERFACE_KEYS);
    if (o.address !== undefined) out.address = checkAddress(`${field}.address`, o.address, 4);
    if (o.addressIPv6 !== undefined) out.addressIPv6 = checkAddress(`${field}.addressIPv6`, o.addressIPv6, 6);
    if (o.mac !== undefined) out.mac = checkMac(`${field}.mac`, o.mac);
    if (o.bridge !== undefined) out.bridge = checkBool(`${field}.bridge`, o.bridge);
    if (o.master !== undefined) out.master = checkLinkName(`${field}.master`, o.master);
    if (o.routes !== undefined) {
      out.routes = readArray(`${field}.routes`, o.routes, 'CIDR strings').map((r, j) => checkDestination(`${field}.routes[${j}]`, r));
    }
  });
  return out;
}

/**
 * libnetwork's `IfaceOptionSetter`: each method returns a partial options object to pass to
 * `addInterface`, checked at once (a ValidationError for a malformed value).
 */
export class InterfaceOptionSetter {
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
