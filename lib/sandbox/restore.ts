/**
 * Live restore: matching what a sandbox had (interfaces, gateways, static routes) against what the
 * kernel has in its namespace, without changing anything. Pure functions over the kernel's dumps.
 */
import { ValidationError } from '../netlink/core/errors.js';
import type { Address } from '../netlink/rtnl/address/view.js';
import type { Link } from '../netlink/rtnl/link/view.js';
import type { Route } from '../netlink/rtnl/route/view.js';
import { checkLinkName } from '../netlink/core/validate.js';
import { readArray, readOptions } from '../netns/checks.js';
import { SandboxError } from './errors.js';
import {
  INTERFACE_KEYS, checkDestination, checkInterfaceOptions, checkPrefixName, type CheckedInterfaceOptions, type CheckedStaticRoute,
  type InterfaceOptions, type StaticRoute,
} from './options.js';
import type { DefaultRouteRecord, GatewayRecord, InterfaceRecord, StaticRouteRecord } from './state.js';

/**
 * An interface to find again in `Sandbox.restore`, with the options it was added with (osl's
 * `RestoreInterfaces`): they are recorded as they are, nothing is applied again; if its link is
 * up, its addresses are announced again (unsolicited ARP/NA, `advertiseAddrNMsgs` rounds, as osl
 * does after a restart, since neighbours may hold stale entries).
 */
export interface RestoreInterface extends InterfaceOptions {
  /** The interface's name in the source namespace. */
  srcName: string;
  /** Its name inside the sandbox, when known (matched exactly). */
  dstName?: string;
  /** The prefix it was added with; used to find it by name when it has no address to match. */
  dstPrefix?: string;
}

/** Options of `Sandbox.restore`: the configuration the sandbox had (libnetwork's `Restore`). */
export interface RestoreOptions {
  /** The interfaces to find again, by exact name, by address, or by prefix (in that order of preference). */
  interfaces?: readonly RestoreInterface[];
  /** The IPv4 gateway; omitted: taken from the kernel's default route, if any. */
  gateway?: string;
  /** The IPv6 gateway; omitted: taken from the kernel's default route, if any. */
  gatewayIPv6?: string;
  /** The static routes; omitted: every main-table route with a gateway other than the default. */
  staticRoutes?: readonly StaticRoute[];
  /**
   * The source name of the interface the IPv4 default route without a gateway goes through
   * (`setDefaultRouteIPv4`; osl's `RestoreGateway` without an address); omitted: taken from the
   * kernel's gateway-less default route through a restored interface, if any.
   */
  defaultRouteIPv4?: string;
  /** Like {@link defaultRouteIPv4}, for IPv6. */
  defaultRouteIPv6?: string;
  /** The source namespace, as in `Sandbox.create`. */
  sourceNetns?: string | number;
}

/** A restore interface after validation. */
export interface CheckedRestoreInterface {
  srcName: string;
  dstName: string | undefined;
  dstPrefix: string | undefined;
  opts: CheckedInterfaceOptions;
}

/** Checks the `interfaces` option of restore. */
export function checkRestoreInterfaces(value: unknown): CheckedRestoreInterface[] {
  if (value === undefined) return [];
  return readArray('interfaces', value, 'interfaces').map((item, i) => {
    const f = `interfaces[${i}]`;
    if (item === undefined) throw new ValidationError(f, item, 'an interface { srcName, … } is required');
    const { srcName, dstName, dstPrefix, ...rest } = readOptions(f, item, ['srcName', 'dstPrefix', ...INTERFACE_KEYS]);
    return {
      srcName: checkLinkName(`${f}.srcName`, srcName),
      dstName: dstName === undefined ? undefined : checkLinkName(`${f}.dstName`, dstName),
      dstPrefix: dstPrefix === undefined ? undefined : checkPrefixName(dstPrefix, `${f}.dstPrefix`),
      opts: checkInterfaceOptions([rest]),
    };
  });
}

/** What the kernel has, as restore reads it (one dump each). */
export interface KernelState {
  /** The links inside the sandbox. */
  links: readonly Link[];
  /** The addresses inside the sandbox. */
  addresses: readonly Address[];
  /** The main-table routes inside the sandbox. */
  routes: readonly Route[];
  /** The names of the veths in the source namespace (host ends of addVeth pairs). */
  sourceVeths: ReadonlySet<string>;
}

/** The rebuilt state. */
export interface RestoredState {
  interfaces: InterfaceRecord[];
  gateway: GatewayRecord | undefined;
  gatewayIPv6: GatewayRecord | undefined;
  defaultRoute: DefaultRouteRecord | undefined;
  defaultRouteIPv6: DefaultRouteRecord | undefined;
  staticRoutes: StaticRouteRecord[];
}

/** The default routes to find (source names of interfaces), as given. */
export interface WantedDefaultRoutes {
  defaultRouteIPv4: string | undefined;
  defaultRouteIPv6: string | undefined;
}

/**
 * Finds each wanted interface, the gateways and the static routes in `kernel`. Anything given that
 * the kernel does not have is a SandboxError (step `'restore'`).
 */
