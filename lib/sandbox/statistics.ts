/**
 * InterfaceStatistics: the eight counters libnetwork reports for a sandbox interface, read from the
 * kernel's IFLA_STATS64 (struct rtnl_link_stats64) inside the sandbox, as bigint.
 */
import { ValidationError } from '../netlink/core/errors.js';
import type { LinkStats64 } from '../netlink/rtnl/link/codec.js';

const COUNTERS = ['rxBytes', 'rxPackets', 'rxErrors', 'rxDropped', 'txBytes', 'txPackets', 'txErrors', 'txDropped'] as const;
const U64_MAX = (1n << 64n) - 1n;

/** The counters of one interface (libnetwork's `InterfaceStatistics`), all from IFLA_STATS64. */
export class InterfaceStatistics {
  /** rx_bytes. */
  readonly rxBytes: bigint;
  /** rx_packets. */
  readonly rxPackets: bigint;
  /** rx_errors. */
  readonly rxErrors: bigint;
  /** rx_dropped. */
  readonly rxDropped: bigint;
  /** tx_bytes. */
  readonly txBytes: bigint;
  /** tx_packets. */
  readonly txPackets: bigint;
  /** tx_errors. */
  readonly txErrors: bigint;
  /** tx_dropped. */
  readonly txDropped: bigint;

  /** From the kernel's counters; each must be a bigint in 0..2^64-1 (a ValidationError otherwise). */
  constructor(stats: Pick<LinkStats64, 'rxBytes' | 'rxPackets' | 'rxErrors' | 'rxDropped' | 'txBytes' | 'txPackets' | 'txErrors' | 'txDropped'>) {
    if (typeof stats !== 'object' || stats === null) throw new ValidationError('stats', stats, 'the eight IFLA_STATS64 counters are required');
    for (const name of COUNTERS) {
      const v: unknown = stats[name];
      if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) throw new ValidationError(`stats.${name}`, v, 'a bigint in 0..2^64-1 is required');
    }
    this.rxBytes = stats.rxBytes;
    this.rxPackets = stats.rxPackets;
    this.rxErrors = stats.rxErrors;
    this.rxDropped = stats.rxDropped;
    this.txBytes = stats.txBytes;
    this.txPackets = stats.txPackets;
    this.txErrors = stats.txErrors;
    this.txDropped = stats.txDropped;
  }

  /**
   * libnetwork's format: `"\nRxBytes: %d, RxPackets: %d, RxErrors: %d, RxDropped: %d, TxBytes: %d,
   * TxPackets: %d, TxErrors: %d, TxDropped: %d"` (with the leading newline).
   */
  toString(): string {
    return `\nRxBytes: ${this.rxBytes}, RxPackets: ${this.rxPackets}, RxErrors: ${this.rxErrors}, RxDropped: ${this.rxDropped}, `
      + `TxBytes: ${this.txBytes}, TxPackets: ${this.txPackets}, TxErrors: ${this.txErrors}, TxDropped: ${this.txDropped}`;
  }

  /** The counters as a plain object (bigint, as the fields). */
  toObject(): Record<'rxBytes' | 'rxPackets' | 'rxErrors' | 'rxDropped' | 'txBytes' | 'txPackets' | 'txErrors' | 'txDropped', bigint> {
    return {
      rxBytes: this.rxBytes, rxPackets: this.rxPackets, rxErrors: this.rxErrors, rxDropped: this.rxDropped,
      txBytes: this.txBytes, txPackets: this.txPackets, txErrors: this.txErrors, txDropped: this.txDropped,
    };
  }

  /** The counters as decimal strings (JSON has no bigint). */
  toJSON(): Record<string, string> {
    return {
      rxBytes: `${this.rxBytes}`, rxPackets: `${this.rxPackets}`, rxErrors: `${this.rxErrors}`, rxDropped: `${this.rxDropped}`,
      txBytes: `${this.txBytes}`, txPackets: `${this.txPackets}`, txErrors: `${this.txErrors}`, txDropped: `${this.txDropped}`,
    };
  }
}
