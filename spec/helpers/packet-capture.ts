/**
 * A packet capture for live tests: an AF_PACKET socket (the native helper's packetOpen) bound to one
 * link of a namespace, read on the event loop, keeping every frame with the time it was read. It is
 * the oracle of the unsolicited ARP/NA tests: what the wire carried, byte for byte.
 */
import { native, type NativePoller } from '../../lib/netlink/transport/native.js';

/** ETH_P_ALL: every frame, whatever its ethertype. */
export const ETH_P_ALL = 3;

/** A captured frame: the whole Ethernet frame and when it was read (ms, performance.now()). */
export interface CapturedFrame {
  bytes: Buffer;
  at: number;
}

/** A capture on one link; close it in the test's teardown. */
export class PacketCapture {
  readonly frames: CapturedFrame[] = [];
  readonly #fd: number;
  readonly #poller: NativePoller;
  readonly #buf = Buffer.alloc(65536);
  readonly #meta = new Int32Array(4);
  #waiters: Array<() => void> = [];
  #closed = false;

  /** Starts capturing `protocol` frames (default: all) on link `ifindex` of the namespace `netns`. */
  constructor(netns: string | number, ifindex: number, protocol = ETH_P_ALL) {
    const fd = native().packetOpen(netns, ifindex, protocol);
    if (fd < 0) throw new Error(`packetOpen failed: errno ${-fd}`);
    this.#fd = fd;
    this.#poller = native().pollerCreate(fd, () => this.#drain());
    this.#poller.start();
    this.#poller.unref();
  }

  #drain(): void {
    for (;;) {
      const n = native().socketRecv(this.#fd, this.#buf, 0, this.#buf.length, this.#meta);
      if (n < 0) break;
      this.frames.push({ bytes: Buffer.from(this.#buf.subarray(0, Math.min(n, this.#buf.length))), at: performance.now() });
    }
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** The captured frames `keep` selects. */
  matching(keep: (f: Buffer) => boolean): CapturedFrame[] {
    return this.frames.filter((f) => keep(f.bytes));
  }

  /**
   * Resolves with the frames `keep` selects once there are at least `count`, or with what there is
   * after `timeoutMs`.
   */
  async waitFor(keep: (f: Buffer) => boolean, count: number, timeoutMs = 5000): Promise<CapturedFrame[]> {
    const end = performance.now() + timeoutMs;
    for (;;) {
      this.#drain();
      const found = this.matching(keep);
      if (found.length >= count || performance.now() >= end) return found;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, end - performance.now()));
        this.#waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** Stops capturing and closes the socket. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#poller.close();
    native().socketClose(this.#fd);
  }
}

/** True for an ARP frame (ethertype 0x0806). */
export function isArp(f: Buffer): boolean {
  return f.length >= 42 && f.readUInt16BE(12) === 0x0806;
}

/** True for an ICMPv6 Neighbour Advertisement in an IPv6 frame without extension headers. */
export function isNeighborAdvertisement(f: Buffer): boolean {
  return f.length >= 14 + 40 + 24 && f.readUInt16BE(12) === 0x86dd && f[14 + 6] === 58 && f[14 + 40] === 136;
}
