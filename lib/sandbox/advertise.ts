/**
 * Unsolicited address announcements after an interface is configured (osl's `advertiseAddrs`),
 * so that neighbours replace stale cache entries at once when an address moves to a new MAC:
 *
 * 1. wait, at most {@link LINK_UP_WAIT_MS}, until the kernel reports the link up (osl's
 *    `waitForIfUpped`; see {@link waitForLinkUp});
 * 2. if the link is a veth whose other end is a port of a bridge (without STP) in the source
 *    namespace, wait at most {@link BRIDGE_PORT_WAIT_MS} for that port to be forwarding, so the
 *    first frames are not dropped (osl's `waitForBridgePort`, which reads the port state from
 *    sysfs; here it comes from IFLA_BRPORT_STATE);
 * 3. send `nMsgs` rounds, `interval` ms apart, each a gratuitous ARP for the IPv4 address and an
 *    unsolicited Neighbour Advertisement for the IPv6 address (frames.ts), whole Ethernet frames on
 *    an AF_PACKET socket made inside the sandbox (native `packetOpen`, made the way every netlink
 *    socket of a sandbox is: the thread enters the namespace for the `socket()` call only), closed
 *    off the event loop when the rounds end (its release waits for an RCU grace period).
 *
 * The first round goes out before `addInterface` resolves, the others in the background: their
 * timers keep the process alive until the last round (at most 2 × 2 s), so a short-lived program
 * that configures a sandbox and exits still sends them all (`remove()`/`destroy()` stop them).
 * Before each later round the link is looked up again: the
 * rounds stop when it is gone or its MAC changed, and when the interface is removed or the sandbox
 * destroyed. Announcements are an optimisation (neighbours still resolve addresses the normal
 * way), so a failure never fails `addInterface`: it ends the rounds and is in the report.
 *
 * Sending on AF_PACKET needs no route, so osl's wait for the ff02::1 route (`waitForMcastRoute`,
 * needed by its ICMPv6 socket) has no equivalent here.
 */
import { NetlinkError } from '../netlink/core/errors.js';
import { ENODEV } from '../netlink/core/errno.js';
import { parseMac } from '../netlink/core/mac.js';
import type { RtNetlink } from '../netlink/rtnl/client.js';
import { linkKindData, linkSlaveData } from '../netlink/rtnl/link/kinds/index.js';
import type { Link } from '../netlink/rtnl/link/view.js';
import { native } from '../netlink/transport/native.js';
import { errnoOf } from './errors.js';
import { ETH_P_ARP, ETH_P_IPV6, arpAnnouncement, unsolicitedNeighborAdvertisement } from './frames.js';

/** Fewest announcement rounds (0 turns them off). */
export const ADVERTISE_NMSGS_MIN = 0;
/** Most announcement rounds: RFC 5227's PROBE_NUM and RFC 4861's MAX_NEIGHBOR_ADVERTISEMENT (3). */
export const ADVERTISE_NMSGS_MAX = 3;
/** Default number of rounds (osl's). */
export const ADVERTISE_NMSGS_DEFAULT = 3;
/** Shortest interval between rounds, in ms (below RFC 5227's PROBE_MIN: useful on a local bridge). */
export const ADVERTISE_INTERVAL_MIN_MS = 100;
/** Longest interval between rounds, in ms (RFC 5227's PROBE_MAX). */
export const ADVERTISE_INTERVAL_MAX_MS = 2000;
/** Default interval, in ms (RFC 5227's PROBE_MIN, RFC 4861's RetransTimer). */
export const ADVERTISE_INTERVAL_DEFAULT_MS = 1000;
/** How long to wait for the kernel to report the link up before giving up on announcing, in ms (osl's 5 s). */
export const LINK_UP_WAIT_MS = 5000;
/** How long to wait for the peer's bridge port to be forwarding, in ms (osl's 200 ms, polled every 10 ms). */
export const BRIDGE_PORT_WAIT_MS = 200;

