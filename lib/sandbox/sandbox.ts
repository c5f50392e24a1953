/**
 * Sandbox: a network namespace kept on a file (its key) plus what was placed in it — interfaces,
 * gateways, static routes, neighbour entries — after libnetwork's `osl` package, built on this
 * package's own netlink client. This class is the facade: it checks the call and hands it to the
 * module of that concern, all sharing one state object (state.ts), as osl splits its `Namespace`:
 *
 * | module                | osl file              | what                                              |
 * | --------------------- | --------------------- | ------------------------------------------------- |
 * | namespace.ts          | namespace_linux.go    | create, forExternalKey, restore, invoke, destroy  |
 * | namespace-settings.ts | namespace_linux.go    | alias IPs, ARP for VIPs, loopback, OS tweaks, sysctls |
 * | key.ts                | (createNamespaceFile) | the key file, through lib/netns                   |
 * | interface.ts          | interface_linux.go    | addInterface, addVeth, Interface (remove, …)      |
 * | configure.ts          | interface_linux.go    | configuring a link inside, undoing it in place    |
 * | advertise.ts, frames.ts | interface_linux.go, l2disco | unsolicited ARP/NA, the wait for up        |
 * | route.ts              | route_linux.go        | gateways, static routes, default routes           |
 * | neighbor.ts           | neigh_linux.go        | neighbour and FDB entries                         |
 * | options.ts            | options_linux.go      | option types, setters and validation              |
 * | knobs.ts              | kernel/knobs_linux.go | /proc/sys/net knobs inside the sandbox            |
 *
 * Every change is made by the kernel first and recorded after; a failed `addInterface`/`addVeth`
 * is rolled back completely. See the TSDoc of each method for the exact requests.
 */
import { inspect, type InspectOptionsStylized } from 'node:util';
import { checkBool, checkLinkName } from '../netlink/core/validate.js';
import { readOptions } from '../netns/checks.js';
import { addInterface, type Interface, type InterfaceObject } from './interface.js';
import { checkExternalKey, checkKey } from './key.js';
import { bindExternalNamespace, createNamespace, destroyNamespace, invokeIn, restoreNamespace } from './namespace.js';
import type { KnobResult, SandboxType } from './knobs.js';
import {
  LOOPBACK_NAME, aliasIP, applyOSTweaks, disableARPForVIP, interfaceBySrcName, ipv6LoEnabled, readSysctl, writeSysctl,
} from './namespace-settings.js';
import { addNeighbor, deleteNeighbor } from './neighbor.js';
import { defined, inspectAs } from './print.js';
import {
  InterfaceOptionSetter, NeighborOptionSetter, checkIp, checkStaticRoutes, type InterfaceOptionsArg, type NeighborOptionsArg,
  type StaticRoute,
} from './options.js';
import { checkRestoreInterfaces, type RestoreOptions } from './restore.js';
import { addStaticRoute, removeStaticRoute, setDefaultRoute, setGateway, unsetDefaultRoute, unsetGateway } from './route.js';
import { acquireSource } from './source.js';
import type { SandboxState } from './state.js';

/** Options of {@link Sandbox.create}. */
export interface SandboxCreateOptions {
  /**
   * true (the default): create a new network namespace on the key. false: bind the source
   * namespace (the caller's) onto the key instead, as libnetwork does for the host sandbox.
   */
  osCreate?: boolean;
  /**
   * The source namespace (a path such as `/run/netns/host`, or an open fd): where `addInterface`
   * takes links from and `remove()` puts them back. Default: the calling thread's namespace at the
   * time of the call (captured synchronously, as an fd).
   */
  sourceNetns?: string | number;
}

/** Options of {@link Sandbox.forExternalKey}. */
export interface ExternalKeyOptions {
  /** As in {@link SandboxCreateOptions.sourceNetns}. */
  sourceNetns?: string | number;
}

