/**
 * `nl.neighbors: neighbour and FDB entries (RTM_*NEIGH). TODO(issue 3): being written.
 */
import type { Connection } from './connection.js';
import type { Links } from './links.js';

/** nl.neighbors: neighbour and FDB entries (RTM_*NEIGH) */
export class Neighbors {
  /** @internal */
  constructor(protected readonly conn: Connection, protected readonly links: Links) {}
}