/** Why the announcements ended. */
export type AdvertisementEnd =
  /** Every round was sent. */
  | 'done'
  /** `advertiseAddrNMsgs` is 0. */
  | 'disabled'
  /** Nothing to announce: no IPv4 or IPv6 address, or a link without an Ethernet MAC. */
  | 'nothing'
  /** The kernel did not report the link up within {@link LINK_UP_WAIT_MS}. */
  | 'not-up'
  /** The interface was removed or the sandbox destroyed. */
  | 'stopped'
  /** The link's MAC changed since the first round. */
  | 'mac-changed'
  /** The link is gone from the sandbox. */
  | 'link-gone'
  /** A lookup or a send failed (`error` says which). */
  | 'failed';

/** What the announcements of one interface did (`Interface.advertisement`). */
export interface AdvertisementReport {
  /** Rounds sent (each: one ARP for the IPv4 address, one NA for the IPv6 address, as configured). */
  rounds: number;
  /** Why they ended. */
  end: AdvertisementEnd;
  /** The failure, when `end` is `'failed'`. */
  error?: Error;
}

/** What to announce, and where. */
export interface AdvertiseRequest {
  /** An fd of the sandbox's namespace. */
  netns: number;
  /** The handle inside the sandbox. */
  nl: RtNetlink;
  /** The handle in the source namespace, where the other end of a veth may be a bridge port. */
  source: RtNetlink;
  /** How long to wait for the link to be up, in ms (0: only look; a link that is down is not announced). */
  upWaitMs: number;
  /** The link inside the sandbox. */
  ifindex: number;
  /** The IPv4 address (4 bytes), if any. */
  ipv4: Uint8Array | undefined;
  /** The IPv6 address (16 bytes), if any. */
  ipv6: Uint8Array | undefined;
  /** Rounds to send (0..3). */
  nMsgs: number;
  /** Milliseconds between rounds. */
  intervalMs: number;
}

/**
 * Resolves to the link once the kernel reports it administratively up (IFF_UP), or undefined after
 * `timeoutMs`, when the link is deleted, or when `signal` aborts. Looks first; if the link is not
 * up, subscribes to link events inside the namespace, looks again (an event between the first
 * look and the subscription is not missed), then waits for an event of that link; an overrun
 * makes it look again. A missing link is the kernel's NetlinkError ENODEV at the first look.
 */
async function awaitUp(nl: RtNetlink, ifindex: number, timeoutMs: number, signal?: AbortSignal): Promise<Link | undefined> {
  const first = await nl.links.get(ifindex);
  if (first.up) return first;
  if (signal?.aborted || timeoutMs <= 0) return undefined;
  const monitor = nl.monitor({ groups: ['link'] });
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => monitor.close();
  signal?.addEventListener('abort', onAbort);
  try {
    const again = await nl.links.get(ifindex).catch((e: unknown) => {
      if (errnoOf(e) === ENODEV) return undefined;
      throw e;
    });
    if (again === undefined || again.up) return again;
    timer = setTimeout(() => monitor.close(), timeoutMs);
    timer.unref();
    for await (const event of monitor) {
      if (event.type === 'overrun') {
        const link = await nl.links.get(ifindex).catch(() => undefined);
        if (link === undefined || link.up) return link;
        continue;
      }
      if (event.kind !== 'link' || event.object.ifindex !== ifindex) continue;
      if (event.type === 'del') return undefined;
      if (event.object.up) return event.object;
    }
    return undefined; // closed: timed out or aborted
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    monitor.close();
  }
}

/**
 * Waits until the kernel reports link `ifindex` of `nl`'s namespace up (osl's `waitForIfUpped`):
 * true at once if it is, else true on the event that says so, false after `timeoutMs` (ms) or if
 * the link is deleted meanwhile, or when `signal` aborts. A link that does not exist is a
 * NetlinkError ENODEV.
 */
export async function waitForLinkUp(nl: RtNetlink, ifindex: number, timeoutMs = LINK_UP_WAIT_MS, signal?: AbortSignal): Promise<boolean> {
  return (await awaitUp(nl, ifindex, timeoutMs, signal)) !== undefined;
}

/** The announcements of one interface; made by {@link startAdvertising}. */
export interface Advertiser {
  /** Resolves once the first round went out (or the announcements ended before it). Never rejects. */
  readonly started: Promise<void>;
  /** Resolves when the announcements ended, with what they did. Never rejects. */
  readonly report: Promise<AdvertisementReport>;
  /** Stops the rounds still to come (and a wait for the link); idempotent. */
  stop(): void;
}