/** What {@link Sandbox.info} returns (libnetwork's `Info`): a snapshot, copies throughout. */
export interface SandboxInfo {
  /** The interfaces added with addInterface/addVeth (not `lo`), in insertion order. */
  interfaces: Interface[];
  /** The IPv4 default gateway, if set. */
  gateway: string | undefined;
  /** The IPv6 default gateway, if set. */
  gatewayIPv6: string | undefined;
  /** The source name of the interface of the gateway-less IPv4 default route (setDefaultRouteIPv4), if set. */
  defaultRouteIPv4: string | undefined;
  /** The same for IPv6 (setDefaultRouteIPv6). */
  defaultRouteIPv6: string | undefined;
  /** The static routes, in insertion order. */
  staticRoutes: StaticRoute[];
}

const INTERFACE_OPTION_SETTER = new InterfaceOptionSetter();
const NEIGHBOR_OPTION_SETTER = new NeighborOptionSetter();

/**
 * A network sandbox (libnetwork's `Sandbox`), identified by its key: the path its namespace is
 * mounted on. Make one with {@link Sandbox.create}, {@link Sandbox.forExternalKey} or
 * {@link Sandbox.restore}; end it with {@link destroy}.
 */
export class Sandbox {
  /** The path the network namespace is mounted on. */
  readonly key: string;
  readonly #state: SandboxState;

  private constructor(state: SandboxState) {
    this.key = state.key;
    this.#state = state;
  }

  /**
   * Creates a sandbox on `key` (libnetwork's `NewSandbox`), an absolute path without `..`
   * segments (normalised: `/x//y/` is `/x/y`): the key's directory is made (0755) if missing, a
   * stale namespace file or an empty file on the key is unmounted and replaced, a new network
   * namespace is bind-mounted onto it (with `osCreate: false`, the source namespace instead), and
   * `lo` is set up inside. Anything else on the key (a directory, a symlink, a file with content,
   * another mount) is a SandboxError (step `'key'`) and is left untouched. The source namespace is
   * captured before the first await.
   */
  static async create(key: string, options: SandboxCreateOptions = {}): Promise<Sandbox> {
    const path = checkKey('key', key);
    const o = readOptions('', options, ['osCreate', 'sourceNetns']);
    if (o.osCreate !== undefined) checkBool('osCreate', o.osCreate);
    const source = acquireSource(o.sourceNetns);
    return new Sandbox(await createNamespace(path, o.osCreate !== false, source));
  }

  /**
   * Makes a sandbox of an existing namespace (libnetwork's `GetSandboxForExternalKey`): `path`
   * (e.g. `/proc/<pid>/ns/net` of a container's process; it is only opened, so symlinks are
   * followed) is bind-mounted onto `key`, and `lo` is set up. A path that cannot be opened, or is
   * not a network namespace, is a SandboxError (step `'open'`) and nothing is mounted; the key is
   * treated as by {@link create}.
   */
  static async forExternalKey(path: string, key: string, options: ExternalKeyOptions = {}): Promise<Sandbox> {
    const external = checkKey('path', path);
    const target = checkKey('key', key);
    const o = readOptions('', options, ['sourceNetns']);
    checkExternalKey(external, target);
    const source = acquireSource(o.sourceNetns);
    return new Sandbox(await bindExternalNamespace(external, target, source));
  }

