/**
 * Interfaces of a sandbox (libnetwork osl's interface_linux.go): bringing a link in (moved from the
 * source namespace, a bridge created inside, or a veth end born inside), configuring it, removing
 * it, and reading its statistics; and `Interface`, the object the caller holds for each one: its
 * names and its configuration as it was applied. Getters return copies.
 */
import { inspect, type InspectOptionsStylized } from 'node:util';
import type { Link } from '../netlink/rtnl/link/view.js';
import type { LinkSetOptions } from '../netlink/rtnl/link/service.js';
import { ValidationError } from '../netlink/core/errors.js';
import { checkLinkName } from '../netlink/core/validate.js';
import { LINK_UP_WAIT_MS, startAdvertising, type AdvertisementReport } from './advertise.js';
import { findRouteConflict } from './conflicts.js';
import { configure, nothingApplied, revertInside } from './configure.js';
import { SandboxError } from './errors.js';
import { lowestFreeName } from './interface-names.js';
import { defined, inspectAs } from './print.js';
import {
  checkInterfaceOptions, checkPrefixName, type CheckedInterfaceOptions, type CheckedPrefix, type InterfaceOptionsArg,
} from './options.js';
import { assertLive, type AppliedConfig, type InterfaceRecord, type LinkSnapshot, type SandboxState } from './state.js';
import { InterfaceStatistics } from './statistics.js';
import { StepFailure, stage, step } from './steps.js';

/** How an interface came into the sandbox (decides what `remove()` does). */
export type InterfaceOrigin =
  /** An existing link moved in from the source namespace: remove() moves it back. */
  | 'moved'
  /** A bridge created inside: remove() deletes it. */
  | 'bridge'
  /** A veth end born inside by addVeth: remove() deletes the pair. */
  | 'veth'
  /**
   * A link the caller created inside (createdInContainer): remove() puts back what was changed
   * and leaves it inside under its source name.
   */
  | 'inside'
  /**
   * Found by Sandbox.restore: remove() moves it to the source namespace (a bridge is deleted; a
   * veth whose host end is in the source namespace is restored as `'veth'`).
   */
  | 'restored';

/** The record behind each Interface (module-private: the public object only reads it). */
const records = new WeakMap<Interface, InterfaceRecord>();
/** The sandbox each Interface belongs to. */
const states = new WeakMap<Interface, SandboxState>();
/** What each Interface's announcements did (settled once they ended). */
const reports = new WeakMap<Interface, Promise<AdvertisementReport>>();
const NO_ANNOUNCEMENTS: Promise<AdvertisementReport> = Promise.resolve({ rounds: 0, end: 'disabled' });

/** @internal The record of an interface. */
export function recordOf(iface: Interface): InterfaceRecord {
  return records.get(iface)!;
}

/** An interface of a sandbox, as returned by `addInterface`/`addVeth` and listed by `info()`. */
export class Interface {
  /** @internal Made by the sandbox only. */
  constructor(state: SandboxState, record: InterfaceRecord) {
    records.set(this, record);
    states.set(this, state);
  }

  /** The name in the source namespace (for addVeth: the host end's name). */
  get srcName(): string {
    return recordOf(this).srcName;
  }

  /** The name inside the sandbox: the prefix plus the lowest free number (`eth0`). */
  get dstName(): string {
    return recordOf(this).dstName;
  }

  /** The IPv4 address with prefix length (`'10.0.0.2/24'`), if one was set. */
  get address(): string | undefined {
    return recordOf(this).address?.text;
  }

  /** The IPv6 address with prefix length, if one was set. */
  get addressIPv6(): string | undefined {
    return recordOf(this).addressIPv6?.text;
  }

  /** The MAC address that was set, if one was. */
  get mac(): string | undefined {
    return recordOf(this).mac;
  }

  /** The link-scope routes through this interface (a copy). */
  get routes(): string[] {
    return recordOf(this).routes.map((r) => r.text);
  }