/** Starts announcing; see the module comment. */
export function startAdvertising(req: AdvertiseRequest): Advertiser {
  const abort = new AbortController();
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => { markStarted = resolve; });
  const report = run(req, abort.signal, markStarted).then((r) => {
    markStarted();
    return r;
  });
  return { started, report, stop: () => abort.abort() };
}

/**
 * osl's `waitForBridgePort`: when `link` is a veth whose other end (IFLA_LINK, looked up in the
 * source namespace, and pointing back at `link`) is a port of a bridge without STP, polls the
 * port's IFLA_BRPORT_STATE every 10 ms, at most {@link BRIDGE_PORT_WAIT_MS}, until it forwards. With
 * STP on, the port would not forward within that time: no wait, as osl. Lookups that fail end it.
 */
async function waitForBridgePort(source: RtNetlink, link: Link, signal: AbortSignal): Promise<void> {
  if (link.kind !== 'veth' || link.link === undefined) return;
  const quiet = (ref: number): Promise<Link | undefined> => source.links.get(ref).catch(() => undefined);
  const peer = await quiet(link.link);
  if (peer === undefined || peer.kind !== 'veth' || peer.link !== link.ifindex || peer.master === undefined) return;
  const bridge = await quiet(peer.master);
  if (linkKindData(bridge?.linkInfo, 'bridge')?.stpState !== 0) return;
  for (let waited = 0; ; waited += 10) {
    const port = linkSlaveData((await quiet(peer.ifindex))?.linkInfo, 'bridge');
    if (port === undefined || port.state === 'forwarding' || waited >= BRIDGE_PORT_WAIT_MS || signal.aborted) return;
    await pause(10, signal);
  }
}

/** Sleeps `ms` unless `signal` aborts first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

async function run(req: AdvertiseRequest, signal: AbortSignal, markStarted: () => void): Promise<AdvertisementReport> {
  if (req.nMsgs === 0) return { rounds: 0, end: 'disabled' };
  if (req.ipv4 === undefined && req.ipv6 === undefined) return { rounds: 0, end: 'nothing' };
  let rounds = 0;
  let fd = -1;
  const ended = (end: AdvertisementEnd, error?: unknown): AdvertisementReport => {
    if (signal.aborted) return { rounds, end: 'stopped' };
    if (end !== 'failed') return { rounds, end };
    if (errnoOf(error) === ENODEV) return { rounds, end: 'link-gone' };
    return { rounds, end, error: error instanceof Error ? error : new Error(String(error)) };
  };
  try {
    const link = await awaitUp(req.nl, req.ifindex, req.upWaitMs, signal);
    if (link === undefined) return ended('not-up');
    const mac = link.mac;
    if (link.linkType !== 'ether' || mac === undefined) return ended('nothing');
    await waitForBridgePort(req.source, link, signal);
    const macBytes = parseMac('mac', mac);
    const frames: Array<[number, Buffer]> = [];
    if (req.ipv4 !== undefined) frames.push([ETH_P_ARP, arpAnnouncement(macBytes, req.ipv4)]);
    if (req.ipv6 !== undefined) frames.push([ETH_P_IPV6, unsolicitedNeighborAdvertisement(macBytes, req.ipv6)]);
    fd = native().packetOpen(req.netns, req.ifindex, 0);
    if (fd < 0) throw new NetlinkError(-fd, 'socket');
    for (;;) {
      if (signal.aborted) return ended('stopped');
      for (const [protocol, frame] of frames) {
        const r = native().packetSend(fd, req.ifindex, protocol, frame, 0, frame.length);
        if (r < 0) throw new NetlinkError(-r, 'sendto');
      }
      rounds++;
      markStarted();
      if (rounds >= req.nMsgs) return ended('done');
      await pause(req.intervalMs, signal);
      if (signal.aborted) return ended('stopped');
      const now = await req.nl.links.get(req.ifindex);
      if (now.mac !== mac) return ended('mac-changed');
    }
  } catch (e) {
    return ended('failed', e);
  } finally {
    // Releasing a packet socket waits for an RCU grace period: not on the event loop.
    if (fd >= 0) native().socketCloseLater(fd);
  }
}