  /**
   * Rebuilds a sandbox's state after a restart (libnetwork's live restore) from the namespace
   * mounted on `key`, changing nothing: each given interface is found again (by its exact
   * `dstName`, its IPv4 or IPv6 address, or the first unclaimed `<dstPrefix><n>`) and keeps the
   * options given with it; gateways, gateway-less default routes and static routes are taken from
   * the kernel's routes (given ones must be there). Later calls see the restored state. A veth
   * whose source name still exists as a veth in the source namespace was made by addVeth, so its
   * `remove()` deletes the pair; an interface given `createdInContainer` stays inside on remove();
   * other interfaces are moved back (bridges deleted). Then the addresses of each interface whose
   * link is up are announced (unsolicited ARP/NA, as osl does after a restart; the first round
   * before this resolves). A key that is not a namespace file (a directory, a symlink, a plain
   * file) is a SandboxError (step `'open'`).
   */
  static async restore(key: string, options: RestoreOptions = {}): Promise<Sandbox> {
    const path = checkKey('key', key);
    const o = readOptions('', options, [
      'interfaces', 'gateway', 'gatewayIPv6', 'staticRoutes', 'defaultRouteIPv4', 'defaultRouteIPv6', 'sourceNetns',
    ]);
    const wanted = checkRestoreInterfaces(o.interfaces);
    const gateway = o.gateway === undefined ? undefined : checkIp('gateway', o.gateway, 4).text;
    const gatewayIPv6 = o.gatewayIPv6 === undefined ? undefined : checkIp('gatewayIPv6', o.gatewayIPv6, 6).text;
    const statics = o.staticRoutes === undefined ? undefined : checkStaticRoutes(o.staticRoutes);
    const defaults = {
      defaultRouteIPv4: o.defaultRouteIPv4 === undefined ? undefined : checkLinkName('defaultRouteIPv4', o.defaultRouteIPv4),
      defaultRouteIPv6: o.defaultRouteIPv6 === undefined ? undefined : checkLinkName('defaultRouteIPv6', o.defaultRouteIPv6),
    };
    const source = acquireSource(o.sourceNetns);
    return new Sandbox(await restoreNamespace(path, source, wanted, gateway, gatewayIPv6, statics, defaults));
  }

  // ---- options ---------------------------------------------------------------------------------

  /** libnetwork's `InterfaceOptions()`: setters returning partial options for addInterface. */
  interfaceOptions(): InterfaceOptionSetter {
    return INTERFACE_OPTION_SETTER;
  }

  /** libnetwork's `NeighborOptions()`: setters returning partial options for the neighbour calls. */
  neighborOptions(): NeighborOptionSetter {
    return NEIGHBOR_OPTION_SETTER;
  }

  // ---- interfaces ------------------------------------------------------------------------------