export function rebuildState(key: string, kernel: KernelState, wanted: readonly CheckedRestoreInterface[],
  gateway: string | undefined, gatewayIPv6: string | undefined, statics: readonly CheckedStaticRoute[] | undefined,
  defaults: WantedDefaultRoutes = { defaultRouteIPv4: undefined, defaultRouteIPv6: undefined }): RestoredState {
  const claimed = new Set<number>();
  const byIndex = new Map(kernel.links.map((l) => [l.ifindex, l]));
  const interfaces: InterfaceRecord[] = [];
  for (const w of wanted) {
    let link: Link | undefined;
    if (w.dstName !== undefined) {
      link = kernel.links.find((l) => l.name === w.dstName);
    } else if (w.opts.address !== undefined || w.opts.addressIPv6 !== undefined) {
      const texts = [w.opts.address, w.opts.addressIPv6].filter((p) => p !== undefined).map((p) => p.text);
      const a = kernel.addresses.find((x) => texts.includes(x.cidr) && !claimed.has(x.ifindex));
      link = a === undefined ? undefined : byIndex.get(a.ifindex);
    } else if (w.dstPrefix !== undefined) {
      const prefix = w.dstPrefix;
      link = kernel.links.find((l) => !claimed.has(l.ifindex) && l.name.startsWith(prefix) && /^(0|[1-9][0-9]*)$/.test(l.name.slice(prefix.length)));
    }
    if (link === undefined || claimed.has(link.ifindex)) {
      throw new SandboxError('restore', `could not find interface "${w.srcName}" in sandbox "${key}"`);
    }
    claimed.add(link.ifindex);
    interfaces.push({
      srcName: w.srcName, dstName: link.name, ifindex: link.ifindex, address: w.opts.address,
      addressIPv6: w.opts.addressIPv6, mac: w.opts.mac, bridge: w.opts.bridge || link.kind === 'bridge',
      master: w.opts.master, routes: w.opts.routes, linkLocalAddresses: w.opts.linkLocalAddresses, sysctls: w.opts.sysctls,
      disableIPv6: w.opts.disableIPv6, advertiseAddrNMsgs: w.opts.advertiseAddrNMsgs,
      advertiseAddrInterval: w.opts.advertiseAddrInterval, removing: false, inside: undefined, advertiser: undefined,
      // A moved link left no link of its source name behind; addVeth left the host end there.
      origin: w.opts.createdInContainer ? 'inside' : link.kind === 'veth' && kernel.sourceVeths.has(w.srcName) ? 'veth' : 'restored',
    });
  }
  const pickGateway = (version: 4 | 6, ip: string | undefined): GatewayRecord | undefined => {
    const found = kernel.routes.find((r) => r.family === version && r.dstLen === 0 && r.gateway !== undefined
      && r.oif !== undefined && (ip === undefined || r.gateway === ip));
    if (found === undefined) {
      if (ip !== undefined) throw new SandboxError('restore', `the gateway ${ip} is not set in sandbox "${key}"`);
      return undefined;
    }
    return { ip: found.gateway!, oif: found.oif! };
  };
  const withGateway = kernel.routes.filter((r) => r.dstLen > 0 && r.gateway !== undefined && r.oif !== undefined);
  const staticRoutes: StaticRouteRecord[] = statics === undefined
    ? withGateway.map((r) => ({ destination: checkDestination('route', r.dst), nextHop: r.gateway!, oif: r.oif! }))
    : statics.map((s) => {
      const found = withGateway.find((r) => r.dst === s.destination.text && r.gateway === s.nextHop);
      if (found === undefined) {
        throw new SandboxError('restore', `the static route ${s.destination.text} via ${s.nextHop} is not in sandbox "${key}"`);
      }
      return { ...s, oif: found.oif! };
    });
  const pickDefault = (version: 4 | 6, srcName: string | undefined): DefaultRouteRecord | undefined => {
    const candidates = interfaces.filter((i) => srcName === undefined || i.srcName === srcName);
    if (srcName !== undefined && candidates.length === 0) {
      throw new SandboxError('restore', `the interface "${srcName}" of the IPv${version} default route is not among the restored interfaces`);
    }
    for (const i of candidates) {
      const found = kernel.routes.find((r) => r.family === version && r.dstLen === 0 && r.gateway === undefined && r.oif === i.ifindex);
      if (found !== undefined) return { srcName: i.srcName, oif: i.ifindex, dst: checkDestination('route', version === 4 ? '0.0.0.0/0' : '::/0') };
    }
    if (srcName !== undefined) throw new SandboxError('restore', `the IPv${version} default route through "${srcName}" is not in sandbox "${key}"`);
    return undefined;
  };
  return {
    interfaces, gateway: pickGateway(4, gateway), gatewayIPv6: pickGateway(6, gatewayIPv6), staticRoutes,
    defaultRoute: pickDefault(4, defaults.defaultRouteIPv4), defaultRouteIPv6: pickDefault(6, defaults.defaultRouteIPv6),
  };
}