  /** True for a bridge created inside the sandbox. */
  get bridge(): boolean {
    return recordOf(this).bridge;
  }

  /** The source name of the bridge this interface is enslaved to, if any. */
  get master(): string | undefined {
    return recordOf(this).master;
  }

  /** The link-local addresses that were added (a copy), with their prefix lengths. */
  get linkLocalAddresses(): string[] {
    return recordOf(this).linkLocalAddresses.map((a) => a.text);
  }

  /**
   * What the unsolicited ARP/NA announcements of the interface did: resolves once they ended
   * (all rounds sent, or stopped by remove(), destroy(), a MAC change …); never rejects. An
   * interface that announces nothing resolves at once (`end: 'disabled'` or `'nothing'`).
   */
  get advertisement(): Promise<AdvertisementReport> {
    return reports.get(this) ?? NO_ANNOUNCEMENTS;
  }

  /**
   * Takes the interface out of the sandbox: its announcements stop, then it is set down, renamed
   * back to {@link srcName} and moved back to the namespace it came from (a bridge, or a veth made
   * by addVeth, is deleted instead; a link created inside by the caller is put back as it was
   * found and stays inside). On failure the interface stays listed; calling remove() again after
   * success is a SandboxError.
   */
  remove(): Promise<void> {
    return removeInterface(states.get(this)!, this);
  }

  /** The interface's counters, read from the kernel's IFLA_STATS64 inside the sandbox. */
  statistics(): Promise<InterfaceStatistics> {
    return interfaceStatistics(states.get(this)!, this);
  }

  /**
   * The getters' values as a plain object (a copy); fields that are not set are left out, as
   * JSON would drop them.
   */
  toObject(): InterfaceObject {
    return defined({
      srcName: this.srcName, dstName: this.dstName, address: this.address, addressIPv6: this.addressIPv6,
      mac: this.mac, routes: this.routes, linkLocalAddresses: this.linkLocalAddresses, bridge: this.bridge, master: this.master,
    }) as InterfaceObject;
  }

  /** The same as {@link toObject}: what `JSON.stringify` writes. */
  toJSON(): InterfaceObject {
    return this.toObject();
  }

  /** `eth0 (from veth1a)`: the name inside the sandbox and the source name. */
  toString(): string {
    return `${this.dstName} (from ${this.srcName})`;
  }

  /** `util.inspect`: `Interface { srcName: 'veth1a', dstName: 'eth0', … }`, the fields of {@link toObject}. */
  [inspect.custom](depth: number, options: InspectOptionsStylized, inspectFn: typeof inspect): string {
    return inspectAs('Interface', this.toObject(), depth, options, inspectFn);
  }
}

/** An interface as a plain object ({@link Interface.toObject}, {@link Interface.toJSON}). */
export interface InterfaceObject {
  /** {@link Interface.srcName}: the name in the source namespace. */
  srcName: string;
  /** {@link Interface.dstName}: the name inside the sandbox (`eth0`). */
  dstName: string;
  /** {@link Interface.address}: the IPv4 address with prefix length. */
  address?: string;
  /** {@link Interface.addressIPv6}: the IPv6 address with prefix length. */
  addressIPv6?: string;
  /** {@link Interface.mac}: the MAC address that was set. */
  mac?: string;
  /** {@link Interface.routes}: the link-scope routes through the interface. */
  routes: string[];
  /** {@link Interface.linkLocalAddresses}: the link-local addresses that were added. */
  linkLocalAddresses: string[];
  /** {@link Interface.bridge}: a bridge created inside the sandbox. */
  bridge: boolean;
  /** {@link Interface.master}: the source name of the bridge it is enslaved to. */
  master?: string;
}

// ---- adding ----------------------------------------------------------------------------------

/** How addInterface/addVeth bring a link in. */
type Arrival = 'moved' | 'bridge' | 'veth' | 'inside';

/**
 * addInterface (`origin` 'moved', 'bridge' with `bridge: true`, 'inside' with
 * `createdInContainer: true`) and addVeth ('veth'): checks everything, reserves the name, brings
 * the link in and configures it; on failure the name is free again and everything is undone (see
 * {@link attach}).
 */
