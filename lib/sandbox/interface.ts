/**
 * Interface: one network interface a sandbox manages (libnetwork's `Interface`): its names, its
 * configuration as it was applied, and `remove()`/`statistics()`. Getters return copies.
 */
import type { CheckedPrefix } from './options.js';
import type { InterfaceStatistics } from './statistics.js';

/** How an interface came into the sandbox (decides what `remove()` does). */
export type InterfaceOrigin =
  /** An existing link moved in from the source namespace: remove() moves it back. */
  | 'moved'
  /** A bridge created inside: remove() deletes it. */
  | 'bridge'
  /** A veth end born inside by addVeth: remove() deletes the pair. */
  | 'veth'
  /**
   * Found by Sandbox.restore: remove() moves it to the source namespace (a bridge is deleted; a
   * veth whose host end is in the source namespace is restored as `'veth'`).
   */
  | 'restored';

/** @internal What the sandbox knows about an interface. */
export interface InterfaceRecord {
  srcName: string;
  dstName: string;
  /** ifindex inside the sandbox. */
  ifindex: number;
  address: CheckedPrefix | undefined;
  addressIPv6: CheckedPrefix | undefined;
  mac: string | undefined;
  bridge: boolean;
  master: string | undefined;
  routes: CheckedPrefix[];
  origin: InterfaceOrigin;
  /** A remove() is in flight. */
  removing: boolean;
}

/** @internal The sandbox side of an interface. */
export interface InterfaceHost {
  removeInterface(iface: Interface, record: InterfaceRecord): Promise<void>;
  interfaceStatistics(iface: Interface, record: InterfaceRecord): Promise<InterfaceStatistics>;
}

/** @internal Access to an interface's record for the sandbox (not part of the public API). */
export const RECORD: unique symbol = Symbol('rtnetlink.sandbox.interface');

/** An interface of a sandbox, as returned by `addInterface`/`addVeth` and listed by `info()`. */
export class Interface {
  readonly #host: InterfaceHost;
  readonly #record: InterfaceRecord;

  /** @internal */
  constructor(host: InterfaceHost, record: InterfaceRecord) {
    this.#host = host;
    this.#record = record;
  }

  /** @internal */
  get [RECORD](): InterfaceRecord {
    return this.#record;
  }

  /** The name in the source namespace (for addVeth: the host end's name). */
  get srcName(): string {
    return this.#record.srcName;
  }

  /** The name inside the sandbox: the prefix plus the lowest free number (`eth0`). */
  get dstName(): string {
    return this.#record.dstName;
  }

  /** The IPv4 address with prefix length (`'10.0.0.2/24'`), if one was set. */
  get address(): string | undefined {
    return this.#record.address?.text;
  }

  /** The IPv6 address with prefix length, if one was set. */
  get addressIPv6(): string | undefined {
    return this.#record.addressIPv6?.text;
  }

  /** The MAC address that was set, if one was. */
  get mac(): string | undefined {
    return this.#record.mac;
  }

  /** The link-scope routes through this interface (a copy). */
  get routes(): string[] {
    return this.#record.routes.map((r) => r.text);
  }

  /** True for a bridge created inside the sandbox. */
  get bridge(): boolean {
    return this.#record.bridge;
  }

  /** The source name of the bridge this interface is enslaved to, if any. */
  get master(): string | undefined {
    return this.#record.master;
  }

  /**
   * Takes the interface out of the sandbox: down, renamed back to {@link srcName}, then moved back
   * to the namespace it came from (a bridge, or a veth made by addVeth, is deleted instead). On
   * failure the interface stays listed; calling remove() again after success is a SandboxError.
   */
  remove(): Promise<void> {
    return this.#host.removeInterface(this, this.#record);
  }

  /** The interface's counters, read from the kernel's IFLA_STATS64 inside the sandbox. */
  statistics(): Promise<InterfaceStatistics> {
    return this.#host.interfaceStatistics(this, this.#record);
  }

  toJSON(): object {
    return {
      srcName: this.srcName, dstName: this.dstName, address: this.address, addressIPv6: this.addressIPv6,
      mac: this.mac, routes: this.routes, bridge: this.bridge, master: this.master,
    };
  }
}
