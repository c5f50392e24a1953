/**
 * `nl.addresses: IP addresses (RTM_*ADDR). TODO(issue 3): being written.
 */
import type { Connection } from './connection.js';
import type { Links } from './links.js';

/** nl.addresses: IP addresses (RTM_*ADDR) */
export class Addresses {
  /** @internal */
  constructor(protected readonly conn: Connection, protected readonly links: Links) {}
}