export async function addInterface(state: SandboxState, kind: 'interface' | 'veth', srcName: string, dstPrefix: string,
  options: readonly InterfaceOptionsArg[]): Promise<Interface> {
  assertLive(state);
  const src = checkLinkName(kind === 'veth' ? 'hostName' : 'srcName', srcName);
  const prefix = checkPrefixName(dstPrefix);
  const opts = checkInterfaceOptions(options);
  if (kind === 'veth' && (opts.bridge || opts.createdInContainer)) {
    const field = opts.bridge ? 'bridge' : 'createdInContainer';
    throw new ValidationError(field, true, 'addVeth makes a veth pair (use addInterface for a bridge or a link already inside)');
  }
  const master = findMaster(state, opts.master, src);
  const dstName = reserveName(state, prefix, opts.dstName);
  const arrival: Arrival = kind === 'veth' ? 'veth' : opts.bridge ? 'bridge' : opts.createdInContainer ? 'inside' : 'moved';
  try {
    return await attach(state, arrival, src, dstName, opts, master);
  } catch (e) {
    state.names.delete(dstName);
    // Destroyed while this call ran: that, not the request its closed handle refused, is the error.
    if (state.status !== 'live' && !(e instanceof SandboxError && e.step === 'state')) {
      throw new SandboxError('state', `sandbox "${state.key}" was destroyed while interface "${dstName}" was being added`, { cause: e });
    }
    throw e;
  }
}

function findMaster(state: SandboxState, master: string | undefined, src: string): InterfaceRecord | undefined {
  if (master === undefined) return undefined;
  const found = state.interfaces.map(recordOf).find((r) => r.srcName === master && r.bridge);
  if (found === undefined) throw new SandboxError('master', `could not find an appropriate master "${master}" for "${src}"`);
  return found;
}

/** Takes `exact` (a dstName option) or the lowest free `<prefix><n>`, so concurrent calls get distinct names. */
function reserveName(state: SandboxState, prefix: string, exact: string | undefined): string {
  if (exact !== undefined && state.names.has(exact)) {
    throw new SandboxError('state', `the name "${exact}" is taken by another interface of sandbox "${state.key}"`);
  }
  const name = exact ?? lowestFreeName(prefix, state.names);
  checkLinkName('dstPrefix', name); // a long prefix can outgrow 15 bytes once numbered
  state.names.add(name);
  return name;
}

/** Refuses an address that overlaps a main-table route of its family in the sandbox. */
async function checkConflicts(state: SandboxState, opts: CheckedInterfaceOptions): Promise<void> {
  const wanted = [opts.address, opts.addressIPv6].filter((a): a is CheckedPrefix => a !== undefined);
  if (wanted.length === 0) return;
  const list = await step(state.nl.routes.list({ table: 'main' }), 'address', 'failed to list the routes of the sandbox');
  const conflict = findRouteConflict(wanted, list);
  if (conflict !== undefined) throw new StepFailure('address', conflict, undefined);
}

/** The rename (and MAC) stage of a link that is inside under `srcName`. */
function renameStage(state: SandboxState, idx: number, srcName: string, dstName: string, opts: CheckedInterfaceOptions,
  applied: AppliedConfig): Promise<void> {
  const nl = state.nl;
  return stage([
    { step: 'rename', message: `error renaming interface "${srcName}" to "${dstName}"`, run: () => nl.links.set(idx, { name: dstName }) },
    ...(opts.mac === undefined ? [] : [{
      step: 'mac' as const, message: `error setting interface "${srcName}" MAC to "${opts.mac}"`,
      run: async () => {
        await nl.links.set(idx, { mac: opts.mac! });
        applied.mac = true;
      },
    }]),
  ]);
}

/**
 * Brings an interface in (moves it, creates the bridge or the veth pair, or finds it inside) and
 * configures it; rolls everything back on failure: a moved link goes back, a created one is
 * deleted, a link that was inside is put back as it was found.
 */