  /**
   * Moves the link `srcName` from the source namespace into the sandbox and configures it
   * (libnetwork's `AddInterface`): renamed to `<dstPrefix><n>` with the lowest free n (reserved at
   * once, so concurrent calls get distinct names; or to `dstName`), then MAC, IPv6 on or off,
   * IPv4 address, IPv6 address (no DAD), link-local addresses, master (a bridge added earlier, by
   * source name), sysctls, up, link-scope routes; then its addresses are announced (unsolicited
   * ARP/NA, see `advertiseAddrNMsgs`; the first round before this resolves). With `bridge: true`
   * the bridge is created inside instead; with `createdInContainer: true` the link is already
   * inside and is configured there. An address whose network overlaps a route of the sandbox is
   * refused before anything changes; any later failure undoes everything (the link goes back to
   * the source namespace under its name, MAC and up state; a created bridge is deleted; a link
   * that was inside is put back as found) and nothing is recorded. Options may be one object or
   * several partial ones, applied in order.
   */
  addInterface(srcName: string, dstPrefix: string, ...options: InterfaceOptionsArg[]): Promise<Interface> {
    return addInterface(this.#state, 'interface', srcName, dstPrefix, options);
  }

  /**
   * The fast path of {@link addInterface}: creates a veth pair whose end `<dstPrefix><n>` is born
   * inside the sandbox (named, with its MAC) and whose other end `hostName` is born up in the
   * source namespace — no namespace move (~0.4 ms instead of ~17 ms). Then the same configuration,
   * rollback (the pair is deleted) and Interface object as addInterface; `srcName` is `hostName`,
   * and `remove()` deletes the pair.
   */
  addVeth(hostName: string, dstPrefix: string, ...options: InterfaceOptionsArg[]): Promise<Interface> {
    return addInterface(this.#state, 'veth', hostName, dstPrefix, options);
  }

  // ---- gateways and static routes ---------------------------------------------------------------

  /**
   * Sets the IPv4 default gateway: the kernel's route lookup must reach `gw` directly through a
   * link of the sandbox, then a default route via `gw` on that link is added. Recorded only once
   * the kernel accepted it; a second default route is the kernel's EEXIST. `''` is a no-op.
   */
  async setGateway(gw: string): Promise<void> {
    await setGateway(this.#state, gw, 4);
  }

  /** Like {@link setGateway}, for IPv6. */
  async setGatewayIPv6(gw: string): Promise<void> {
    await setGateway(this.#state, gw, 6);
  }

  /** Removes the IPv4 default route set by {@link setGateway}; a no-op when none is recorded. */
  async unsetGateway(): Promise<void> {
    await unsetGateway(this.#state, 4);
  }

  /** Removes the IPv6 default route set by {@link setGatewayIPv6}; a no-op when none is recorded. */
  async unsetGatewayIPv6(): Promise<void> {
    await unsetGateway(this.#state, 6);
  }

  /**
   * Adds the IPv4 default route of the interface with source name `srcName` (`'0.0.0.0/0'` among
   * the `routes` it was added with, which addInterface recorded but did not add) as a link-scope
   * route through it, without a gateway (osl's `SetDefaultRouteIPv4`). One at a time: a second
   * one is a SandboxError until {@link unsetDefaultRouteIPv4}.
   */
  async setDefaultRouteIPv4(srcName: string): Promise<void> {
    await setDefaultRoute(this.#state, srcName, 4);
  }

  /** Like {@link setDefaultRouteIPv4}, for IPv6 (`'::/0'` among the interface's routes). */
  async setDefaultRouteIPv6(srcName: string): Promise<void> {
    await setDefaultRoute(this.#state, srcName, 6);
  }

  /** Removes the route set by {@link setDefaultRouteIPv4}; a no-op when none is recorded. */
  async unsetDefaultRouteIPv4(): Promise<void> {
    await unsetDefaultRoute(this.#state, 4);
  }

  /** Removes the route set by {@link setDefaultRouteIPv6}; a no-op when none is recorded. */
  async unsetDefaultRouteIPv6(): Promise<void> {
    await unsetDefaultRoute(this.#state, 6);
  }

  /**
   * Adds a route to `destination` via `nextHop`, which must be directly reachable through a link of
   * the sandbox. Recorded once the kernel accepted it.
   */
  async addStaticRoute(route: StaticRoute): Promise<void> {
    await addStaticRoute(this.#state, route);
  }

  /**
   * Removes the route to `destination` via `nextHop` from the kernel, then every record equal to it
   * (by value: an equal object works, not only the one passed to addStaticRoute).
   */
  async removeStaticRoute(route: StaticRoute): Promise<void> {
    await removeStaticRoute(this.#state, route);
  }

  // ---- neighbours ---------------------------------------------------------------------------------

  /**
   * Adds a permanent neighbour entry `ip` → `mac` on the interface whose source name is
   * `linkName`: ARP/NDP by default, or with `family: 'bridge'` an FDB entry on that link (NTF_SELF,
   * with `ip` as the remote: `bridge fdb add MAC dev LINK dst IP self permanent`). Adding the same
   * entry again is a no-op.
   */
  async addNeighbor(ip: string, mac: string, ...options: NeighborOptionsArg[]): Promise<void> {
    await addNeighbor(this.#state, ip, mac, options);
  }

  /**
   * Deletes the neighbour entries added with {@link addNeighbor} for `ip` and `mac` (narrowed by
   * `linkName`/`family` when given), from the kernel and the records. An entry that was never added
   * is a SandboxError. An entry the kernel no longer has (ENOENT: removed behind our back) is a
   * SandboxError too, but its record is dropped, so records and kernel agree again.
   */
  async deleteNeighbor(ip: string, mac: string, ...options: NeighborOptionsArg[]): Promise<void> {
    await deleteNeighbor(this.#state, ip, mac, options);
  }

  // ---- addresses, ARP, loopback, kernel knobs (osl namespace_linux.go, kernel/) ---------------------

  /** The interface added (or restored) with source name `srcName` (osl's `InterfaceBySrcName`), or undefined. */
  interfaceBySrcName(srcName: string): Interface | undefined {
    return interfaceBySrcName(this.#state, srcName);
  }

  /** The loopback interface's name inside the sandbox, `'lo'` (osl's `GetLoopbackIfaceName`). */
  get loopbackName(): string {
    return LOOPBACK_NAME;
  }

  /**
   * Whether `lo` has an IPv6 address, i.e. IPv6 is enabled in the sandbox (osl's `IPv6LoEnabled`),
   * asked of the kernel at each call.
   */
  ipv6LoEnabled(): Promise<boolean> {
    return ipv6LoEnabled(this.#state);
  }

  /**
   * Adds the address `ip` (`'10.0.0.5/32'`; bare: a host prefix) to the link named `ifName` inside
   * the sandbox (`'lo'`, or an interface's `dstName`), as osl's `AddAliasIP`; not recorded.
   */
  async addAliasIP(ifName: string, ip: string): Promise<void> {
    await aliasIP(this.#state, ifName, ip, true);
  }

  /** Deletes an address added by {@link addAliasIP} (osl's `RemoveAliasIP`). */
  async removeAliasIP(ifName: string, ip: string): Promise<void> {
    await aliasIP(this.#state, ifName, ip, false);
  }

  /**
   * Sets `arp_ignore=1` and `arp_announce=2` on the interface with source name `srcName` (osl's
   * `DisableARPForVIP`), so it answers and announces only its own addresses, never virtual IPs
   * held on `lo`.
   */
  async disableARPForVIP(srcName: string): Promise<void> {
    await disableARPForVIP(this.#state, srcName);
  }

  /**
   * Sets the kernel knobs osl sets for sandboxes of these types (`ApplyOSTweaks`: IPVS's
   * `net.ipv4.vs.conn_reuse_mode=0`, `expire_nodest_conn=1`, `expire_quiescent_template=1` for
   * `'ingress'` and `'loadBalancer'`) inside the sandbox. Resolves to what happened to each key; a
   * key the namespace does not have (IPVS not loaded) is `'missing'` and skipped.
   */
  applyOSTweaks(types: readonly SandboxType[]): Promise<KnobResult[]> {
    return applyOSTweaks(this.#state, types);
  }

  /**
   * Reads a kernel knob under `/proc/sys/net` as the sandbox's namespace sees it: a dotted key
   * (`'net.ipv4.ip_forward'`; in a segment, `/` stands for `.` as with sysctl(8):
   * `'net.ipv4.conf.eth0/100.forwarding'`), without the trailing newline. No thread of the
   * process enters the namespace to do it (see knobs.ts).
   */
  readSysctl(key: string): Promise<string> {
    return readSysctl(this.#state, key);
  }

  /** Writes a kernel knob under `/proc/sys/net` inside the sandbox (a value of printable ASCII, or an integer). */
  writeSysctl(key: string, value: string | number): Promise<void> {
    return writeSysctl(this.#state, key, value);
  }

  // ---- invoke, info, destroy ----------------------------------------------------------------------

  /**
   * Runs `fn` synchronously with the calling thread inside the sandbox's network namespace
   * (libnetwork's `InvokeFunc`) and returns its result; the thread always comes back, also when
   * `fn` throws (the error propagates after). Only the synchronous part of `fn` runs inside:
   * sockets are created in the namespace that is current when their fd is made, and Node makes
   * some fds later (after a DNS lookup, on the next tick), outside. What works:
   *
   * ```ts
   * // UDP: a lookup that answers synchronously makes bind() create the socket at once.
   * const sock = dgram.createSocket({ type: 'udp4', lookup: (host, _family, cb) => cb(null, host, 4) });
   * sb.invoke(() => sock.bind(5000, '10.0.0.2'));
   * // TCP: listen() without a host creates and binds the socket synchronously.
   * const server = net.createServer(onConnection);
   * sb.invoke(() => server.listen(8080));
   * ```
   *
   * Not inside: `server.listen(8080, '10.0.0.2')` (a host makes Node look it up first and create
   * the socket on a later tick, outside), `net.connect(...)` (the fd is made on the next tick),
   * and anything after an `await`. Files under /proc/thread-self/net and /proc/sys/net opened
   * inside `fn` are the sandbox's.
   */
  invoke<T>(fn: () => T): T {
    return invokeIn(this.#state, fn);
  }

  /** The sandbox's state (libnetwork's `Info`), as copies. */
  info(): SandboxInfo {
    const s = this.#state;
    return {
      interfaces: [...s.interfaces],
      gateway: s.gateway?.ip,
      gatewayIPv6: s.gatewayIPv6?.ip,
      defaultRouteIPv4: s.defaultRoute?.srcName,
      defaultRouteIPv6: s.defaultRouteIPv6?.srcName,
      staticRoutes: s.staticRoutes.map((r) => ({ destination: r.destination.text, nextHop: r.nextHop })),
    };
  }

  /** True until {@link destroy} succeeded. */
  get alive(): boolean {
    return this.#state.status !== 'destroyed';
  }

  /**
   * Destroys the sandbox: unmounts the key (lazily) and removes the file at once, then closes its
   * handles, so the kernel tears the namespace down with every link inside (no link is deleted
   * one by one; moved-in veths die with it, physical devices return to the initial namespace). A
   * file that cannot be removed is queued for {@link gc}. If someone mounted another namespace on
   * the key since, or replaced it with anything else (a symlink included), it is left alone. An
   * unmount error is a SandboxError and the sandbox stays usable; destroying twice is a
   * SandboxError.
   */
  async destroy(): Promise<void> {
    destroyNamespace(this.#state);
  }

  // ---- printing ------------------------------------------------------------------------------------

  /**
   * The key, {@link alive} and {@link info} as a plain object (interfaces as their own plain
   * objects); gateways that are not set are left out, as JSON would drop them.
   */
  toObject(): SandboxObject {
    const info = this.info();
    return defined({
      key: this.key, alive: this.alive, interfaces: info.interfaces.map((i) => i.toObject()),
      gateway: info.gateway, gatewayIPv6: info.gatewayIPv6, defaultRouteIPv4: info.defaultRouteIPv4,
      defaultRouteIPv6: info.defaultRouteIPv6, staticRoutes: info.staticRoutes,
    }) as SandboxObject;
  }

  /** The same as {@link toObject}: what `JSON.stringify` writes. */
  toJSON(): SandboxObject {
    return this.toObject();
  }

  /** `Sandbox /var/run/docker/netns/0123456789ab` (with ` (destroyed)` once destroyed). */
  toString(): string {
    return `Sandbox ${this.key}${this.alive ? '' : ' (destroyed)'}`;
  }

  /** `util.inspect`: `Sandbox { key: '…', alive: true, interfaces: [ Interface { … } ], … }`. */
  [inspect.custom](depth: number, options: InspectOptionsStylized, inspectFn: typeof inspect): string {
    const info = this.info();
    return inspectAs('Sandbox', defined({
      key: this.key, alive: this.alive, interfaces: info.interfaces, gateway: info.gateway,
      gatewayIPv6: info.gatewayIPv6, defaultRouteIPv4: info.defaultRouteIPv4, defaultRouteIPv6: info.defaultRouteIPv6,
      staticRoutes: info.staticRoutes,
    }), depth, options, inspectFn);
  }
}

/** A sandbox as a plain object ({@link Sandbox.toObject}, {@link Sandbox.toJSON}). */
export interface SandboxObject {
  /** The namespace file (the sandbox's key). */
  key: string;
  /** {@link Sandbox.alive}: false once destroyed. */
  alive: boolean;
  /** The interfaces placed in the sandbox, as plain objects. */
  interfaces: InterfaceObject[];
  /** The IPv4 default gateway that was set. */
  gateway?: string;
  /** The IPv6 default gateway that was set. */
  gatewayIPv6?: string;
  /** The source name of the interface of the gateway-less IPv4 default route (setDefaultRouteIPv4). */
  defaultRouteIPv4?: string;
  /** The source name of the interface of the gateway-less IPv6 default route (setDefaultRouteIPv6). */
  defaultRouteIPv6?: string;
  /** The static routes that were added. */
  staticRoutes: StaticRoute[];
}
