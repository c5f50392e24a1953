/**
 * rtnetlink/sandbox: network sandboxes after Docker libnetwork's `osl` package — a network namespace
 * kept on a file (its key) with interfaces, gateways, static routes and neighbour entries placed in
 * it — built only on this package's netlink client (no `ip`, no shell).
 *
 * ```ts
 * import { Sandbox, generateKey, setBasePath, gc } from 'rtnetlink/sandbox';
 * const sb = await Sandbox.create(generateKey(containerId));
 * const eth0 = await sb.addVeth('veth1a', 'eth', { address: '10.0.0.2/24' });
 * await sb.setGateway('10.0.0.1');
 * await sb.destroy();
 * ```
 *
 * @module rtnetlink/sandbox
 */
export { Sandbox } from './sandbox.js';
export type { SandboxCreateOptions, ExternalKeyOptions, SandboxInfo, SandboxObject } from './sandbox.js';
export type { RestoreOptions, RestoreInterface } from './restore.js';
export { Interface, type InterfaceOrigin, type InterfaceObject } from './interface.js';
export {
  waitForLinkUp, ADVERTISE_NMSGS_MIN, ADVERTISE_NMSGS_MAX, ADVERTISE_NMSGS_DEFAULT, ADVERTISE_INTERVAL_MIN_MS,
  ADVERTISE_INTERVAL_MAX_MS, ADVERTISE_INTERVAL_DEFAULT_MS, LINK_UP_WAIT_MS, type AdvertisementReport, type AdvertisementEnd,
} from './advertise.js';
export { OS_TWEAKS, type SandboxType, type KnobResult } from './knobs.js';
export { InterfaceStatistics } from './statistics.js';
export { InterfaceOptionSetter, NeighborOptionSetter } from './options.js';
export type {
  InterfaceOptions, InterfaceOptionsArg, NeighborOptions, NeighborOptionsArg, NeighborFamilyName, StaticRoute,
} from './options.js';
export { setBasePath, getBasePath, generateKey, gc, pendingGarbage, DEFAULT_BASE_PATH } from './base-path.js';
export { SandboxError, type SandboxStep, type SandboxErrorOptions } from './errors.js';
export { lowestFreeName } from './interface-names.js';
export { NetlinkError, ValidationError } from '../netlink/core/errors.js';