async function attach(state: SandboxState, origin: Arrival, srcName: string, dstName: string,
  opts: CheckedInterfaceOptions, master: InterfaceRecord | undefined): Promise<Interface> {
  const nl = state.nl;
  const applied = nothingApplied();
  let ifindex: number | undefined;
  let snapshot: LinkSnapshot | undefined;
  let undo: (() => Promise<void>) | undefined;
  let addressIPv6: CheckedPrefix | undefined;
  try {
    if (origin === 'moved') {
      const [link] = await Promise.all([
        step(state.sourceNl.links.get(srcName), 'lookup', `failed to get link by name "${srcName}"`),
        checkConflicts(state, opts),
      ]);
      await step(state.sourceNl.links.set(link.ifindex, { netns: state.fd }), 'move', `failed to set namespace on link "${srcName}"`);
      undo = () => moveBack(state, ifindex ?? srcName, srcName, link, opts.mac !== undefined);
      ifindex = await step(nl.links.index(srcName), 'lookup', `failed to find link "${srcName}" in the sandbox after the move`);
      await renameStage(state, ifindex, srcName, dstName, opts, applied);
    } else if (origin === 'inside') {
      const [link] = await Promise.all([
        step(nl.links.get(srcName), 'lookup', `failed to get link by name "${srcName}" in the sandbox`),
        checkConflicts(state, opts),
      ]);
      const idx = link.ifindex;
      const found: LinkSnapshot = { name: srcName, mac: link.mac, up: link.up, master: link.master };
      snapshot = found;
      undo = async () => {
        const errors = await revertInside(state, idx, found, applied);
        if (errors.length > 0) throw new AggregateError(errors, errors.map((e) => e.message).join('; '));
      };
      ifindex = idx;
      // A link that is up cannot be renamed (EBUSY).
      if (link.up) await step(nl.links.set(idx, { up: false }), 'down', `failed to set link "${srcName}" down`);
      await renameStage(state, idx, srcName, dstName, opts, applied);
    } else if (origin === 'bridge') {
      await checkConflicts(state, opts);
      const bridge = await step(nl.links.add({ name: dstName, kind: 'bridge' }), 'bridge', `failed to create bridge "${srcName}" as "${dstName}"`);
      undo = () => nl.links.del(ifindex ?? dstName);
      // links.add answers with the new link (created in the handle's own namespace): no lookup needed.
      ifindex = bridge?.ifindex ?? await step(nl.links.index(dstName), 'lookup', `failed to find bridge "${dstName}"`);
      const idx = ifindex;
      if (opts.mac !== undefined) {
        await step(nl.links.set(idx, { mac: opts.mac }), 'mac', `error setting interface "${srcName}" MAC to "${opts.mac}"`);
      }
    } else {
      await checkConflicts(state, opts);
      const peer = opts.mac === undefined ? { name: dstName, netns: state.fd } : { name: dstName, netns: state.fd, mac: opts.mac };
      await step(state.sourceNl.links.add({ name: srcName, kind: 'veth', up: true, peer }), 'veth',
        `failed to create veth pair "${srcName}" / "${dstName}"`);
      undo = () => nl.links.del(ifindex ?? dstName);
      ifindex = await step(nl.links.index(dstName), 'lookup', `failed to find veth end "${dstName}"`);
    }
    addressIPv6 = await configure(state, ifindex, srcName, dstName, opts, master, applied);
  } catch (e) {
    const rollbackErrors: Error[] = [];
    if (undo !== undefined) {
      try {
        await undo();
      } catch (u) {
        if (u instanceof AggregateError) rollbackErrors.push(...(u.errors as Error[]));
        else rollbackErrors.push(u as Error);
      }
    }
    if (e instanceof StepFailure) throw e.toError(rollbackErrors);
    throw e;
  }
  const record: InterfaceRecord = {
    srcName, dstName, ifindex, address: opts.address, addressIPv6, mac: opts.mac, bridge: origin === 'bridge',
    master: master?.srcName, routes: opts.routes, linkLocalAddresses: opts.linkLocalAddresses, sysctls: opts.sysctls,
    disableIPv6: opts.disableIPv6, advertiseAddrNMsgs: opts.advertiseAddrNMsgs, advertiseAddrInterval: opts.advertiseAddrInterval,
    origin, removing: false, inside: snapshot === undefined ? undefined : { snapshot, applied }, advertiser: undefined,
  };
  const iface = new Interface(state, record);
  state.interfaces.push(iface);
  await advertise(state, iface, record, true);
  return iface;
}

/**
 * Starts the interface's unsolicited ARP/NA rounds (advertise.ts) and waits for the first one;
 * they never fail the call. After addInterface the link was just set up, so its IFF_UP is waited
 * for (bounded); after a restore a link that is down is not announced (nothing set it up).
 */
export async function advertise(state: SandboxState, iface: Interface, record: InterfaceRecord, waitUp: boolean): Promise<void> {
  const advertiser = startAdvertising({
    netns: state.fd, nl: state.nl, source: state.sourceNl, upWaitMs: waitUp ? LINK_UP_WAIT_MS : 0, ifindex: record.ifindex,
    ipv4: record.address?.bytes, ipv6: record.addressIPv6?.bytes, nMsgs: record.advertiseAddrNMsgs, intervalMs: record.advertiseAddrInterval,
  });
  record.advertiser = advertiser;
  reports.set(iface, advertiser.report);
  void advertiser.report.then(() => {
    if (record.advertiser === advertiser) record.advertiser = undefined;
  });
  await advertiser.started;
}

/**
 * Rollback of a moved link: back to the source namespace under its own name, with its MAC and
 * up state, in one request (the kernel moves first, then renames and sets the rest; moving
 * flushes addresses and routes, releases a master and resets the interface's sysctls). If that
 * fails, the move alone is tried.
 */
async function moveBack(state: SandboxState, ref: number | string, srcName: string, original: Link, macChanged: boolean): Promise<void> {
  const changes: LinkSetOptions = { netns: state.source.fd, name: srcName };
  if (macChanged && original.mac !== undefined) changes.mac = original.mac;
  if (original.up) changes.up = true;
  try {
    await state.nl.links.set(ref, changes);
  } catch (e) {
    await state.nl.links.set(ref, { netns: state.source.fd }).catch(() => {});
    throw e;
  }
}

/** An Interface for a record rebuilt by Sandbox.restore; its name is taken. */
export function adoptInterface(state: SandboxState, record: InterfaceRecord): void {
  state.interfaces.push(new Interface(state, record));
  state.names.add(record.dstName);
}

// ---- removing and statistics -------------------------------------------------------------------

/** Interface.remove(): see its TSDoc. */
async function removeInterface(state: SandboxState, iface: Interface): Promise<void> {
  const rec = recordOf(iface);
  if (rec.removing) throw new SandboxError('state', `interface "${rec.dstName}" is already being removed`);
  if (!state.interfaces.includes(iface)) {
    throw new SandboxError('remove', `interface "${rec.dstName}" (source "${rec.srcName}") is not in sandbox "${state.key}": it was removed already`);
  }
  assertLive(state);
  rec.removing = true;
  rec.advertiser?.stop();
  const nl = state.nl;
  const idx = rec.ifindex;
  try {
    if (rec.origin === 'inside') {
      // Put back as found; what is already back stays so, and a second remove() finishes the rest.
      const inside = rec.inside ?? insideFromRecord(rec);
      const errors = await revertInside(state, idx, inside.snapshot, inside.applied);
      if (errors.length > 0) {
        throw new SandboxError('remove', `failed to put interface "${rec.dstName}" back as "${rec.srcName}"`, { cause: errors[0], rollbackErrors: errors.slice(1) });
      }
    } else if (rec.origin === 'veth' || rec.bridge) {
      // Deleting either end deletes the pair.
      await step(nl.links.del(idx), 'remove', `failed deleting ${rec.bridge ? 'bridge' : 'veth'} "${rec.dstName}"`);
    } else {
      await step(nl.links.set(idx, { up: false }), 'down', `failed to set link "${rec.dstName}" down`);
      try {
        await step(nl.links.set(idx, { name: rec.srcName }), 'rename', `error renaming interface "${rec.dstName}" to "${rec.srcName}"`);
        try {
          await step(nl.links.set(idx, { netns: state.source.fd }), 'move', `failed to move interface "${rec.srcName}" back to its namespace`);
        } catch (e) {
          await nl.links.set(idx, { name: rec.dstName }).catch(() => {});
          throw e;
        }
      } catch (e) {
        // The entry stays, so the link stays as it was: named and up.
        await nl.links.set(idx, { up: true }).catch(() => {});
        throw e;
      }
    }
  } catch (e) {
    throw e instanceof StepFailure ? e.toError() : e;
  } finally {
    rec.removing = false;
  }
  forget(state, iface, rec);
}

/**
 * What a restored link that was created inside can be put back to: its source name, down, without
 * the addresses and routes the records name (its earlier MAC, master and sysctls are unknown).
 */
function insideFromRecord(rec: InterfaceRecord): { snapshot: LinkSnapshot; applied: AppliedConfig } {
  const applied = nothingApplied();
  applied.addresses.push(...[rec.address, rec.addressIPv6].filter((a): a is CheckedPrefix => a !== undefined), ...rec.linkLocalAddresses);
  applied.routes.push(...rec.routes.filter((r) => r.prefixlen !== 0));
  return { snapshot: { name: rec.srcName, mac: undefined, up: false, master: undefined }, applied };
}

/**
 * Drops an interface and every record the kernel changed with it: routes and neighbours through
 * it were flushed, and a deleted bridge's ports have no master any more.
 */
function forget(state: SandboxState, iface: Interface, rec: InterfaceRecord): void {
  const at = state.interfaces.indexOf(iface);
  if (at >= 0) state.interfaces.splice(at, 1);
  state.names.delete(rec.dstName);
  // A deleted bridge released its ports.
  if (rec.bridge) for (const i of state.interfaces) if (recordOf(i).master === rec.srcName) recordOf(i).master = undefined;
  if (state.gateway?.oif === rec.ifindex) state.gateway = undefined;
  if (state.gatewayIPv6?.oif === rec.ifindex) state.gatewayIPv6 = undefined;
  if (state.defaultRoute?.oif === rec.ifindex) state.defaultRoute = undefined;
  if (state.defaultRouteIPv6?.oif === rec.ifindex) state.defaultRouteIPv6 = undefined;
  for (let i = state.staticRoutes.length - 1; i >= 0; i--) if (state.staticRoutes[i]!.oif === rec.ifindex) state.staticRoutes.splice(i, 1);
  for (let i = state.neighbors.length - 1; i >= 0; i--) if (state.neighbors[i]!.ifindex === rec.ifindex) state.neighbors.splice(i, 1);
}

/** Interface.statistics(): IFLA_STATS64 of the link inside the sandbox. */
async function interfaceStatistics(state: SandboxState, iface: Interface): Promise<InterfaceStatistics> {
  assertLive(state);
  const rec = recordOf(iface);
  const what = `failed to retrieve the statistics for ${rec.dstName} in netns ${state.key}`;
  if (!state.interfaces.includes(iface)) throw new SandboxError('statistics', `${what}: the interface was removed from the sandbox`);
  let link: Link;
  try {
    link = await state.nl.links.get(rec.ifindex);
  } catch (e) {
    throw new SandboxError('statistics', what, { cause: e });
  }
  const stats = link.stats;
  if (stats === undefined) throw new SandboxError('statistics', `${what}: the kernel sent no IFLA_STATS64`);
  return new InterfaceStatistics(stats);
}
